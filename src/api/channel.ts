import type { Context } from 'hono';
import { errorResponse } from './errors.ts';
import type { Failure } from '../services/fields.ts';
import type { ClientInfo } from '../services/context.ts';
import type { AppEnv } from './app.ts';

/** Shared by the feedback and survey sub-apps: who is calling, and how a failed use case answers. */
export const clientOf = (c: Context<AppEnv>): ClientInfo => ({ ip: c.get('deps').clientIp(c) });

export function failureResponse(c: Context<AppEnv>, f: Failure) {
  switch (f.status) {
    case 429:
      c.header('Retry-After', String(f.retryAfterS));
      return errorResponse(c, 429, f.code);
    case 404:
    case 503:
      return errorResponse(c, f.status, f.code);
    default:
      return errorResponse(c, f.status, f.code, f.fields);
  }
}
