/**
 * Issue 12 "Live without restart", measured (acceptance 7): at 5,000 disclosures, how long from an approval to
 * the new disclosure being live. A throw-away copy of the project with the generated files (prepareProjects) is
 * built once as `npm start` would (its dist/, from a migrated and seeded temporary database), then its own
 * production server runs (the copy's src/server.ts, so its rebuild worker builds the copy). Each round approves one
 * new canteen month through the store (the month after a generated school's last one, valid, the build request in
 * the same batch) and times (a) the request turning `live` in site_builds and (b) the new permalink answering 200.
 * It also counts how many files the build's precompression compressed and how many it took from the cache.
 *
 * Baseline: the plain full build of the same copy (caches emptied, into its dist/), once per round, so the ratio
 * compares time to live with what a rebuild from scratch costs. BENCH_ONLY=publish runs it alone; BENCH_ROUNDS
 * sets the rounds (each is two builds of 5,000 files: minutes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CORE_SCHEMA, load } from 'js-yaml';
import { createAppContext, type AppContext } from '../../src/app-context.ts';
import { prepareDatabase } from '../../src/cli/prepare.ts';
import { readDisclosureFiles } from '../../src/content/files.ts';
import { approveSubmission, createSubmission } from '../../src/db/disclosure-store-repo.ts';
import { getSiteBuild } from '../../src/db/site-builds-repo.ts';
import { permalink } from '../../src/domain/disclosures/kinds.ts';
import { loadBuildSettings, loadConfig } from '../../src/lib/config.ts';
import { TEST_SECRET_ENV } from '../support/channel.ts';
import { listeningPort, SERVE_NODE_FLAGS } from '../support/server.ts';
import { buildMeasurement, prepareProjects, timedBuild } from './disclosure-build.ts';
import type { Benchmark, Measurement, Target } from './harness.ts';

/** The target of issue 12: a newly approved disclosure is live within this. */
export const PUBLISH_TARGET_SECONDS = 30;
const POLL_MS = 100;
/** Give up on a round after this (the worker's own timeout is 20 min). */
const ROUND_TIMEOUT_MS = 15 * 60_000;

export interface PublishRound {
  disclosureId: string;
  /** Approval to the build request being `live` in site_builds. */
  liveSeconds: number;
  /** Approval to the new permalink answering 200 from the running server. */
  servedSeconds: number;
  /**
   * Approval to the served search index being the new one (`/pagefind/pagefind-entry.json` changed): the worker
   * builds it after the pages are live, so this is later than `servedSeconds`.
   */
  indexedSeconds: number;
  /** Files given a .br and .gz by the build (every compressible file of the new build). */
  precompressed: number;
  /** Of them, compressed by this build: new entries in the precompression cache; the others came from it. */
  compressed: number;
  /** The full build of the same project this round (the baseline), for the table. */
  fullBuildSeconds: number;
}

/** This run's rounds, for the targets table (tests/bench/targets.ts). */
export const publishRounds: PublishRound[] = [];

interface Setup {
  project: ReturnType<typeof prepareProjects>;
  dbDir: string;
  env: Record<string, string>;
  app: AppContext;
  contentIds: ReadonlySet<string>;
  schools: string[];
  lastFullBuild: number;
}

function setupEnv(dbFile: string): Record<string, string> {
  return {
    ...TEST_SECRET_ENV,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: `file:${dbFile}`,
    DEMO: 'true',
    SITE_URL: loadBuildSettings().SITE_URL,
    LOG_LEVEL: 'info',
    // The approval comes from this process, not the server's console (which kicks the worker): poll often.
    SITE_BUILD_POLL_MS: '100',
    NIGHTLY_REBUILD: 'false',
  };
}

async function setUp(): Promise<Setup> {
  const project = prepareProjects();
  const dbDir = mkdtempSync(join(tmpdir(), 'qinglian-bench-publish-'));
  try {
    const env = setupEnv(join(dbDir, 'bench.db'));
    await prepareDatabase({ ...process.env, ...env });
    const app = await createAppContext(loadConfig({ ...process.env, ...env }));
    const contentIds = new Set(
      Object.values(readDisclosureFiles(join(project.ours, 'content')))
        .flat()
        .map((f) => f.id),
    );
    const schools = readdirSync(join(project.ours, 'content/units'))
      .filter((f) => f.startsWith('bench-school-'))
      .map((f) => f.replace(/\.yaml$/, ''))
      .sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop()));
    return { project, dbDir, env, app, contentIds, schools, lastFullBuild: Number.NaN };
  } catch (e) {
    project.cleanup();
    rmSync(dbDir, { recursive: true, force: true });
    throw e;
  }
}

/** The next month of `YYYY-MM`. */
const nextMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${String(y + 1)}-01` : `${String(y)}-${String(m + 1).padStart(2, '0')}`;
};

interface CanteenMonth {
  unit: string;
  month: string;
  publishedOn: string;
  openingFen: number;
  closingFen: number;
  income: { amountFen: number }[];
  expense: { amountFen: number }[];
  [key: string]: unknown;
}

/** The month after `school`'s last generated one: its opening is that month's closing, balanced, published on the 5th after. */
function nextCanteenMonth(contentDir: string, school: string): { id: string; data: CanteenMonth } {
  const dir = join(contentDir, 'canteen-accounts');
  const last = readdirSync(dir)
    .filter((f) => f.startsWith(`${school}-`) && /^\d{4}-\d{2}\.yaml$/.test(f.slice(school.length + 1)))
    .sort()
    .pop();
  if (!last) throw new Error(`no generated canteen month for ${school}`);
  const prev = load(readFileSync(join(dir, last), 'utf8'), { schema: CORE_SCHEMA }) as CanteenMonth;
  const month = nextMonth(prev.month);
  const sum = (lines: { amountFen: number }[]) => lines.reduce((n, l) => n + l.amountFen, 0);
  const openingFen = prev.closingFen;
  const data: CanteenMonth = {
    ...prev,
    month,
    publishedOn: `${nextMonth(month)}-05`,
    openingFen,
    closingFen: openingFen + sum(prev.income) - sum(prev.expense),
  };
  return { id: `${school}-${month}`, data };
}

/** The body of `url` as text ('' when it cannot be fetched). */
const httpBody = (url: string): Promise<string> =>
  new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString('utf8') : ''));
      res.on('error', () => resolve(''));
    });
    req.on('error', () => resolve(''));
  });

const httpStatus = (url: string): Promise<number> =>
  new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });

/** `.br` files under `dir`; with `since`, only those modified at or after it (ms). */
function countBr(dir: string, since?: number): number {
  let n = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) n += countBr(path, since);
    else if (e.name.endsWith('.br') && (since === undefined || statSync(path).mtimeMs >= since)) n += 1;
  }
  return n;
}

/** The copy's own production server (`node --import fast-start src/server.ts` in the copy), as `npm run serve`. */
async function startCopyServer(s: Setup): Promise<{ url: string; child: ChildProcess; output: string[] }> {
  const root = s.project.ours;
  const args = [
    ...SERVE_NODE_FLAGS,
    '--import',
    pathToFileURL(join(root, 'src/lib/fast-start.ts')).href,
    join(root, 'src/server.ts'),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...s.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const port = await listeningPort(child, output, 60_000, 200);
  return { url: `http://127.0.0.1:${String(port)}`, child, output };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Approves `disclosure` through the store (a publisher submits, another account approves) and returns the build request. */
async function approve(
  s: Setup,
  d: { id: string; data: CanteenMonth },
  at: Date,
): Promise<{ requestId: string; t0: number }> {
  const submitted = await createSubmission(
    s.app.database,
    {
      kind: 'canteenAccount',
      unitId: d.data.unit,
      disclosureId: d.id,
      change: 'publish',
      data: d.data,
      sourceFileName: `${d.id}.xlsx`,
      reason: null,
      submittedBy: 'staff:bench-publisher',
      at,
    },
    s.contentIds,
  );
  if (!submitted.ok) throw new Error(`${d.id}: submission refused: ${submitted.code}`);
  const t0 = performance.now();
  const approved = await approveSubmission(
    s.app.database,
    { submissionId: submitted.id, approver: 'staff:bench-approver', approverUnits: [d.data.unit], at },
    () => Promise.resolve([]),
  );
  if (!approved.ok) throw new Error(`${d.id}: approval refused: ${approved.code}`);
  return { requestId: approved.buildRequestId, t0 };
}

/** For tests/bench/run.ts (BENCH_ONLY=publish); `log` prints each round's details. */
export function publishToLiveBenchmark(log: (line: string) => void): Benchmark {
  let setup: Promise<Setup> | undefined;
  let server: Awaited<ReturnType<typeof startCopyServer>> | undefined;
  let round = 0;
  const cleanup = async () => {
    if (server) await stopChild(server.child);
    server = undefined;
    const s = await setup?.catch(() => undefined);
    setup = undefined;
    if (!s) return;
    await s.app.close();
    rmSync(s.dbDir, { recursive: true, force: true });
    s.project.cleanup();
  };

  const baseline: Target = {
    async measure(): Promise<Measurement> {
      const s = await setup!;
      // The build `npm start` makes (into the copy's dist/), from the same store; the server serves the worker's
      // newest build by then, so this does not disturb it.
      const run = timedBuild(s.project.ours, true, s.env);
      s.lastFullBuild = run.seconds;
      return buildMeasurement(run);
    },
    stop: async () => undefined,
  };

  const subject: Target = {
    async measure(): Promise<Measurement> {
      const s = await setup!;
      // Started once, after the first full build made dist/ (what it serves until the worker's first build).
      server ??= await startCopyServer(s);
      const school = s.schools[round % s.schools.length]!;
      round += 1;
      const disclosure = nextCanteenMonth(join(s.project.ours, 'content'), school);
      const url = server.url + permalink('canteenAccount', disclosure.id);
      if ((await httpStatus(url)) === 200) throw new Error(`${url} answers 200 before its approval`);
      const cacheDir = join(s.project.ours, '.bench-cache', 'qinglian-precompress');
      const since = Date.now();
      const entryUrl = `${server.url}/pagefind/pagefind-entry.json`;
      const entryBefore = await httpBody(entryUrl);
      const { requestId, t0 } = await approve(s, disclosure, new Date());
      let liveAt: number | undefined;
      let servedAt: number | undefined;
      let indexedAt: number | undefined;
      let buildId: string | null = null;
      while (liveAt === undefined || servedAt === undefined || indexedAt === undefined) {
        if (performance.now() - t0 > ROUND_TIMEOUT_MS) throw new Error(`${disclosure.id}: not live after 15 min`);
        if (server.child.exitCode !== null || server.child.signalCode !== null)
          throw new Error(`the server stopped:\n${server.output.join('').slice(-3000)}`);
        if (liveAt === undefined) {
          const row = await getSiteBuild(s.app.database, requestId);
          if (row?.state === 'failed') throw new Error(`${disclosure.id}: the build failed: ${row.error ?? ''}`);
          if (row?.state === 'live') {
            liveAt = performance.now();
            buildId = row.buildId;
          }
        }
        if (servedAt === undefined && (await httpStatus(url)) === 200) servedAt = performance.now();
        if (indexedAt === undefined && (await httpBody(entryUrl)) !== entryBefore) indexedAt = performance.now();
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      const clientDir = join(s.dbDir, 'builds', buildId ?? '', 'client');
      const r: PublishRound = {
        disclosureId: disclosure.id,
        liveSeconds: (liveAt - t0) / 1000,
        servedSeconds: (servedAt - t0) / 1000,
        indexedSeconds: (indexedAt - t0) / 1000,
        precompressed: countBr(clientDir),
        compressed: countBr(cacheDir, since),
        fullBuildSeconds: s.lastFullBuild,
      };
      publishRounds.push(r);
      log(
        `  publish ${r.disclosureId}: live in ${r.liveSeconds.toFixed(1)} s, permalink 200 in ${r.servedSeconds.toFixed(1)} s, ` +
          `search index updated in ${r.indexedSeconds.toFixed(1)} s; ` +
          `precompressed ${String(r.precompressed)} files (${String(r.compressed)} compressed, ${String(r.precompressed - r.compressed)} from the cache); ` +
          `full build ${r.fullBuildSeconds.toFixed(1)} s`,
      );
      const seconds = Math.max(r.liveSeconds, r.servedSeconds);
      const pages = countHtml(clientDir);
      return {
        rate: pages / seconds,
        p50: seconds * 1000,
        p99: seconds * 1000,
        count: pages,
        failures: 0,
        targetCpu: null,
        loadCpu: 0,
        otherCpu: null,
      };
    },
    stop: cleanup,
  };

  return {
    name: 'publish to live at 5,000 disclosures',
    baseline: 'full build of the same project (caches emptied)',
    subject: 'approval → rebuild worker → new permalink served',
    unit: 'pages/s',
    startBaseline: async () => {
      setup = setUp();
      await setup;
      return baseline;
    },
    startSubject: async () => subject,
  };
}

function countHtml(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countHtml(join(dir, e.name));
    else if (e.name.endsWith('.html')) n += 1;
  }
  return n;
}
