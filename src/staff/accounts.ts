import { insertAccount, resetTotp, setAccountDisabled, updateAccountRole } from '../db/staff-repo.ts';
import { AccountRoleChange, ConsoleAccount, NewStaffAccount } from '../domain/staff/roles.ts';
import { random, seal } from '../lib/crypto.ts';
import { parseInput } from '../services/fields.ts';
import { invalid, notFound, type Failure } from '../services/outcome.ts';
import { hashPassword, newTotpSecret } from './credentials.ts';
import type { StaffContext } from './context.ts';

export type CreateAccountResult = { ok: true; id: string; totpSecret: string } | Failure;

/**
 * Create a staff account (the `npm run staff:add` CLI, the demo seed). The TOTP secret is returned once,
 * to be entered in an authenticator app, and stored sealed. `totpSecret` may be given (demo accounts).
 */
export async function createAccount(
  ctx: StaffContext,
  raw: unknown,
  actor: string,
  opts: { totpSecret?: string; demo?: boolean } = {},
): Promise<CreateAccountResult> {
  const parsed = parseInput(NewStaffAccount, raw);
  if (!parsed.ok) return parsed;
  const a = parsed.data;
  const id = crypto.randomUUID();
  const totpSecret = opts.totpSecret ?? newTotpSecret();
  const stored = await insertAccount(
    ctx.database,
    {
      id,
      username: a.username,
      displayName: a.displayName,
      role: a.role,
      passwordHash: await hashPassword(a.password),
      totpSealed: seal(ctx.keys.totp, totpSecret, `staff-totp:${id}`),
      unitIds: [...new Set(a.unitIds)],
      demo: opts.demo ?? false,
      createdAt: ctx.now(),
    },
    actor,
  );
  if (!stored.ok)
    return invalid(
      stored.reason === 'username_taken'
        ? { username: ['staff.username.taken'] }
        : { unitIds: ['staff.units.unknown'] },
    );
  return { ok: true, id, totpSecret };
}

/** Disable or re-enable an account; disabling ends its sessions at once. */
export async function setDisabled(
  ctx: StaffContext,
  accountId: string,
  disabled: boolean,
  actor: string,
): Promise<boolean> {
  return setAccountDisabled(ctx.database, accountId, disabled, actor, ctx.now());
}

export type ConsoleAccountResult = { ok: true; id: string; username: string; initialPassword: string } | Failure;

/**
 * Create an account in the console (admin): the initial password is generated and returned once (for
 * the admin to hand over); the TOTP secret is not shown to the admin at all — the user scans its QR code
 * at first login (/staff/enrol/) and chooses their own password there.
 */
export async function createConsoleAccount(
  ctx: StaffContext,
  raw: unknown,
  actor: string,
): Promise<ConsoleAccountResult> {
  const parsed = parseInput(ConsoleAccount, raw);
  if (!parsed.ok) return parsed;
  const a = parsed.data;
  const id = crypto.randomUUID();
  const initialPassword = Buffer.from(random(15)).toString('base64url');
  const stored = await insertAccount(
    ctx.database,
    {
      id,
      username: a.username,
      displayName: a.displayName,
      role: a.role,
      passwordHash: await hashPassword(initialPassword),
      totpSealed: seal(ctx.keys.totp, newTotpSecret(), `staff-totp:${id}`),
      unitIds: [...new Set(a.unitIds)],
      demo: false,
      createdAt: ctx.now(),
      totpPending: true,
      passwordChange: true,
    },
    actor,
  );
  if (!stored.ok)
    return invalid(
      stored.reason === 'username_taken'
        ? { username: ['staff.username.taken'] }
        : { unitIds: ['staff.units.unknown'] },
    );
  return { ok: true, id, username: a.username, initialPassword };
}

/** Change role and units (validated like a new account: a responder has units, nobody else has). */
export async function changeRole(
  ctx: StaffContext,
  accountId: string,
  raw: unknown,
  actor: string,
): Promise<{ ok: true } | Failure> {
  const parsed = parseInput(AccountRoleChange, raw);
  if (!parsed.ok) return parsed;
  const r = await updateAccountRole(
    ctx.database,
    accountId,
    { role: parsed.data.role, unitIds: [...new Set(parsed.data.unitIds)] },
    actor,
    ctx.now(),
  );
  if (r.ok) return r;
  return r.reason === 'unknown_unit' ? invalid({ unitIds: ['staff.units.unknown'] }) : notFound;
}

/** Reset the TOTP enrolment: a new secret the user scans at next login (after the password); sessions end. */
export async function resetEnrolment(ctx: StaffContext, accountId: string, actor: string): Promise<boolean> {
  return resetTotp(
    ctx.database,
    accountId,
    seal(ctx.keys.totp, newTotpSecret(), `staff-totp:${accountId}`),
    actor,
    ctx.now(),
  );
}
