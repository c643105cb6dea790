import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../lib/config.ts';
import { createAppContext } from '../app-context.ts';
import { createAccount } from '../staff/accounts.ts';
import { totpUri } from '../staff/credentials.ts';
import { random } from '../lib/crypto.ts';

/**
 * Create a staff account: the first commission admin after install, or any later account.
 *
 *   npm run staff:add -- --username li.admin --name "..." --role admin
 *   npm run staff:add -- --username wang.school --name "..." --role responder --unit xixi-central-primary
 *
 * No default account exists (ASVS V6.3.2). The password is generated (printed once) unless
 * STAFF_PASSWORD is set in the environment; the TOTP secret is printed once, with its otpauth:// URI,
 * to be entered in an authenticator app. Nothing secret is passed on the command line.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      unit: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const config = loadConfig();
  const password = process.env.STAFF_PASSWORD ?? Buffer.from(random(18)).toString('base64url');
  const app = await createAppContext(config, { migrate: true });
  try {
    const created = await createAccount(
      app.staff,
      { username: values.username, displayName: values.name, role: values.role, password, unitIds: values.unit ?? [] },
      'cli',
    );
    if (!created.ok) {
      const fields =
        'fields' in created
          ? Object.entries(created.fields).map(([f, keys]) => `  ${f}: ${keys.join(', ')}`)
          : [`  ${created.code}`];
      process.stderr.write(`account not created:\n${fields.join('\n')}\n`);
      return 1;
    }
    process.stdout.write(
      [
        `account created: ${values.username!} (${values.role!})`,
        process.env.STAFF_PASSWORD ? 'password: (from STAFF_PASSWORD)' : `password (shown once): ${password}`,
        `TOTP secret (shown once): ${created.totpSecret}`,
        `authenticator URI: ${totpUri(created.totpSecret, String(values.username))}`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    // Waits for the account's write and seals its audit row.
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
