import { createClient, type Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { generalItem } from '../support/channel-fixtures.ts';

/**
 * The response cache on the real server (src/lib/response-cache.ts): per area, a write is visible to the
 * next read, whether this server wrote it (its own write queue) or another process did (the test's own
 * connection to the same file: `PRAGMA data_version`); personal and staff responses never come from it.
 */
let server: TestServer;
let db: Client;

beforeAll(async () => {
  server = await startTestServer({ env: { FEEDBACK_LIMIT_NO_POW_PER_IP: '1000', FEEDBACK_LIMIT_PER_IP: '1000' } });
  // A second connection to the same file, as another process would have one (with a busy timeout).
  db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
}, 60_000);
afterAll(async () => {
  db.close();
  await server.stop();
  server.cleanup();
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
  return { status: res.status, cache: res.headers.get('x-cache'), headers: res.headers, body: await res.text() };
};

/** Read twice: the second answer must come from the cache, unchanged. */
async function cached(path: string) {
  await get(path);
  const second = await get(path);
  expect(second.status, path).toBe(200);
  expect(second.cache, path).toBe('hit');
  return second;
}

const postFeedback = async (text: string) => {
  const res = await fetch(`${server.url}/api/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(generalItem({ body: text })),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { trackingCode: string };
};

describe('a write is visible to the next read, per area', () => {
  test('units: a unit renamed by another process shows in /api/units and the unit feedback page', async () => {
    await cached('/api/units');
    await cached('/units/hetang-village/feedback/');
    await db.execute("UPDATE units SET name = name || '（缓存测试）' WHERE id = 'hetang-village'");
    const api = await get('/api/units');
    expect(api.cache).toBe('miss');
    expect(api.body).toContain('（缓存测试）');
    const page = await get('/units/hetang-village/feedback/');
    expect(page.cache).toBe('miss');
    expect(page.body).toContain('（缓存测试）');
    expect((await get('/api/units')).cache).toBe('hit');
  });

  test('feedback: a submission through this server changes the monthly statistics on the next read', async () => {
    const before = await cached('/statistics/feedback-months.json');
    const page = await cached('/statistics/feedback-months/');
    // Six, so that this month's count passes the small-cell suppression (1–4 publish as <5).
    for (let i = 0; i < 6; i++) await postFeedback(`缓存测试：村务公开栏三个月没有更新了 ${String(i)}`);
    const after = await get('/statistics/feedback-months.json');
    expect(after.cache).toBe('miss');
    expect(after.body).not.toBe(before.body);
    const total = (body: string) =>
      (body.match(/"n": \d+/g) ?? []).map((m) => Number(m.slice(5))).reduce((a, b) => a + b, 0);
    expect(total(after.body)).toBeGreaterThan(total(before.body));
    const pageAfter = await get('/statistics/feedback-months/');
    expect(pageAfter.cache).toBe('miss');
    expect(pageAfter.body).not.toBe(page.body);
  });

  test('surveys: a survey changed by another process shows in /api/surveys', async () => {
    await cached('/api/surveys');
    await db.execute("UPDATE surveys SET period_label = period_label || '（缓存测试）'");
    const after = await get('/api/surveys');
    expect(after.cache).toBe('miss');
    expect(after.body).toContain('（缓存测试）');
  });

  test('scoring: an evaluation mark changed by another process shows on the scorecard and the year overview', async () => {
    await cached('/scoring/2025/hetang-village/');
    const year = await cached('/scoring/2025/');
    await db.execute(
      "UPDATE evaluation_marks SET note = '缓存测试备注' WHERE unit_id = 'hetang-village' AND year = 2025 AND id = (SELECT min(id) FROM evaluation_marks WHERE unit_id = 'hetang-village' AND year = 2025)",
    );
    const card = await get('/scoring/2025/hetang-village/');
    expect(card.cache).toBe('miss');
    expect(card.body).toContain('缓存测试备注');
    expect((await get('/scoring/2025/')).cache).toBe('miss');
    expect((await get('/scoring/2025/')).body).toBe(year.body);
  });

  test('audit: a stored checkpoint shows in /data/audit-checkpoint.json', async () => {
    const before = await cached('/data/audit-checkpoint.json');
    await db.execute(
      "INSERT INTO audit_checkpoints (count, head_id, head_hash, at, key_id, signature) VALUES (0, NULL, '0000000000000000000000000000000000000000000000000000000000000000', 1, 'cache-test-key', 'c2ln')",
    );
    const after = await get('/data/audit-checkpoint.json');
    expect(after.cache).toBe('miss');
    expect(after.body).not.toBe(before.body);
    expect(after.body).toContain('cache-test-key');
  });

  test('a write to a table no public page reads (rate limits) leaves the cache valid', async () => {
    await cached('/api/units');
    await db.execute(
      "INSERT INTO rate_limits (key, window_start, count, max_count, expires_at) VALUES ('cache-test', 0, 1, 5, 9999999999999)",
    );
    expect((await get('/api/units')).cache).toBe('hit');
  });
});

describe('ETag, 304 and encodings', () => {
  test('If-None-Match (weak, in a list) answers 304; br and gzip bodies decode to the identity body', async () => {
    const first = await cached('/api/units');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/".+"$/);
    const notModified = await fetch(`${server.url}/api/units`, {
      headers: { 'if-none-match': `"nope", ${etag.slice(2)}` },
    });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    const other = await fetch(`${server.url}/api/units`, { headers: { 'if-none-match': 'W/"nope"' } });
    expect(other.status).toBe(200);
    // fetch decodes br and gzip itself: the bodies must match the identity one.
    for (const enc of ['br', 'gzip', 'identity']) {
      const r = await get('/api/units', { 'accept-encoding': enc });
      expect(r.body, enc).toBe(first.body);
      expect(r.headers.get('content-encoding') ?? 'identity', enc).toBe(enc);
    }
  });
});

describe('headers', () => {
  test('a hit carries the same security and content headers as the miss it was stored from', async () => {
    for (const path of ['/statistics/feedback-months/', '/statistics/embed/feedback-months/', '/api/units']) {
      await db.execute("UPDATE units SET name = name WHERE id = 'hetang-village'");
      const miss = await get(path);
      const hit = await get(path);
      expect([miss.cache, hit.cache], path).toEqual(['miss', 'hit']);
      for (const h of [
        'content-security-policy',
        'x-frame-options',
        'x-content-type-options',
        'referrer-policy',
        'content-type',
        'cache-control',
      ])
        expect(hit.headers.get(h), `${path} ${h}`).toBe(miss.headers.get(h));
      expect(miss.headers.get('content-security-policy'), path).toBeTruthy();
    }
  });
});

describe('never from the cache', () => {
  test('a tracking-code lookup, twice with a write in between: both computed, the second shows the write', async () => {
    const { trackingCode } = await postFeedback('缓存测试：个人查询不得缓存');
    const path = `/api/feedback/${encodeURIComponent(trackingCode)}`;
    const first = await get(path);
    const again = await get(path);
    expect(first.cache).toBeNull();
    expect(again.cache).toBeNull();
    await db.execute({
      sql: "UPDATE feedback_items SET state = 'accepted' WHERE tracking_code = ?",
      args: [trackingCode.replace(/-/g, '')],
    });
    const after = await get(path);
    expect(after.cache).toBeNull();
    expect(after.body).not.toBe(first.body);
    const page = await get(`/feedback/track/${encodeURIComponent(trackingCode)}/`);
    expect(page.cache).toBeNull();
  });

  test('staff pages, with a session cookie and with another one, and any request with a cookie', async () => {
    for (const cookie of [undefined, '__Host-qinglian-staff=aaaa', '__Host-qinglian-staff=bbbb']) {
      const headers: Record<string, string> = cookie ? { cookie } : {};
      for (const path of ['/staff/', '/staff/inbox/', '/staff/login/']) {
        const a = await get(path, headers);
        const b = await get(path, headers);
        expect(a.cache, path).toBeNull();
        expect(b.cache, path).toBeNull();
      }
    }
    // A public path asked with a cookie is computed, not served from (or stored into) the cache.
    await cached('/api/units');
    expect((await get('/api/units', { cookie: 'x=1' })).cache).toBeNull();
    // POST responses are never cached.
    const post = await fetch(`${server.url}/api/units`, { method: 'POST' });
    expect(post.headers.get('x-cache')).toBeNull();
  });
});

describe('/api/health stays honest', () => {
  test('is never cached: it answers from the database each time', async () => {
    const a = await get('/api/health');
    expect(a.status).toBe(200);
    expect(a.cache).toBeNull();
  });
});
