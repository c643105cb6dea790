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

export function checkContentType(request: Request): CsrfRefusal | null {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' ? null : 'content_type';
}

/** The body's `_csrf` equals the session token (constant-time compare). */
export function checkToken(body: string, expected: string): CsrfRefusal | null {
  const entries = parseUrlEncoded(body);
  const given = entries?.find(([k]) => k === CSRF_FIELD)?.[1];
  if (!given) return 'token';
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) ? null : 'token';
}
