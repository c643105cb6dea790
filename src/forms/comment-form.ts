import type { AstroGlobal } from 'astro';
import { t } from '../i18n/t.ts';
import type { Standard } from '../domain/scoring/standard.ts';
import { submitComment } from '../services/consultation.ts';
import type { FieldErrors } from '../services/fields.ts';
import { formToInput, pageChannel, readForm } from './read.ts';
import { messagesFor, summaryOf, type SummaryItem } from './errors.ts';

export interface CommentFormState {
  body: string;
  errors: Record<string, string>;
  summary: SummaryItem[];
  status: number;
  unavailable: boolean;
}

/** GET renders the empty form; POST stores the comment and redirects (303) to the thanks page, or renders the errors with the text kept. */
export async function handleCommentForm(
  astro: AstroGlobal,
  draft: Standard,
  indicatorKey: string,
): Promise<{ redirect: string } | CommentFormState> {
  const page = pageChannel(astro);
  const blank: CommentFormState = { body: '', errors: {}, summary: [], status: 200, unavailable: !page };
  if (astro.request.method !== 'POST') return blank;
  if (!page) return { ...blank, status: 503 };
  const read = await readForm(astro.request);
  if (!read.ok) {
    const messages = { _: t(read.status === 413 ? 'form.tooLarge' : 'form.unreadable') };
    return { ...blank, status: read.status, errors: messages, summary: summaryOf(messages, [], '#form') };
  }
  const input = formToInput(read.entries);
  const body = typeof input.body === 'string' ? input.body : '';
  const result = await submitComment(page.channel, draft, { ...input, indicatorKey }, page.client);
  if (result.ok) return { redirect: `/scoring/consultation/thanks/?key=${encodeURIComponent(indicatorKey)}` };
  let fields: FieldErrors;
  if (result.status === 429) {
    astro.response.headers.set('Retry-After', String(result.retryAfterS));
    fields = { _: [t('form.rateLimited', { minutes: Math.max(1, Math.ceil(result.retryAfterS / 60)) })] };
  } else if (result.status === 400 || result.status === 422) fields = result.fields;
  else fields = { _: [t('form.unavailable')] };
  const messages = messagesFor(fields);
  return {
    body,
    errors: messages,
    summary: summaryOf(messages, ['body', 'website'], '#form'),
    status: result.status,
    unavailable: false,
  };
}
