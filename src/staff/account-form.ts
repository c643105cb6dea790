import type { AstroGlobal } from 'astro';
import { t } from '../i18n/t.ts';
import type { StaffSession } from './auth.ts';
import type { StaffContext } from './context.ts';
import { changeRole, createConsoleAccount, resetEnrolment, setDisabled } from './accounts.ts';
import type { Failure } from '../services/outcome.ts';
import { setNotifyContact } from '../services/notifications.ts';
import { formToInput, readForm } from '../forms/read.ts';
import {
  failureErrors,
  formStatus,
  messagesFor,
  namedMessages,
  readErrors,
  summaryOf,
  type SummaryItem,
} from '../forms/errors.ts';

/**
 * The accounts console's forms (admin only; the guard and the CSRF checks ran before this). The create
 * form: `username`, `displayName`, `role`, `unitIds` (repeated checkbox); the account page: `action` =
 * `role` (with `role`, `unitIds`), `contact` (with `email`, `phone`: where the account is notified; empty
 * clears), `reset`, `disable` or `enable`. Nobody changes the role of, resets or disables the account they
 * are signed in with (no lock-out by mistake); their own notification contact they may set.
 */
export interface AccountFormState {
  values: {
    username?: string | undefined;
    displayName?: string | undefined;
    role?: string | undefined;
    unitIds: string[];
    email?: string | undefined;
    phone?: string | undefined;
  };
  errors: Record<string, string>;
  summary: SummaryItem[];
  status: number;
  /** After a create: the initial password, shown on this one response only. */
  created: { username: string; password: string } | null;
  /** After an action on the account page: what was done (a message key). */
  done: 'role' | 'contact' | 'reset' | 'disable' | 'enable' | null;
}

/** The order of the error summary: the create form's fields, then the account page's contact fields. */
const FIELD_ORDER = ['username', 'displayName', 'role', 'unitIds', 'email', 'phone'];
const empty = (): AccountFormState => ({
  values: { unitIds: [] },
  errors: {},
  summary: [],
  status: 200,
  created: null,
  done: null,
});

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function failed(astro: Pick<AstroGlobal, 'response'>, state: AccountFormState, f: Failure): AccountFormState {
  const labels = {
    username: t('staff.accounts.username'),
    displayName: t('staff.accounts.name'),
    role: t('staff.accounts.role'),
    unitIds: t('staff.accounts.units'),
    email: t('staff.account.email'),
    phone: t('staff.account.phone'),
  };
  const errors = namedMessages(messagesFor(failureErrors(astro, f)), labels);
  return { ...state, errors, summary: summaryOf(errors, FIELD_ORDER, '#main'), status: formStatus[f.code] };
}

async function read(astro: AstroGlobal) {
  const r = await readForm(astro.request);
  if (!r.ok) return { ok: false as const, status: r.status, errors: readErrors(r) };
  const input = formToInput(r.entries);
  const unitIds = r.entries.filter(([k, v]) => k === 'unitIds' && v !== '').map(([, v]) => v);
  return { ok: true as const, input, unitIds };
}

export async function handleCreateAccount(
  astro: AstroGlobal,
  ctx: StaffContext,
  session: StaffSession,
): Promise<AccountFormState> {
  const state = empty();
  if (astro.request.method !== 'POST') return state;
  const r = await read(astro);
  if (!r.ok) return { ...state, status: r.status, errors: r.errors, summary: summaryOf(r.errors, [], '#main') };
  const values = {
    username: str(r.input.username),
    displayName: str(r.input.displayName),
    role: str(r.input.role),
    unitIds: r.unitIds,
  };
  const raw = { username: values.username, displayName: values.displayName, role: values.role, unitIds: r.unitIds };
  const created = await createConsoleAccount(ctx, raw, `staff:${session.account.id}`);
  if (!created.ok) return failed(astro, { ...state, values }, created);
  return { ...state, status: 201, created: { username: created.username, password: created.initialPassword } };
}

export async function handleAccountAction(
  astro: AstroGlobal,
  ctx: StaffContext,
  session: StaffSession,
  accountId: string,
): Promise<AccountFormState> {
  const state = empty();
  if (astro.request.method !== 'POST') return state;
  const r = await read(astro);
  if (!r.ok) return { ...state, status: r.status, errors: r.errors, summary: summaryOf(r.errors, [], '#main') };
  const actor = `staff:${session.account.id}`;
  if (r.input.action === 'contact') {
    const values = { unitIds: [], email: str(r.input.email), phone: str(r.input.phone) };
    const set = await setNotifyContact(
      ctx.database,
      accountId,
      { email: values.email, phone: values.phone },
      actor,
      ctx.now(),
    );
    if (!set.ok) return failed(astro, { ...state, values }, set);
    return { ...state, done: 'contact' };
  }
  if (accountId === session.account.id) {
    const errors = { _: t('staff.accounts.selfRefused') };
    return { ...state, status: 409, errors, summary: summaryOf(errors, [], '#main') };
  }
  switch (r.input.action) {
    case 'role': {
      const values = { role: str(r.input.role), unitIds: r.unitIds };
      const changed = await changeRole(ctx, accountId, { role: values.role, unitIds: r.unitIds }, actor);
      if (!changed.ok) return failed(astro, { ...state, values }, changed);
      return { ...state, done: 'role' };
    }
    case 'reset':
      await resetEnrolment(ctx, accountId, actor);
      return { ...state, done: 'reset' };
    case 'disable':
    case 'enable':
      await setDisabled(ctx, accountId, r.input.action === 'disable', actor);
      return { ...state, done: r.input.action };
    default: {
      const errors = { _: t('form.unreadable') };
      return { ...state, status: 400, errors, summary: summaryOf(errors, [], '#main') };
    }
  }
}
