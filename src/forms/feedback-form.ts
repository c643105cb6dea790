import type { AstroGlobal } from 'astro';
import { t } from '../i18n/t.ts';
import { submitFeedback } from '../services/feedback.ts';
import type { FieldErrors } from '../services/fields.ts';
import { formToInput, newFormKey, pageChannel, readForm } from './read.ts';
import { failureErrors, formStatus, messagesFor, readErrors, summaryOf, type SummaryItem } from './errors.ts';
import { setReceipt } from './receipt.ts';

export type FeedbackFormVariant = 'general' | 'meal';

/** Field order of each form: the error summary lists errors in this order. */
export const fieldOrder: Record<FeedbackFormVariant, readonly string[]> = {
  general: ['kind', 'unitId', 'body', 'contactPhone', 'notifyConsent', 'publicConsent'],
  meal: [
    'unitId',
    'meal.date',
    'meal.meal',
    'meal.dishes',
    'meal.taste',
    'meal.quantity',
    'meal.hygiene',
    'meal.price',
    'suggestion',
    'contactPhone',
    'notifyConsent',
    'publicConsent',
  ],
};

export interface FeedbackFormState {
  /** The citizen's values, by field name, to render the form again. */
  values: Record<string, string>;
  consent: boolean;
  errors: Record<string, string>;
  summary: SummaryItem[];
  formKey: string;
  status: number;
  unavailable: boolean;
}

export type FeedbackFormResult = { redirect: string } | FeedbackFormState;

const formError = (key: Parameters<typeof t>[0], vars: Record<string, string | number> = {}) => ({ _: [t(key, vars)] });

/**
 * GET renders an empty form (a unit or disclosure may be preselected by query); POST parses the form with
 * the same schema as the JSON API, then either redirects (303) to the tracking page or returns the state
 * to render again with the citizen's values and an error summary.
 */
export async function handleFeedbackForm(
  astro: AstroGlobal,
  variant: FeedbackFormVariant,
): Promise<FeedbackFormResult> {
  const page = pageChannel(astro);
  const blank: FeedbackFormState = {
    values: {},
    consent: false,
    errors: {},
    summary: [],
    formKey: newFormKey(),
    status: 200,
    unavailable: !page,
  };
  if (astro.request.method !== 'POST') {
    const unit = astro.url.searchParams.get('unit');
    const disclosure = astro.url.searchParams.get('disclosure');
    return {
      ...blank,
      values: { ...(unit ? { unitId: unit } : {}), ...(disclosure ? { disclosureId: disclosure } : {}) },
    };
  }
  if (!page) return { ...blank, status: 503 };
  const read = await readForm(astro.request);
  if (!read.ok) {
    const messages = readErrors(read);
    return { ...blank, status: read.status, errors: messages, summary: summaryOf(messages, [], '#form') };
  }
  const values = Object.fromEntries(read.entries.filter(([k]) => !k.includes('__')).map(([k, v]) => [k, v]));
  const input = formToInput(read.entries, ['publicConsent', 'notifyConsent']);
  if (variant === 'meal') {
    input.kind = 'accompaniedMeal';
    // An empty form sends no meal.* field at all: check each one, so every missing field is named.
    input.meal ??= {};
  }
  const result = await submitFeedback(page.channel, input, page.client);
  if (result.ok) {
    setReceipt(astro, page.channel, result.receipt.trackingCode, result.receipt.secret);
    return { redirect: result.receipt.trackingUrl };
  }
  let fields: FieldErrors;
  let formKey = typeof values.idempotencyKey === 'string' ? values.idempotencyKey : newFormKey();
  if (result.code === 'idempotency_conflict') {
    // The same form was already sent with other content: this post becomes a new item with a new key.
    fields = formError('feedback.form.alreadySubmitted');
    formKey = newFormKey();
  } else fields = failureErrors(astro, result);
  const messages = messagesFor(fields);
  return {
    values,
    consent: values.publicConsent === 'on',
    errors: messages,
    summary: summaryOf(messages, fieldOrder[variant], '#form'),
    formKey,
    status: formStatus[result.code],
    unavailable: false,
  };
}
