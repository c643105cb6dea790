import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createClient } from '@libsql/client';
import { migrateDatabase, openDatabase } from '../../src/db/client.ts';
import { seedDatabase } from '../../db/seed.ts';
import { startTestServer } from '../support/server.ts';
import type { Benchmark, BenchResult } from './run.ts';

/**
 * Feedback POST throughput and p99 against a baseline measured in the same run: a raw, sequential,
 * same-process libSQL insert loop (one row per transaction into feedback_items, same pragmas: WAL,
 * synchronous=FULL). Both are bound by the fsync of each commit on this machine, which is the point:
 * the ratio says how much of the disk's commit rate the HTTP + validation + rate-limit + audit path
 * keeps. Afterwards every acknowledged (201) tracking code is looked up in the database: 0 lost.
 */
const RAW_INSERTS = 2000;
const DURATION_S = 10;
const CONNECTIONS = 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function rawInsertLoop(): Promise<{ perSecond: number; p50: number; p99: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'qinglian-bench-raw-'));
  const database = await openDatabase({ url: `file:${join(dir, 'raw.db')}` });
  try {
    await migrateDatabase(database);
    await seedDatabase(database, { demo: true, now: new Date() });
    const latencies: number[] = [];
    const start = performance.now();
    for (let i = 0; i < RAW_INSERTS; i++) {
      const t = performance.now();
      await database.client.execute({
        sql: `INSERT INTO feedback_items (id, tracking_code, secret_hash, idempotency_key, payload_hash, kind, routed_to, unit_id, body, public_consent, state, received_at)
              VALUES (?, ?, ?, ?, ?, 'complaint', 'unit', 'hetang-village', ?, 1, 'received', ?)`,
        args: [crypto.randomUUID(), `RAW${i}`, 'h'.repeat(64), `raw-key-${i}`, 'p'.repeat(64), '村务公开栏三个月没有更新了，请尽快更新。', Date.now()],
      });
      latencies.push(performance.now() - t);
    }
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    return { perSecond: RAW_INSERTS / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function httpRun(url: string, connections: number, acked: Set<string>) {
  let n = 0;
  const result = await autocannon({
    url: `${url}/api/feedback`,
    connections,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({ kind: 'complaint', unitId: 'hetang-village', body: `村务公开栏三个月没有更新了，请尽快更新。第 ${n++} 条`, publicConsent: n % 2 === 0 }),
        }),
        onResponse: (status, body) => {
          if (status === 201) acked.add((JSON.parse(body) as { trackingCode: string }).trackingCode.replace(/-/g, ''));
        },
      },
    ],
  });
  const non2xx = result.non2xx + result.errors + result.timeouts;
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total, non2xx, s5xx: result['5xx'] };
}

export const feedbackPost: Benchmark = {
  name: 'feedback POST vs raw libSQL insert loop',
  async run(): Promise<BenchResult> {
    const raw = await rawInsertLoop();
    const server = await startTestServer({ env: { FEEDBACK_LIMIT_NO_POW_PER_IP: '1000000', FEEDBACK_LIMIT_PER_IP: '1000000' } });
    const acked = new Set<string>();
    let busy: Awaited<ReturnType<typeof httpRun>>;
    let single: Awaited<ReturnType<typeof httpRun>>;
    try {
      single = await httpRun(server.url, 1, acked);
      busy = await httpRun(server.url, CONNECTIONS, acked);
    } finally {
      await server.stop();
    }
    const db = createClient({ url: `file:${server.dbFile}` });
    const stored = new Set((await db.execute('SELECT tracking_code FROM feedback_items')).rows.map((r) => String(r.tracking_code)));
    db.close();
    server.cleanup();
    const lost = [...acked].filter((c) => !stored.has(c)).length;
    return {
      metrics: {
        'raw insert/s (sequential)': raw.perSecond,
        'raw insert p50 ms': raw.p50,
        'raw insert p99 ms': raw.p99,
        'POST/s, 1 connection': single.perSecond,
        'POST p99 ms, 1 connection': single.p99,
        [`POST/s, ${CONNECTIONS} connections`]: busy.perSecond,
        [`POST p50 ms, ${CONNECTIONS} connections`]: busy.p50,
        [`POST p99 ms, ${CONNECTIONS} connections`]: busy.p99,
        'throughput ratio, 1 connection (POST/s ÷ raw insert/s)': single.perSecond / raw.perSecond,
        [`throughput ratio, ${CONNECTIONS} connections (POST/s ÷ raw insert/s)`]: busy.perSecond / raw.perSecond,
        'p99 ratio, 1 connection (POST ÷ raw insert)': single.p99 / raw.p99,
        [`p99 ratio, ${CONNECTIONS} connections (POST ÷ raw insert)`]: busy.p99 / raw.p99,
        'acknowledged (201)': acked.size,
        'non-2xx or errors': single.non2xx + busy.non2xx,
        '5xx': single.s5xx + busy.s5xx,
        'acknowledged but missing from the database': lost,
      },
      pass: lost === 0 && single.s5xx + busy.s5xx === 0,
      note: 'aim: throughput ratio >= 0.5 (not reached on the 2-core test machine, see README); pass = 0 lost, 0 5xx',
    };
  },
};
