import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createResponseCache, type ResponseCache } from '../../src/lib/response-cache.ts';
import { freshDatabase } from '../support/db.ts';

/**
 * Concurrent misses of one key (src/lib/response-cache.ts): N requests for the same missing or stale
 * key render once and the others get that render's bytes; a render that is not kept (here a 500) fails
 * only its own request, and each waiter then renders for itself. A real migrated libSQL file and a
 * real HTTP server; the renderer is slow on purpose: it answers only once every request has arrived.
 */
const N = 8;
let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let cache: ResponseCache;
let server: http.Server;
let base = '';
let arrived = 0;
let renders = 0;
/** What the next render answers: its status (500 once to test the failing render). */
let failNext = false;

const allArrived = async () => {
  while (arrived < N) await new Promise((r) => setTimeout(r, 5));
  // Time for the last arrivals to read the data versions and find the render under way.
  await new Promise((r) => setTimeout(r, 200));
};

beforeAll(async () => {
  fresh = await freshDatabase();
  cache = createResponseCache(fresh.database);
  server = http.createServer((req, res) => {
    arrived += 1;
    const handled = cache.handle(req, res, false, async () => {
      renders += 1;
      const n = renders;
      const fail = failNext;
      failNext = false;
      await allArrived();
      if (fail) {
        res.writeHead(500, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
        res.end('render failed');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=0' });
      res.end(JSON.stringify({ render: n }));
    });
    expect(handled).toBe(true);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fresh.dispose();
});

const burst = async () => {
  arrived = 0;
  renders = 0;
  const answers = await Promise.all(
    Array.from({ length: N }, async () => {
      const res = await fetch(`${base}/api/units`);
      return { status: res.status, cache: res.headers.get('x-cache'), body: await res.text() };
    }),
  );
  return answers;
};

describe('response cache: concurrent misses of one key render once', () => {
  test('a missing key: one render, every request gets its bytes', async () => {
    const before = cache.stats.coalesced;
    const answers = await burst();
    expect(renders).toBe(1);
    expect(answers.map((a) => a.status)).toEqual(Array(N).fill(200));
    expect(new Set(answers.map((a) => a.body))).toEqual(new Set(['{"render":1}']));
    expect(answers.filter((a) => a.cache === 'miss')).toHaveLength(1);
    expect(answers.filter((a) => a.cache === 'coalesced')).toHaveLength(N - 1);
    expect(cache.stats.coalesced - before).toBe(N - 1);
    // And the entry it stored serves the next read.
    const next = await fetch(`${base}/api/units`);
    expect(next.headers.get('x-cache')).toBe('hit');
    expect(await next.text()).toBe('{"render":1}');
  });

  test('a key made stale by another process: one render again, with the new version', async () => {
    const other = createClient({ url: `file:${fresh.file}`, timeout: 5000 });
    try {
      const changed = await other.execute("UPDATE units SET name = name || '（合并测试）' WHERE id = 'hetang-village'");
      expect(changed.rowsAffected).toBe(1);
    } finally {
      other.close();
    }
    const answers = await burst();
    expect(renders).toBe(1);
    expect(new Set(answers.map((a) => a.body))).toEqual(new Set(['{"render":1}']));
    expect(answers.filter((a) => a.cache === 'miss')).toHaveLength(1);
    expect(answers.filter((a) => a.cache === 'coalesced')).toHaveLength(N - 1);
  });

  test('a failing render fails only its own request; the waiters render for themselves', async () => {
    cache.clear();
    failNext = true;
    const answers = await burst();
    expect(renders).toBe(N);
    const failed = answers.filter((a) => a.status === 500);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.body).toBe('render failed');
    expect(failed[0]!.cache).toBe('bypass');
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(N - 1);
    expect(ok.every((a) => a.cache === 'miss')).toBe(true);
    // Each waiter rendered for itself: renders 2..N, in some order.
    expect(new Set(ok.map((a) => a.body)).size).toBe(N - 1);
    expect(answers.some((a) => a.body === '{"render":1}')).toBe(false);
  });
});
