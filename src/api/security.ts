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
export const SEARCH_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'");

/** True for the search page and the search index files (see SEARCH_CONTENT_SECURITY_POLICY). */
export const allowsWasm = (url: string): boolean =>
  url === '/search' || url.startsWith('/search/') || url.startsWith('/search?') || url.startsWith('/pagefind/');

export function securityHeaders(opts: { https: boolean; wasm?: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': opts.wasm ? SEARCH_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  };
  // HSTS only means something over TLS; sending it on plain http would be ignored at best.
  if (opts.https) headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}
