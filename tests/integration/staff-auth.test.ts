import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { testServices } from '../support/channel.ts';
import type { StaffContext } from '../../src/staff/context.ts';
import { createAccount, setDisabled } from '../../src/staff/accounts.ts';
import { login, logout, resolveSession } from '../../src/staff/auth.ts';
import { totpCode } from '../../src/staff/credentials.ts';
import { staffPolicy } from '../../src/domain/staff/roles.ts';
import type { Database } from '../../src/db/client.ts';

/** A clock the test moves by hand. */
function fakeClock(start: string) {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance: (ms: number) => void (t += ms),
    set: (iso: string) => void (t = new Date(iso).getTime()),
  };
}

const MIN = 60_000;
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXA';
const PASSWORD = 'a long enough test password';

let env: Awaited<ReturnType<typeof freshDatabase>>;
let database: Database;
let clock: ReturnType<typeof fakeClock>;
let ctx: StaffContext;

beforeAll(async () => {
  env = await freshDatabase();
  database = env.database;
  clock = fakeClock('2026-03-02T01:00:00Z');
  ctx = testServices(database, { now: clock.now }).staff;
  for (const username of ['alice', 'bob', 'carol', 'dave']) {
    const r = await createAccount(
      ctx,
      { username, displayName: username, role: 'moderator', password: PASSWORD },
      'test',
      { totpSecret: SECRET },
    );
    expect(r.ok).toBe(true);
  }
});
afterAll(() => env.dispose());

// Each login needs a fresh TOTP step (a code is good once): move the clock past the step first.
const nextStep = () => clock.advance(31_000);
const attempt = (username: string, over: Partial<{ password: string; code: string }> = {}, ip = '192.0.2.1') =>
  login(
    ctx,
    { username, password: over.password ?? PASSWORD, code: over.code ?? totpCode(SECRET, clock.now()) },
    ip,
    null,
  );

describe('staff login', () => {
  test('password and TOTP open a session; the stored hash is Argon2id and the secret is sealed', async () => {
    nextStep();
    const r = await attempt('alice');
    expect(r.ok).toBe(true);
    const row = await database.client.execute(
      "SELECT password_hash, totp_sealed FROM staff_accounts WHERE username = 'alice'",
    );
    expect(String(row.rows[0]!.password_hash)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(String(row.rows[0]!.totp_sealed)).not.toContain(SECRET);
  });

  test('a TOTP code is accepted once (replay refused), wrong codes and passwords fail alike', async () => {
    nextStep();
    const code = totpCode(SECRET, clock.now());
    expect((await attempt('bob', { code })).ok).toBe(true);
    expect(await attempt('bob', { code })).toEqual({ ok: false, reason: 'failed' });
    nextStep();
    expect(await attempt('bob', { code: '000000' === totpCode(SECRET, clock.now()) ? '111111' : '000000' })).toEqual({
      ok: false,
      reason: 'failed',
    });
    expect(await attempt('bob', { password: 'wrong password!!' })).toEqual({ ok: false, reason: 'failed' });
    expect(await attempt('nobody')).toEqual({ ok: false, reason: 'failed' });
    const outcomes = await database.client.execute('SELECT outcome FROM staff_logins ORDER BY id');
    expect(outcomes.rows.map((r) => r.outcome)).toEqual(
      expect.arrayContaining(['ok', 'replayed', 'code', 'password', 'unknown']),
    );
  });

  test('5 failures in 15 minutes lock the account (even with the right password), until the window passes', async () => {
    clock.set('2026-03-03T01:00:00Z');
    for (let i = 0; i < staffPolicy.lockoutFailures - 1; i++) {
      expect(await attempt('carol', { password: `wrong password ${i}` })).toEqual({ ok: false, reason: 'failed' });
      clock.advance(2 * MIN);
    }
    // Four failures: not locked yet.
    nextStep();
    const fifth = await attempt('carol', { password: 'wrong password 5' });
    expect(fifth.ok).toBe(false);
    nextStep();
    const locked = await attempt('carol');
    expect(!locked.ok && locked.reason).toBe('locked');
    // The first failure was at 01:00; the lock lifts when it is 15 minutes old.
    if (!locked.ok && locked.reason === 'locked') expect(locked.until.toISOString()).toBe('2026-03-03T01:15:00.000Z');
    clock.set('2026-03-03T01:14:30Z');
    expect((await attempt('carol')).ok).toBe(false);
    clock.set('2026-03-03T01:15:01Z');
    expect((await attempt('carol')).ok).toBe(true);
  });

  test('sessions: idle 30 minutes and absolute 12 hours end them; logout and disable end them at once', async () => {
    clock.set('2026-03-04T00:00:00Z');
    const r = await attempt('dave');
    if (!r.ok) throw new Error('login failed');
    // Active every 20 minutes: the idle timeout never fires, the absolute one does at 12 h.
    for (let i = 0; i < 35; i++) {
      clock.advance(20 * MIN);
      expect((await resolveSession(ctx, r.token)).ok).toBe(true);
    }
    clock.set('2026-03-04T12:00:00Z');
    expect(await resolveSession(ctx, r.token)).toEqual({ ok: false, reason: 'absolute' });

    nextStep();
    const idle = await attempt('dave');
    if (!idle.ok) throw new Error('login failed');
    clock.advance(29 * MIN);
    expect((await resolveSession(ctx, idle.token)).ok).toBe(true);
    clock.advance(30 * MIN + 1000);
    expect(await resolveSession(ctx, idle.token)).toEqual({ ok: false, reason: 'idle' });

    nextStep();
    const out = await attempt('dave');
    if (!out.ok) throw new Error('login failed');
    const s = await resolveSession(ctx, out.token);
    if (!s.ok) throw new Error('no session');
    await logout(ctx, s.session);
    expect(await resolveSession(ctx, out.token)).toEqual({ ok: false, reason: 'revoked' });

    nextStep();
    const a = await attempt('dave');
    nextStep();
    const b = await attempt('dave');
    if (!a.ok || !b.ok) throw new Error('login failed');
    expect(a.token).not.toBe(b.token);
    expect(await setDisabled(ctx, a.account, true, 'test')).toBe(true);
    expect((await resolveSession(ctx, a.token)).ok).toBe(false);
    expect((await resolveSession(ctx, b.token)).ok).toBe(false);
    nextStep();
    expect(await attempt('dave')).toEqual({ ok: false, reason: 'failed' });
  });

  test('a new login replaces the session cookie it came with (new id on login)', async () => {
    nextStep();
    const first = await attempt('alice');
    if (!first.ok) throw new Error('login failed');
    nextStep();
    const second = await login(
      ctx,
      { username: 'alice', password: PASSWORD, code: totpCode(SECRET, clock.now()) },
      '192.0.2.1',
      first.token,
    );
    if (!second.ok) throw new Error('login failed');
    expect(second.token).not.toBe(first.token);
    expect((await resolveSession(ctx, first.token)).ok).toBe(false);
    expect((await resolveSession(ctx, second.token)).ok).toBe(true);
  });
});
