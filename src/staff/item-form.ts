import type { AstroGlobal } from 'astro';
import { formToInput, readForm } from '../forms/read.ts';
import { failureErrors, formStatus, messagesFor } from '../forms/errors.ts';
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
  status: number;
  done: boolean;
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
  if (astro.request.method === 'POST') {
    const read = await readForm(astro.request);
    if (!read.ok) return { response: staffErrorPage(read.status === 415 ? 415 : 400) };
    values = Object.fromEntries(read.entries.filter(([k]) => k !== '_csrf'));
    const input = formToInput(read.entries);
    action = typeof input.action === 'string' ? input.action : null;
    const run = route === 'inboxItem' ? handleItem : moderateItem;
    const result = await run(ctx, channel, session, id, input);
    if (result.ok)
      return {
        response: new Response(null, {
          status: 303,
          headers: { Location: `${astro.url.pathname}?done=${encodeURIComponent(action ?? '')}` },
        }),
      };
    if (result.code === 'not_found') return notFound();
    status = formStatus[result.code];
    errors = messagesFor(failureErrors(astro, result));
  }
  const detail = await loadItem(ctx, channel.rules, session, id);
  if (!detail) return notFound();
  const names = await unitNames(ctx, [detail.item.unitId]);
  return {
    session,
    detail,
    unitName: names.get(detail.item.unitId) ?? detail.item.unitId,
    action,
    values,
    errors,
    status,
    done: astro.url.searchParams.has('done'),
  };
}
