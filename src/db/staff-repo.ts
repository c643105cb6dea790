import { and, asc, count, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { staffAccounts, staffAccountUnits, staffLogins, staffSessions, units } from './schema.ts';
import { auditIfChanged, auditStatement } from './audit-repo.ts';
import { uniqueViolation } from './rate-limit-repo.ts';
import type { StaffRole } from '../domain/staff/roles.ts';

/** An account as the console uses it: never the password hash or the sealed TOTP secret. */
export interface StaffAccount {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  disabled: boolean;
  demo: boolean;
  unitIds: string[];
}

export interface NewAccountRow {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  passwordHash: string;
  totpSealed: string;
  unitIds: string[];
  demo: boolean;
  createdAt: Date;
  /** Made in the console: TOTP to be enrolled and the password replaced at first login. */
  totpPending?: boolean;
  passwordChange?: boolean;
}

export async function insertAccount(
  database: Database,
  a: NewAccountRow,
  actor: string,
): Promise<{ ok: true } | { ok: false; reason: 'username_taken' | 'unknown_unit' }> {
  const { db } = database;
  const { unitIds, ...row } = a;
  const statements = [
    db.insert(staffAccounts).values(row),
    ...unitIds.map((unitId) => db.insert(staffAccountUnits).values({ accountId: a.id, unitId })),
    auditStatement(database, {
      at: a.createdAt,
      actor,
      action: 'staff.account.create',
      subjectType: 'staff_account',
      subjectId: a.id,
      detail: { username: a.username, role: a.role, unitIds, enrolment: a.totpPending ?? false },
    }),
  ];
  try {
    await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
    return { ok: true };
  } catch (e) {
    if (uniqueViolation(e) === 'staff_accounts.username') return { ok: false, reason: 'username_taken' };
    if (
      /FOREIGN KEY constraint failed/.test(
        String((e as { message?: unknown }).message) + String((e as { cause?: Error }).cause?.message),
      )
    )
      return { ok: false, reason: 'unknown_unit' };
    throw e;
  }
}

async function unitsOf(database: Database, accountIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (accountIds.length === 0) return out;
  const rows = await database.db
    .select({ accountId: staffAccountUnits.accountId, unitId: staffAccountUnits.unitId })
    .from(staffAccountUnits)
    .where(inArray(staffAccountUnits.accountId, accountIds))
    .orderBy(asc(staffAccountUnits.unitId));
  for (const r of rows) out.set(r.accountId, [...(out.get(r.accountId) ?? []), r.unitId]);
  return out;
}

const publicColumns = {
  id: staffAccounts.id,
  username: staffAccounts.username,
  displayName: staffAccounts.displayName,
  role: staffAccounts.role,
  disabledAt: staffAccounts.disabledAt,
  demo: staffAccounts.demo,
};

/** The credentials of an account, for the login check only. */
export async function findCredentials(database: Database, username: string) {
  const [row] = await database.db
    .select({
      id: staffAccounts.id,
      passwordHash: staffAccounts.passwordHash,
      totpSealed: staffAccounts.totpSealed,
      totpLastStep: staffAccounts.totpLastStep,
      totpPending: staffAccounts.totpPending,
      passwordChange: staffAccounts.passwordChange,
      disabledAt: staffAccounts.disabledAt,
    })
    .from(staffAccounts)
    .where(eq(staffAccounts.username, username));
  return row;
}

/** The same credentials by account id (the enrolment step). */
export async function findCredentialsById(database: Database, id: string) {
  const [row] = await database.db
    .select({
      id: staffAccounts.id,
      username: staffAccounts.username,
      totpSealed: staffAccounts.totpSealed,
      totpPending: staffAccounts.totpPending,
      passwordChange: staffAccounts.passwordChange,
      disabledAt: staffAccounts.disabledAt,
    })
    .from(staffAccounts)
    .where(eq(staffAccounts.id, id));
  return row;
}

/** An account of the console list, with its enrolment state and last successful login. */
export interface AccountOverview extends StaffAccount {
  totpPending: boolean;
  lastLoginAt: Date | null;
  /** Where the account is notified (admin view only). */
  email: string | null;
  phone: string | null;
}

export async function listAccountOverviews(database: Database): Promise<AccountOverview[]> {
  const accounts = await listAccounts(database);
  const extra = await database.db
    .select({
      id: staffAccounts.id,
      totpPending: staffAccounts.totpPending,
      email: staffAccounts.email,
      phone: staffAccounts.phone,
      // Written out: drizzle leaves columns unqualified in a single-table select, and `id` would bind to staff_logins.
      lastLoginAt: sql<
        number | null
      >`(SELECT max(l.at) FROM staff_logins AS l WHERE l.account_id = "staff_accounts"."id" AND l.outcome = 'ok')`,
    })
    .from(staffAccounts);
  const byId = new Map(extra.map((e) => [e.id, e]));
  return accounts.map((a) => {
    const e = byId.get(a.id);
    return {
      ...a,
      totpPending: e?.totpPending ?? false,
      lastLoginAt: e?.lastLoginAt == null ? null : new Date(e.lastLoginAt),
      email: e?.email ?? null,
      phone: e?.phone ?? null,
    };
  });
}

/**
 * Change an account's role and units in one batch with its audit row (old and new values). The change
 * takes effect at the account's next request: sessions read the account on every request.
 */
export async function updateAccountRole(
  database: Database,
  accountId: string,
  change: { role: StaffRole; unitIds: string[] },
  actor: string,
  now: Date,
): Promise<{ ok: true } | { ok: false; reason: 'unknown_account' | 'unknown_unit' }> {
  const { db } = database;
  const [before] = await db
    .select({ role: staffAccounts.role })
    .from(staffAccounts)
    .where(eq(staffAccounts.id, accountId));
  if (!before) return { ok: false, reason: 'unknown_account' };
  const beforeUnits = (await unitsOf(database, [accountId])).get(accountId) ?? [];
  const statements = [
    db.update(staffAccounts).set({ role: change.role }).where(eq(staffAccounts.id, accountId)),
    db.delete(staffAccountUnits).where(eq(staffAccountUnits.accountId, accountId)),
    ...change.unitIds.map((unitId) => db.insert(staffAccountUnits).values({ accountId, unitId })),
    auditStatement(database, {
      at: now,
      actor,
      action: 'staff.account.role',
      subjectType: 'staff_account',
      subjectId: accountId,
      detail: { from: { role: before.role, unitIds: beforeUnits }, to: change },
    }),
  ];
  try {
    await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
    return { ok: true };
  } catch (e) {
    if (
      /FOREIGN KEY constraint failed/.test(
        String((e as { message?: unknown }).message) + String((e as { cause?: Error }).cause?.message),
      )
    )
      return { ok: false, reason: 'unknown_unit' };
    throw e;
  }
}

/**
 * Reset an account's TOTP enrolment: a new sealed secret, pending until the user confirms a code at
 * /staff/enrol/; every session of the account ends in the same batch.
 */
export async function resetTotp(
  database: Database,
  accountId: string,
  totpSealed: string,
  actor: string,
  now: Date,
): Promise<boolean> {
  const { db } = database;
  const [changed] = await database.write(() =>
    db.batch([
      db.update(staffAccounts).set({ totpSealed, totpPending: true }).where(eq(staffAccounts.id, accountId)),
      db.run(
        auditIfChanged({
          at: now,
          actor,
          action: 'staff.account.totpReset',
          subjectType: 'staff_account',
          subjectId: accountId,
        }),
      ),
      db
        .update(staffSessions)
        .set({ revokedAt: now })
        .where(and(eq(staffSessions.accountId, accountId), isNull(staffSessions.revokedAt))),
    ]),
  );
  return changed.rowsAffected === 1;
}

/** What opens a session: the new session's id hash and CSRF token, the TOTP step used, the login log keys. */
interface SessionOpening {
  idHash: string;
  accountId: string;
  csrfToken: string;
  now: Date;
  step: number;
  ipKey: string;
  subjectKey: string;
}

/**
 * The session, the login log row and the audit row of a login, each guarded by `changes() = 1`: they run
 * right after the statement that takes the TOTP step, so they are written only if it changed the account.
 */
function openSessionIfTaken(s: SessionOpening, action: string, detail?: Record<string, unknown>): [SQL, SQL, SQL] {
  const session = sql`INSERT INTO ${staffSessions} (id_hash, account_id, csrf_token, created_at, last_seen_at)
    SELECT ${s.idHash}, ${s.accountId}, ${s.csrfToken}, ${s.now.getTime()}, ${s.now.getTime()} WHERE changes() = 1`;
  const logged = sql`INSERT INTO ${staffLogins} (at, account_id, outcome, ip_key, subject_key)
    SELECT ${s.now.getTime()}, ${s.accountId}, 'ok', ${s.ipKey}, ${s.subjectKey} WHERE changes() = 1`;
  const audit = auditIfChanged({
    at: s.now,
    actor: `staff:${s.accountId}`,
    action,
    subjectType: 'staff_account',
    subjectId: s.accountId,
    ...(detail ? { detail } : {}),
  });
  return [session, logged, audit];
}

/**
 * The first login after creation or a reset, in one batch: the enrolment is confirmed (and the admin's
 * password replaced) only if still pending and the code's step is new, then the session, the login log row
 * and the audit row, each only if that update changed the account.
 */
export async function completeEnrolment(
  database: Database,
  s: SessionOpening & {
    /** The expected sealed secret: a reset after the QR was shown makes the step fail. */
    totpSealed: string;
    passwordHash: string | null;
  },
): Promise<boolean> {
  const { db } = database;
  const take = db
    .update(staffAccounts)
    .set({
      totpLastStep: s.step,
      totpPending: false,
      passwordChange: false,
      ...(s.passwordHash ? { passwordHash: s.passwordHash } : {}),
    })
    .where(
      and(
        eq(staffAccounts.id, s.accountId),
        eq(staffAccounts.totpPending, true),
        eq(staffAccounts.totpSealed, s.totpSealed),
        sql`${staffAccounts.totpLastStep} < ${s.step}`,
        isNull(staffAccounts.disabledAt),
      ),
    );
  const [session, logged, audit] = openSessionIfTaken(s, 'staff.account.enrolled', {
    passwordChanged: s.passwordHash !== null,
  });
  const results = await database.write(() => db.batch([take, db.run(session), db.run(logged), db.run(audit)]));
  return results[0].rowsAffected === 1;
}

export async function listAccounts(database: Database): Promise<StaffAccount[]> {
  const rows = await database.db.select(publicColumns).from(staffAccounts).orderBy(asc(staffAccounts.username));
  const unitMap = await unitsOf(
    database,
    rows.map((r) => r.id),
  );
  return rows.map(({ disabledAt, ...r }) => ({
    ...r,
    disabled: disabledAt !== null,
    unitIds: unitMap.get(r.id) ?? [],
  }));
}

export async function countAccounts(database: Database): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(staffAccounts);
  return row?.n ?? 0;
}

/** Outcomes that count as a failed attempt for the login limits (a refused attempt is not one). */
const FAILED = ['password', 'code', 'replayed', 'unknown', 'disabled'] as const;

/**
 * What the login limits need (src/domain/staff/login-limits.ts): failures of the username from this
 * address since its last success there, failures from the address, failures of the username anywhere.
 */
export async function loginHistory(
  database: Database,
  by: { subjectKey: string; ipKey: string },
  since: { failures: Date; address: Date },
): Promise<{ pairFailures: Date[]; addressFailures: Date[]; usernameFailures: number }> {
  const { db } = database;
  const [pair, address, username] = await Promise.all([
    db
      .select({ at: staffLogins.at, outcome: staffLogins.outcome })
      .from(staffLogins)
      .where(
        and(
          eq(staffLogins.subjectKey, by.subjectKey),
          eq(staffLogins.ipKey, by.ipKey),
          gt(staffLogins.at, since.failures),
          inArray(staffLogins.outcome, [...FAILED, 'ok']),
        ),
      )
      .orderBy(asc(staffLogins.id)),
    db
      .select({ at: staffLogins.at })
      .from(staffLogins)
      .where(
        and(eq(staffLogins.ipKey, by.ipKey), inArray(staffLogins.outcome, FAILED), gt(staffLogins.at, since.address)),
      ),
    db
      .select({ n: sql<number>`count(*)` })
      .from(staffLogins)
      .where(
        and(
          eq(staffLogins.subjectKey, by.subjectKey),
          inArray(staffLogins.outcome, FAILED),
          gt(staffLogins.at, since.failures),
        ),
      ),
  ]);
  const lastOk = pair.map((r) => r.outcome).lastIndexOf('ok');
  return {
    pairFailures: pair.slice(lastOk + 1).map((r) => r.at),
    addressFailures: address.map((r) => r.at),
    usernameFailures: username[0]?.n ?? 0,
  };
}

export type LoginOutcome = (typeof staffLogins.$inferInsert)['outcome'];

export async function logLogin(
  database: Database,
  row: { at: Date; accountId: string | null; outcome: LoginOutcome; ipKey: string; subjectKey: string },
): Promise<void> {
  await database.write(() => database.db.insert(staffLogins).values(row));
}

/**
 * A successful login in one batch: the TOTP step is taken only if it is newer than the last one used
 * (so a code cannot be replayed, even by two concurrent logins), then the new session, the login log
 * row and the audit row, each only if the step update changed the account.
 */
export async function startSession(
  database: Database,
  s: SessionOpening & { replacing: string | null },
): Promise<boolean> {
  const { db } = database;
  const take = db
    .update(staffAccounts)
    .set({ totpLastStep: s.step })
    .where(
      and(
        eq(staffAccounts.id, s.accountId),
        sql`${staffAccounts.totpLastStep} < ${s.step}`,
        isNull(staffAccounts.disabledAt),
      ),
    );
  const [session, logged, audit] = openSessionIfTaken(s, 'staff.login');
  const statements = [
    ...(s.replacing
      ? [
          db
            .update(staffSessions)
            .set({ revokedAt: s.now })
            .where(and(eq(staffSessions.idHash, s.replacing), isNull(staffSessions.revokedAt))),
        ]
      : []),
    take,
    db.run(session),
    db.run(logged),
    db.run(audit),
  ];
  const results = await database.write(() =>
    db.batch(statements as [(typeof statements)[number], ...typeof statements]),
  );
  return results[s.replacing ? 2 : 1]!.rowsAffected === 1;
}

export interface SessionRow {
  idHash: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
  account: StaffAccount;
}

export async function findSession(database: Database, idHash: string): Promise<SessionRow | undefined> {
  const [row] = await database.db
    .select({
      idHash: staffSessions.idHash,
      csrfToken: staffSessions.csrfToken,
      createdAt: staffSessions.createdAt,
      lastSeenAt: staffSessions.lastSeenAt,
      revokedAt: staffSessions.revokedAt,
      ...publicColumns,
    })
    .from(staffSessions)
    .innerJoin(staffAccounts, eq(staffAccounts.id, staffSessions.accountId))
    .where(eq(staffSessions.idHash, idHash));
  if (!row) return undefined;
  const unitMap = await unitsOf(database, [row.id]);
  return {
    idHash: row.idHash,
    csrfToken: row.csrfToken,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    revokedAt: row.revokedAt,
    account: {
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      role: row.role,
      disabled: row.disabledAt !== null,
      demo: row.demo,
      unitIds: unitMap.get(row.id) ?? [],
    },
  };
}

export async function touchSession(database: Database, idHash: string, now: Date): Promise<void> {
  await database.write(() =>
    database.db
      .update(staffSessions)
      .set({ lastSeenAt: now })
      .where(and(eq(staffSessions.idHash, idHash), isNull(staffSessions.revokedAt))),
  );
}

export async function endSession(database: Database, idHash: string, accountId: string, now: Date): Promise<void> {
  const { db } = database;
  await database.write(() =>
    db.batch([
      db
        .update(staffSessions)
        .set({ revokedAt: now })
        .where(and(eq(staffSessions.idHash, idHash), isNull(staffSessions.revokedAt))),
      db.run(
        auditIfChanged({
          at: now,
          actor: `staff:${accountId}`,
          action: 'staff.logout',
          subjectType: 'staff_account',
          subjectId: accountId,
        }),
      ),
    ]),
  );
}

/** Disable (or enable) an account; disabling ends every session it has, in the same batch. */
export async function setAccountDisabled(
  database: Database,
  accountId: string,
  disabled: boolean,
  actor: string,
  now: Date,
): Promise<boolean> {
  const { db } = database;
  const change = db
    .update(staffAccounts)
    .set({ disabledAt: disabled ? now : null })
    .where(
      and(
        eq(staffAccounts.id, accountId),
        disabled ? isNull(staffAccounts.disabledAt) : sql`${staffAccounts.disabledAt} IS NOT NULL`,
      ),
    );
  const audit = db.run(
    auditIfChanged({
      at: now,
      actor,
      action: disabled ? 'staff.account.disable' : 'staff.account.enable',
      subjectType: 'staff_account',
      subjectId: accountId,
    }),
  );
  const statements = [
    change,
    audit,
    ...(disabled
      ? [
          db
            .update(staffSessions)
            .set({ revokedAt: now })
            .where(and(eq(staffSessions.accountId, accountId), isNull(staffSessions.revokedAt))),
        ]
      : []),
  ];
  const [changed] = await database.write(() =>
    db.batch(statements as [(typeof statements)[number], ...typeof statements]),
  );
  return changed.rowsAffected === 1;
}

export async function unitNames(database: Database, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await database.db
    .select({ id: units.id, name: units.name })
    .from(units)
    .where(inArray(units.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.name]));
}
