import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Stable, English error codes: clients switch on these, so never rename one. */
export const errorCodes = [
  'invalid',
  'malformed_json',
  'duplicate_key',
  'invalid_utf8',
  'unsupported_media_type',
  'payload_too_large',
  'not_found',
  'method_not_allowed',
  'rate_limited',
  'unauthorized',
  'forbidden',
  'conflict',
  'bad_request',
  'internal',
  'unavailable',
  'invalid_text',
  'idempotency_conflict',
  'already_used',
  'deadline_passed',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorBody {
  error: { code: ErrorCode | (string & {}); fields?: Record<string, string[]>; requestId?: string };
}

/** The one shape of every JSON error (`{ error: { code, fields? } }`). */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: ErrorCode | (string & {}),
  fields?: Record<string, string[]>,
) {
  const body: ErrorBody = { error: { code, ...(fields ? { fields } : {}) } };
  const requestId = c.get('requestId' as never) as string | undefined;
  if (requestId) body.error.requestId = requestId;
  return c.json(body, status);
}
