import { defineMiddleware } from 'astro:middleware';

/**
 * On-demand pages: declare the charset (Astro sends bare `text/html`) and keep live pages out of
 * shared caches unless the page set its own policy.
 */
export const onRequest = defineMiddleware(async (_context, next) => {
  const response = await next();
  const type = response.headers.get('Content-Type');
  if (type === 'text/html') response.headers.set('Content-Type', 'text/html; charset=utf-8');
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
  return response;
});
