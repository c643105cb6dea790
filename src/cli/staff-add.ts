import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../lib/config.ts';
import { createAppContext } from '../app-context.ts';
import { createAccount } from '../staff/accounts.ts';
import { totpUri } from '../staff/credentials.ts';
import { random } from '../lib/crypto.ts';
import { findAccountId } from '../db/outbox-repo.ts';
import { parseInput } from '../services/fields.ts';
import { invalid, type Failure } from '../services/outcome.ts';
import { setNotifyContact, StaffContactInput } from '../services/notifications.ts';

/**
 * Create a staff account: the first commission admin after install, or any later account.
 *
 *   npm run staff:add -- --username li.admin --name "..." --role admin
 *   npm run staff:add -- --username wang.school --name "..." --role responder --unit xixi-central-primary \
 *     --email wang@school.example --phone 13800000000
 *
 * No default account exists (ASVS V6.3.2). The password is generated (printed once) unless
 * STAFF_PASSWORD is set in the environment; the TOTP secret is printed once, with its otpauth:// URI,
 * to be entered in an authenticator app. Nothing secret is passed on the command line. `--email` and
 * `--phone` say where the account is told of new items and deadlines (src/services/notifications.ts);
 * run again with `--contact-only` to set them on an existing account (empty values clear them).
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      unit: { type: 'string', multiple: true },
      email: { type: 'string' },
      phone: { type: 'string' },
      'contact-only': { type: 'boolean' },
    },
    strict: true,
  });
  const config = loadConfig();
  const password = process.env.STAFF_PASSWORD ?? Buffer.from(random(18)).toString('base64url');
  const app = await createAppContext(config, { migrate: true });
  const contact = { email: values.email, phone: values.phone };
  const printFailure = (what: string, failed: Failure) => {
    const fields =
      'fields' in failed
        ? Object.entries(failed.fields).map(([f, keys]) => `  ${f}: ${keys.join(', ')}`)
        : [`  ${failed.code}`];
    process.stderr.write(`${what}:\n${fields.join('\n')}\n`);
  };
  try {
    if (values['contact-only']) {
      const id = await findAccountId(app.database, String(values.username));
      const set = id
        ? await setNotifyContact(app.database, id, contact, 'cli', app.now())
        : invalid({ username: ['notify.account.unknown'] });
      if (!set.ok) {
        printFailure('contact not set', set);
        return 1;
      }
      process.stdout.write(`notification contact set: ${values.username!}\n`);
      return 0;
    }
    const checked = parseInput(StaffContactInput, contact);
    if (!checked.ok) {
      printFailure('account not created', checked);
      return 1;
    }
    const created = await createAccount(
      app.staff,
      { username: values.username, displayName: values.name, role: values.role, password, unitIds: values.unit ?? [] },
      'cli',
    );
    if (!created.ok) {
      printFailure('account not created', created);
      return 1;
    }
    if (values.email || values.phone) {
      const set = await setNotifyContact(app.database, created.id, contact, 'cli', app.now());
      if (!set.ok) {
        printFailure('contact not set', set);
        return 1;
      }
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
