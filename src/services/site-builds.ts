import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Database } from '../db/client.ts';
import { SEARCH_DIR } from '../build/search-index.ts';
import { SEARCH_LATER, SEARCH_NEXT, SEARCH_PENDING } from '../build/search-later.ts';
import { scrubExpiredAidNames, storedAidListIds } from '../db/disclosure-store-repo.ts';
import {
  claimQueuedBuilds,
  countBuildRequests,
  finishBuild,
  finishIndex,
  getSiteBuild,
  pendingIndexBuilds,
  recentSiteBuilds,
  requeueInterruptedBuilds,
  requestSiteBuild,
  type BuildOutcome,
  type SiteBuild,
} from '../db/site-builds-repo.ts';
import { beijingDate, nextBeijingTime } from '../domain/calendar/dates.ts';
import type { WorkingDayCalendar } from '../domain/calendar/working-days.ts';
import { aidNamesExpired } from '../domain/disclosures/student-aid/rules.ts';
import { maskIdentifiers } from '../domain/privacy/identifiers.ts';
import type { Logger } from '../lib/log.ts';
import { SERVER_SECRETS } from '../lib/config.ts';
import { filesUnder, linkTree, ROOT } from '../lib/paths.ts';

/**
 * The rebuild worker (issue 12 "Live without restart"). Requests are rows of `site_builds`, queued in the
 * same batch as the change that needs them (an approval), by the console (a manual rebuild) or by the
 * nightly schedule. One build runs at a time; when it starts it takes every queued request (coalesced:
 * they share its build id). The build is `astro build --outDir <builds dir>/<build id>` in a child process
 * (the precompress integration compresses the output and stamps it); on success the server swaps the
 * served site to the new folder, the pointer `<builds dir>/live.json` is rewritten (atomically, by rename)
 * so a restart serves the same build, and older folders are removed (the previous one is kept). On a
 * non-zero exit, a timeout or a failed swap, the old site stays served and the requests say why.
 *
 * Live before search, for builds whose requests are all approvals (they add pages): the build leaves the search
 * index out (SEARCH_LATER); the new folder gets the served folder's `client/pagefind/` (hard links, or copies on
 * another filesystem) and goes live with it, the requests are `live`; then the index of the new pages is built in a
 * child process (`node src/cli/search-index.ts`) into `client/.pagefind-next/`, moved into `client/pagefind/` file
 * by file with its entry file last (mergeIndex), the old index's files are removed and the folder is served again
 * (so the in-memory file table holds the new index only). Until then a search may miss the newest pages. The
 * requests record the step (`index_state`: `pending` from the swap, then `live`, or `failed` with the masked reason;
 * the progress page shows it). A failed or timed-out index step keeps the old index; the pages stay live. A build
 * that wrote its own index (no SEARCH_PENDING file) is served as it is: withdrawals, corrections, nightly and manual
 * builds write theirs before they go live, because the previous index still holds the text they take off the site.
 */

export interface BuildCommand {
  command: string;
  args: readonly string[];
}
/** The command that builds the site into `outDir` (tests give a small fake one). */
export type BuildCommandFor = (outDir: string) => BuildCommand;

/**
 * Astro's incremental-build manifest (`experimental.incrementalBuild`, astro.config.mjs) in the project's cache folder:
 * which page was rendered with which cache key. A build that fails or is stopped after rendering has already
 * replaced some cached pages without writing the manifest, so the manifest is removed: the next build renders
 * every page (and writes a manifest that matches the cache again).
 */
const INCREMENTAL_MANIFEST = join(ROOT, 'node_modules', '.astro', 'incremental-build.json');

export const astroBuildCommand: BuildCommandFor = (outDir) => ({
  command: join(ROOT, 'node_modules', '.bin', 'astro'),
  args: ['build', '--outDir', outDir],
});

/** The search index step for a build whose pages are live (src/cli/search-index.ts). */
export const searchIndexCommand: BuildCommandFor = (outDir) => ({
  command: process.execPath,
  args: [join(ROOT, 'src', 'cli', 'search-index.ts'), outDir],
});

/** The file that names the rest of a Pagefind index (its language hashes): replaced last. */
const SEARCH_ENTRY = 'pagefind-entry.json';

/**
 * Moves the new index `next` into the served `index` folder file by file (each rename atomic): Pagefind's chunks
 * and fragments are named by their content hash, so the old index stays whole beside them, and the entry file that
 * names the new hashes is replaced last. Returns the new index's files.
 */
function mergeIndex(next: string, index: string): Set<string> {
  const files = filesUnder(next);
  const last = files.filter((f) => f.startsWith(SEARCH_ENTRY));
  for (const f of [...files.filter((x) => !x.startsWith(SEARCH_ENTRY)), ...last]) {
    mkdirSync(dirname(join(index, f)), { recursive: true });
    renameSync(join(next, f), join(index, f));
  }
  return new Set(files);
}

/** Once the new index is moved in: the old index's files that the new one does not have. */
function removeOthers(index: string, keep: ReadonlySet<string>): void {
  for (const f of filesUnder(index)) if (!keep.has(f)) rmSync(join(index, f), { force: true });
}

/**
 * DATABASE_URL as the build's child process (working directory: the project) must read it: a relative
 * embedded file resolved against this process's working directory.
 */
export function absoluteDatabaseUrl(url: string): string {
  if (!url.startsWith('file:') || url.startsWith('file:/') || url === 'file::memory:') return url;
  return `file:${resolve(url.slice(5))}`;
}

/** The folder of SITE_BUILDS_DIR, or `builds/` next to an embedded database file. */
export function buildsDirOf(config: { SITE_BUILDS_DIR?: string | undefined; DATABASE_URL: string }): string {
  if (config.SITE_BUILDS_DIR) return resolve(config.SITE_BUILDS_DIR);
  const file = config.DATABASE_URL.startsWith('file:') ? (config.DATABASE_URL.slice(5).split('?')[0] ?? '') : '';
  return file && file !== ':memory:' ? join(dirname(resolve(file)), 'builds') : resolve('db', 'builds');
}

const POINTER = 'live.json';
const BUILD_ID = /^[0-9a-f-]{36}$/;

interface LivePointer {
  buildId: string;
  builtAt: string;
}

function readPointer(buildsDir: string): LivePointer | null {
  try {
    const p = JSON.parse(readFileSync(join(buildsDir, POINTER), 'utf8')) as Partial<LivePointer>;
    return typeof p.buildId === 'string' && BUILD_ID.test(p.buildId) && typeof p.builtAt === 'string'
      ? { buildId: p.buildId, builtAt: p.builtAt }
      : null;
  } catch {
    return null;
  }
}

function writePointer(buildsDir: string, p: LivePointer): void {
  const tmp = join(buildsDir, `.${POINTER}.${String(process.pid)}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(p)}\n`);
  renameSync(tmp, join(buildsDir, POINTER));
}

/** When an output folder's build stamp says it was built, in ms (0: no stamp). */
function builtAtOf(outDir: string): number {
  try {
    const stamp = JSON.parse(readFileSync(join(outDir, '.build-stamp'), 'utf8')) as { builtAt?: unknown };
    return typeof stamp.builtAt === 'string' ? Date.parse(stamp.builtAt) || 0 : 0;
  } catch {
    return 0;
  }
}

/**
 * The output folder to serve: the worker's newest successful build when the pointer names one that is still
 * there and is not older than `dist/` (a `npm run build` after it wins), else undefined (serve `dist/`).
 */
export function liveOutDir(buildsDir: string, root = ROOT): string | undefined {
  const p = readPointer(buildsDir);
  if (!p) return undefined;
  const dir = join(buildsDir, p.buildId);
  if (!existsSync(join(dir, 'server', 'entry.mjs'))) return undefined;
  const dist = join(root, 'dist');
  if (existsSync(join(dist, 'server', 'entry.mjs')) && builtAtOf(dist) > builtAtOf(dir)) return undefined;
  return dir;
}

/**
 * The built server code imports its dependencies by bare name: a folder outside the project finds them
 * through `<builds dir>/node_modules`, a link to the project's.
 */
function linkModules(buildsDir: string): void {
  mkdirSync(buildsDir, { recursive: true });
  const link = join(buildsDir, 'node_modules');
  if (existsSync(link)) return;
  // A dangling link (the project moved) is replaced.
  rmSync(link, { force: true });
  symlinkSync(join(ROOT, 'node_modules'), link, 'dir');
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');
const MAX_ERROR_LINES = 20;
const MAX_ERROR_CHARS = 4000;

/**
 * What a failed build says, for the request: its `file › field: reason` lines (else its last lines, stack
 * frames left out), with the project's path removed and identifiers masked by the privacy detector; and
 * the content file or stored disclosure (`store:<id>`) the first such line names.
 */
export function buildFailure(output: string, root = ROOT): { error: string; errorSubject: string | null } {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const lines = output
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((l) => l.split(prefix).join('').trim())
    .filter((l) => l !== '' && !/^at\s/.test(l));
  const located = lines.filter((l) => l.includes(' › '));
  const chosen = (located.length ? located : lines).slice(located.length ? 0 : -MAX_ERROR_LINES);
  const error = maskIdentifiers(chosen.slice(0, MAX_ERROR_LINES).join('\n')).slice(0, MAX_ERROR_CHARS);
  const first = located[0];
  let errorSubject: string | null = null;
  if (first) {
    const m = /(store:[\w.-]+|[\w./-]+\.(?:ya?ml|json)|[\w-]+\/[\w.-]+)\s+›/.exec(first);
    errorSubject = m ? maskIdentifiers(m[1]!) : null;
  }
  return { error: error || 'build failed without output', errorSubject };
}

interface RunResult {
  code: number | null;
  timedOut: boolean;
  output: string;
}

/** Runs the build; keeps the last 64 KiB of its output; stops its whole process group at the timeout. */
function runBuild(cmd: BuildCommand, env: NodeJS.ProcessEnv, timeoutMs: number, signal: AbortSignal) {
  return new Promise<RunResult>((done) => {
    const child = spawn(cmd.command, cmd.args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-65_536);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    signal.addEventListener('abort', kill, { once: true });
    child.once('error', (e) => {
      clearTimeout(timer);
      done({ code: null, timedOut: false, output: `${output}\n${e.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
      done({ code, timedOut, output });
    });
  });
}

export interface RebuildWorkerOptions {
  database: Database;
  logger: Logger;
  now: () => Date;
  buildsDir: string;
  /** DATABASE_URL (and its token) for the build's content loader; everything else is the server's env. */
  buildEnv: Record<string, string>;
  /** Swap the served site to this output folder; a throw fails the build and keeps the old site. */
  swap: (outDir: string) => Promise<void>;
  /** The folder served now (kept as the previous build after the next swap; its search index serves the next). */
  served: string | undefined;
  command?: BuildCommandFor;
  /** The search index step after the pages are live (default: searchIndexCommand; tests give a fake one). */
  searchCommand?: BuildCommandFor;
  /** Astro's incremental-build manifest, removed after a failed build (default: the project's, INCREMENTAL_MANIFEST). */
  incrementalManifest?: string;
  timeoutMs: number;
  pollMs: number;
}

/** The build id of a folder in the builds folder (undefined: dist/ or another folder). */
const buildIdOf = (buildsDir: string, dir: string | undefined): string | undefined =>
  dir !== undefined && dirname(dir) === resolve(buildsDir) && BUILD_ID.test(dir.slice(dir.lastIndexOf('/') + 1))
    ? dir.slice(dir.lastIndexOf('/') + 1)
    : undefined;

/**
 * At start: index steps a stop or crash left `pending`. The served folder's, when it still waits for its index, is
 * built first (the restart path of indexAfter records it). The served folder's without the pending file had its index
 * moved in before the stop: it is live. Any other build is no longer served, so its step can never end: failed.
 */
async function settleInterruptedIndexes(o: RebuildWorkerOptions): Promise<void> {
  const pending = await pendingIndexBuilds(o.database);
  if (pending.length === 0) return;
  const served = buildIdOf(o.buildsDir, o.served);
  for (const buildId of pending) {
    if (buildId === served && existsSync(join(o.served!, SEARCH_PENDING))) continue;
    await finishIndex(
      o.database,
      buildId,
      buildId === served
        ? { state: 'live' }
        : { state: 'failed', error: 'interrupted by a restart; this build is no longer served' },
      o.now(),
    );
  }
}

export interface RebuildWorker {
  /** Look for queued requests now (instead of at the next poll). */
  kick(): void;
  /** Stop polling, stop a running build (its requests stay `building` and are re-queued at the next start). */
  stop(): Promise<void>;
}

/** Re-queues what a crash left `building`, then polls the queue and runs one build at a time. */
export async function startRebuildWorker(o: RebuildWorkerOptions): Promise<RebuildWorker> {
  const requeued = await requeueInterruptedBuilds(o.database, o.now());
  if (requeued) o.logger.info('site builds re-queued', { count: requeued });
  await settleInterruptedIndexes(o);
  const command = o.command ?? astroBuildCommand;
  const searchCommand = o.searchCommand ?? searchIndexCommand;
  const abort = new AbortController();
  let served = o.served;
  let running: Promise<void> | null = null;

  // The build and the index step need no secret (src/lib/config.ts SERVER_SECRETS): a build step can never leak one.
  const secret = new Set<string>(SERVER_SECRETS);
  // `later`: the build leaves its search index out, the pages go live first (only for builds that add pages).
  const childEnv = (later = true) =>
    Object.fromEntries(
      Object.entries({
        ...process.env,
        ...o.buildEnv,
        ...(later ? { [SEARCH_LATER.name]: SEARCH_LATER.value } : {}),
        PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      }).filter(([name]) => !secret.has(name)),
    );

  const prune = (keep: readonly string[]) => {
    for (const entry of readdirSync(o.buildsDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !BUILD_ID.test(entry.name)) continue;
      const dir = join(o.buildsDir, entry.name);
      if (!keep.includes(dir)) rmSync(dir, { recursive: true, force: true });
    }
  };

  /**
   * The search index of a live folder whose build left it out (SEARCH_PENDING): built by a child process, renamed
   * into place, the folder served again. A failure keeps the index served before. Either way the build's requests
   * record the outcome (finishIndex) and it is logged.
   */
  const indexAfter = async (outDir: string, buildId: string): Promise<void> => {
    const pending = join(outDir, SEARCH_PENDING);
    if (!existsSync(pending)) return;
    const clientDir = join(outDir, 'client');
    const next = join(clientDir, SEARCH_NEXT);
    const started = performance.now();
    const r = await runBuild(searchCommand(outDir), childEnv(), o.timeoutMs, abort.signal);
    if (abort.signal.aborted) return;
    const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    let failure: string | null = null;
    if (r.timedOut) failure = `timed out after ${String(Math.round(o.timeoutMs / 1000))} s`;
    else if (r.code !== 0) failure = `exit ${String(r.code)}`;
    else if (!existsSync(join(next, 'pagefind.js'))) failure = 'no pagefind.js written';
    else {
      const index = join(clientDir, SEARCH_DIR);
      try {
        const fresh = mergeIndex(next, index);
        rmSync(pending, { force: true });
        // The old index's files go before the folder is served again: the swap reads every file into the server's
        // in-memory table, and what it reads stays served until the next swap (a withdrawn page's fragment too).
        // Until the swap the old table serves the old index from memory.
        removeOthers(index, fresh);
        // Served again: the server's in-memory file table and sirv's list of files now hold the new index only.
        await o.swap(outDir);
        rmSync(next, { recursive: true, force: true });
      } catch (e) {
        failure = maskIdentifiers(e instanceof Error ? e.message : String(e));
      }
    }
    if (failure === null) {
      await finishIndex(o.database, buildId, { state: 'live' }, o.now());
      o.logger.info('search index live', { buildId, seconds });
      return;
    }
    rmSync(next, { recursive: true, force: true });
    const { error } = buildFailure(r.output);
    // What the staff read: the reason, then the step's own lines (masked, as a build's are) when it printed any.
    const recorded = r.output.trim() === '' ? failure : `${failure}\n${error}`;
    await finishIndex(o.database, buildId, { state: 'failed', error: recorded }, o.now());
    o.logger.warn('search index failed, the previous index stays', { buildId, seconds, reason: failure, error });
  };

  const buildOnce = async (): Promise<boolean> => {
    const buildId = randomUUID();
    const taken = await claimQueuedBuilds(o.database, buildId, o.now());
    if (taken.length === 0) return false;
    const outDir = join(o.buildsDir, buildId);
    o.logger.info('site build started', { buildId, requests: taken.length });
    linkModules(o.buildsDir);
    const started = performance.now();
    // Live before search only when every request adds pages (approvals). A withdrawal or a correction takes text
    // off the site, and the previous index still holds it: those builds (and the nightly and manual ones, which may
    // drop anything) write their own index before they go live, so removed text is never found after the swap.
    const later = taken.every((t) => t.reason === 'approval');
    const r = await runBuild(command(outDir), childEnv(later), o.timeoutMs, abort.signal);
    if (abort.signal.aborted) return false;
    let outcome: BuildOutcome;
    if (r.timedOut) {
      const { error, errorSubject } = buildFailure(r.output);
      outcome = {
        state: 'failed',
        error: `build timed out after ${String(Math.round(o.timeoutMs / 1000))} s\n${error}`,
        errorSubject,
      };
    } else if (r.code !== 0) {
      outcome = { state: 'failed', ...buildFailure(r.output) };
    } else if (!existsSync(join(outDir, 'server', 'entry.mjs')) || !existsSync(join(outDir, 'client'))) {
      outcome = { state: 'failed', error: 'build finished without server/entry.mjs and client/', errorSubject: null };
    } else {
      try {
        // The pages go live with the index served now; their own follows (indexAfter).
        const previousIndex = served ? join(served, 'client', SEARCH_DIR) : undefined;
        const ownIndex = join(outDir, 'client', SEARCH_DIR);
        if (
          existsSync(join(outDir, SEARCH_PENDING)) &&
          previousIndex &&
          existsSync(previousIndex) &&
          !existsSync(ownIndex)
        )
          linkTree(previousIndex, ownIndex);
        await o.swap(outDir);
        writePointer(o.buildsDir, { buildId, builtAt: o.now().toISOString() });
        // Its index step follows (indexAfter) exactly when the build left the index out.
        outcome = { state: 'live', indexPending: existsSync(join(outDir, SEARCH_PENDING)) };
      } catch (e) {
        outcome = {
          state: 'failed',
          error: maskIdentifiers(`the new build could not be served: ${e instanceof Error ? e.message : String(e)}`),
          errorSubject: null,
        };
      }
    }
    await finishBuild(o.database, buildId, outcome, o.now());
    const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    if (outcome.state === 'live') {
      const previous = served;
      served = outDir;
      prune([outDir, ...(previous ? [previous] : [])]);
      o.logger.info('site build live', { buildId, seconds });
      await indexAfter(outDir, buildId);
    } else {
      rmSync(outDir, { recursive: true, force: true });
      rmSync(o.incrementalManifest ?? INCREMENTAL_MANIFEST, { force: true });
      o.logger.warn('site build failed', { buildId, seconds, errorSubject: outcome.errorSubject ?? '' });
    }
    return true;
  };

  const run = () => {
    if (abort.signal.aborted || running) return;
    running = (async () => {
      try {
        // Until nothing is queued; what is queued later is found by the next poll or kick.
        while (!abort.signal.aborted && (await buildOnce()));
      } catch (e) {
        o.logger.error('site build worker failed', { error: e instanceof Error ? e.message : 'unknown' });
      } finally {
        running = null;
      }
    })();
  };

  const timer = setInterval(run, o.pollMs);
  timer.unref();
  // A restart while the served folder waited for its index: build it first.
  if (served && existsSync(join(served, SEARCH_PENDING))) {
    const dir = served;
    running = indexAfter(dir, dir.slice(o.buildsDir.length + 1))
      .catch((e: unknown) => {
        o.logger.error('search index failed', { error: e instanceof Error ? e.message : 'unknown' });
      })
      .finally(() => {
        running = null;
        run();
      });
  } else run();
  return {
    kick: run,
    async stop() {
      clearInterval(timer);
      abort.abort();
      await running;
    },
  };
}

/** A manual rebuild from the console (admin): the request with its audit row; returns its id. */
export function requestManualRebuild(database: Database, accountId: string, at: Date): Promise<string> {
  return requestSiteBuild(database, { reason: 'manual', requestedBy: `staff:${accountId}`, requestedAt: at });
}

/** A request's progress page. */
export function siteBuildProgress(database: Database, id: string): Promise<SiteBuild | undefined> {
  return getSiteBuild(database, id);
}

/** The newest requests, for the console's list. */
export function recentBuilds(database: Database): Promise<SiteBuild[]> {
  return recentSiteBuilds(database, 30);
}

/**
 * The nightly tick: blank the names of every stored aid list whose publicity window ended (the domain's
 * window rule, on the Beijing date of `at`), then queue a rebuild so the pages follow. Returns the request
 * id and how many versions were scrubbed.
 */
export async function nightlyRebuild(
  database: Database,
  at: Date,
  calendar: WorkingDayCalendar,
): Promise<{ requestId: string; scrubbed: number }> {
  const today = beijingDate(at);
  let scrubbed = 0;
  for (const id of await storedAidListIds(database))
    scrubbed += await scrubExpiredAidNames(
      database,
      id,
      (data) => aidNamesExpired(data, today, calendar),
      at,
      'system:nightly',
    );
  const requestId = await requestSiteBuild(database, { reason: 'nightly', requestedBy: null, requestedAt: at });
  return { requestId, scrubbed };
}

/** Runs `nightlyRebuild` at 00:05 Beijing time every day (a timer re-armed after each tick). */
export function scheduleNightlyRebuild(o: {
  database: Database;
  now: () => Date;
  calendar: () => WorkingDayCalendar;
  onDone: (r: { requestId: string; scrubbed: number }) => void;
  onError: (e: unknown) => void;
}): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const delay = Math.max(1000, nextBeijingTime(o.now(), 0, 5).getTime() - o.now().getTime());
    timer = setTimeout(() => {
      nightlyRebuild(o.database, o.now(), o.calendar()).then(o.onDone, o.onError).finally(arm);
    }, delay);
    timer.unref();
  };
  arm();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** How many requests the build `buildId` took (1: it was not coalesced with others). */
export function coalescedCount(database: Database, buildId: string): Promise<number> {
  return countBuildRequests(database, buildId);
}
