import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/client.ts';
import { seedDatabase } from '../../db/seed.ts';
import { startTestServer } from '../support/server.ts';
import { percentile, type Benchmark, type Measurement, type MeasureOptions, type Target } from './harness.ts';

/**
 * Feedback `POST /api/feedback` on the real server against a raw, sequential, same-process libSQL
 * insert loop (one feedback_items row per transaction, same pragmas: WAL, synchronous=FULL), measured in
 * the same run. Both are bound by a commit per write on this disk; the ratio says how much of the raw
 * commit rate the HTTP + validation + rate limit + audit path keeps. After every measured round, every
 * acknowledged (201) tracking code is looked up in the database; a missing one counts as a failure.
 */

// autocannon's types are not installed; declare what is used (as harness.ts does).
interface Request {
  method: string;
  path?: string;
  headers: Record<string, string>;
  body?: string;
  setupRequest?: (req: Request) => Request;
  onResponse?: (status: number, body: string) => void;
}
interface RunResult {
  errors: number;
  timeouts: number;
}
interface Run extends PromiseLike<RunResult> {
  on(
    event: 'response',
    fn: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
  ): void;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: Request[];
}) => Run;

const BODY = '村务公开栏三个月没有更新了，请尽快更新。';

async function insertLoop(database: Database, seconds: number, record: boolean) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const started = performance.now();
  while (performance.now() < end) {
    const t = performance.now();
    await database.client.execute({
      sql: `INSERT INTO feedback_items (id, tracking_code, secret_hash, idempotency_key, payload_hash, kind, routed_to, unit_id, body, public_consent, state, received_at)
            VALUES (?, ?, ?, ?, ?, 'complaint', 'unit', 'hetang-village', ?, 1, 'received', ?)`,
      args: [
        crypto.randomUUID(),
        crypto.randomUUID(),
        'h'.repeat(64),
        crypto.randomUUID(),
        'p'.repeat(64),
        BODY,
        Date.now(),
      ],
    });
    if (record) latencies.push(performance.now() - t);
    n += 1;
  }
  return { n, latencies, elapsed: (performance.now() - started) / 1000 };
}

async function rawInsertTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'qinglian-bench-raw-'));
  const database = await openDatabase({ url: `file:${join(dir, 'raw.db')}` });
  await migrateDatabase(database);
  await seedDatabase(database, { demo: true, now: new Date() });
  return {
    async measure(opts: MeasureOptions): Promise<Measurement> {
      if (opts.warmupSeconds > 0) await insertLoop(database, opts.warmupSeconds, false);
      const cpu0 = process.cpuUsage();
      const r = await insertLoop(database, opts.durationSeconds, true);
      const cpu = process.cpuUsage(cpu0);
      const sorted = Float64Array.from(r.latencies).sort();
      return {
        rate: r.n / r.elapsed,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        count: r.n,
        failures: 0,
        targetCpu: (100 * (cpu.user + cpu.system)) / 1e6 / r.elapsed,
        loadCpu: 0,
        otherCpu: null,
      };
    },
    async stop() {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function feedbackServerTarget(log: (line: string) => void): Promise<Target> {
  // No rate limit in the way: the load comes from one address.
  const server = await startTestServer({
    env: { FEEDBACK_LIMIT_NO_POW_PER_IP: '1000000', FEEDBACK_LIMIT_PER_IP: '1000000' },
  });
  let sequence = 0;
  const load = async (seconds: number, connections: number, record: boolean) => {
    const acked: string[] = [];
    const latencies: number[] = [];
    let failures = 0;
    const started = performance.now();
    const run = autocannon({
      url: `${server.url}/api/feedback`,
      connections,
      duration: seconds,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({
              kind: 'complaint',
              unitId: 'hetang-village',
              body: `${BODY} ${sequence++}`,
              publicConsent: true,
            }),
          }),
          onResponse: (status, body) => {
            if (status === 201)
              acked.push((JSON.parse(body) as { trackingCode: string }).trackingCode.replace(/-/g, ''));
            else failures += 1;
          },
        },
      ],
    });
    run.on('response', (_c, status, _b, ms) => {
      if (record && status === 201) latencies.push(ms);
    });
    const result = await run;
    return {
      acked,
      latencies,
      failures: failures + result.errors + result.timeouts,
      elapsed: (performance.now() - started) / 1000,
    };
  };
  const cpuSeconds = () => {
    try {
      const stat = readFileSync(`/proc/${String(server.process.pid)}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      return null;
    }
  };
  return {
    url: server.url,
    pid: server.process.pid,
    async measure(opts: MeasureOptions): Promise<Measurement> {
      if (opts.warmupSeconds > 0) await load(opts.warmupSeconds, opts.connections, false);
      const cpu0 = cpuSeconds();
      const load0 = process.cpuUsage();
      const r = await load(opts.durationSeconds, opts.connections, true);
      const loadCpu = process.cpuUsage(load0);
      const cpu1 = cpuSeconds();
      // 0 lost: every acknowledged submission must be in the database (read through a second connection).
      const db = createClient({ url: `file:${server.dbFile}` });
      const stored = new Set(
        (await db.execute('SELECT tracking_code FROM feedback_items')).rows.map((row) => String(row.tracking_code)),
      );
      db.close();
      const lost = r.acked.filter((c) => !stored.has(c)).length;
      log(`    feedback POST: ${r.acked.length} acknowledged, ${lost} missing from the database`);
      const sorted = Float64Array.from(r.latencies).sort();
      return {
        rate: r.acked.length / r.elapsed,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        count: r.acked.length,
        failures: r.failures + lost,
        targetCpu: cpu0 === null || cpu1 === null ? null : (100 * (cpu1 - cpu0)) / r.elapsed,
        loadCpu: (100 * (loadCpu.user + loadCpu.system)) / 1e6 / r.elapsed,
        otherCpu: null,
      };
    },
    async stop() {
      await server.stop();
      server.cleanup();
    },
  };
}

/** The benchmark entry for tests/bench/run.ts. */
export const feedbackPostBenchmark = (log: (line: string) => void): Benchmark => ({
  name: 'feedback POST /api/feedback',
  baseline: 'raw libSQL insert loop (same process, sequential)',
  subject: 'real server',
  startBaseline: () => rawInsertTarget(),
  startSubject: () => feedbackServerTarget(log),
});
