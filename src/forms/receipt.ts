import type { AstroGlobal } from 'astro';
import { seal, unseal } from '../lib/crypto.ts';
import type { ChannelContext } from '../services/context.ts';
import { formatCode } from '../domain/feedback/tracking.ts';

/**
 * The query secret is shown once, on the tracking page the form redirects to, and never travels in a
 * URL (RELIABILITY.md V14.2.1). The 303 carries it in a short-lived, sealed, HttpOnly, SameSite=Strict
 * cookie scoped to the tracking pages; the page shows it and deletes the cookie.
 */
const COOKIE = 'ql_receipt';
const PATH = '/feedback/track/';
const AAD = 'feedback-receipt';

export function setReceipt(astro: AstroGlobal, ctx: ChannelContext, trackingCode: string, secret: string): void {
  astro.cookies.set(COOKIE, seal(ctx.keys.seal, JSON.stringify({ c: trackingCode, s: secret }), AAD), {
    path: PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: astro.url.protocol === 'https:',
    maxAge: 600,
  });
}

/** The secret for this tracking code if the submitter just filed it (and forget it). */
export function takeReceipt(astro: AstroGlobal, ctx: ChannelContext, trackingCode: string): string | null {
  const raw = astro.cookies.get(COOKIE)?.value;
  if (!raw) return null;
  astro.cookies.delete(COOKIE, { path: PATH });
  const opened = unseal(ctx.keys.seal, raw, AAD);
  if (!opened) return null;
  try {
    const { c, s } = JSON.parse(opened) as { c: string; s: string };
    return formatCode(c.replace(/-/g, '')) === formatCode(trackingCode.replace(/-/g, '')) ? s : null;
  } catch {
    return null;
  }
}
