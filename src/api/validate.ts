import { HTTPException } from 'hono/http-exception';
import { createMiddleware } from 'hono/factory';
import { bodyLimit } from 'hono/body-limit';
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { fieldErrors, unsafeTextErrors } from '../services/fields.ts';
import type { AppEnv } from './app.ts';
import { errorResponse } from './errors.ts';
import { findDuplicateKey } from './duplicate-keys.ts';

/*
 * The API's two validators, one per kind of input. Bodies: `jsonBody` makes sure a body is JSON before
 * any route sees it; the use case then parses it with its domain schema (src/services/fields.ts
 * `parseInput`), the same schema and the same field errors as the HTML forms. Queries: `query(schema)`,
 * with the same zod → field errors mapping (`fieldErrors`).
 */

/** The methods whose requests may carry a body (the only ones that pay for the body limit). */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when the request came through `@hono/node-server` (the production server), not `app.request()`. */
const fromNode = (c: Context): boolean => (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined;

/**
 * The body limit: a request that states its length is answered from that header alone (node:http then
 * delivers exactly that many bytes); only a body of unknown length (chunked) goes through Hono's
 * `bodyLimit`, which counts the bytes as they arrive and stops at the limit.
 */
export function limitBody(maxSize: number, onError: (c: Context) => Response): MiddlewareHandler<AppEnv> {
  const counted = bodyLimit({ maxSize, onError });
  return (c, next) => {
    if (!BODY_METHODS.has(c.req.method)) return next();
    const length = c.req.header('content-length');
    if (fromNode(c) && length !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(length))
      return Number(length) > maxSize ? Promise.resolve(onError(c)) : next();
    return counted(c, next);
  };
}

/**
 * Bodies are bounded (the body limit runs first), `application/json`, strict UTF-8, JSON, and free of
 * text libSQL would mangle, so no handler can turn a bad body into a 500 (RELIABILITY.md §0.3): 400
 * `bad_request` / `invalid_utf8` / `malformed_json` / `duplicate_key` / `invalid_text`, 415
 * `unsupported_media_type`.
 * The parsed value is `c.get('jsonBody')`; a request without a body leaves it undefined.
 */
export const jsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!BODY_METHODS.has(c.req.method)) return next();
  // Behind node:http the body is read straight from the socket (an empty one is no body); asking the
  // request for `body` there would build a whole WHATWG Request first, a tenth of a submission's CPU.
  if (!fromNode(c) && c.req.raw.body === null) return next();
  let bytes: ArrayBuffer;
  try {
    bytes = await c.req.arrayBuffer();
  } catch (e) {
    if (e instanceof HTTPException) throw e;
    return errorResponse(c, 400, 'bad_request');
  }
  if (bytes.byteLength === 0) return next();
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return errorResponse(c, 415, 'unsupported_media_type');
  let text: string;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    return errorResponse(c, 400, 'invalid_utf8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return errorResponse(c, 400, 'malformed_json');
  }
  // JSON.parse keeps the last of two equal names; which one a reader sees must not be a matter of taste.
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) return errorResponse(c, 400, 'duplicate_key', { [duplicate]: ['common.field.duplicate'] });
  // libSQL truncates at U+0000 and rewrites lone surrogates: refuse them before anything is hashed
  // or stored (RELIABILITY.md §0.2).
  const unsafe = unsafeTextErrors(parsed);
  if (unsafe) return errorResponse(c, 400, 'invalid_text', unsafe);
  c.set('jsonBody', parsed);
  return next();
};

/**
 * Validate query parameters with a schema; 422 `invalid` with field errors as message keys on failure.
 * A parameter the endpoint does not take is reported under its own name.
 */
export function query<S extends z.ZodType>(schema: S): MiddlewareHandler<{ Variables: { query: z.infer<S> } }> {
  return createMiddleware(async (c, next) => {
    const result = schema.safeParse(c.req.query());
    if (!result.success) return errorResponse(c, 422, 'invalid', fieldErrors(result.error));
    c.set('query', result.data);
    return next();
  });
}
