import { describe, expect, test } from 'vitest';
import {
  canAccess,
  lockedUntil,
  safeNext,
  sessionState,
  staffRoles,
  staffRoutes,
  NewStaffAccount,
} from '../../src/domain/staff/roles.ts';
import { maskForResponder } from '../../src/domain/staff/feedback-views.ts';

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
});

describe('lockedUntil', () => {
  const fails = (...isos: string[]) => isos.map(at);
  test.each([
    [
      fails('2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z', '2026-01-01T00:03:00Z'),
      '2026-01-01T00:04:00Z',
      null,
    ],
    [
      fails(
        '2026-01-01T00:00:00Z',
        '2026-01-01T00:01:00Z',
        '2026-01-01T00:02:00Z',
        '2026-01-01T00:03:00Z',
        '2026-01-01T00:04:00Z',
      ),
      '2026-01-01T00:05:00Z',
      '2026-01-01T00:15:00.000Z',
    ],
    [
      fails(
        '2026-01-01T00:00:00Z',
        '2026-01-01T00:01:00Z',
        '2026-01-01T00:02:00Z',
        '2026-01-01T00:03:00Z',
        '2026-01-01T00:04:00Z',
      ),
      '2026-01-01T00:15:00Z',
      null,
    ],
    [
      fails(
        '2026-01-01T00:00:00Z',
        '2026-01-01T00:05:00Z',
        '2026-01-01T00:06:00Z',
        '2026-01-01T00:07:00Z',
        '2026-01-01T00:08:00Z',
        '2026-01-01T00:09:00Z',
      ),
      '2026-01-01T00:15:30Z',
      '2026-01-01T00:20:00.000Z',
    ],
  ])('%#: failures → locked until', (failures, now, until) => {
    expect(lockedUntil(failures, at(now))?.toISOString() ?? null).toBe(until);
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
