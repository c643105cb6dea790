import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { testApi } from '../support/api.ts';
import { ErrorBody, generalItem } from '../support/channel-fixtures.ts';

/**
 * Behind node:http (as in production) the API reads a body straight from the socket and judges a stated
 * length from its header alone (src/api/validate.ts `limitBody`). Every case must answer as the in-process
 * `app.request()` does, and a body of unknown length (chunked) is still counted and cut at the limit.
 */
const LIMIT = 1024;
let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let server: http.Server;
let port: number;

beforeAll(async () => {
  fresh = await freshDatabase();
  const app = testApi(fresh.database, { bodyLimitBytes: LIMIT });
  const listener = getRequestListener(app.fetch);
  server = http.createServer((req, res) => void listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fresh.dispose();
});

interface Sent {
  status: number;
  body: string;
}

/** One raw request: `chunks` are written one by one (chunked when no content-length header is given). */
function send(path: string, headers: Record<string, string>, chunks: (string | Uint8Array)[]): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
    });
    // The server may answer 413 and close before the whole body is written.
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e),
    );
    for (const c of chunks) req.write(c);
    req.end();
  });
}

const code = (s: Sent) => ErrorBody.parse(JSON.parse(s.body)).error.code;
const json = { 'content-type': 'application/json' };

describe('bodies behind node:http answer as in-process', () => {
  const cases: [string, string | Uint8Array<ArrayBuffer>, Record<string, string>][] = [
    ['malformed JSON', '{"a":', json],
    ['a blank JSON body', ' ', json],
    ['wrong content type', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no content type', '{}', {}],
    ['oversized body', JSON.stringify({ x: 'a'.repeat(5000) }), json],
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), json],
    ['a duplicate key', '{"kind":"complaint","kind":"praise"}', json],
    ['an empty body', '', json],
    ['a valid submission', JSON.stringify(generalItem()), json],
  ];
  for (const [label, body, headers] of cases) {
    test(`${label}: with its length and chunked, as app.request()`, async () => {
      const inProcess = await testApi(fresh.database, { bodyLimitBytes: LIMIT }).request('/api/feedback', {
        method: 'POST',
        body,
        headers,
      });
      const expected = { status: inProcess.status, text: await inProcess.text() };
      const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
      const withLength = await send('/api/feedback', { ...headers, 'content-length': String(bytes.length) }, [bytes]);
      const chunked = await send(
        '/api/feedback',
        headers,
        bytes.length ? [bytes.subarray(0, 3), bytes.subarray(3)] : [],
      );
      for (const got of [withLength, chunked]) {
        expect(got.status).toBe(expected.status);
        if (expected.status >= 400) expect(code(got)).toBe(ErrorBody.parse(JSON.parse(expected.text)).error.code);
      }
    });
  }

  test('a chunked body over the limit is cut at the limit: 413, and nothing is stored', async () => {
    const before = (await fresh.database.client.execute('SELECT count(*) AS n FROM feedback_items')).rows[0]?.n;
    const piece = 'a'.repeat(400);
    const big = JSON.stringify(generalItem({ body: piece.repeat(10) }));
    const got = await send('/api/feedback', json, [big.slice(0, 500), big.slice(500, 1000), big.slice(1000)]);
    expect(got.status).toBe(413);
    expect(code(got)).toBe('payload_too_large');
    const after = (await fresh.database.client.execute('SELECT count(*) AS n FROM feedback_items')).rows[0]?.n;
    expect(after).toBe(before);
  });

  test('a stated length over the limit is refused before the body is read', async () => {
    // Only the first bytes are sent: the answer comes from the header.
    const got = await new Promise<Sent>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/feedback',
          method: 'POST',
          headers: { ...json, 'content-length': '100000' },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.write('{"kind":');
    });
    expect(got.status).toBe(413);
    expect(code(got)).toBe('payload_too_large');
  });
});
