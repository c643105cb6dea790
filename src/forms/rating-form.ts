import type { AstroGlobal } from 'astro';
import { lookupInvitation } from '../services/invitations.ts';
import { submitSurveyResponse } from '../services/surveys.ts';
import type { FieldErrors } from '../services/fields.ts';
import type { SurveyRow } from '../services/surveys.ts';
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

export interface RatingPageState {
  step: 'code' | 'answers';
  code: string;
  survey: SurveyRow | null;
  unitName: string;
  values: Record<string, string>;
  errors: Record<string, string>;
  summary: SummaryItem[];
  status: number;
  unavailable: boolean;
}

/**
 * The two-step rating form: enter the invitation code (it may be prefilled from the QR code's link),
 * then answer the survey of that code's unit. Success redirects (303) to the thank-you page.
 */
export async function handleRatingForm(astro: AstroGlobal): Promise<{ redirect: string } | RatingPageState> {
  const page = pageChannel(astro);
  const base: RatingPageState = {
    step: 'code',
    code: '',
    survey: null,
    unitName: '',
    values: {},
    errors: {},
    summary: [],
    status: 200,
    unavailable: !page,
  };
  if (astro.request.method !== 'POST')
    return { ...base, code: (astro.url.searchParams.get('code') ?? '').slice(0, 32) };
  if (!page) return { ...base, status: 503 };
  const read = await readForm(astro.request);
  if (!read.ok) {
    const errors = readErrors(read);
    return { ...base, errors, summary: summaryOf(errors, [], '#form'), status: read.status };
  }
  const values = Object.fromEntries(read.entries);
  const { step, ...input } = formToInput(read.entries);
  const code = typeof input.invitationCode === 'string' ? input.invitationCode : '';
  const codeError = (fields: FieldErrors, status: number): RatingPageState => {
    const errors = messagesFor(fields);
    return { ...base, code, errors, summary: summaryOf(errors, ['invitationCode'], '#form'), status };
  };
  if (!code) return codeError({ invitationCode: ['surveys.invitationCode.required'] }, 422);
  const found = await lookupInvitation(page.channel, code, page.client);
  if (!found.ok) return codeError(failureErrors(astro, found), formStatus[found.code]);
  const questionnaire = {
    ...base,
    step: 'answers' as const,
    code,
    survey: found.survey,
    unitName: found.unitName,
    values,
  };
  if (step !== 'answers') return questionnaire;

  const result = await submitSurveyResponse(page.channel, found.survey.id, input, page.client);
  if (result.ok) return { redirect: '/ratings/thanks/' };
  // Each question's "choose one" names its question by number, as the form numbers them.
  const questionLabels = Object.fromEntries(
    found.survey.questionIds.map((q, i) => [`answers.${q}`, t('ratings.questionNumber', { n: i + 1 })]),
  );
  const errors = namedMessages(messagesFor(failureErrors(astro, result)), questionLabels);
  const order = ['relation', ...found.survey.questionIds.map((q) => `answers.${q}`)];
  return { ...questionnaire, errors, summary: summaryOf(errors, order, '#form'), status: formStatus[result.code] };
}
