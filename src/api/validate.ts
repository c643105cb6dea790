import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { errorResponse } from './errors.ts';

/** zod issues as `{ field: [messageKey] }`; the message is a key in src/i18n. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** Validate query parameters with a schema; 422 with fields on failure. */
export function query<S extends z.ZodType>(schema: S): MiddlewareHandler<{ Variables: { query: z.infer<S> } }> {
  return createMiddleware(async (c, next) => {
    const result = schema.safeParse(c.req.query());
    if (!result.success) return errorResponse(c, 422, 'invalid', fieldErrors(result.error));
    c.set('query', result.data);
    return next();
  });
}
