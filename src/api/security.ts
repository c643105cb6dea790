/**
 * Security headers for every response, static, Astro or API (RELIABILITY.md §1, V3.4). Pages ship no
 * inline scripts, so the CSP needs no 'unsafe-inline' for scripts. Styles: Astro scopes component
 * styles into external files (build.inlineStylesheets = 'never').
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The search page runs Pagefind, which compiles WebAssembly in a Web Worker: browsers need
 * 'wasm-unsafe-eval' for that (it does not allow eval of JavaScript). Only /search/ and the
 * Pagefind files (a worker takes the CSP of its own script's response) get it.
 */
export const SEARCH_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "script-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
);

/** True for the search page and the search index files (see SEARCH_CONTENT_SECURITY_POLICY). */
export const allowsWasm = (url: string): boolean =>
  url === '/search' || url.startsWith('/search/') || url.startsWith('/search?') || url.startsWith('/pagefind/');

/**
 * The embeddable statistics charts (/statistics/embed/<series>/) are made for newsrooms to put in an
 * iframe on their own sites, so they alone may be framed by any origin. They are read-only pages
 * with no forms and no session, so there is nothing to clickjack; every other page keeps
 * `frame-ancestors 'none'` and `X-Frame-Options: DENY`.
 */
export const EMBED_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "frame-ancestors 'none'",
  'frame-ancestors *',
);

/**
 * True for the embeddable chart pages (see EMBED_CONTENT_SECURITY_POLICY). A strict pattern, not a
 * prefix: `/statistics/embed/../../feedback/` must not make the feedback form framable once the
 * router normalises the path.
 */
export const allowsFraming = (url: string): boolean => /^\/statistics\/embed\/[a-z0-9-]+\/?(?:\?[^/]*)?$/.test(url);

export function securityHeaders(opts: { https: boolean; wasm?: boolean; framable?: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': opts.wasm
      ? SEARCH_CONTENT_SECURITY_POLICY
      : opts.framable
        ? EMBED_CONTENT_SECURITY_POLICY
        : CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  };
  // X-Frame-Options has no "any origin" value: an embeddable page simply omits it.
  if (!opts.framable) headers['X-Frame-Options'] = 'DENY';
  // HSTS only means something over TLS; sending it on plain http would be ignored at best.
  if (opts.https) headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}
