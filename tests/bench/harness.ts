import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The benchmark harness: targets (servers under test, each a child process), a load generator
 * (autocannon, in this process), interleaved rounds and the report. A benchmark prints numbers; it
 * asserts nothing. Every number is read against a baseline measured in the same run, because
 * absolute req/s on a shared 2-core machine mean little.
 */

// ---------------------------------------------------------------------------------------------
// autocannon has no bundled types; declare the little we use.

interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining: number;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeout: number;
}
interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
interface AutocannonRun extends PromiseLike<AutocannonResult> {
  on(
    event: 'response',
    fn: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
  ): void;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: AutocannonOptions) => AutocannonRun;

// ---------------------------------------------------------------------------------------------
// Types a benchmark entry is made of.

export type Side = 'baseline' | 'subject';

export interface RequestSpec {
  method?: string;
  /** Path and query, appended to the target's base URL. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface MeasureOptions {
  warmupSeconds: number;
  durationSeconds: number;
  connections: number;
}

/** One measurement of one side: throughput and latency (ms) of the successful operations. */
export interface Measurement {
  rate: number;
  p50: number;
  p99: number;
  count: number;
  failures: number;
  /** CPU time of the target process over the measurement, in % of one core (null if unknown). */
  targetCpu: number | null;
  /** CPU time of this process (the load generator) over the measurement, in % of one core. */
  loadCpu: number;
  /**
   * CPU used by everything else on the machine (other processes, the kernel's softirq work not
   * charged to ours) over the measurement, in % of one core; null if unknown. A noise indicator.
   */
  otherCpu: number | null;
}

export interface Target {
  /** Base URL (http://127.0.0.1:port) for HTTP benchmarks. */
  url?: string;
  /** Process id of the process doing the work, for CPU accounting. */
  pid?: number | undefined;
  /**
   * A non-HTTP measurement (e.g. a raw insert loop, a build). When absent the harness drives
   * `url` + the benchmark's request with autocannon.
   */
  measure?(opts: MeasureOptions): Promise<Measurement>;
  stop(): Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body bytes as sent (not decompressed). */
  body: Buffer;
}

export interface Benchmark {
  /** Shown in the table and the summary line, e.g. "API /api/health". */
  name: string;
  /** Labels, e.g. "bare node:http" and "real server". */
  baseline: string;
  subject: string;
  /** Throughput unit for the report. Default "req/s". */
  unit?: string;
  startBaseline(ctx: BenchContext): Promise<Target>;
  startSubject(ctx: BenchContext): Promise<Target>;
  /** The HTTP request both sides are loaded with (HTTP benchmarks). */
  request?: RequestSpec;
  /** Sanity check of one response per side before measuring; return a problem or null. */
  check?(res: RawResponse, side: Side): string | null;
}

// ---------------------------------------------------------------------------------------------
// Child processes: every one is registered so it dies with this process, error or not.

const children = new Set<ChildProcess>();

/** Ids of this process's direct children, from /proc (Linux; empty elsewhere). */
function childPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((name) => {
        try {
          const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

// Last resort, on any exit (normal, error, uncaught exception): kill the children we tracked and
// any other direct child (e.g. a server whose start timed out before we got hold of it).
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of childPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Run `node <script> ...args` and wait for it to print {"port":N} on stdout. Its stdin is a pipe
 * that it watches, so it exits even if this process is killed with SIGKILL.
 */
export async function spawnServer(script: string, args: string[] = []): Promise<Target> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  track(child);
  const output: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output.join('')}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const m = /\{"port":(\d+)\}/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${String(code)}:\n${output.join('')}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

/** The real production server (`node src/server.ts`) with a fresh temp database. */
export async function startRealServer(): Promise<Target> {
  const s: TestServer = await startTestServer();
  track(s.process);
  return {
    url: s.url,
    pid: s.process.pid,
    async stop() {
      await stopChild(s.process, 10_000);
      s.cleanup();
    },
  };
}

export class BenchContext {
  readonly #shared = new Map<string, Promise<Target>>();
  readonly #owned: Target[] = [];

  /**
   * Start a target once per run and hand out the same one to every benchmark that asks (e.g. the
   * real server). The handed-out target's stop() does nothing; the context stops it at the end.
   */
  shared(key: string, start: () => Promise<Target>): Promise<Target> {
    let p = this.#shared.get(key);
    if (!p) {
      p = start().then((t) => {
        this.#owned.push(t);
        return t;
      });
      this.#shared.set(key, p);
    }
    return p.then((t) => ({ ...t, stop: async () => undefined }));
  }

  realServer(): Promise<Target> {
    return this.shared('real-server', startRealServer);
  }

  async close(): Promise<void> {
    const targets = this.#owned.splice(0);
    await Promise.allSettled(targets.map((t) => t.stop()));
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/** Total CPU seconds (user + system) of a process, from /proc (Linux); null elsewhere. */
function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine, from /proc/stat (Linux); null elsewhere. */
function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal ...
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0);
    return Number.isFinite(busy) ? busy / 100 : null;
  } catch {
    return null;
  }
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(values: number[]): number {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function loadOnce(
  url: string,
  request: RequestSpec,
  seconds: number,
  connections: number,
  record: boolean,
): Promise<{ latencies: Float64Array; count: number; failures: number; elapsed: number }> {
  let latencies = new Float64Array(record ? 1 << 16 : 0);
  let count = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  const run = autocannon({
    url: url + request.path,
    connections,
    duration: seconds,
    pipelining: 1,
    method: request.method ?? 'GET',
    headers: request.headers ?? {},
    ...(request.body === undefined ? {} : { body: request.body }),
    timeout: 10,
  });
  // autocannon's own histogram has 1 ms resolution; loopback latencies are sub-millisecond, so
  // keep every 2xx latency (ms, float) and take the percentiles here.
  run.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode >= 300) {
      failures += 1;
      return;
    }
    if (record) {
      if (count === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[count] = responseTime;
    }
    count += 1;
  });
  const result = await run;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    latencies: record ? latencies.subarray(0, count).sort() : latencies,
    count,
    failures: failures + result.errors + result.timeouts,
    elapsed,
  };
}

export async function measureHttp(target: Target, request: RequestSpec, opts: MeasureOptions): Promise<Measurement> {
  if (!target.url) throw new Error('HTTP benchmark target has no url');
  if (opts.warmupSeconds > 0) await loadOnce(target.url, request, opts.warmupSeconds, opts.connections, false);
  const cpu0 = processCpuSeconds(target.pid);
  const busy0 = machineBusySeconds();
  const load0 = process.cpuUsage();
  const r = await loadOnce(target.url, request, opts.durationSeconds, opts.connections, true);
  const load = process.cpuUsage(load0);
  const busy1 = machineBusySeconds();
  const cpu1 = processCpuSeconds(target.pid);
  const targetCpu = cpu0 === null || cpu1 === null ? null : (100 * (cpu1 - cpu0)) / r.elapsed;
  const loadCpu = (100 * (load.user + load.system)) / 1e6 / r.elapsed;
  const machineCpu = busy0 === null || busy1 === null ? null : (100 * (busy1 - busy0)) / r.elapsed;
  return {
    rate: r.count / r.elapsed,
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
    count: r.count,
    failures: r.failures,
    targetCpu,
    loadCpu,
    otherCpu: machineCpu === null || targetCpu === null ? null : Math.max(0, machineCpu - targetCpu - loadCpu),
  };
}

/** One raw request (body bytes as sent, no decompression) for the pre-flight check. */
export function rawRequest(base: string, request: RequestSpec): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      base + request.path,
      { method: request.method ?? 'GET', headers: request.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

function headerBytes(res: RawResponse): number {
  return Object.entries(res.headers).reduce((n, [k, v]) => n + k.length + 4 + String(v).length, 0);
}

// ---------------------------------------------------------------------------------------------
// Running and reporting.

export interface RunOptions extends MeasureOptions {
  rounds: number;
  log: (line: string) => void;
}

export interface BenchResult {
  bench: Benchmark;
  baseline: Measurement[];
  subject: Measurement[];
  problems: string[];
}

/** "Other" CPU (% of one core) above which a measurement is flagged as disturbed. */
const NOISY_OTHER_CPU = 30;

const fmtRate = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const fmtMs = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)} ms` : 'n/a');
const fmtCpu = (n: number | null) => (n === null ? '  ?' : `${Math.round(n).toString().padStart(3)}%`);
const fmtRatio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : 'n/a');

export async function runBenchmark(bench: Benchmark, ctx: BenchContext, opts: RunOptions): Promise<BenchResult> {
  const { log } = opts;
  const unit = bench.unit ?? 'req/s';
  const problems: string[] = [];
  log(`\n== ${bench.name}: ${bench.subject} vs ${bench.baseline} ==`);
  const baseline = await bench.startBaseline(ctx);
  let subject: Target | undefined;
  try {
    subject = await bench.startSubject(ctx);
    const targets: Record<Side, Target> = { baseline, subject };
    const measure = (side: Side) => {
      const t = targets[side];
      if (t.measure) return t.measure(opts);
      if (!bench.request) throw new Error(`${bench.name}: no request and no custom measure()`);
      return measureHttp(t, bench.request, opts);
    };

    if (bench.request) {
      for (const side of ['baseline', 'subject'] as const) {
        const url = targets[side].url;
        if (!url) continue;
        const res = await rawRequest(url, bench.request);
        const problem = bench.check?.(res, side) ?? (res.status === 200 ? null : `status ${res.status}`);
        const label = side === 'baseline' ? bench.baseline : bench.subject;
        log(
          `  check ${side.padEnd(8)} ${label}: ${res.status}, body ${res.body.length} B, ` +
            `${Object.keys(res.headers).length} headers (~${headerBytes(res)} B)` +
            (res.headers['content-encoding'] ? `, content-encoding ${res.headers['content-encoding']}` : '') +
            (problem ? `  PROBLEM: ${problem}` : ''),
        );
        if (problem) problems.push(`${side}: ${problem}`);
      }
    }

    const results: Record<Side, Measurement[]> = { baseline: [], subject: [] };
    for (let round = 1; round <= opts.rounds; round++) {
      for (const side of ['baseline', 'subject'] as const) {
        const m = await measure(side);
        results[side].push(m);
        log(
          `  round ${round} ${side.padEnd(8)} ${fmtRate(m.rate).padStart(8)} ${unit}  p50 ${fmtMs(m.p50).padStart(9)}` +
            `  p99 ${fmtMs(m.p99).padStart(9)}  cpu: target ${fmtCpu(m.targetCpu)} load-gen ${fmtCpu(m.loadCpu)} other ${fmtCpu(m.otherCpu)}` +
            (m.failures ? `  (${m.failures} non-2xx/errors)` : '') +
            ((m.otherCpu ?? 0) > NOISY_OTHER_CPU ? '  [noisy: other processes busy]' : ''),
        );
        if (m.failures) problems.push(`${side} round ${round}: ${m.failures} non-2xx/errors`);
      }
    }
    return { bench, baseline: results.baseline, subject: results.subject, problems };
  } finally {
    await Promise.allSettled([baseline.stop(), subject?.stop()]);
  }
}

export interface Summary {
  rate: number;
  p50: number;
  p99: number;
  targetCpu: number;
  loadCpu: number;
}

export function summarize(ms: Measurement[]): Summary {
  return {
    rate: median(ms.map((m) => m.rate)),
    p50: median(ms.map((m) => m.p50)),
    p99: median(ms.map((m) => m.p99)),
    targetCpu: median(ms.map((m) => m.targetCpu ?? Number.NaN)),
    loadCpu: median(ms.map((m) => m.loadCpu)),
  };
}

export function report(results: BenchResult[], opts: RunOptions): void {
  const { log } = opts;
  const rows: string[][] = [
    ['benchmark', 'side', 'rate', 'p50', 'p99', 'target cpu', 'load-gen cpu', 'subject/baseline'],
  ];
  const lines: string[] = [];
  for (const r of results) {
    const unit = r.bench.unit ?? 'req/s';
    const b = summarize(r.baseline);
    const s = summarize(r.subject);
    const ratio = s.rate / b.rate;
    const perRound = median(r.subject.map((m, i) => m.rate / (r.baseline[i]?.rate ?? Number.NaN)));
    const cpu = (n: number) => (Number.isFinite(n) ? `${Math.round(n)}%` : '?');
    rows.push([
      r.bench.name,
      `baseline: ${r.bench.baseline}`,
      `${fmtRate(b.rate)} ${unit}`,
      fmtMs(b.p50),
      fmtMs(b.p99),
      cpu(b.targetCpu),
      cpu(b.loadCpu),
      '',
    ]);
    rows.push([
      '',
      `subject:  ${r.bench.subject}`,
      `${fmtRate(s.rate)} ${unit}`,
      fmtMs(s.p50),
      fmtMs(s.p99),
      cpu(s.targetCpu),
      cpu(s.loadCpu),
      `${fmtRatio(ratio)} rate, p50 ${fmtRatio(s.p50 / b.p50)}`,
    ]);
    lines.push(
      `${r.bench.name}: ${fmtRatio(ratio)} ${r.bench.baseline}` +
        ` (median of per-round ratios ${fmtRatio(perRound)}; p50 ${fmtMs(s.p50)} vs ${fmtMs(b.p50)})` +
        (r.problems.length ? `  [problems: ${r.problems.join('; ')}]` : ''),
    );
    if (Number.isFinite(b.loadCpu) && b.loadCpu > 80)
      lines.push(
        `  note: the load generator was near one full core (${Math.round(b.loadCpu)}%) against the baseline, so the` +
          ` baseline rate is a lower bound and the ratio an upper bound.`,
      );
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  log(
    `\nSummary (median of ${opts.rounds} interleaved rounds per side; each ${opts.durationSeconds} s after a ${opts.warmupSeconds} s warm-up)`,
  );
  for (const [i, row] of rows.entries()) {
    log(
      `  ${row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd()}`,
    );
    if (i === 0) log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  }
  log('');
  for (const line of lines) log(line);
  const others = results.flatMap((r) => [...r.baseline, ...r.subject]).map((m) => m.otherCpu ?? Number.NaN);
  const busiest = Math.max(...others.filter((n) => Number.isFinite(n)));
  if (Number.isFinite(busiest)) {
    log(
      `\nOther CPU use on the machine during measurements: median ${Math.round(median(others))}%, max ${Math.round(busiest)}%` +
        ` of one core (load average now ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}).` +
        (busiest > NOISY_OTHER_CPU ? ' The machine was busy: rerun when it is idle before trusting the ratios.' : ''),
    );
  }
}

export function environmentLines(opts: RunOptions): string[] {
  const cpuList = cpus();
  return [
    `Node ${process.version} (${process.execPath}), ${process.platform} ${process.arch}, ${cpuList.length} CPU(s) ${cpuList[0]?.model ?? ''}`.trimEnd(),
    'All numbers are relative to a baseline measured in the same run on the same machine; absolute rates',
    'depend on the machine and its noise, so read the subject/baseline ratios.',
    `Load: autocannon in this process, ${opts.connections} keep-alive connections to 127.0.0.1, no pipelining;`,
    `servers under test are child processes. ${opts.rounds} rounds of (baseline, subject), each ${opts.warmupSeconds} s warm-up + ${opts.durationSeconds} s measured;`,
    'latency percentiles are computed from every 2xx response time (ms); "other" cpu = the rest of the machine.',
    `Load average at start: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  ];
}
