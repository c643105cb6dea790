import { describe, expect, test } from 'vitest';
import {
  canAccess,
  safeNext,
  staffPolicy,
  sessionState,
  staffRoles,
  staffRoutes,
  NewStaffAccount,
} from '../../src/domain/staff/roles.ts';
import { maskForResponder } from '../../src/domain/staff/feedback-views.ts';
import { loginGate, pairDelayMs, type LoginHistory } from '../../src/domain/staff/login-limits.ts';
import { ARGON2_PARAMS, DUMMY_HASH } from '../../src/staff/credentials.ts';

const at = (iso: string) => new Date(iso);

describe('permission matrix', () => {
  test('every route is under /staff/ and names only known roles; every role has the home page', () => {
    for (const [key, r] of Object.entries(staffRoutes)) {
      expect(r.path.startsWith('/staff/'), key).toBe(true);
      for (const role of r.roles) expect(staffRoles).toContain(role);
    }
    for (const role of staffRoles) expect(canAccess(role, 'home')).toBe(true);
  });
  test('separation of duties: nobody but the admin manages accounts or reads the audit log; responders do not moderate', () => {
    expect(staffRoles.filter((r) => canAccess(r, 'accounts'))).toEqual(['admin']);
    expect(staffRoles.filter((r) => canAccess(r, 'audit'))).toEqual(['admin']);
    expect(staffRoles.filter((r) => canAccess(r, 'moderationItem'))).toEqual(['moderator']);
    expect(staffRoles.filter((r) => canAccess(r, 'evaluation'))).toEqual(['evaluator']);
  });
  test('separation of duties (issue 12): only approvers approve, only publishers publish', () => {
    expect(staffRoles.filter((r) => canAccess(r, 'approvals'))).toEqual(['approver']);
    expect(staffRoles.filter((r) => canAccess(r, 'approval'))).toEqual(['approver']);
    expect(staffRoles.filter((r) => canAccess(r, 'disclosures'))).toEqual(['publisher']);
  });
  test('an approver is bound to at least one unit, like a publisher', () => {
    const account = { username: 'wang.head', displayName: 'Wang', role: 'approver', password: 'x'.repeat(12) };
    expect(NewStaffAccount.safeParse({ ...account, unitIds: [] }).success).toBe(false);
    expect(NewStaffAccount.safeParse({ ...account, unitIds: ['a'] }).success).toBe(true);
  });
});

describe('loginGate', () => {
  const policy = staffPolicy;
  const now = at('2026-01-01T01:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const history = (over: Partial<LoginHistory> = {}): LoginHistory => ({
    pairFailures: [],
    addressFailures: [],
    usernameFailures: 0,
    ...over,
  });
  test.each([
    [0, 0],
    [2, 0],
    [3, 1_000],
    [4, 2_000],
    [5, 4_000],
    [13, 15 * 60_000],
    [100, 15 * 60_000],
  ])('after %i failures of a username at one address the next attempt waits %i ms', (n, wait) => {
    expect(pairDelayMs(n, policy)).toBe(wait);
  });
  test('too soon after the last failure of the pair: delayed, with the rest of the wait', () => {
    const pairFailures = [ago(5_000), ago(4_000), ago(500)];
    expect(loginGate(history({ pairFailures }), now, policy)).toEqual({
      ok: false,
      reason: 'delayed',
      retryAfterMs: 500,
    });
    expect(loginGate(history({ pairFailures: [ago(5_000), ago(4_000), ago(1_000)] }), now, policy)).toEqual({
      ok: true,
      slowdownMs: 0,
    });
    // Failures older than the window no longer count.
    expect(
      loginGate(
        history({ pairFailures: pairFailures.map((d) => new Date(d.getTime() - policy.failureWindowMs)) }),
        now,
        policy,
      ).ok,
    ).toBe(true);
  });
  test('an address with too many failures is throttled until enough of them leave the window', () => {
    const addressFailures = Array.from({ length: policy.failuresPerIp }, (_, i) => ago((i + 1) * 10_000));
    expect(loginGate(history({ addressFailures }), now, policy)).toEqual({
      ok: false,
      reason: 'throttled',
      retryAfterMs: policy.addressWindowMs - policy.failuresPerIp * 10_000,
    });
    expect(loginGate(history({ addressFailures: addressFailures.slice(1) }), now, policy).ok).toBe(true);
  });
  test.each([
    [0, 0],
    [10, 0],
    [11, 20],
    [60, 1_000],
    [500, 1_500],
    [100_000, 1_500],
  ])('%i failures of a username from everywhere slow each attempt by %i ms, never refuse it', (n, ms) => {
    expect(loginGate(history({ usernameFailures: n }), now, policy)).toEqual({ ok: true, slowdownMs: ms });
  });
});

describe('sessionState', () => {
  const s = { createdAt: at('2026-01-01T00:00:00Z'), lastSeenAt: at('2026-01-01T11:45:00Z'), revokedAt: null };
  test.each([
    ['2026-01-01T11:59:59Z', { ok: true }],
    ['2026-01-01T12:00:00Z', { ok: false, reason: 'absolute' }],
    ['2026-01-01T12:14:59Z', { ok: false, reason: 'absolute' }],
  ])('%s', (now, expected) => expect(sessionState(s, false, at(now))).toEqual(expected));
  test('idle after 30 minutes, revoked and disabled end it', () => {
    const fresh = { createdAt: at('2026-01-01T00:00:00Z'), lastSeenAt: at('2026-01-01T00:00:00Z'), revokedAt: null };
    expect(sessionState(fresh, false, at('2026-01-01T00:29:59Z'))).toEqual({ ok: true });
    expect(sessionState(fresh, false, at('2026-01-01T00:30:00Z'))).toEqual({ ok: false, reason: 'idle' });
    expect(sessionState({ ...fresh, revokedAt: fresh.createdAt }, false, at('2026-01-01T00:01:00Z'))).toEqual({
      ok: false,
      reason: 'revoked',
    });
    expect(sessionState(fresh, true, at('2026-01-01T00:01:00Z'))).toEqual({ ok: false, reason: 'disabled' });
  });
});

test('safeNext keeps only same-site staff paths', () => {
  expect(safeNext('/staff/inbox/')).toBe('/staff/inbox/');
  for (const bad of ['https://evil.example/', '//evil.example/staff/', '/feedback/', '/staff/\\evil', undefined, ''])
    expect(safeNext(bad)).toBe('/staff/');
});

test('accounts: responders need units, other roles must have none; usernames are normalised', () => {
  const base = { displayName: 'x', password: 'twelve chars!' };
  expect(
    NewStaffAccount.safeParse({ ...base, username: 'Wang.School', role: 'responder', unitIds: ['u1'] }).data?.username,
  ).toBe('wang.school');
  expect(NewStaffAccount.safeParse({ ...base, username: 'wang', role: 'responder', unitIds: [] }).success).toBe(false);
  expect(NewStaffAccount.safeParse({ ...base, username: 'li', role: 'admin', unitIds: ['u1'] }).success).toBe(false);
  expect(NewStaffAccount.safeParse({ ...base, username: 'li.admin', role: 'admin', password: 'short' }).success).toBe(
    false,
  );
});

test.each([
  ['电话13987654321，请回电', '电话***********，请回电'],
  ['电话 139-8765-4321', '电话 ***-****-****'],
  ['身份证 11010519491231002X 号', '身份证 ****************** 号'],
  ['座机 07105551234', '座机 ***********'],
  ['食堂 3 月 12 日午餐', '食堂 3 月 12 日午餐'],
])('maskForResponder(%s)', (input, output) => expect(maskForResponder(input)).toBe(output));

test('the dummy hash for unknown usernames has the same Argon2 parameters as real hashes', () => {
  const { memoryCost, timeCost, parallelism } = ARGON2_PARAMS;
  expect(DUMMY_HASH.startsWith(`$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$`)).toBe(true);
});
