import { z } from 'zod';
import { plainText } from '../text/safety.ts';
import { beijingDate } from '../calendar/dates.ts';

/*
 * Limits are named constants: the zod schemas below and the HTML `maxlength` attributes both use
 * them (STYLE.md §3). Lengths are UTF-16 code units, the unit `maxlength` counts.
 */
export const BODY_MIN = 5;
export const BODY_MAX = 2000;
export const DISHES_MAX = 200;
export const MEAL_SUGGESTION_MAX = 1000;
export const REPLY_MAX = 4000;
export const REASON_MIN = 5;
export const REASON_MAX = 500;
export const DISCLOSURE_ID_MAX = 128;
export const PHONE_MAX = 20;
export const IDEMPOTENCY_KEY_MIN = 16;
export const IDEMPOTENCY_KEY_MAX = 64;
export const ALTCHA_MAX = 4096;
/** How far back an accompanied-meal record may be dated (days). */
export const MEAL_DATE_MAX_AGE_DAYS = 60;

/**
 * Kinds of feedback (GLOSSARY: feedback). `misconductReport` is accepted only to route it to
 * the commission: it is never published and never shown to the unit it concerns (DOMAIN.md §6.1 art.30,
 * §6.2 art.47).
 */
export const feedbackKinds = [
  'suggestion',
  'complaint',
  'question',
  'praise',
  'accompaniedMeal',
  'misconductReport',
] as const;
export type FeedbackKind = (typeof feedbackKinds)[number];
/** The kinds filed on the general form; the accompanied-meal record has its own form. */
export const generalKinds = ['suggestion', 'complaint', 'question', 'praise', 'misconductReport'] as const;

export const meals = ['breakfast', 'lunch', 'dinner'] as const;
export type Meal = (typeof meals)[number];
/** The accompanied-meal rating scale (good / fair / poor) used for taste, quantity, hygiene and price. */
export const mealRatings = ['good', 'fair', 'poor'] as const;
export type MealRating = (typeof mealRatings)[number];
export const mealAspects = ['taste', 'quantity', 'hygiene', 'price'] as const;

/** Where an item goes: the unit it concerns, or only the commission (misconduct reports). */
export const routes = ['unit', 'commission'] as const;
export type Route = (typeof routes)[number];
export const routeOf = (kind: FeedbackKind): Route => (kind === 'misconductReport' ? 'commission' : 'unit');

/** A mainland mobile number, optionally with +86 and spaces or hyphens (normalised before storage). */
export const PHONE_PATTERN = /^(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}$/;
/** The 11 digits of a phone accepted by `PHONE_PATTERN`. */
export function normalisePhone(raw: string): string {
  return raw.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
}

const IsoDate = z
  .string('feedback.meal.date.invalid')
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'feedback.meal.date.invalid');

/** A unit id (the slug of a file in content/units). */
export const UnitId = z
  .string('feedback.unitId.required')
  .min(1, 'feedback.unitId.required')
  .max(64, 'feedback.unitId.invalid')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'feedback.unitId.invalid');

const common = {
  /** The unit the feedback concerns (a unit id from content/units). */
  unitId: UnitId,
  /** Optionally, the disclosure the feedback is about. */
  disclosureId: z
    .string('feedback.disclosureId.invalid')
    .max(DISCLOSURE_ID_MAX, 'feedback.disclosureId.invalid')
    .regex(/^[a-z0-9][a-z0-9/-]*$/, 'feedback.disclosureId.invalid')
    .optional(),
  /** Optional phone for a call back; stored encrypted, never shown (DOMAIN.md §7.3). */
  contactPhone: z
    .string('feedback.contactPhone.invalid')
    .max(PHONE_MAX, 'feedback.contactPhone.invalid')
    .regex(PHONE_PATTERN, 'feedback.contactPhone.invalid')
    .optional(),
  /** Consent to be told by text when the reply is published (needs `contactPhone`); off by default. */
  notifyConsent: z.boolean('feedback.notifyConsent.invalid').optional(),
  /** Separate consent to show the text publicly after moderation (PIPL art.25); off by default. */
  publicConsent: z.boolean('feedback.publicConsent.invalid').default(false),
};

/** Transport guards, shared by the JSON API and the HTML form (RELIABILITY.md §3.2). */
const guards = {
  /** A retried submission with the same key returns the same tracking code. */
  idempotencyKey: z
    .string('feedback.idempotencyKey.invalid')
    .regex(
      new RegExp(`^[A-Za-z0-9_-]{${IDEMPOTENCY_KEY_MIN},${IDEMPOTENCY_KEY_MAX}}$`),
      'feedback.idempotencyKey.invalid',
    )
    .optional(),
  /** Honeypot: hidden from people, filled by naive bots. Must stay empty. */
  website: z.string('feedback.honeypot.filled').max(0, 'feedback.honeypot.filled').optional(),
  /** An ALTCHA proof-of-work payload (base64 JSON); optional, see src/services/altcha.ts. */
  altcha: z.string('feedback.altcha.invalid').max(ALTCHA_MAX, 'feedback.altcha.invalid').optional(),
};

/** Suggestion, complaint, question, praise or misconduct report: free text about a unit. */
export const GeneralFeedback = z.strictObject({
  kind: z.enum(generalKinds, 'feedback.kind.invalid'),
  body: plainText(
    { required: 'feedback.body.required', tooShort: 'feedback.body.tooShort', tooLong: 'feedback.body.tooLong' },
    BODY_MIN,
    BODY_MAX,
  ),
  ...common,
});

/** A parent's accompanied-meal record (DOMAIN.md §3.3): no child names are asked for. */
export const MealRecord = z.strictObject({
  kind: z.literal('accompaniedMeal', 'feedback.kind.invalid'),
  meal: z.strictObject(
    {
      date: IsoDate,
      meal: z.enum(meals, 'feedback.meal.meal.invalid'),
      dishes: plainText(
        { required: 'feedback.meal.dishes.required', tooLong: 'feedback.meal.dishes.tooLong' },
        1,
        DISHES_MAX,
      ),
      taste: z.enum(mealRatings, 'feedback.meal.taste.invalid'),
      quantity: z.enum(mealRatings, 'feedback.meal.quantity.invalid'),
      hygiene: z.enum(mealRatings, 'feedback.meal.hygiene.invalid'),
      price: z.enum(mealRatings, 'feedback.meal.price.invalid'),
    },
    'feedback.meal.invalid',
  ),
  suggestion: plainText(
    { required: 'common.field.invalid', tooLong: 'feedback.meal.suggestion.tooLong' },
    0,
    MEAL_SUGGESTION_MAX,
  ).optional(),
  ...common,
});

/** What a citizen submits, without transport guards. */
export const FeedbackInput = z.discriminatedUnion('kind', [GeneralFeedback, MealRecord], 'feedback.kind.invalid');
export type FeedbackInput = z.infer<typeof FeedbackInput>;

export const GeneralSubmission = GeneralFeedback.extend(guards);
export const MealSubmission = MealRecord.extend(guards);

/** The body of `POST /api/feedback` and of the HTML forms: the input plus transport guards. */
export const FeedbackSubmission = z.discriminatedUnion(
  'kind',
  [GeneralSubmission, MealSubmission],
  'feedback.kind.invalid',
);
export type FeedbackSubmission = z.infer<typeof FeedbackSubmission>;

/** The 5-point answer scale (also used to rate a unit's reply). */
export const satisfactionAnswers = [
  'satisfied',
  'fairlySatisfied',
  'notVerySatisfied',
  'dissatisfied',
  'unsure',
] as const;
export type SatisfactionAnswer = (typeof satisfactionAnswers)[number];

/** The query secret as typed (normalised and checked by the use case). */
const secret = z.string('feedback.secret.invalid').min(1, 'feedback.secret.invalid').max(32, 'feedback.secret.invalid');

/** The submitter asks to read their own text in full (needs the query secret). */
export const SecretInput = z.strictObject({ secret });
export type SecretInput = z.infer<typeof SecretInput>;

/** The submitter rates the unit's reply (needs the query secret). */
export const RatingInput = z.strictObject({
  secret,
  rating: z.enum(satisfactionAnswers, 'feedback.rating.invalid'),
});
export type RatingInput = z.infer<typeof RatingInput>;

/** The submitter reopens the item once, saying why (review, DOMAIN.md §6.1 art.35). */
export const ReopenInput = z.strictObject({
  secret,
  reason: plainText(
    { required: 'feedback.reason.required', tooShort: 'feedback.reason.tooShort', tooLong: 'feedback.reason.tooLong' },
    REASON_MIN,
    REASON_MAX,
  ),
});
export type ReopenInput = z.infer<typeof ReopenInput>;

/**
 * The clock check of an accompanied-meal date: today or up to `MEAL_DATE_MAX_AGE_DAYS` back, in Beijing time.
 * Returns a message key, or null when the date is fine.
 */
export function checkMealDate(date: string, now: Date): string | null {
  const parsed = Date.parse(`${date}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(parsed) || beijingDate(new Date(parsed)) !== date)
    return 'feedback.meal.date.invalid';
  if (date > beijingDate(now)) return 'feedback.meal.date.future';
  const oldest = beijingDate(new Date(now.getTime() - MEAL_DATE_MAX_AGE_DAYS * 86_400_000));
  if (date < oldest) return 'feedback.meal.date.tooOld';
  return null;
}

/** Checks that need the clock, as field errors in the same shape as a zod failure. */
export function checkFeedbackAt(input: FeedbackInput, now: Date): Record<string, string[]> {
  if (input.kind !== 'accompaniedMeal') return {};
  const problem = checkMealDate(input.meal.date, now);
  return problem ? { 'meal.date': [problem] } : {};
}

/**
 * The reply text goes only to a phone the submitter gave (issue 17): ticking the consent box without a
 * phone is an error on the box, not a silent no-op. Takes the raw values, so it also runs beside other
 * field errors; returns a message key or null.
 */
export function checkNotifyConsent(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { notifyConsent, contactPhone } = raw as { notifyConsent?: unknown; contactPhone?: unknown };
  if (notifyConsent !== true) return null;
  return typeof contactPhone === 'string' && contactPhone.trim() !== '' ? null : 'feedback.notifyConsent.needsPhone';
}
