import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorResponse, type ErrorCode } from './errors.ts';
import { unhandled, type Failure, type FailureCode } from '../services/outcome.ts';
import type { ClientInfo } from '../services/context.ts';
import type { AppEnv } from './app.ts';

/** Shared by the feedback and survey sub-apps: who is calling, and how a failed use case answers. */
export const clientOf = (c: Context<AppEnv>): ClientInfo => ({ ip: c.get('deps').clientIp(c) });

/**
 * The HTTP status of each failure code. `satisfies Record<FailureCode, …>`: a code added to the
 * services' `Failure` does not compile until it has a status here. The JSON error code is the
 * failure code itself (they are the stable codes of src/api/errors.ts).
 */
export const failureStatus = {
  invalid_text: 400,
  invalid: 422,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  deadline_passed: 409,
  idempotency_conflict: 409,
  already_used: 409,
  rate_limited: 429,
  unavailable: 503,
} as const satisfies Record<FailureCode, ContentfulStatusCode>;

export function failureResponse(c: Context<AppEnv>, f: Failure) {
  const status = failureStatus[f.code];
  // Typed as ErrorCode: a failure code the API does not list (and OpenAPI does not document) is a type error.
  const code: ErrorCode = f.code;
  switch (f.code) {
    case 'rate_limited':
      c.header('Retry-After', String(f.retryAfterS));
      return errorResponse(c, status, code);
    case 'not_found':
    case 'idempotency_conflict':
    case 'unavailable':
      return errorResponse(c, status, code);
    case 'invalid_text':
    case 'invalid':
    case 'forbidden':
    case 'conflict':
    case 'deadline_passed':
    case 'already_used':
      return errorResponse(c, status, code, f.fields);
    default:
      return unhandled(f);
  }
}
