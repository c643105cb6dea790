import type { AstroGlobal } from 'astro';
import { actAsSubmitter, trackFeedback, type SubmitterAction } from '../services/feedback.ts';
import type { TrackingView } from '../domain/feedback/public.ts';
import { formToInput, pageChannel, readForm } from './read.ts';
import { t } from '../i18n/t.ts';
import {
  failureErrors,
  formStatus,
  messagesFor,
  namedMessages,
  readErrors,
  summaryOf,
  type SummaryItem,
} from './errors.ts';
import { forgetReceipt, readReceipt } from './receipt.ts';

export interface TrackPageState {
  view: TrackingView | null;
  unitName: string;
  /** The query secret, only in the minutes after submission (src/forms/receipt.ts). */
  receiptSecret: string | null;
  action: SubmitterAction | null;
  values: Record<string, string>;
  errors: Record<string, string>;
  summary: SummaryItem[];
  status: number;
}

const order = { rate: ['secret', 'rating'], reopen: ['secret', 'reason'], view: ['secret'] } as const;
const postedAction = (a: unknown): SubmitterAction => (a === 'reopen' ? 'reopen' : a === 'view' ? 'view' : 'rate');

/**
 * GET shows the item, its texts masked; POST rates or reopens it (secret in the body), then redirects back
 * (303), or shows it with the full text (`view`, secret in the body; no redirect, so the full text is
 * never in a page anyone can reload without the secret), or stops showing the receipt (`forget`).
 * The submitter who has just filed the item (the receipt cookie) sees the full text too.
 */
export async function handleTrackPage(
  astro: AstroGlobal,
  rawCode: string,
): Promise<{ redirect: string } | TrackPageState> {
  const page = pageChannel(astro);
  const empty: TrackPageState = {
    view: null,
    unitName: '',
    receiptSecret: null,
    action: null,
    values: {},
    errors: {},
    summary: [],
    status: 404,
  };
  if (!page) return { ...empty, status: 503 };
  let action: SubmitterAction | null = null;
  let values: Record<string, string> = {};
  let errors: Record<string, string> = {};
  let status = 200;
  let viewed: TrackingView | null = null;
  if (astro.request.method === 'POST') {
    const read = await readForm(astro.request);
    if (read.ok) {
      values = Object.fromEntries(read.entries);
      const { action: posted, ...input } = formToInput(read.entries);
      if (posted === 'forget') {
        forgetReceipt(astro);
        return { redirect: astro.url.pathname };
      }
      action = postedAction(posted);
      const result = await actAsSubmitter(page.channel, rawCode, action, input, page.client);
      if (result.ok && action === 'view') viewed = result.view;
      else if (result.ok) return { redirect: `${astro.url.pathname}#${action}-done` };
      else if (result.code === 'not_found') return { ...empty };
      else {
        // "Please give a reason" alone does not say which box: name it.
        errors = namedMessages(messagesFor(failureErrors(astro, result)), {
          reason: t('feedback.track.reopenReason'),
        });
        status = formStatus[result.code];
      }
    } else {
      errors = readErrors(read);
      status = read.status;
    }
  }
  const receiptSecret = readReceipt(astro, page.channel, rawCode);
  const found = await trackFeedback(page.channel, rawCode, page.client, { full: receiptSecret !== null });
  if (!found.ok) {
    if (found.code === 'rate_limited') astro.response.headers.set('Retry-After', String(found.retryAfterS));
    return { ...empty, status: formStatus[found.code] };
  }
  // Field ids are prefixed per form (several forms on one page share field names).
  const prefixed = action ? Object.fromEntries(Object.entries(errors).map(([k, v]) => [`${action}-${k}`, v])) : {};
  return {
    view: viewed ?? found.view,
    unitName: found.unitName,
    receiptSecret,
    action,
    values: viewed ? {} : values,
    errors: prefixed,
    summary: action
      ? summaryOf(
          prefixed,
          order[action].map((f) => `${action}-${f}`),
          `#${action}`,
        )
      : [],
    status,
  };
}
