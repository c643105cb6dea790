import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import fc from 'fast-check';
import { freshDatabase } from '../support/db.ts';
import { testApi } from '../support/api.ts';
import type { Database } from '../../src/db/client.ts';
import { isMessageKey } from '../../src/i18n/t.ts';

const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/),
    fields: z.record(z.string(), z.array(z.string())).optional(),
    requestId: z.string().optional(),
  }),
});

let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
});
afterAll(() => dispose());

describe('GET /api/health', () => {
  test('reports the database reachable, the migration count and the version', async () => {
    const res = await testApi(database).request('/api/health');
    expect(res.status).toBe(200);
    const body = z
      .object({
        status: z.literal('ok'),
        version: z.literal('0.0.0-test'),
        database: z.object({
          reachable: z.literal(true),
          migrations: z.object({ applied: z.number().int().min(1), latest: z.number() }),
        }),
        time: z.literal('2026-03-01T08:00:00.000Z'),
      })
      .parse(await res.json());
    expect(body.database.migrations.applied).toBeGreaterThanOrEqual(1);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  test('answers 503 unavailable when the database is closed', async () => {
    const other = await freshDatabase({ seed: false });
    other.database.close();
    const res = await testApi(other.database).request('/api/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', database: { reachable: false } });
    other.dispose();
  });
});

describe('GET /api/units', () => {
  const Page = z.object({
    items: z.array(
      z.strictObject({
        id: z.string(),
        name: z.string(),
        carrier: z.string(),
        township: z.string(),
        leadDepartment: z.string(),
        demo: z.boolean(),
        url: z.string(),
      }),
    ),
    page: z.number(),
    pageSize: z.number(),
    total: z.number(),
  });

  test('lists the demo city with every unit carrier', async () => {
    const body = Page.parse(await (await testApi(database).request('/api/units?pageSize=100')).json());
    expect(body.total).toBeGreaterThanOrEqual(9);
    expect(new Set(body.items.map((u) => u.carrier))).toEqual(
      new Set(['agency', 'school', 'village', 'enterprise', 'hospital']),
    );
    expect(body.items.filter((u) => u.carrier === 'school').length).toBeGreaterThanOrEqual(3);
    expect(body.items.filter((u) => u.carrier === 'village').length).toBeGreaterThanOrEqual(3);
  });

  test('filters by carrier and township and paginates in a stable order', async () => {
    const api = testApi(database);
    const schools = Page.parse(await (await api.request('/api/units?carrier=school')).json());
    expect(schools.items.every((u) => u.carrier === 'school')).toBe(true);
    const xixi = Page.parse(await (await api.request('/api/units?township=xixi')).json());
    expect(xixi.items.every((u) => u.township === 'xixi')).toBe(true);
    const p1 = Page.parse(await (await api.request('/api/units?pageSize=4&page=1')).json());
    const p2 = Page.parse(await (await api.request('/api/units?pageSize=4&page=2')).json());
    expect(p1.items).toHaveLength(4);
    expect(new Set([...p1.items, ...p2.items].map((u) => u.id)).size).toBe(p1.items.length + p2.items.length);
  });

  test.each([
    ['carrier=bank', 'carrier'],
    ['carrier=family', 'carrier'],
    ['pageSize=1000', 'pageSize'],
    ['page=0', 'page'],
    ['page=1.5', 'page'],
    ['township=%3Cscript%3E', 'township'],
    ['page=abc', 'page'],
    ['unknown=1', 'unknown'],
  ])('422 invalid for ?%s naming the field, with message keys only', async (qs, field) => {
    const res = await testApi(database).request(`/api/units?${qs}`);
    expect(res.status).toBe(422);
    const body = ErrorBody.parse(await res.json());
    expect(body.error.code).toBe('invalid');
    expect(Object.keys(body.error.fields ?? {})).toContain(field);
    for (const key of Object.values(body.error.fields ?? {}).flat()) expect(isMessageKey(key), key).toBe(true);
  });

  test('an unknown query key on /api/feedback is a message key too, never zod text', async () => {
    const res = await testApi(database).request('/api/feedback?unitId=hetang-village&x=1');
    expect(res.status).toBe(422);
    expect(ErrorBody.parse(await res.json()).error.fields).toEqual({ x: ['common.field.unknown'] });
  });
});

describe('bad requests never reach a 5xx', () => {
  const post = (body: BodyInit, headers: Record<string, string>) =>
    testApi(database, { bodyLimitBytes: 1024 }).request('/api/units', { method: 'POST', body, headers });

  test.each([
    ['malformed JSON', '{"a":', { 'content-type': 'application/json' }, 400, 'malformed_json'],
    ['empty JSON body with length', ' ', { 'content-type': 'application/json' }, 400, 'malformed_json'],
    [
      'wrong content type',
      'a=1',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'unsupported_media_type',
    ],
    ['text/plain (CSRF-style simple request)', '{}', { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
    ['no content type', '{}', {}, 415, 'unsupported_media_type'],
    [
      'oversized body',
      JSON.stringify({ x: 'a'.repeat(5000) }),
      { 'content-type': 'application/json' },
      413,
      'payload_too_large',
    ],
  ] as const)('%s → %s %s', async (_label, body, headers, status, code) => {
    const res = await post(body, headers);
    expect(res.status).toBe(status);
    expect(ErrorBody.parse(await res.json()).error.code).toBe(code);
  });

  test('invalid UTF-8 → 400 invalid_utf8', async () => {
    const res = await post(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('invalid_utf8');
  });

  test('a valid JSON body on a read-only route → 404 not_found, not a crash', async () => {
    const res = await post('{}', { 'content-type': 'application/json' });
    expect(res.status).toBe(404);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('not_found');
  });

  test('unknown API path → 404 with the JSON error shape', async () => {
    const res = await testApi(database).request('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('not_found');
  });

  test('fuzz: 1,000 arbitrary bodies, types and paths give 0 responses ≥ 500', async () => {
    const api = testApi(database, { bodyLimitBytes: 2048 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/units', '/api/health', '/api/x', '/api/units?page=abc'),
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET'),
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'multipart/form-data', ''),
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.uint8Array({ maxLength: 3000 }).map((a) => new Uint8Array(a)),
        ),
        async (path, method, type, body) => {
          const init: RequestInit = { method, headers: type ? { 'content-type': type } : {} };
          if (method !== 'GET') init.body = body;
          const res = await api.request(path, init);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) ErrorBody.parse(await res.json());
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('security headers', () => {
  test('every API response carries CSP, nosniff, referrer policy and frame-ancestors; HSTS only over TLS', async () => {
    for (const path of ['/api/health', '/api/nope', '/api/units?carrier=x']) {
      const res = await testApi(database).request(path);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    const tls = await testApi(database, { https: true }).request('/api/health');
    expect(tls.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
  });
});
