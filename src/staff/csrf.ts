import { timingSafeEqual } from 'node:crypto';
import { parseUrlEncoded } from '../forms/read.ts';

/**
 * CSRF defence for every state change in the staff console (RELIABILITY.md §1 V3.5.1), in three layers
 * that each must pass:
 *  1. the request comes from this origin: `Sec-Fetch-Site: same-origin` when the browser sends it, and
 *     an `Origin` whose host is this request's host (a POST without Origin is refused);
 *  2. the body is `application/x-www-form-urlencoded` (so text/plain and JSON posts are refused even
 *     from tools that forge the headers above) — the one exception is the disclosure upload, multipart on its
 *     own path only (./upload.ts), whose token is checked the same way;
 *  3. the body's `_csrf` field equals the session's synchronizer token (not for the login form, which
 *     has no session yet; it relies on 1 and 2 and on the SameSite=Strict cookie).
 * No staff page changes anything on GET or HEAD.
 */
export const CSRF_FIELD = '_csrf';

export type CsrfRefusal = 'cross_site' | 'no_origin' | 'content_type' | 'token';

export function checkOrigin(request: Request): CsrfRefusal | null {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') return 'cross_site';
  const origin = request.headers.get('origin');
  if (origin === null || origin === 'null') return 'no_origin';
  const host = request.headers.get('host');
  try {
    if (!host || new URL(origin).host !== host) return 'cross_site';
  } catch {
    return 'cross_site';
  }
  return null;
}

/** The media type of a request's body, lower case, without parameters. */
export const bodyType = (request: Request): string | undefined =>
  request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();

/** Urlencoded bodies only, or also multipart on the routes that take file uploads (`multipart` in the matrix). */
export function checkContentType(request: Request, multipart = false): CsrfRefusal | null {
  const type = bodyType(request);
  if (type === 'application/x-www-form-urlencoded') return null;
  return multipart && type === 'multipart/form-data' ? null : 'content_type';
}

/** The `_csrf` field of a multipart body (read from a clone; the page reads the body itself). */
export async function multipartToken(request: Request): Promise<string | null> {
  try {
    const value = (await request.clone().formData()).get(CSRF_FIELD);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** The body's `_csrf` equals the session token (constant-time compare). */
export function checkToken(body: string, expected: string): CsrfRefusal | null {
  return checkGivenToken(parseUrlEncoded(body)?.find(([k]) => k === CSRF_FIELD)?.[1], expected);
}

/** A given token (from either body type) equals the session token (constant-time compare). */
export function checkGivenToken(given: string | null | undefined, expected: string): CsrfRefusal | null {
  if (!given) return 'token';
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) ? null : 'token';
}
