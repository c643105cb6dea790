import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commitCounterReader, readCommitCounter } from '../../src/db/data-versions.ts';
import { createResponseCache, type ResponseCache } from '../../src/lib/response-cache.ts';
import { freshDatabase } from '../support/db.ts';

/**
 * The response cache's synchronous check (src/db/statement-cache.ts `nativeReader`): `PRAGMA data_version` read on
 * the client's own native connection, once per turn of the event loop. On a real migrated libSQL file: it answers
 * what the client answers, moves when another process commits, refuses inside a write group's transaction and
 * after the connection is closed; and through a real HTTP server, a cache using it still shows every commit (of
 * another process, of its own write queue) on the next read.
 */
let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let cache: ResponseCache;
let server: http.Server;
let base = '';
let renders = 0;

const unitName = async () =>
  String(
    (await fresh.database.client.execute("SELECT name FROM units WHERE id = 'hetang-village'")).rows[0]?.name ?? '',
  );

/** A commit by another process (another connection to the same file). */
const otherProcessRenames = async (name: string) => {
  const other = createClient({ url: `file:${fresh.file}`, timeout: 5000 });
  try {
    await other.execute({ sql: "UPDATE units SET name = ? WHERE id = 'hetang-village'", args: [name] });
  } finally {
    other.close();
  }
};

const read = async () => {
  const res = await fetch(`${base}/api/units`);
  return { cache: res.headers.get('x-cache'), body: await res.text() };
};

/** Cached reads until one was answered by the synchronous check (the reader is probed after the first check). */
const readUntilSyncCheck = async () => {
  const before = cache.stats.syncChecks;
  for (let i = 0; i < 50 && cache.stats.syncChecks === before; i++) {
    const r = await read();
    expect(r.body).toContain('"name"');
  }
  expect(cache.stats.syncChecks).toBeGreaterThan(before);
};

beforeAll(async () => {
  fresh = await freshDatabase();
  cache = createResponseCache(fresh.database);
  server = http.createServer((req, res) => {
    cache.handle(req, res, false, async () => {
      renders += 1;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=0' });
      res.end(JSON.stringify({ name: await unitName(), render: renders }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fresh.dispose();
});

describe('the synchronous commit counter', () => {
  test('answers what the client answers, and moves when another process commits', async () => {
    const reader = await commitCounterReader(fresh.database.client);
    expect(reader).not.toBeNull();
    const before = reader!.read();
    expect(before).toBe(await readCommitCounter(fresh.database.client));
    await otherProcessRenames('河塘村（计数）');
    const after = reader!.read();
    expect(after).not.toBe(before);
    expect(after).toBe(await readCommitCounter(fresh.database.client));
  });

  test('refuses (null) while a write group holds the connection in its transaction', async () => {
    const reader = (await commitCounterReader(fresh.database.client))!;
    expect(reader.read()).not.toBeNull();
    let inside: number | null | undefined;
    await fresh.database.write(async () => {
      await fresh.database.client.execute("UPDATE units SET name = name WHERE id = 'hetang-village'");
      inside = reader.read();
    });
    expect(inside).toBeNull();
    expect(reader.read()).not.toBeNull();
  });

  test('is null and says closed once its connection is closed', async () => {
    const other = await freshDatabase({ seed: false });
    const reader = (await commitCounterReader(other.database.client))!;
    expect(reader.open).toBe(true);
    expect(reader.read()).not.toBeNull();
    other.dispose();
    expect(reader.open).toBe(false);
    expect(reader.read()).toBeNull();
  });
});

describe('a cache checking synchronously still shows every commit on the next read', () => {
  test("another process's commit", async () => {
    await readUntilSyncCheck();
    const hit = await read();
    expect(hit.cache).toBe('hit');
    await otherProcessRenames('河塘村（其他进程）');
    const next = await read();
    expect(next.cache).toBe('miss');
    expect(next.body).toContain('河塘村（其他进程）');
  });

  test("its own write queue's commit", async () => {
    await readUntilSyncCheck();
    expect((await read()).cache).toBe('hit');
    await fresh.database.write(() =>
      fresh.database.client.execute("UPDATE units SET name = '河塘村（本进程）' WHERE id = 'hetang-village'"),
    );
    const next = await read();
    expect(next.cache).toBe('miss');
    expect(next.body).toContain('河塘村（本进程）');
  });
});
