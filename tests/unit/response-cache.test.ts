import type http from 'node:http';
import { getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, test } from 'vitest';
import * as schema from '../../src/db/schema.ts';
import { AREAS, NON_PUBLIC_TABLES, TABLE_AREAS } from '../../src/db/data-versions.ts';
import { cacheRouteFor } from '../../src/lib/cache-routes.ts';
import { acceptedEncoding, ifNoneMatchMatches, keyOf } from '../../src/lib/response-cache.ts';

const tables = Object.values(schema)
  .filter((t) => is(t, SQLiteTable))
  .map((t) => getTableName(t))
  .sort();

describe('data versions: every table is placed', () => {
  test('each table in src/db/schema.ts is mapped to areas or declared non-public, never both', () => {
    expect(tables.length).toBeGreaterThan(20);
    const unplaced = tables.filter((t) => !(t in TABLE_AREAS) && !NON_PUBLIC_TABLES.has(t));
    expect(
      unplaced,
      'add each to TABLE_AREAS (with its triggers) or NON_PUBLIC_TABLES in src/db/data-versions.ts',
    ).toEqual([]);
    expect(tables.filter((t) => t in TABLE_AREAS && NON_PUBLIC_TABLES.has(t))).toEqual([]);
  });
  test('the map names only existing tables and known areas, each mapped table at least one area', () => {
    const known = new Set<string>(tables);
    expect([...Object.keys(TABLE_AREAS), ...NON_PUBLIC_TABLES].filter((t) => !known.has(t))).toEqual([]);
    for (const [table, areas] of Object.entries(TABLE_AREAS)) {
      expect(areas.length, table).toBeGreaterThan(0);
      for (const a of areas) expect(AREAS, table).toContain(a);
    }
  });
});

const req = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  ({ url, method, headers }) as unknown as http.IncomingMessage;

describe('cacheable routes', () => {
  test('public reads are allowed, staff, tracking codes, forms and unknown paths are not', () => {
    for (const p of [
      '/api/units',
      '/api/feedback',
      '/api/surveys',
      '/units/hetang-village/feedback/',
      '/statistics/feedback-months/',
      '/statistics/feedback-months.json',
      '/scoring/2025/',
      '/scoring/2025/hetang-village/',
      '/scoring/2025/scorecards.csv',
      '/data/audit-checkpoint.json',
    ])
      expect(cacheRouteFor(p), p).not.toBeNull();
    for (const p of [
      '/staff/',
      '/staff/inbox/',
      '/staff',
      '/feedback/track/ABCD-EFGH-JKLM/',
      '/feedback/track/',
      '/api/feedback/ABCDEFGHJKLM',
      '/api/altcha/challenge',
      '/api/health',
      '/feedback/',
      '/ratings/',
      '/surveys/sheet/',
      '/status/',
    ])
      expect(cacheRouteFor(p), p).toBeNull();
  });
  test('keys: sorted allowed parameters; a cookie, an Authorization header, Range, POST or an unknown parameter bypass', () => {
    expect(keyOf(req('/api/feedback?unitId=hetang-village'), false)?.key).toBe('p /api/feedback?unitId=hetang-village');
    expect(keyOf(req('/api/units'), true)?.key).toBe('s /api/units');
    expect(keyOf(req('/api/units?'), false)?.key).toBe('p /api/units');
    expect(keyOf(req('/api/units?x=1'), false)).toBeNull();
    expect(keyOf(req('/api/units', { cookie: 'a=b' }), false)).toBeNull();
    expect(keyOf(req('/api/units', { authorization: 'Bearer x' }), false)).toBeNull();
    expect(keyOf(req('/api/units', { range: 'bytes=0-1' }), false)).toBeNull();
    expect(keyOf(req('/api/units', {}, 'POST'), false)).toBeNull();
    expect(keyOf(req('/api/units', {}, 'HEAD'), false)?.key).toBe('p /api/units');
  });
});

describe('If-None-Match and Accept-Encoding', () => {
  const etag = 'W/"abc"';
  test('weak comparison over a list, W/ on either side, and *', () => {
    expect(ifNoneMatchMatches('W/"abc"', etag)).toBe(true);
    expect(ifNoneMatchMatches('"abc"', etag)).toBe(true);
    expect(ifNoneMatchMatches('W/"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('"x", W/"abc" , "y"', etag)).toBe(true);
    expect(ifNoneMatchMatches('*', etag)).toBe(true);
    expect(ifNoneMatchMatches('"abcd", W/"ab"', etag)).toBe(false);
    expect(ifNoneMatchMatches('', etag)).toBe(false);
    expect(ifNoneMatchMatches(undefined, etag)).toBe(false);
  });
  test('br before gzip; q=0 refuses', () => {
    expect(acceptedEncoding('gzip, deflate, br')).toBe('br');
    expect(acceptedEncoding('gzip')).toBe('gzip');
    expect(acceptedEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(acceptedEncoding('gzip;q=0')).toBeNull();
    expect(acceptedEncoding('identity')).toBeNull();
    expect(acceptedEncoding(undefined)).toBeNull();
  });
});
