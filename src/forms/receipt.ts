import type { AstroGlobal } from 'astro';
import { seal, unseal } from '../lib/crypto.ts';
import type { ChannelContext } from '../services/context.ts';
import { normaliseCode, TRACKING_CODE_LENGTH } from '../domain/feedback/tracking.ts';

/**
 * The query secret after a submission, and how it is kept across a reload of the receipt page (issue 13).
 *
 * The secret never travels in a URL (RELIABILITY.md V14.2.1): URLs end up in access logs, proxy logs,
 * browser history, Referer headers and screenshots of the address bar. The 303 after the form carries it
 * in a cookie instead:
 *  - sealed (AES-GCM with the server's seal key, bound to this purpose), so the cookie value is not the
 *    secret even where a cookie header is recorded; the server logs no cookies (src/lib/log.ts);
 *  - HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure over HTTPS,
 *    scoped to /feedback/track/, and bound to the one tracking code it was issued for;
 *  - kept for `RECEIPT_MINUTES`, not deleted on first view: a reload of the receipt page, or coming back
 *    to it a little later, shows the secret again. Browser storage (localStorage/sessionStorage) was not
 *    used: only cookies may hold data in the browser (RELIABILITY.md V14.3.3), and storage would outlive
 *    the tab on a shared phone. On a shared device the submitter ends it early with "forget" (a POST).
 * Pages that show it answer `Cache-Control: no-store`, so no cache keeps a copy.
 */
const COOKIE = 'ql_receipt';
const PATH = '/feedback/track/';
const AAD = 'feedback-receipt';
/** How long the receipt page keeps showing the secret. */
export const RECEIPT_MINUTES = 15;

export function setReceipt(astro: AstroGlobal, ctx: ChannelContext, trackingCode: string, secret: string): void {
  astro.cookies.set(COOKIE, seal(ctx.keys.seal, JSON.stringify({ c: trackingCode, s: secret }), AAD), {
    path: PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: astro.url.protocol === 'https:',
    maxAge: RECEIPT_MINUTES * 60,
  });
}

const sameCode = (a: string, b: string) => {
  const code = normaliseCode(a, TRACKING_CODE_LENGTH);
  return code !== null && code === normaliseCode(b, TRACKING_CODE_LENGTH);
};

/** The secret for this tracking code if the submitter filed it from this browser in the last minutes. */
export function readReceipt(astro: AstroGlobal, ctx: ChannelContext, trackingCode: string): string | null {
  const raw = astro.cookies.get(COOKIE)?.value;
  if (!raw) return null;
  const opened = unseal(ctx.keys.seal, raw, AAD);
  if (!opened) return null;
  try {
    const { c, s } = JSON.parse(opened) as { c: string; s: string };
    return typeof c === 'string' && typeof s === 'string' && sameCode(c, trackingCode) ? s : null;
  } catch {
    return null;
  }
}

/** Stop showing the secret (the submitter saved it). */
export function forgetReceipt(astro: AstroGlobal): void {
  astro.cookies.delete(COOKIE, { path: PATH });
}
