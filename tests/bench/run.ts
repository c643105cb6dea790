import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BenchContext,
  environmentLines,
  report,
  runBenchmark,
  spawnServer,
  type Benchmark,
  type BenchResult,
  type RunOptions,
} from './harness.ts';
import { feedbackPostBenchmark } from './feedback-post.ts';
import { disclosureBuildBenchmark, incrementalBuildBenchmark } from './disclosure-build.ts';
import { publishToLiveBenchmark } from './publish-live.ts';
import { scoringBenchmark } from './scoring.ts';
import { cachedReadBenchmarks } from './cached-reads.ts';
import { targetTable } from './targets.ts';
import { compressionLevelTable } from './compression-levels.ts';

/**
 * `npm run bench`: the production server against bare Node baselines, interleaved in one run.
 * Prints; asserts nothing. Add a benchmark by adding an entry to BENCHMARKS (a non-HTTP one gives
 * its targets a measure() instead of a request; see harness.ts).
 *
 * Knobs (environment): BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (1),
 * BENCH_CONNECTIONS (10), BENCH_ONLY (substrings of benchmark names, comma-separated), BENCH_SCALES
 * (data sizes of the cached-read benchmarks, "1,10,100").
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;
const UNITS_BR = `${ROOT}dist/client/units/index.html.br`;

const BENCHMARKS: Benchmark[] = [
  // Cached public reads at the demo size, 10× and 100× (BENCH_SCALES), and the first read after a write.
  ...cachedReadBenchmarks((line) => process.stdout.write(`${line}\n`)),
  {
    name: 'API /api/health',
    baseline: 'bare node:http',
    subject: 'real server',
    startBaseline: () => spawnServer(`${HERE}bare-json-server.ts`, [VERSION]),
    startSubject: (ctx) => ctx.realServer(),
    request: { path: '/api/health' },
    check: (res) => {
      if (res.status !== 200) return `status ${res.status}`;
      const type = res.headers['content-type'] ?? '';
      return type.startsWith('application/json') ? null : `content-type ${type}`;
    },
  },
  {
    // The same endpoint against a baseline that does the same database query per request: what
    // Hono, the middleware and the dispatch cost on their own.
    name: 'API /api/health (same query)',
    baseline: 'bare node:http + same libSQL query',
    subject: 'real server',
    startBaseline: () => spawnServer(`${HERE}bare-json-db-server.ts`, [VERSION]),
    startSubject: (ctx) => ctx.realServer(),
    request: { path: '/api/health' },
    check: (res) => (res.status === 200 ? null : `status ${res.status}`),
  },
  {
    name: 'static /units/',
    baseline: 'bare static server',
    subject: 'real server',
    startBaseline: () => spawnServer(`${HERE}bare-static-server.ts`, [UNITS_BR, 'text/html;charset=utf-8', 'br']),
    startSubject: (ctx) => ctx.realServer(),
    request: { path: '/units/', headers: { 'accept-encoding': 'br' } },
    check: (res) => {
      if (res.status !== 200) return `status ${res.status}`;
      if (res.headers['content-encoding'] !== 'br')
        return `content-encoding ${String(res.headers['content-encoding'])}, expected br`;
      const expected = readFileSync(UNITS_BR);
      return res.body.equals(expected) ? null : `body (${res.body.length} B) differs from ${UNITS_BR}`;
    },
  },
  {
    // An on-demand statistics series (GROUP BY aggregates over the seeded demo database, then the page
    // render) against serving a prerendered file: what computing a series per request costs.
    name: 'on-demand /statistics/feedback-months/',
    baseline: 'bare static server (the /units/ file)',
    subject: 'real server',
    startBaseline: () => spawnServer(`${HERE}bare-static-server.ts`, [UNITS_BR, 'text/html;charset=utf-8', 'br']),
    startSubject: (ctx) => ctx.realServer(),
    request: { path: '/statistics/feedback-months/' },
    check: (res) => (res.status === 200 ? null : `status ${res.status}`),
  },
  // Writes: one commit per submission on both sides; every acknowledged submission is checked in the DB.
  feedbackPostBenchmark((line) => process.stdout.write(`${line}\n`)),
  // Scoring a year (issue 6): aggregation queries and interpretation timed apart (BENCH_ONLY=scoring).
  scoringBenchmark((line) => process.stdout.write(`${line}\n`)),
  // Builds, not requests: minutes per round (BENCH_ONLY=build to run it alone).
  disclosureBuildBenchmark,
  // A rebuild after one changed disclosure against the full build of the same project (BENCH_ONLY=incremental).
  incrementalBuildBenchmark,
  // Issue 12: an approval to its permalink served by the running server at 5,000 disclosures (BENCH_ONLY=publish).
  publishToLiveBenchmark((line) => process.stdout.write(`${line}\n`)),
];

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

async function main(): Promise<void> {
  if (!existsSync(`${ROOT}dist/server/entry.mjs`) || !existsSync(UNITS_BR)) {
    throw new Error('No build in dist/. Run `npx astro build` (or `npm run bench`, which builds first).');
  }
  const opts: RunOptions = {
    rounds: num('BENCH_ROUNDS', 3),
    durationSeconds: num('BENCH_SECONDS', 5),
    warmupSeconds: num('BENCH_WARMUP_SECONDS', 1),
    connections: num('BENCH_CONNECTIONS', 10),
    log: (line) => process.stdout.write(`${line}\n`),
  };
  const only = process.env.BENCH_ONLY;
  // Several substrings may be given, separated by commas.
  const selected = BENCHMARKS.filter((b) => !only || only.split(',').some((o) => b.name.includes(o)));
  for (const line of environmentLines(opts)) opts.log(line);

  const ctx = new BenchContext();
  const stopOnSignal = (signal: NodeJS.Signals) => {
    opts.log(`\n${signal}: stopping servers`);
    void ctx.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const started = Date.now();
  // Not a ratio: the size/time table the build's compression levels were chosen from.
  if (!only || only.split(',').some((o) => 'compression levels'.includes(o)))
    compressionLevelTable(`${ROOT}dist/client`, opts.log);
  const results: BenchResult[] = [];
  try {
    for (const bench of selected) results.push(await runBenchmark(bench, ctx, opts));
  } finally {
    await ctx.close();
  }
  report(results, opts);
  targetTable(results, opts.log);
  opts.log(`\n(total ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
