import type { AstroGlobal } from 'astro';
import { fieldId, formToInput, readForm } from '../forms/read.ts';
import { failureErrors, formStatus, messagesFor, namedMessages, type SummaryItem } from '../forms/errors.ts';
import { t, type MessageKey } from '../i18n/t.ts';
import { formatDate } from '../i18n/format.ts';
import { FeedbackCommand } from '../domain/feedback/states.ts';
import type { StaffItemView } from '../domain/staff/feedback-views.ts';
import { parseInput, type FieldErrors } from '../services/fields.ts';
import type { StaffRouteKey } from '../domain/staff/roles.ts';
import { requireStaff, staffErrorPage } from './guard.ts';
import { unitNames } from './queries.ts';
import { handleItem, loadItem, moderateItem, type StaffItemDetail } from './feedback.ts';
import type { StaffSession } from './auth.ts';

export interface ItemPageState {
  session: StaffSession;
  detail: StaffItemDetail;
  unitName: string;
  /** The action a failed post tried, its values and errors (keyed by field). */
  action: string | null;
  values: Record<string, string>;
  errors: Record<string, string>;
  /** The error summary: one link per field of the form that was sent, to that field. */
  summary: SummaryItem[];
  status: number;
  /** What the last action did, in words (post/redirect/get: read from `?done=`), or null. */
  done: string | null;
  /** A reply checked and shown as the submitter will see it, waiting for confirmation; or null. */
  preview: string | null;
}

/** The text fields of each action's form, in form order, and the label that names each in its errors. */
const actionFields: Record<string, Record<string, MessageKey>> = {
  reply: { body: 'staff.action.replyBody' },
  extend: { days: 'staff.action.extendDays', reason: 'staff.action.extendReason' },
  close: { reason: 'staff.action.closeReason' },
  note: { body: 'staff.action.noteBody' },
  hide: { reason: 'staff.moderation.hideReason' },
  redact: { field: 'staff.moderation.redactField', text: 'staff.moderation.redactText' },
  route: { reason: 'staff.moderation.routeReason' },
};
const doneActions = ['accept', 'extend', 'reply', 'close', 'note', 'publish', 'hide', 'redact', 'route'] as const;
type DoneAction = (typeof doneActions)[number];
const isDoneAction = (a: string | null): a is DoneAction => (doneActions as readonly string[]).includes(a ?? '');

/** Refusals that concern one field of the form are shown at that field: closing unaccepted needs a reason. */
function atTheirField(fields: FieldErrors): FieldErrors {
  const { action = [], ...rest } = fields;
  const reason = action.filter((k) => k === 'feedback.refusal.reasonRequired');
  const other = action.filter((k) => k !== 'feedback.refusal.reasonRequired');
  return {
    ...rest,
    ...(reason.length ? { reason: [...(rest.reason ?? []), ...reason] } : {}),
    ...(other.length ? { action: other } : {}),
  };
}

/** The summary of a failed action: each field error links to its box (`f-<action>-<field>`), the rest to the form. */
function actionSummary(action: string | null, errors: Record<string, string>): SummaryItem[] {
  const fields = Object.keys(actionFields[action ?? ''] ?? {});
  const linked = fields
    .filter((f) => errors[f])
    .map((f) => ({ href: `#${fieldId(`${action ?? ''}-${f}`)}`, text: errors[f]! }));
  const rest = Object.keys(errors)
    .filter((k) => !fields.includes(k))
    .map((k) => ({ href: action && isDoneAction(action) ? `#${action}` : '#main', text: errors[k]! }));
  return [...linked, ...rest];
}

/** What an action did, said with the item as it now is (accepted, reply due on …, N days left). */
function doneMessage(action: DoneAction, item: StaffItemView): string {
  const due = item.dueOn ? formatDate(item.dueOn) : '';
  const days = item.daysLeft ?? 0;
  if (action === 'accept') return t('staff.done.accept', { due, days });
  if (action === 'extend') return t('staff.done.extend', { due, days, extension: item.extension?.days ?? 0 });
  return t(`staff.done.${action}`);
}

/**
 * GET shows one item; POST runs one action and answers 303 back to the page (post/redirect/get), or
 * shows the page again with the errors. An item outside the session's scope is a 404 for GET and POST.
 */
export async function handleItemPage(
  astro: AstroGlobal,
  route: Extract<StaffRouteKey, 'inboxItem' | 'moderationItem'>,
): Promise<{ response: Response } | ItemPageState> {
  const guard = requireStaff(astro, route);
  if (!guard.ok) return { response: guard.response };
  const { session, ctx } = guard;
  const channel = astro.locals.channel;
  const id = astro.params.id ?? '';
  const notFound = (): { response: Response } => ({ response: staffErrorPage(404) });
  if (!channel) return { response: staffErrorPage(503) };
  let action: string | null = null;
  let values: Record<string, string> = {};
  let errors: Record<string, string> = {};
  let status = 200;
  let preview: string | null = null;
  if (astro.request.method === 'POST') {
    const read = await readForm(astro.request);
    if (!read.ok) return { response: staffErrorPage(read.status === 415 ? 415 : 400) };
    values = Object.fromEntries(read.entries.filter(([k]) => k !== '_csrf'));
    const { confirm, ...input } = formToInput(read.entries);
    action = typeof input.action === 'string' ? input.action : null;
    // A reply goes to the submitter's tracking page: it is shown first as it will appear there, and
    // sent only from the preview's confirm button (confirm=yes).
    const { _csrf: _token, ...command } = input;
    const checked =
      route === 'inboxItem' && action === 'reply' && confirm !== 'yes' ? parseInput(FeedbackCommand, command) : null;
    const run = route === 'inboxItem' ? handleItem : moderateItem;
    const result = checked ?? (await run(ctx, channel, session, id, input));
    if (checked?.ok && checked.data.action === 'reply') preview = checked.data.body;
    else if (result.ok)
      return {
        response: new Response(null, {
          status: 303,
          headers: { Location: `${astro.url.pathname}?done=${encodeURIComponent(action ?? '')}` },
        }),
      };
    else if (result.code === 'not_found') return notFound();
    else {
      status = formStatus[result.code];
      const labels = Object.fromEntries(Object.entries(actionFields[action ?? ''] ?? {}).map(([f, k]) => [f, t(k)]));
      errors = namedMessages(messagesFor(atTheirField(failureErrors(astro, result))), labels);
    }
  }
  const detail = await loadItem(ctx, channel.rules, session, id);
  if (!detail) return notFound();
  const names = await unitNames(ctx, [detail.item.unitId]);
  const doneParam = astro.url.searchParams.get('done');
  return {
    session,
    detail,
    unitName: names.get(detail.item.unitId) ?? detail.item.unitId,
    action,
    values,
    errors,
    summary: actionSummary(action, errors),
    status,
    done: isDoneAction(doneParam) ? doneMessage(doneParam, detail.item) : null,
    preview,
  };
}
