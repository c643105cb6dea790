import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { TEST_SECRETS, testServices } from '../support/channel.ts';
import { seedDatabase } from '../../db/seed.ts';
import { demoStaff } from '../../db/seed-staff.ts';
import { countAccounts } from '../../src/db/staff-repo.ts';
import { login } from '../../src/staff/auth.ts';
import { totpCode } from '../../src/staff/credentials.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const staffSection = README.slice(README.indexOf('### Demo staff accounts'));

let env: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  env = await freshDatabase({ demoChannel: true });
}, 60_000);
afterAll(() => env.dispose());

describe('demo staff accounts', () => {
  test('the README lists every demo account with its password and TOTP secret, and each can sign in', async () => {
    let t = Date.parse('2026-05-01T00:00:00Z');
    const ctx = testServices(env.database, { now: () => new Date(t) }).staff;
    for (const a of demoStaff) {
      const row = staffSection.split('\n').find((l) => l.includes(`\`${a.username}\``));
      expect(row, a.username).toBeDefined();
      expect(row).toContain(`\`${a.password}\``);
      expect(row).toContain(`\`${a.totpSecret}\``);
      t += 31_000;
      const r = await login(
        ctx,
        { username: a.username, password: a.password, code: totpCode(a.totpSecret, new Date(t)) },
        '192.0.2.1',
        null,
      );
      expect(r.ok, a.username).toBe(true);
    }
  });

  test('the README row for the responder’s demo item is a new suggestion of 西溪镇中心小学', async () => {
    const row = README.split('\n').find((l) => l.includes('new suggestion'))!;
    const code = /`([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})`/.exec(row)![1]!.replace(/-/g, '');
    const rs = await env.database.client.execute({
      sql: 'SELECT unit_id, kind, state FROM feedback_items WHERE tracking_code = ?',
      args: [code],
    });
    expect(rs.rows.map((r) => [r.unit_id, r.kind, r.state])).toEqual([
      ['xixi-central-primary', 'suggestion', 'received'],
    ]);
  });

  test('no account without DEMO; seeding again adds none', async () => {
    const before = await countAccounts(env.database);
    await seedDatabase(env.database, { demo: true, now: new Date(), secrets: TEST_SECRETS });
    expect(await countAccounts(env.database)).toBe(before);
    const plain = await freshDatabase({ seed: false });
    try {
      await seedDatabase(plain.database, { demo: false, now: new Date(), secrets: TEST_SECRETS });
      expect(await countAccounts(plain.database)).toBe(0);
    } finally {
      plain.dispose();
    }
  });
});

describe('npm run staff:add', () => {
  const run = (args: string[], extra: Record<string, string> = {}) => {
    const r = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('../../src/cli/staff-add.ts', import.meta.url)), ...args],
      {
        env: {
          ...process.env,
          NODE_ENV: 'development',
          DATABASE_URL: `file:${env.file}`,
          CONTACT_KEY: TEST_SECRETS.contactKey.toString('base64'),
          APP_SECRET: TEST_SECRETS.appSecret.toString('utf8'),
          ...extra,
        },
        encoding: 'utf8',
      },
    );
    return { code: r.status, out: r.stdout + r.stderr };
  };

  test('creates the first admin with a generated password and a TOTP secret shown once; that account can sign in', async () => {
    const r = run(['--username', 'li.admin', '--name', 'Li', '--role', 'admin']);
    expect(r.code, r.out).toBe(0);
    const password = /password \(shown once\): (\S+)/.exec(r.out)![1]!;
    const secret = /TOTP secret \(shown once\): ([A-Z2-7]+)/.exec(r.out)![1]!;
    expect(r.out).toMatch(/otpauth:\/\/totp\//);
    const now = new Date('2026-06-01T00:00:00Z');
    const ctx = testServices(env.database, { now: () => now }).staff;
    expect(
      (await login(ctx, { username: 'li.admin', password, code: totpCode(secret, now) }, '192.0.2.2', null)).ok,
    ).toBe(true);
  }, 90_000);

  test('refuses a responder without a unit, an unknown unit and a taken username (exit 1, field named)', () => {
    expect(
      run(['--username', 'wang.x', '--name', 'W', '--role', 'responder'], { STAFF_PASSWORD: 'long enough password' })
        .out,
    ).toContain('unitIds: staff.units.responderOnly');
    expect(
      run(['--username', 'wang.y', '--name', 'W', '--role', 'responder', '--unit', 'no-such-unit'], {
        STAFF_PASSWORD: 'long enough password',
      }).out,
    ).toContain('unitIds: staff.units.unknown');
    const taken = run(['--username', 'li.admin', '--name', 'L', '--role', 'admin']);
    expect([taken.code, taken.out.includes('username: staff.username.taken')]).toEqual([1, true]);
  }, 120_000);
});
