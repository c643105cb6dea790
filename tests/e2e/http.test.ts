import { readdirSync, readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { parseCsp, rawRequest, type RawResponse } from '../support/http.ts';

/**
 * HTTP behaviour of the real production server (src/server.ts) over loopback, with no browser:
 * HEAD, security headers on every kind of response, precompressed files and cache policy.
 */
const CLIENT_DIR = fileURLToPath(new URL('../../dist/client/', import.meta.url));
/** Stands for a real hashed stylesheet from the build, resolved once the build is known to exist. */
const CSS = '/_astro/<built css>';

let server: TestServer;
let cssPath: string;
const resolve = (path: string) => (path === CSS ? cssPath : path);

beforeAll(async () => {
  server = await startTestServer();
  return async () => {
    expect(await server.stop()).toBe(0);
    server.cleanup();
  };
});
beforeAll(() => {
  const css = readdirSync(`${CLIENT_DIR}_astro`).filter((f) => f.endsWith('.css'));
  expect(css.length, 'a stylesheet in dist/client/_astro').toBeGreaterThan(0);
  cssPath = `/_astro/${css[0]!}`;
});

describe('HEAD', () => {
  test.each(['/', '/units/', '/status/', '/api/health', '/api/units', '/nope-missing', '/api/nope', CSS])(
    'HEAD %s answers like GET, without a body',
    async (p) => {
      const path = resolve(p);
      const get = await fetch(server.url + path, { headers: { 'accept-encoding': 'identity' } });
      const getBody = Buffer.from(await get.arrayBuffer());
      const head = await rawRequest(server.url + path, { method: 'HEAD' });
      expect(head.status).toBe(get.status);
      expect([200, 404]).toContain(head.status);
      expect(
        head.rest.length,
        `bytes after the HEAD response's headers: ${head.rest.toString('utf8').slice(0, 200)}`,
      ).toBe(0);
      expect(head.headers['content-type']).toBe(get.headers.get('content-type') ?? undefined);
      // A HEAD may omit Content-Length, but when it sends one it must be the GET body's.
      if (head.headers['content-length'] !== undefined)
        expect(Number(head.headers['content-length'])).toBe(getBody.length);
      expect(getBody.length).toBeGreaterThan(0);
    },
  );
});

describe('security headers on every kind of response', () => {
  const REFERRER_POLICIES = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'];

  function expectSecurityHeaders(res: RawResponse, what: string): void {
    const csp = res.headers['content-security-policy'];
    expect(csp, `${what}: Content-Security-Policy`).toBeTruthy();
    const directives = parseCsp(csp!);
    const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
    expect(scriptSrc, `${what}: script-src or default-src`).toBeDefined();
    expect(scriptSrc, `${what}: script-src`).not.toContain("'unsafe-inline'");
    expect(scriptSrc, `${what}: script-src`).not.toContain("'unsafe-eval'");
    expect(scriptSrc, `${what}: script-src`).not.toContain('*');
    expect(directives.get('frame-ancestors'), `${what}: frame-ancestors`).toEqual(["'none'"]);
    expect(directives.get('object-src'), `${what}: object-src`).toEqual(["'none'"]);
    expect(directives.get('base-uri'), `${what}: base-uri`).toEqual(["'none'"]);
    expect(res.headers['x-content-type-options'], `${what}: X-Content-Type-Options`).toBe('nosniff');
    expect(REFERRER_POLICIES, `${what}: Referrer-Policy`).toContain(res.headers['referrer-policy']);
  }

  test.each([
    { kind: 'static page', path: '/', status: 200 },
    { kind: 'prerendered filter page', path: '/units/in/school/all/', status: 200 },
    { kind: 'hashed asset', path: CSS, status: 200 },
    { kind: 'static file', path: '/favicon.svg', status: 200 },
    { kind: 'on-demand page', path: '/status/', status: 200 },
    { kind: 'API', path: '/api/health', status: 200 },
    { kind: 'API list', path: '/api/units', status: 200 },
    { kind: 'API validation error', path: '/api/units?page=0', status: 422 },
    { kind: 'API 404', path: '/api/nope', status: 404 },
    { kind: 'page 404', path: '/nope-missing', status: 404 },
  ])('$kind ($path, $status)', async ({ kind, path, status }) => {
    for (const method of ['GET', 'HEAD']) {
      const res = await rawRequest(server.url + resolve(path), { method });
      expect(res.status, `${method} ${path}`).toBe(status);
      expectSecurityHeaders(res, `${kind}, ${method}`);
    }
  });

  test('revalidation (304 Not Modified)', async () => {
    const first = await rawRequest(`${server.url}/`);
    const etag = first.headers.etag;
    expect(etag, 'ETag on /').toBeTruthy();
    const again = await rawRequest(`${server.url}/`, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(again.rest.length).toBe(0);
    expectSecurityHeaders(again, '304');
  });
});

describe('precompressed files and cache policy', () => {
  test.each([
    { encoding: 'br', decode: brotliDecompressSync },
    { encoding: 'gzip', decode: gunzipSync },
  ])('GET / with Accept-Encoding: $encoding sends the precompressed file', async ({ encoding, decode }) => {
    const res = await rawRequest(`${server.url}/`, { headers: { 'Accept-Encoding': encoding } });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers.vary?.toLowerCase()).toContain('accept-encoding');
    expect(Number(res.headers['content-length'])).toBe(res.rest.length);
    const original = readFileSync(`${CLIENT_DIR}index.html`);
    expect(res.rest.length).toBeLessThan(original.length);
    expect(decode(res.rest).equals(original)).toBe(true);
  });

  test('GET / without Accept-Encoding sends the plain file', async () => {
    const res = await rawRequest(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.rest.equals(readFileSync(`${CLIENT_DIR}index.html`))).toBe(true);
  });

  test('hashed /_astro/ assets are cacheable for a year and immutable', async () => {
    expect(cssPath).toMatch(/^\/_astro\/[^/]+\.[A-Za-z0-9_-]{8}\.css$/);
    for (const encoding of ['identity', 'br']) {
      const res = await rawRequest(server.url + cssPath, { headers: { 'Accept-Encoding': encoding } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/css/);
      const cacheControl = res.headers['cache-control'] ?? '';
      expect(cacheControl).toContain('immutable');
      expect(Number(/max-age=(\d+)/.exec(cacheControl)?.[1])).toBeGreaterThanOrEqual(31_536_000);
    }
  });

  test('HTML is revalidated, never marked immutable', async () => {
    for (const path of ['/', '/units/', '/status/']) {
      const res = await rawRequest(server.url + path, { method: 'HEAD' });
      const cacheControl = res.headers['cache-control'] ?? '';
      expect(cacheControl, path).not.toContain('immutable');
      expect(cacheControl, path).toMatch(/no-store|no-cache|max-age=0/);
    }
  });
});
