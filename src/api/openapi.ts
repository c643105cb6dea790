import { Hono } from 'hono';
import { z } from 'zod';
import { FeedbackSubmission, RatingInput, ReopenInput, SecretInput } from '../domain/feedback/schema.ts';
import { FeedbackReceipt, PublicFeedback, TrackingView } from '../domain/feedback/public.ts';
import { OtpStartInput, SurveyResponseInput } from '../domain/surveys/schema.ts';
import { SurveyResults, SurveyView } from '../domain/surveys/public.ts';
import { errorCodes } from './errors.ts';
import { Health } from './health.ts';
import { UnitsPage, UnitsQuery } from './units.ts';
import { UnitFeedbackQuery } from './feedback.ts';
import type { AppEnv } from './app.ts';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests and describe
 * responses (zod 4's `z.toJSONSchema`, JSON Schema 2020-12 as OpenAPI 3.1 uses). No extra library: the
 * paths are listed here, the shapes come from src/domain.
 */
const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.enum(errorCodes),
    fields: z.record(z.string(), z.array(z.string())).optional(),
    requestId: z.string().optional(),
  }),
});
const UnitFeedback = z.strictObject({
  unitId: z.string(),
  items: z.array(PublicFeedback),
  onTimeReply: z.strictObject({ due: z.number().int(), onTime: z.number().int(), rate: z.number().nullable() }),
});
const ResponseCreated = z.strictObject({ surveyId: z.string(), unitId: z.string(), counted: z.boolean() });
const OtpStarted = z.strictObject({ challengeId: z.uuid(), expiresAt: z.iso.datetime() });
const AltchaChallenge = z.object({ parameters: z.record(z.string(), z.unknown()), signature: z.string() });

const schemas = {
  ErrorBody,
  Health,
  UnitsPage,
  FeedbackSubmission,
  FeedbackReceipt,
  TrackingView,
  SecretInput,
  RatingInput,
  ReopenInput,
  UnitFeedback,
  SurveyView,
  SurveyResults,
  SurveyResponseInput,
  ResponseCreated,
  OtpStartInput,
  OtpStarted,
  AltchaChallenge,
} as const;
type SchemaName = keyof typeof schemas;

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: SchemaName) => ({ content: { 'application/json': { schema: ref(name) } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: errorText[s] ?? 'Error', ...json('ErrorBody') }]));
const errorText: Record<number, string> = {
  400: 'Malformed JSON, a duplicated member name (duplicate_key), invalid UTF-8, or control characters / bidi controls / lone surrogates in text (invalid_text)',
  403: 'Wrong query secret',
  404: 'Not found',
  409: 'Conflict (state does not allow it, idempotency key reused with another body, code already used, a time limit passed: deadline_passed)',
  413: 'Body too large',
  415: 'Not application/json',
  422: 'Validation failed; `fields` maps each field to message keys',
  429: 'Rate limited; see Retry-After',
  503: 'Phone verification unavailable',
};
const body = (name: SchemaName) => ({ required: true, ...json(name) });
const codeParam = {
  name: 'code',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'Tracking code, e.g. ABCD-EFGH-JKMN',
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
/** Query parameters from the strict zod object that validates them (unknown keys answer 422). */
const queryParams = (schema: z.ZodObject) =>
  Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const { $schema: _drop, ...rest } = z.toJSONSchema(field, { io: 'input', unrepresentable: 'any' });
    return { name, in: 'query', required: !field.safeParse(undefined).success, schema: rest };
  });
const bodyErrors = [400, 413, 415, 422];

function componentSchemas() {
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => {
      const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
        string,
        unknown
      >;
      return [name, rest];
    }),
  );
}

export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Qinglian feedback channel API',
      version,
      description:
        'Supervision feedback with tracking codes and legal deadlines, and satisfaction surveys (one response per person). Errors: `{ error: { code, fields? } }`; field messages are keys of src/i18n/zh-CN/.',
    },
    servers: [{ url: '/api' }],
    paths: {
      '/health': {
        get: {
          summary: 'Is the database reachable, which schema version is applied, which build runs',
          responses: {
            '200': { description: 'Healthy', ...json('Health') },
            '503': { description: 'Database unreachable or not migrated', ...json('Health') },
          },
        },
      },
      '/units': {
        get: {
          summary: 'Units, filterable by carrier and township, paginated',
          parameters: queryParams(UnitsQuery),
          responses: { '200': { description: 'OK', ...json('UnitsPage') }, ...errors(422) },
        },
      },
      '/feedback': {
        post: {
          summary: 'Submit feedback (idempotent with idempotencyKey)',
          requestBody: body('FeedbackSubmission'),
          responses: {
            '201': { description: 'Received; the only time the query secret is returned', ...json('FeedbackReceipt') },
            ...errors(...bodyErrors, 409, 429),
          },
        },
        get: {
          summary: "A unit's published feedback and on-time reply rate",
          parameters: queryParams(UnitFeedbackQuery),
          responses: { '200': { description: 'OK', ...json('UnitFeedback') }, ...errors(404, 422) },
        },
      },
      '/feedback/{code}': {
        get: {
          summary: 'Track an item (every text with its identifiers masked)',
          parameters: [codeParam],
          responses: { '200': { description: 'OK', ...json('TrackingView') }, ...errors(404, 429) },
        },
      },
      '/feedback/{code}/full': {
        post: {
          summary: 'Track an item with the full, unmasked text (needs the query secret)',
          parameters: [codeParam],
          requestBody: body('SecretInput'),
          responses: {
            '200': { description: 'OK (masked: false)', ...json('TrackingView') },
            ...errors(...bodyErrors, 403, 404, 429),
          },
        },
      },
      '/feedback/{code}/rating': {
        post: {
          summary: "Rate the unit's reply (needs the query secret)",
          parameters: [codeParam],
          requestBody: body('RatingInput'),
          responses: {
            '200': { description: 'Rated', ...json('TrackingView') },
            ...errors(...bodyErrors, 403, 404, 409, 429),
          },
        },
      },
      '/feedback/{code}/reopen': {
        post: {
          summary: 'Reopen once, with a reason (needs the query secret)',
          parameters: [codeParam],
          requestBody: body('ReopenInput'),
          responses: {
            '200': { description: 'Reopened', ...json('TrackingView') },
            ...errors(...bodyErrors, 403, 404, 409, 429),
          },
        },
      },
      '/surveys': {
        get: {
          summary: 'Surveys',
          responses: {
            '200': {
              description: 'OK',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { items: { type: 'array', items: ref('SurveyView') } },
                    required: ['items'],
                  },
                },
              },
            },
          },
        },
      },
      '/surveys/{id}/results': {
        get: {
          summary: 'Results per unit (n, rates, 95% Wilson intervals; n < 30 never ranked)',
          parameters: [idParam],
          responses: { '200': { description: 'OK', ...json('SurveyResults') }, ...errors(404) },
        },
      },
      '/surveys/{id}/responses': {
        post: {
          summary: 'Respond with an invitation code or a verified phone (one response per person)',
          parameters: [idParam],
          requestBody: body('SurveyResponseInput'),
          responses: {
            '201': { description: 'Stored', ...json('ResponseCreated') },
            ...errors(...bodyErrors, 404, 409, 429),
          },
        },
      },
      '/surveys/{id}/otp': {
        post: {
          summary: 'Send a one-time code by SMS',
          parameters: [idParam],
          requestBody: body('OtpStartInput'),
          responses: {
            '202': { description: 'Sent', ...json('OtpStarted') },
            ...errors(...bodyErrors, 404, 409, 429, 503),
          },
        },
      },
      '/altcha/challenge': {
        get: {
          summary: 'A single-use proof-of-work challenge',
          responses: { '200': { description: 'OK', ...json('AltchaChallenge') } },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OK' } } } },
    },
    components: { schemas: componentSchemas() },
  };
}

let cached: { version: string; doc: ReturnType<typeof openApiDocument> } | null = null;

export const openApiRoute = new Hono<AppEnv>().get('/', (c) => {
  const { version } = c.get('deps');
  if (cached?.version !== version) cached = { version, doc: openApiDocument(version) };
  c.header('Cache-Control', 'public, max-age=300');
  return c.json(cached.doc);
});
