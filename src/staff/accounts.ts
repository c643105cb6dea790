import { insertAccount, setAccountDisabled } from '../db/staff-repo.ts';
import { NewStaffAccount } from '../domain/staff/roles.ts';
import { seal } from '../lib/crypto.ts';
import { parseInput } from '../services/fields.ts';
import { invalid, type Failure } from '../services/outcome.ts';
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
