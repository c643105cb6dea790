import type { AstroGlobal } from 'astro';

/**
 * Just enough of Astro's page global to call a form adapter (src/forms/*, src/staff/*-form.ts) without a
 * build: the request, its URL, `locals`, the client address, the response headers and a cookie jar.
 */
export function fakeAstro(opts: {
  url: string;
  method?: string;
  /** A urlencoded body (sent as `application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
  locals?: App.Locals;
}): AstroGlobal {
  const url = new URL(opts.url, 'http://localhost:4321');
  const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
  const request = new Request(url, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
  });
  const jar = new Map<string, string>();
  const astro = {
    request,
    url,
    params: {},
    locals: opts.locals ?? {},
    clientAddress: '203.0.113.9',
    response: { status: 200, statusText: '', headers: new Headers() },
    cookies: {
      get: (name: string) => (jar.has(name) ? { value: jar.get(name)! } : undefined),
      has: (name: string) => jar.has(name),
      set: (name: string, value: string) => void jar.set(name, value),
      delete: (name: string) => void jar.delete(name),
    },
  };
  return astro as unknown as AstroGlobal;
}
