import type { AstroGlobal } from 'astro';
import type { Standard } from '../domain/scoring/standard.ts';
import { submitComment } from '../services/consultation.ts';
import { formToInput, pageChannel, readForm } from './read.ts';
import { failureErrors, formStatus, messagesFor, readErrors, summaryOf, type SummaryItem } from './errors.ts';

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
    const messages = readErrors(read);
    return { ...blank, status: read.status, errors: messages, summary: summaryOf(messages, [], '#form') };
  }
  const input = formToInput(read.entries);
  const body = typeof input.body === 'string' ? input.body : '';
  const result = await submitComment(page.channel, draft, { ...input, indicatorKey }, page.client);
  if (result.ok) return { redirect: `/scoring/consultation/thanks/?key=${encodeURIComponent(indicatorKey)}` };
  const messages = messagesFor(failureErrors(astro, result));
  return {
    body,
    errors: messages,
    summary: summaryOf(messages, ['body', 'website'], '#form'),
    status: formStatus[result.code],
    unavailable: false,
  };
}
