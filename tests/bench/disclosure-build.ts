/**
 * Build benchmark for the disclosure collections (issue 3): 5,000 generated disclosure files built
 * by this project's full pipeline (validated loader, detail + index + filter pages, exports, search
 * index, precompression) against a bare Astro build of the same files (glob loaders, one page per
 * entry, nothing else), both in throw-away copies of the project on this machine, in one run.
 * Reports pages per second for each and their ratio (target ≥ 0.7).
 *
 * Run alone with a phase breakdown: `npm run bench:disclosures`; it is also one entry of
 * `npm run bench` (tests/bench/run.ts, interleaved rounds).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, dump, load } from 'js-yaml';
import type { Benchmark, Measurement, Target } from './harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Each throw-away project keeps Astro's cache (the content layer's store, the precompression cache) in a folder of
 * its own: node_modules is a link to this project's, and its default cache folder would be shared by every run.
 */
const CACHE_DIR = './.bench-cache';
const ASTRO = join(ROOT, 'node_modules/astro/bin/astro.mjs');
const read = (path: string) =>
  load(readFileSync(join(ROOT, 'content', path), 'utf8'), { schema: CORE_SCHEMA }) as Record<string, unknown>;
const write = (dir: string, path: string, data: unknown) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), dump(data, { schema: CORE_SCHEMA, lineWidth: -1 }));
};

/** Clones the demo files: per school 12 canteen months, 3 procurements, 3 aid lists; per village a ledger and 3 decisions. */
export function generateContent(contentDir: string, schools = 250, villages = 125): number {
  cpSync(join(ROOT, 'content/townships'), join(contentDir, 'townships'), { recursive: true });
  cpSync(join(ROOT, 'content/families'), join(contentDir, 'families'), { recursive: true });
  // Every site names its city (content/city.yaml) and counts working days from content/calendar.
  cpSync(join(ROOT, 'content/city.yaml'), join(contentDir, 'city.yaml'));
  cpSync(join(ROOT, 'content/calendar'), join(contentDir, 'calendar'), { recursive: true });
  const school = read('units/xixi-central-primary.yaml');
  const village = read('units/liuwan-village.yaml');
  const months = readdirSync(join(ROOT, 'content/canteen-accounts')).filter((f) =>
    f.startsWith('xixi-central-primary-'),
  );
  const procurements = readdirSync(join(ROOT, 'content/procurements'));
  const aid = readdirSync(join(ROOT, 'content/student-aid'));
  const ledger = read('collective-assets/liuwan-village-2026.yaml');
  const decisions = readdirSync(join(ROOT, 'content/decisions')).filter((f) => f.startsWith('liuwan-village-'));
  let files = 0;
  for (let i = 0; i < schools; i += 1) {
    const id = `bench-school-${i}`;
    write(contentDir, `units/${id}.yaml`, { ...school, name: `${String(school.name)}${i}` });
    for (const m of months)
      write(contentDir, `canteen-accounts/${id}-${m.slice(-12)}`, { ...read(`canteen-accounts/${m}`), unit: id });
    procurements.forEach((p, j) =>
      write(contentDir, `procurements/${id}-p${j}.yaml`, { ...read(`procurements/${p}`), unit: id }),
    );
    aid.forEach((a, j) => write(contentDir, `student-aid/${id}-a${j}.yaml`, { ...read(`student-aid/${a}`), unit: id }));
    files += months.length + procurements.length + aid.length;
  }
  for (let i = 0; i < villages; i += 1) {
    const id = `bench-village-${i}`;
    write(contentDir, `units/${id}.yaml`, { ...village, name: `${String(village.name)}${i}` });
    const rename = (decision: string) => decision.replace('liuwan-village', id);
    for (const d of decisions) write(contentDir, `decisions/${rename(d)}`, { ...read(`decisions/${d}`), unit: id });
    const contracts = (ledger.contracts as { decision?: string }[]).map((c) =>
      c.decision ? { ...c, decision: rename(c.decision) } : c,
    );
    write(contentDir, `collective-assets/${id}-2026.yaml`, { ...ledger, unit: id, contracts });
    files += decisions.length + 1;
  }
  return files;
}

/** A bare Astro project: one glob loader per folder, one page per entry printing its data. */
function bareProject(dir: string) {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bare', type: 'module', private: true }));
  writeFileSync(
    join(dir, 'astro.config.mjs'),
    `import { defineConfig } from 'astro/config';\nexport default defineConfig({ output: 'static', cacheDir: '${CACHE_DIR}', build: { format: 'directory' } });\n`,
  );
  const kinds = ['procurements', 'canteen-accounts', 'student-aid', 'collective-assets', 'decisions'];
  const name = (k: string) => k.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  mkdirSync(join(dir, 'src/pages/[kind]'), { recursive: true });
  writeFileSync(
    join(dir, 'src/content.config.ts'),
    `import { defineCollection } from 'astro:content';\nimport { glob } from 'astro/loaders';\n${kinds.map((k) => `const ${name(k)} = defineCollection({ loader: glob({ base: './content/${k}', pattern: '*.yaml' }) });`).join('\n')}\nexport const collections = { ${kinds.map(name).join(', ')} };\n`,
  );
  writeFileSync(
    join(dir, 'src/pages/[kind]/[id].astro'),
    `---\nimport { getCollection } from 'astro:content';\nexport async function getStaticPaths() {\n  const kinds = ${JSON.stringify(kinds.map(name))};\n  const all = await Promise.all(kinds.map((k) => getCollection(k as 'procurements')));\n  return all.flatMap((entries, i) => entries.map((e) => ({ params: { kind: kinds[i], id: e.id }, props: { data: e.data } })));\n}\nconst { data } = Astro.props;\n---\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{String(data.title ?? data.month ?? data.year)}</title></head><body><h1>{String(data.title ?? data.unit)}</h1><pre>{JSON.stringify(data, null, 1)}</pre></body></html>\n`,
  );
}

interface BuildRun {
  seconds: number;
  pages: number;
  /** Of `seconds`, what the post-build steps (search index, precompression) report. */
  postBuild: number;
  /** Of `postBuild`, Pagefind's search index (the pages are compressed meanwhile). */
  searchIndex: number;
  /** Of `seconds`, Astro's rendering (and restoring from its cache) of the pages, as it reports it. */
  render: number;
  /** CPU seconds of the build process (user + system). */
  cpuSeconds: number;
}

/**
 * A build of `dir`; `cold` first empties its cache folder (a full build), otherwise the last build's cache stays.
 * `env` is added to this process's environment (e.g. the DATABASE_URL of a store to build from).
 */
export function timedBuild(dir: string, cold = true, env: Record<string, string> = {}): BuildRun {
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  if (cold) rmSync(join(dir, CACHE_DIR), { recursive: true, force: true });
  const cpu0 = childCpuSeconds();
  const started = performance.now();
  const r = spawnSync(process.execPath, [ASTRO, 'build'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`astro build failed in ${dir}:\n${(r.stdout + r.stderr).slice(-3000)}`);
  const count = (d: string): number =>
    readdirSync(d).reduce(
      (n, f) => n + (statSync(join(d, f)).isDirectory() ? count(join(d, f)) : f.endsWith('.html') ? 1 : 0),
      0,
    );
  const out = join(dir, 'dist/client');
  const output = `${r.stdout}${r.stderr}`;
  const postBuild = [
    ...output.matchAll(/(?:indexed \d+ pages for search|precompressed \d+ files) in ([\d.]+)s/g),
  ].reduce((a, m) => a + Number(m[1]), 0);
  const searchIndex = Number(/indexed \d+ pages for search in ([\d.]+)s/.exec(output)?.[1] ?? 0);
  return {
    seconds,
    postBuild,
    searchIndex,
    render: renderSeconds(output),
    cpuSeconds: childCpuSeconds() - cpu0,
    pages: count(statSync(out, { throwIfNoEntry: false })?.isDirectory() ? out : join(dir, 'dist')),
  };
}

/**
 * The time Astro reports for its "generating/prerendering static routes" step: the line `✓ Completed in 5.38s.` (or
 * `850ms`) after the route list. 0 when the output has no such step.
 */
export function renderSeconds(output: string): number {
  // Without ANSI colour codes, should a terminal have asked for them.
  const plain = output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  const m = /static routes[\s\S]*?✓ Completed in ([\d.]+)(m?s)\./.exec(plain);
  if (!m) return 0;
  return Number(m[1]) / (m[2] === 'ms' ? 1000 : 1);
}

/** CPU seconds of this process's reaped children so far (Linux /proc; 0 elsewhere). */
function childCpuSeconds(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // Fields 16 and 17 of stat (cutime, cstime), counted after the command name: indexes 13 and 14 here.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

/** Two throw-away projects with the same 5,000 files: the full pipeline and a bare Astro site. */
export function prepareProjects(opts: { schools?: number; villages?: number } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'qinglian-bench-'));
  const ours = join(work, 'ours');
  const bare = join(work, 'bare');
  mkdirSync(ours);
  mkdirSync(bare);
  for (const f of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(ours, f));
  const config = readFileSync(join(ROOT, 'astro.config.mjs'), 'utf8');
  if (!config.includes("output: 'static',"))
    throw new Error('astro.config.mjs: no `output` line to add cacheDir after');
  writeFileSync(
    join(ours, 'astro.config.mjs'),
    config.replace("output: 'static',", `output: 'static', cacheDir: '${CACHE_DIR}',`),
  );
  for (const d of ['src', 'public']) cpSync(join(ROOT, d), join(ours, d), { recursive: true });
  const files = generateContent(join(ours, 'content'), opts.schools, opts.villages);
  cpSync(join(ours, 'content'), join(bare, 'content'), { recursive: true });
  bareProject(bare);
  for (const d of [ours, bare]) symlinkSync(join(ROOT, 'node_modules'), join(d, 'node_modules'), 'dir');
  return { work, ours, bare, files, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

/**
 * A build's wall time in parts: Astro's rendering, the post-build steps (of them Pagefind's search index), and the
 * rest, which is Astro's own work on every build before the first page (start-up, content sync, bundling).
 */
export const searchShare = (run: BuildRun): string =>
  `build ${run.pages.toString()} pages in ${run.seconds.toFixed(1)} s: rendering ${run.render.toFixed(1)} s, search index ${run.searchIndex.toFixed(1)} s (${((run.searchIndex / run.seconds) * 100).toFixed(0)} % of the build), post-build ${run.postBuild.toFixed(1)} s, the rest (Astro's start, content sync, bundling) ${(run.seconds - run.render - run.postBuild).toFixed(1)} s`;

/** One build as a harness measurement: the rate is pages per second, "p50/p99" its wall time. */
export function buildMeasurement(run: BuildRun): Measurement {
  const ms = run.seconds * 1000;
  return {
    rate: run.pages / run.seconds,
    p50: ms,
    p99: ms,
    count: run.pages,
    failures: 0,
    targetCpu: (run.cpuSeconds / run.seconds) * 100,
    loadCpu: 0,
    otherCpu: null,
  };
}

/**
 * A harness target whose one operation is a whole build; the rate is pages per second. `cold` empties the cache
 * first; `before` runs before each build, untimed.
 */
function buildTarget(dir: string, cleanup: () => void, opts: { cold?: boolean; before?: () => void } = {}): Target {
  return {
    async measure(): Promise<Measurement> {
      opts.before?.();
      const run = timedBuild(dir, opts.cold ?? true);
      process.stdout.write(`  ${searchShare(run)}\n`);
      return buildMeasurement(run);
    },
    async stop() {
      cleanup();
    },
  };
}

/** Changes one expense label of one generated canteen month (a correction a clerk would make); valid each time. */
function changeOneDisclosure(contentDir: string): void {
  const dir = join(contentDir, 'canteen-accounts');
  const file = join(dir, readdirSync(dir).sort()[0]!);
  const data = load(readFileSync(file, 'utf8'), { schema: CORE_SCHEMA }) as { expense: { label?: string }[] };
  const line = data.expense[0]!;
  const n = Number(/\d+$/.exec(line.label ?? '')?.[0] ?? 0) + 1;
  line.label = `${(line.label ?? '').replace(/ \d+$/, '')} ${n}`;
  writeFileSync(file, dump(data, { schema: CORE_SCHEMA, lineWidth: -1 }));
}

/**
 * For tests/bench/run.ts: one round = one bare build and one full build of the same 5,000 files
 * (minutes, not seconds; BENCH_ONLY=build runs it alone). "p50/p99" are the build's wall time.
 */
export const disclosureBuildBenchmark: Benchmark = {
  name: 'build 5,000 disclosures',
  baseline: 'bare Astro build (glob loaders, 1 page per file)',
  subject: 'full pipeline (checks, pages, exports, search, precompression)',
  unit: 'pages/s',
  startBaseline: async () => {
    const p = prepareProjects();
    shared = p;
    return buildTarget(p.bare, () => undefined);
  },
  startSubject: async () => {
    const p = shared!;
    return buildTarget(p.ours, p.cleanup);
  },
};
let shared: ReturnType<typeof prepareProjects> | undefined;

/**
 * Issue 15's incremental build: after a full build, one disclosure changes and the site is built again with the
 * caches the last build left (Astro's content store, the precompression cache). Baseline: the cold full build of the
 * same project. A round is two builds of 5,000 files. The target is a time ratio (≤ 0.2× the full build).
 */
export const incrementalBuildBenchmark: Benchmark = {
  name: 'incremental build after one changed disclosure',
  baseline: 'full build (caches emptied)',
  subject: 'rebuild after one changed disclosure',
  unit: 'pages/s',
  startBaseline: async () => {
    incremental = prepareProjects();
    return buildTarget(incremental.ours, () => undefined);
  },
  startSubject: async () => {
    const p = incremental!;
    return buildTarget(p.ours, p.cleanup, { cold: false, before: () => changeOneDisclosure(join(p.ours, 'content')) });
  },
};
let incremental: ReturnType<typeof prepareProjects> | undefined;

interface Timing extends BuildRun {
  pagesPerSecond: number;
}
export interface BuildBenchResult {
  files: number;
  ours: Timing;
  bare: Timing;
  /** pages/s of the full pipeline ÷ pages/s of the bare build. */
  ratio: number;
  /** The same ratio leaving out the search index and precompression (which the bare build lacks). */
  ratioWithoutPostBuild: number;
}

/** One bare and one full build, with the phase the bare build does not have broken out. */
export function benchDisclosureBuild(opts: { schools?: number; villages?: number } = {}): BuildBenchResult {
  const p = prepareProjects(opts);
  try {
    const b = timedBuild(p.bare);
    const o = timedBuild(p.ours);
    const rate = (x: BuildRun): Timing => ({ ...x, pagesPerSecond: x.pages / x.seconds });
    return {
      files: p.files,
      ours: rate(o),
      bare: rate(b),
      ratio: o.pages / o.seconds / (b.pages / b.seconds),
      ratioWithoutPostBuild: o.pages / (o.seconds - o.postBuild) / (b.pages / b.seconds),
    };
  } finally {
    p.cleanup();
  }
}

if (import.meta.main) {
  const r = benchDisclosureBuild();
  const line = (label: string, x: Timing) =>
    `${label.padEnd(34)} ${x.pages.toString().padStart(6)} pages  ${x.seconds.toFixed(1).padStart(6)} s  ${x.pagesPerSecond.toFixed(0).padStart(5)} pages/s`;
  process.stdout.write(
    [
      `disclosure build benchmark: ${r.files} generated disclosure files`,
      line('bare Astro (same files, 1 page each)', r.bare),
      `  ${searchShare(r.bare)}`,
      line('qinglian (full pipeline)', r.ours),
      `  ${searchShare(r.ours)}`,
      `  of which search index + precompression: ${r.ours.postBuild.toFixed(1)} s; build CPU ${r.ours.cpuSeconds.toFixed(0)} s (bare ${r.bare.cpuSeconds.toFixed(0)} s)`,
      `ratio (pages/s, qinglian ÷ bare): ${r.ratio.toFixed(2)}  (target ≥ 0.70)`,
      `ratio without search index and precompression: ${r.ratioWithoutPostBuild.toFixed(2)}`,
      '',
    ].join('\n'),
  );
}
