import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { fieldErrors } from '../services/fields.ts';
import { errorResponse } from './errors.ts';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Read the body as strict UTF-8; `null` when it is not valid UTF-8. */
async function readUtf8(c: Context): Promise<string | null> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return null;
  }
}

function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type?.startsWith('application/') === true && type.endsWith('+json'));
}

/**
 * Validate a JSON body with a domain schema: 415 for another media type, 400 for invalid UTF-8 or
 * malformed JSON, 422 with the failing fields for a schema failure. Never throws to a 500.
 */
export function json<S extends z.ZodType>(schema: S): MiddlewareHandler<{ Variables: { body: z.infer<S> } }> {
  return createMiddleware(async (c, next) => {
    if (!isJson(c.req.header('content-type'))) return errorResponse(c, 415, 'unsupported_media_type');
    const text = await readUtf8(c);
    if (text === null) return errorResponse(c, 400, 'invalid_utf8');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return errorResponse(c, 400, 'malformed_json');
    }
    const result = schema.safeParse(data);
    if (!result.success) return errorResponse(c, 422, 'invalid', fieldErrors(result.error));
    c.set('body', result.data);
    await next();
  });
}

/** Validate query parameters with a schema; 422 with fields on failure. */
export function query<S extends z.ZodType>(schema: S): MiddlewareHandler<{ Variables: { query: z.infer<S> } }> {
  return createMiddleware(async (c, next) => {
    const result = schema.safeParse(c.req.query());
    if (!result.success) return errorResponse(c, 422, 'invalid', fieldErrors(result.error));
    c.set('query', result.data);
    await next();
  });
}
