import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../lib/config.ts';
import { assertDurability, migrateDatabase, openDatabase } from '../db/client.ts';
import { resolveSecrets } from '../lib/secrets.ts';
import { createStaffContext } from '../staff/context.ts';
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
  const database = await openDatabase({
    url: config.DATABASE_URL,
    authToken: config.DATABASE_AUTH_TOKEN,
    busyTimeoutMs: config.DATABASE_BUSY_TIMEOUT_MS,
  });
  try {
    await migrateDatabase(database);
    await assertDurability(database);
    const ctx = createStaffContext({ database, secrets: resolveSecrets(config) });
    const created = await createAccount(
      ctx,
      { username: values.username, displayName: values.name, role: values.role, password, unitIds: values.unit ?? [] },
      'cli',
    );
    if (!created.ok) {
      const fields =
        'fields' in created && created.fields
          ? Object.entries(created.fields).map(([f, keys]) => `  ${f}: ${keys.join(', ')}`)
          : [`  ${created.code}`];
      process.stderr.write(`account not created:\n${fields.join('\n')}\n`);
      return 1;
    }
    await database.seal();
    process.stdout.write(
      [
        `account created: ${values.username} (${values.role})`,
        process.env.STAFF_PASSWORD ? 'password: (from STAFF_PASSWORD)' : `password (shown once): ${password}`,
        `TOTP secret (shown once): ${created.totpSecret}`,
        `authenticator URI: ${totpUri(created.totpSecret, String(values.username))}`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
