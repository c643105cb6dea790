import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { startTestServer } from '../support/server.ts';
import {
  measureHttp,
  percentile,
  rawRequest,
  spawnServer,
  type BenchContext,
  type Benchmark,
  type Measurement,
  type MeasureOptions,
  type Target,
} from './harness.ts';

/**
 * Cached public reads (issue 15): the real server answering from its response cache against a bare
 * node:http server sending the same bytes (the br body the real server sends, fetched from it first),
 * at the demo size and with 10× and 100× the demo's feedback items (BENCH_SCALES, default "1,10,100";
 * rows copied from the demo's own with new ids, by one INSERT … SELECT from a second connection while
 * the server runs). "first read after a write" measures, one at a time, a write by another process
 * (a feedback item's reply text) followed by the read that must show it: the latency of a miss, checked
 * for correctness on every read. Server RSS (VmRSS) is read after every subject round.
 */
const HERE = fileURLToPath(new URL('.', import.meta.url));
const READS = [
  '/api/units',
  '/api/feedback?unitId=hetang-village',
  '/units/hetang-village/feedback/',
  '/statistics/feedback-months/',
  '/scoring/2025/',
  '/scoring/2025/hetang-village/',
];
/** At 10× and 100× only these (their computation scans the feedback items). */
const SCALED_READS = ['/api/feedback?unitId=hetang-village', '/statistics/feedback-months/'];

interface ScaledServer extends Target {
  url: string;
  dbFile: string;
  items: number;
}

const rssMb = (pid: number | undefined): number | null => {
  if (pid === undefined) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
};

async function startScaled(scale: number, log: (line: string) => void): Promise<ScaledServer> {
  const server = await startTestServer();
  const db = createClient({ url: `file:${server.dbFile}`, timeout: 10_000 });
  const count = async () => Number((await db.execute('SELECT count(*) AS n FROM feedback_items')).rows[0]?.n ?? 0);
  const demo = await count();
  if (scale > 1) {
    const started = performance.now();
    const cols = (await db.execute('PRAGMA table_info(feedback_items)')).rows.map((r) => String(r.name));
    const fresh: Record<string, string> = {
      id: "'bench-' || n.i || '-' || f.id",
      tracking_code: "'B' || n.i || '-' || f.tracking_code",
      idempotency_key: "'bench-' || n.i || '-' || f.idempotency_key",
    };
    const select = cols.map((c) => fresh[c] ?? `f.${c}`).join(', ');
    // In chunks, so that the running server's own writes are not shut out for long.
    const copies = scale - 1;
    for (let i = 1; i <= copies; i++) {
      await db.execute(
        `INSERT INTO feedback_items (${cols.join(', ')}) SELECT ${select.replaceAll('n.i', String(i))} FROM feedback_items f WHERE f.id NOT LIKE 'bench-%'`,
      );
    }
    log(
      `  ${String(scale)}× data: ${String(await count())} feedback items (demo ${String(demo)}), inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  const items = await count();
  db.close();
  return {
    url: server.url,
    pid: server.process.pid,
    dbFile: server.dbFile,
    items,
    async stop() {
      await server.stop();
      server.cleanup();
    },
  };
}

/** A bare static server sending exactly the br bytes the real server sends for `path`. */
async function sameBytesBaseline(source: Target, path: string): Promise<Target> {
  // The first read renders and stores identity; the br body follows once compressed (a few ms).
  let res = await rawRequest(source.url!, { path, headers: { 'accept-encoding': 'br' } });
  for (let i = 0; i < 20 && res.headers['content-encoding'] !== 'br'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await rawRequest(source.url!, { path, headers: { 'accept-encoding': 'br' } });
  }
  const dir = mkdtempSync(join(tmpdir(), 'qinglian-bench-bytes-'));
  const file = join(dir, 'body');
  writeFileSync(file, res.body);
  const encoding = typeof res.headers['content-encoding'] === 'string' ? res.headers['content-encoding'] : '';
  const child = await spawnServer(`${HERE}bare-bytes-server.ts`, [
    file,
    res.headers['content-type'] ?? 'application/octet-stream',
    ...(encoding ? [encoding] : []),
  ]);
  return {
    ...child,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function withRss(target: Target, label: string, log: (line: string) => void): Target {
  return {
    ...target,
    async measure(opts: MeasureOptions): Promise<Measurement> {
      if (!target.measure) throw new Error('no measure');
      const m = await target.measure(opts);
      const rss = rssMb(target.pid);
      if (rss !== null) log(`    ${label}: server RSS ${rss.toFixed(0)} MB after the round`);
      return m;
    },
  };
}

/** Sequential write-then-read loop: every read must show its write (X-Cache miss, the marker in the body). */
function firstReadAfterWrite(server: ScaledServer, path: string, log: (line: string) => void): Target {
  const db = createClient({ url: `file:${server.dbFile}`, timeout: 10_000 });
  let n = 0;
  let original: string | null = null;
  return {
    url: server.url,
    pid: server.pid,
    async measure(opts: MeasureOptions): Promise<Measurement> {
      const latencies: number[] = [];
      let failures = 0;
      const run = async (seconds: number, record: boolean) => {
        const end = performance.now() + seconds * 1000;
        original ??= String(
          (await db.execute("SELECT name FROM units WHERE id = 'hetang-village'")).rows[0]?.name ?? '河塘村',
        );
        while (performance.now() < end) {
          const marker = `bench-${String(process.pid)}-${String(++n)}`;
          await db.execute({
            sql: "UPDATE units SET name = ? WHERE id = 'hetang-village'",
            args: [`${original} ${marker}`],
          });
          const t = performance.now();
          const res = await fetch(`${server.url}${path}`);
          const body = await res.text();
          const ms = performance.now() - t;
          const ok = res.status === 200 && res.headers.get('x-cache') === 'miss' && body.includes(marker);
          if (!ok) failures += 1;
          else if (record) latencies.push(ms);
        }
      };
      if (opts.warmupSeconds > 0) await run(opts.warmupSeconds, false);
      const started = performance.now();
      await run(opts.durationSeconds, true);
      const elapsed = (performance.now() - started) / 1000;
      const sorted = Float64Array.from(latencies).sort();
      log(`    first read after a write: ${String(latencies.length)} reads, ${String(failures)} stale or wrong`);
      return {
        rate: latencies.length / elapsed,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        count: latencies.length,
        failures,
        targetCpu: null,
        loadCpu: 0,
        otherCpu: null,
      };
    },
    async stop() {
      // Restore the name the other benchmarks' pages show.
      if (original !== null)
        await db
          .execute({ sql: "UPDATE units SET name = ? WHERE id = 'hetang-village'", args: [original] })
          .catch(() => undefined);
      db.close();
    },
  };
}

/** Sequential reads of the same bytes from the bare server: the baseline of the first read after a write. */
function sequentialReads(target: Target, path: string): Target {
  return {
    ...target,
    async measure(opts: MeasureOptions): Promise<Measurement> {
      const latencies: number[] = [];
      const run = async (seconds: number, record: boolean) => {
        const end = performance.now() + seconds * 1000;
        while (performance.now() < end) {
          const t = performance.now();
          const res = await fetch(`${target.url!}${path}`);
          await res.arrayBuffer();
          if (record) latencies.push(performance.now() - t);
        }
      };
      if (opts.warmupSeconds > 0) await run(opts.warmupSeconds, false);
      const started = performance.now();
      await run(opts.durationSeconds, true);
      const elapsed = (performance.now() - started) / 1000;
      const sorted = Float64Array.from(latencies).sort();
      return {
        rate: latencies.length / elapsed,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        count: latencies.length,
        failures: 0,
        targetCpu: null,
        loadCpu: 0,
        otherCpu: null,
      };
    },
  };
}

export function cachedReadBenchmarks(log: (line: string) => void): Benchmark[] {
  const scales = (process.env.BENCH_SCALES ?? '1,10,100')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 1);
  const servers = (ctx: BenchContext, scale: number) =>
    ctx.shared(`cached-${String(scale)}`, () => startScaled(scale, log)) as Promise<ScaledServer>;
  const out: Benchmark[] = [];
  for (const scale of scales) {
    const tag = scale === 1 ? 'demo size' : `${String(scale)}× data`;
    for (const path of scale === 1 ? READS : SCALED_READS) {
      out.push({
        name: `cached ${path} (${tag})`,
        baseline: 'bare node:http, same bytes',
        subject: 'real server (response cache)',
        startBaseline: async (ctx) => sameBytesBaseline(await servers(ctx, scale), path),
        startSubject: async (ctx) => {
          const s = await servers(ctx, scale);
          const target: Target = { url: s.url, pid: s.pid, stop: async () => undefined };
          return withRss(
            { ...target, measure: (opts) => measureHttp(target, { path, headers: { 'accept-encoding': 'br' } }, opts) },
            `${tag} ${path}`,
            log,
          );
        },
        request: { path, headers: { 'accept-encoding': 'br' } },
        check: (res, side) => {
          if (res.status !== 200) return `status ${String(res.status)}`;
          if (side === 'subject' && res.headers['x-cache'] !== 'hit')
            return `x-cache ${String(res.headers['x-cache'])}`;
          return null;
        },
      });
    }
    const path = '/units/hetang-village/feedback/';
    out.push({
      name: `first read after a write ${path} (${tag})`,
      baseline: 'bare node:http, same bytes, sequential',
      subject: 'real server, a write before each read',
      startBaseline: async (ctx) => sequentialReads(await sameBytesBaseline(await servers(ctx, scale), path), path),
      startSubject: async (ctx) => withRss(firstReadAfterWrite(await servers(ctx, scale), path, log), tag, log),
    });
  }
  return out;
}
