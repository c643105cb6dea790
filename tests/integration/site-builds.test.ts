import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { auditStatement } from '../../src/db/audit-repo.ts';
import { approveSubmission, createSubmission, listVersions } from '../../src/db/disclosure-store-repo.ts';
import { auditEvents, siteBuilds } from '../../src/db/schema.ts';
import { getSiteBuild, siteBuildRequestStatement, type SiteBuildRequest } from '../../src/db/site-builds-repo.ts';
import { readCalendar } from '../../src/content/files.ts';
import { buildInputsHash } from '../../src/build/stamp.ts';
import { buildIsStale } from '../../src/cli/prepare.ts';
import { loadBuildSettings, SERVER_SECRETS } from '../../src/lib/config.ts';
import { createLogger } from '../../src/lib/log.ts';
import { ROOT } from '../../src/lib/paths.ts';
import {
  liveOutDir,
  nightlyRebuild,
  scheduleNightlyRebuild,
  startRebuildWorker,
  type BuildCommandFor,
} from '../../src/services/site-builds.ts';
import { freshDatabase } from '../support/db.ts';
import { waitFor } from '../support/wait.ts';

/** Where the worker under test keeps Astro's incremental-build manifest (a fake one, in the test's own folder). */
const manifestOf = (dir: string) => join(dir, 'astro-cache', 'incremental-build.json');

let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase({ seed: false }));
});
afterAll(() => dispose());

describe('site build requests', () => {
  test('a request is queued in the same batch as the change that needs it, or not at all', async () => {
    const at = new Date('2026-03-02T08:00:00Z');
    const ok = siteBuildRequestStatement(database, { reason: 'approval', requestedBy: 'staff-1', requestedAt: at });
    await database.write(() =>
      database.db.batch([
        auditStatement(database, { at, actor: 'staff-1', action: 'test.change', subjectType: 'test', subjectId: 'a' }),
        ok.statement,
      ]),
    );
    const [row] = await database.db.select().from(siteBuilds).where(eq(siteBuilds.id, ok.id));
    expect(row).toMatchObject({ reason: 'approval', requestedBy: 'staff-1', state: 'queued', buildId: null });
    expect(row?.requestedAt.getTime()).toBe(at.getTime());

    // A batch whose change fails leaves no request behind.
    const lost = siteBuildRequestStatement(database, { reason: 'approval', requestedBy: 'staff-1', requestedAt: at });
    await expect(
      database.write(() =>
        database.db.batch([
          lost.statement,
          // Duplicate primary key: the batch fails as a whole.
          database.db.insert(siteBuilds).values({ id: ok.id, reason: 'manual', requestedAt: at }),
        ]),
      ),
    ).rejects.toThrow();
    expect(await database.db.select().from(siteBuilds).where(eq(siteBuilds.id, lost.id))).toEqual([]);
    expect((await database.db.select().from(auditEvents)).length).toBe(1);
  });
});

/**
 * The rebuild worker over a real libSQL file, with small fake build commands (a node one-liner writing an
 * output folder, failing, or hanging) and a swap that records what it was given; the real `astro build`
 * and the real server's swap are in tests/e2e/live-rebuild.test.ts.
 */
describe('the rebuild worker', () => {
  let w: { database: Database; dispose: () => void; dir: string };
  beforeAll(async () => {
    const fresh = await freshDatabase({ seed: false });
    w = { database: fresh.database, dispose: fresh.dispose, dir: mkdtempSync(join(tmpdir(), 'qinglian-builds-')) };
    return () => {
      w.dispose();
      rmSync(w.dir, { recursive: true, force: true });
    };
  });
  const silent = createLogger('silent');
  const queue = async (n: number, reason: SiteBuildRequest['reason'] = 'manual') => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = siteBuildRequestStatement(w.database, { reason, requestedBy: null, requestedAt: new Date() });
      await w.database.write(() => w.database.db.batch([r.statement]));
      ids.push(r.id);
    }
    return ids;
  };
  const rowsOf = (ids: readonly string[]) => Promise.all(ids.map(async (id) => (await getSiteBuild(w.database, id))!));
  /** Writes `<outDir>/server/entry.mjs`, `client/index.html` (with DATABASE_URL), a build stamp; after `ms`. */
  const fakeBuild =
    (ms = 0): BuildCommandFor =>
    (outDir) => ({
      command: process.execPath,
      args: [
        '-e',
        `setTimeout(() => { const fs = require('node:fs'); const d = process.argv[1];
          fs.mkdirSync(d + '/server', { recursive: true }); fs.mkdirSync(d + '/client', { recursive: true });
          fs.writeFileSync(d + '/server/entry.mjs', 'export const handler = () => {};');
          fs.writeFileSync(d + '/client/index.html', String(process.env.DATABASE_URL));
          fs.writeFileSync(d + '/client/secrets.txt', ${JSON.stringify([...SERVER_SECRETS])}.filter((n) => process.env[n] !== undefined).join(','));
          fs.writeFileSync(d + '/.build-stamp', JSON.stringify({ builtAt: new Date().toISOString(), inputs: '' }));
        }, ${String(ms)});`,
        outDir,
      ],
    });
  async function withWorker(command: BuildCommandFor, fn: (swaps: string[]) => Promise<void>, timeoutMs = 60_000) {
    const swaps: string[] = [];
    const worker = await startRebuildWorker({
      database: w.database,
      logger: silent,
      now: () => new Date(),
      buildsDir: w.dir,
      buildEnv: { DATABASE_URL: 'file:/the/test/database.db' },
      served: undefined,
      swap: (dir) => {
        swaps.push(dir);
        return Promise.resolve();
      },
      command,
      // Never the project's own manifest: other test files build the real site meanwhile.
      incrementalManifest: manifestOf(w.dir),
      timeoutMs,
      pollMs: 50,
    });
    try {
      await fn(swaps);
    } finally {
      await worker.stop();
    }
  }
  const settled = (ids: readonly string[]) => async () =>
    (await rowsOf(ids)).every((r) => r.state === 'live' || r.state === 'failed');

  test('three queued requests are coalesced into one build, swapped in with the database named and no secret', async () => {
    const ids = await queue(3);
    // The server's own secrets are in its environment; the build's child must not get them.
    const saved = Object.fromEntries(SERVER_SECRETS.map((n) => [n, process.env[n]]));
    for (const n of SERVER_SECRETS) process.env[n] = `secret-of-${n}`.padEnd(40, 'x');
    onTestFinished(() => {
      for (const n of SERVER_SECRETS) {
        if (saved[n] === undefined) Reflect.deleteProperty(process.env, n);
        else process.env[n] = saved[n];
      }
    });
    await withWorker(fakeBuild(), async (swaps) => {
      await waitFor(settled(ids), 'the build', { timeoutMs: 20_000, intervalMs: 50 });
      const rows = await rowsOf(ids);
      expect(rows.map((r) => r.state)).toEqual(['live', 'live', 'live']);
      expect(new Set(rows.map((r) => r.buildId)).size).toBe(1);
      expect(swaps).toEqual([join(w.dir, rows[0]!.buildId!)]);
      expect(readFileSync(join(swaps[0]!, 'client', 'index.html'), 'utf8')).toBe('file:/the/test/database.db');
      expect(readFileSync(join(swaps[0]!, 'client', 'secrets.txt'), 'utf8')).toBe('');
      // The pointer names it: a restart serves it (it is newer than dist/).
      expect(JSON.parse(readFileSync(join(w.dir, 'live.json'), 'utf8'))).toMatchObject({ buildId: rows[0]!.buildId });
      expect(liveOutDir(w.dir)).toBe(swaps[0]);
      const actions = (await w.database.db.select().from(auditEvents)).map((a) => a.action);
      expect(actions.filter((a) => a === 'siteBuild.started')).toHaveLength(1);
      expect(actions.filter((a) => a === 'siteBuild.live')).toHaveLength(1);
    });
  });

  /**
   * Live before search: a build that leaves its index out (the worker's `QINGLIAN_SEARCH_INDEX=later`, answered with
   * `.search-pending.json`) is served with the index served before, then its own index step runs (a fake one that
   * waits for a file, or fails) and the new index is swapped in.
   */
  describe('the search index after the pages', () => {
    const pendingBuild: BuildCommandFor = (outDir) => ({
      command: process.execPath,
      args: [
        '-e',
        `const fs = require('node:fs'); const d = process.argv[1];
         fs.mkdirSync(d + '/server', { recursive: true }); fs.mkdirSync(d + '/client', { recursive: true });
         fs.writeFileSync(d + '/server/entry.mjs', 'export const handler = () => {};');
         fs.writeFileSync(d + '/client/index.html', 'new pages, asked for: ' + process.env.QINGLIAN_SEARCH_INDEX);
         if (process.env.QINGLIAN_SEARCH_INDEX === 'later') fs.writeFileSync(d + '/.search-pending.json', '{"cacheDir":null}');
         else { fs.mkdirSync(d + '/client/pagefind/fragment', { recursive: true });
           fs.writeFileSync(d + '/client/pagefind/pagefind-entry.json', '{"index":"own"}');
           fs.writeFileSync(d + '/client/pagefind/fragment/own.pf_fragment', 'own'); }
         fs.writeFileSync(d + '/.build-stamp', JSON.stringify({ builtAt: new Date().toISOString(), inputs: '' }));`,
        outDir,
      ],
    });
    /** Writes a new index (entry, pagefind.js, a fragment named by its build) once `gate` exists, or exits 3 at once. */
    const indexStep =
      (gate: string, fail = false): BuildCommandFor =>
      (outDir) => ({
        command: process.execPath,
        args: [
          '-e',
          fail
            ? `console.error('search index failed: pagefind: no pages, call 13812345678'); process.exit(3);`
            : `const fs = require('node:fs'); const d = process.argv[1] + '/client/.pagefind-next';
               const tick = () => { if (!fs.existsSync(${JSON.stringify(gate)})) return setTimeout(tick, 20);
                 fs.mkdirSync(d + '/fragment', { recursive: true });
                 fs.writeFileSync(d + '/fragment/new.pf_fragment', 'new');
                 fs.writeFileSync(d + '/pagefind.js', 'export {}');
                 fs.writeFileSync(d + '/pagefind-entry.json', '{"index":"new"}'); };
               tick();`,
          outDir,
        ],
      });
    /** A served folder with an old index (entry, pagefind.js, an old fragment). */
    const servedWithIndex = (base = w.dir, name = 'served-before') => {
      const dir = join(base, name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(join(dir, 'client', 'pagefind', 'fragment'), { recursive: true });
      writeFileSync(join(dir, 'client', 'pagefind', 'pagefind-entry.json'), '{"index":"old"}');
      writeFileSync(join(dir, 'client', 'pagefind', 'pagefind.js'), 'export {}');
      writeFileSync(join(dir, 'client', 'pagefind', 'fragment', 'old.pf_fragment'), 'old');
      return dir;
    };
    async function withIndexWorker(
      searchCommand: BuildCommandFor,
      fn: (swaps: { dir: string; entry: string; files: string[] }[], logs: string[], served: string) => Promise<void>,
      opts: { pending?: boolean; servedIn?: string; servedName?: string } = {},
    ) {
      const swaps: { dir: string; entry: string; files: string[] }[] = [];
      const logs: string[] = [];
      const served = servedWithIndex(opts.servedIn, opts.servedName);
      if (opts.pending) writeFileSync(join(served, '.search-pending.json'), '{"cacheDir":null}');
      const worker = await startRebuildWorker({
        database: w.database,
        logger: createLogger('info', (line) => logs.push(line)),
        now: () => new Date(),
        buildsDir: w.dir,
        buildEnv: { DATABASE_URL: 'file:/the/test/database.db' },
        served,
        swap: (dir) => {
          const index = join(dir, 'client', 'pagefind');
          swaps.push({
            dir,
            entry: readFileSync(join(index, 'pagefind-entry.json'), 'utf8'),
            files: readdirSync(join(index, 'fragment')).sort(),
          });
          return Promise.resolve();
        },
        command: pendingBuild,
        searchCommand,
        incrementalManifest: manifestOf(w.dir),
        timeoutMs: 20_000,
        pollMs: 50,
      });
      try {
        await fn(swaps, logs, served);
      } finally {
        await worker.stop();
      }
      // The served-before folder still has its own index, untouched by the new folder's (hard links, replaced).
      if (!opts.pending)
        expect(readFileSync(join(served, 'client', 'pagefind', 'pagefind-entry.json'), 'utf8')).toBe('{"index":"old"}');
    }

    test('a restart while the served folder waited for its index builds that index first', async () => {
      const gate = join(w.dir, 'index-gate-restart');
      writeFileSync(gate, '');
      await withIndexWorker(
        indexStep(gate),
        async (swaps, logs, served) => {
          await waitFor(async () => Promise.resolve(logs.some((l) => l.includes('search index live'))), 'the index', {
            timeoutMs: 20_000,
            intervalMs: 20,
          });
          expect(swaps).toEqual([{ dir: served, entry: '{"index":"new"}', files: ['new.pf_fragment'] }]);
          expect(existsSync(join(served, '.search-pending.json'))).toBe(false);
          expect(readdirSync(join(served, 'client', 'pagefind', 'fragment'))).toEqual(['new.pf_fragment']);
        },
        { pending: true },
      );
    });

    /** The audit rows of one build, by action. */
    const auditOf = async (buildId: string) =>
      (await w.database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, buildId))).map((a) => a.action);
    /** Requests already live under `buildId` (as finishBuild leaves them), with their index step as given. */
    const liveRequests = async (buildId: string, n: number, indexState: 'pending' | null) => {
      const ids = await queue(n, 'approval');
      await w.database.write(() =>
        w.database.db.batch([
          w.database.db
            .update(siteBuilds)
            .set({ state: 'live', buildId, startedAt: new Date(), finishedAt: new Date(), indexState })
            .where(inArray(siteBuilds.id, ids)),
        ]),
      );
      return ids;
    };

    test('a restart records the index step of the served folder it builds; a pending step of a build no longer served fails', async () => {
      const gate = join(w.dir, 'index-gate-restart-recorded');
      writeFileSync(gate, '');
      const servedId = '11111111-2222-4333-8444-00000000a001';
      const goneId = '11111111-2222-4333-8444-00000000a002';
      // Two requests coalesced into the served build, and one of a build a later `npm run build` replaced.
      const served = await liveRequests(servedId, 2, 'pending');
      const gone = await liveRequests(goneId, 1, 'pending');
      await withIndexWorker(
        indexStep(gate),
        async (swaps, logs) => {
          await waitFor(async () => Promise.resolve(logs.some((l) => l.includes('search index live'))), 'the index', {
            timeoutMs: 20_000,
            intervalMs: 20,
          });
          expect(swaps.map((s) => s.entry)).toEqual(['{"index":"new"}']);
          for (const row of await rowsOf(served)) {
            expect(row).toMatchObject({ state: 'live', indexState: 'live', indexError: null });
            expect(row.indexFinishedAt).toBeInstanceOf(Date);
          }
          const [stale] = await rowsOf(gone);
          expect(stale).toMatchObject({ state: 'live', indexState: 'failed' });
          expect(stale!.indexError).toContain('interrupted by a restart');
          expect(await auditOf(servedId)).toEqual(['siteBuild.indexLive']);
          expect(await auditOf(goneId)).toEqual(['siteBuild.indexFailed']);
        },
        { pending: true, servedName: servedId },
      );
    });

    test('approvals: the pages go live with the old index; the new one is swapped in after them, the old one whole until then', async () => {
      const gate = join(w.dir, 'index-gate');
      rmSync(gate, { force: true });
      await withIndexWorker(indexStep(gate), async (swaps, logs) => {
        const [id] = await queue(1, 'approval');
        await waitFor(settled([id!]), 'the pages', { timeoutMs: 20_000, intervalMs: 20 });
        const [row] = await rowsOf([id!]);
        expect(row!.state).toBe('live');
        const dir = join(w.dir, row!.buildId!);
        // Live with the index served before, while the index step still waits: the request says so.
        expect(swaps).toEqual([{ dir, entry: '{"index":"old"}', files: ['old.pf_fragment'] }]);
        expect(row).toMatchObject({ indexState: 'pending', indexFinishedAt: null, indexError: null });
        expect(readFileSync(join(dir, 'client', 'index.html'), 'utf8')).toBe('new pages, asked for: later');
        expect(logs.some((l) => l.includes('search index live'))).toBe(false);
        writeFileSync(gate, '');
        await waitFor(async () => Promise.resolve(swaps.length === 2), 'the index swap', {
          timeoutMs: 20_000,
          intervalMs: 20,
        });
        // The second swap reads the new index only: nothing of the old one stays served from memory.
        expect(swaps[1]).toEqual({ dir, entry: '{"index":"new"}', files: ['new.pf_fragment'] });
        await waitFor(async () => Promise.resolve(logs.some((l) => l.includes('search index live'))), 'the log');
        // Only the new index remains on disk, and nothing is pending.
        expect(readdirSync(join(dir, 'client', 'pagefind', 'fragment'))).toEqual(['new.pf_fragment']);
        expect(existsSync(join(dir, '.search-pending.json'))).toBe(false);
        expect(existsSync(join(dir, 'client', '.pagefind-next'))).toBe(false);
        // The request records the new index, with the audit row after the build's own.
        const [after] = await rowsOf([id!]);
        expect(after).toMatchObject({ state: 'live', indexState: 'live', indexError: null });
        expect(after!.indexFinishedAt!.getTime()).toBeGreaterThanOrEqual(after!.finishedAt!.getTime());
        expect(await auditOf(row!.buildId!)).toEqual(['siteBuild.started', 'siteBuild.live', 'siteBuild.indexLive']);
      });
    });

    // dist/ (served until the first rebuild) and the builds folder (next to the database, or SITE_BUILDS_DIR) may be
    // on different filesystems, where no hard link can be made: the served index is copied instead.
    const otherDevice = (() => {
      try {
        const dir = mkdtempSync('/dev/shm/qinglian-served-');
        if (statSync(dir).dev !== statSync(tmpdir()).dev) return dir;
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // no tmpfs here
      }
      return undefined;
    })();
    test.skipIf(otherDevice === undefined)(
      'a served folder on another filesystem than the builds: the new pages still go live, with a copy of its index',
      async () => {
        onTestFinished(() => rmSync(otherDevice!, { recursive: true, force: true }));
        const gate = join(w.dir, 'index-gate-other-device');
        writeFileSync(gate, '');
        await withIndexWorker(
          indexStep(gate),
          async (swaps, logs) => {
            const [id] = await queue(1, 'approval');
            await waitFor(settled([id!]), 'the pages', { timeoutMs: 20_000, intervalMs: 20 });
            const [row] = await rowsOf([id!]);
            expect(row!.error).toBeNull();
            expect(row!.state).toBe('live');
            const dir = join(w.dir, row!.buildId!);
            await waitFor(async () => Promise.resolve(logs.some((l) => l.includes('search index live'))), 'the index', {
              timeoutMs: 20_000,
              intervalMs: 20,
            });
            expect(swaps[0]).toEqual({ dir, entry: '{"index":"old"}', files: ['old.pf_fragment'] });
            expect(readdirSync(join(dir, 'client', 'pagefind', 'fragment'))).toEqual(['new.pf_fragment']);
          },
          { servedIn: otherDevice! },
        );
      },
    );

    test('a failing index step keeps the pages live and the old index, and is logged without personal data', async () => {
      await withIndexWorker(indexStep('', true), async (swaps, logs) => {
        const [id] = await queue(1, 'approval');
        await waitFor(settled([id!]), 'the pages', { timeoutMs: 20_000, intervalMs: 20 });
        const [row] = await rowsOf([id!]);
        expect(row!.state).toBe('live');
        await waitFor(async () => Promise.resolve(logs.some((l) => l.includes('search index failed'))), 'the log', {
          timeoutMs: 20_000,
          intervalMs: 20,
        });
        const dir = join(w.dir, row!.buildId!);
        expect(swaps).toEqual([{ dir, entry: '{"index":"old"}', files: ['old.pf_fragment'] }]);
        expect(readFileSync(join(dir, 'client', 'pagefind', 'pagefind-entry.json'), 'utf8')).toBe('{"index":"old"}');
        expect(JSON.parse(readFileSync(join(w.dir, 'live.json'), 'utf8'))).toMatchObject({ buildId: row!.buildId });
        const line = logs.find((l) => l.includes('search index failed'))!;
        expect(line).toContain('exit 3');
        expect(line).toContain('pagefind: no pages');
        expect(line).not.toContain('13812345678');
        // The request records the failure with its reason, masked: the phone number the step printed is not stored.
        const [after] = await rowsOf([id!]);
        expect(after).toMatchObject({ state: 'live', error: null, indexState: 'failed' });
        expect(after!.indexFinishedAt).toBeInstanceOf(Date);
        expect(after!.indexError).toMatch(/^exit 3\nsearch index failed: pagefind: no pages, call /);
        expect(after!.indexError).not.toContain('13812345678');
        expect(await auditOf(row!.buildId!)).toEqual(['siteBuild.started', 'siteBuild.live', 'siteBuild.indexFailed']);
      });
    });

    test.each(['withdrawal', 'correction', 'nightly', 'manual'] as const)(
      'a %s build (it may take text off the site) writes its own index before it goes live; none comes later',
      async (reason) => {
        await withIndexWorker(indexStep('', true), async (swaps, logs) => {
          // An approval coalesced with it does not make the build leave its index out.
          const ids = [...(await queue(1, 'approval')), ...(await queue(1, reason))];
          await waitFor(settled(ids), 'the build', { timeoutMs: 20_000, intervalMs: 20 });
          const rows = await rowsOf(ids);
          expect(rows.map((r) => r.state)).toEqual(['live', 'live']);
          const dir = join(w.dir, rows[0]!.buildId!);
          expect(readFileSync(join(dir, 'client', 'index.html'), 'utf8')).toBe('new pages, asked for: undefined');
          // Served once, with its own index only: the old one's fragments (the removed text) are not in it.
          expect(swaps).toEqual([{ dir, entry: '{"index":"own"}', files: ['own.pf_fragment'] }]);
          // No index step ran after it (this one would have failed and logged so).
          await new Promise((r) => setTimeout(r, 300));
          expect(logs.some((l) => l.includes('search index'))).toBe(false);
          // Nor is one recorded: the index was part of the build.
          for (const row of await rowsOf(ids))
            expect(row).toMatchObject({ indexState: null, indexFinishedAt: null, indexError: null });
          expect(await auditOf(rows[0]!.buildId!)).toEqual(['siteBuild.started', 'siteBuild.live']);
        });
      },
    );
  });

  test('requests that arrive while a build runs wait for the next one; older folders go, the previous stays', async () => {
    await withWorker(fakeBuild(1500), async (swaps) => {
      const [first] = await queue(1);
      await waitFor(async () => (await rowsOf([first!]))[0]!.state === 'building', 'building', {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      const later = await queue(2);
      await waitFor(settled([first!, ...later]), 'both builds', { timeoutMs: 30_000, intervalMs: 50 });
      const [a, b, c] = await rowsOf([first!, ...later]);
      expect([a!.state, b!.state, c!.state]).toEqual(['live', 'live', 'live']);
      expect(b!.buildId).toBe(c!.buildId);
      expect(a!.buildId).not.toBe(b!.buildId);
      expect(swaps).toHaveLength(2);
      // Three successful builds so far in this folder: the newest and the one before it remain.
      const dirs = readdirSync(w.dir).filter((n) => /^[0-9a-f-]{36}$/.test(n));
      expect(dirs.sort()).toEqual([a!.buildId!, b!.buildId!].sort());
    });
  });

  test('a failing build: the site is not swapped, the request says why and names the file, no personal data', async () => {
    const [id] = await queue(1);
    const failing: BuildCommandFor = () => ({
      command: process.execPath,
      args: [
        '-e',
        `console.log('building pages...');
         console.error(${JSON.stringify(join(ROOT, 'content/student-aid/xixi-2026-spring.yaml'))} + ' › recipients.0.name: not masked, call 13812345678 (disclosures.name.notMasked)');
         console.error('    at load (file:///x/loader.mjs:1:1)');
         process.exit(1);`,
      ],
    });
    const before = readFileSync(join(w.dir, 'live.json'), 'utf8');
    // A failed build may have replaced cached pages without writing Astro's manifest: the manifest goes.
    mkdirSync(dirname(manifestOf(w.dir)), { recursive: true });
    writeFileSync(manifestOf(w.dir), '{}');
    await withWorker(failing, async (swaps) => {
      await waitFor(settled([id!]), 'the failed build', { timeoutMs: 20_000, intervalMs: 50 });
      expect(existsSync(manifestOf(w.dir))).toBe(false);
      const [row] = await rowsOf([id!]);
      expect(row).toMatchObject({ state: 'failed', errorSubject: 'content/student-aid/xixi-2026-spring.yaml' });
      expect(row!.error).toContain('content/student-aid/xixi-2026-spring.yaml › recipients.0.name: not masked');
      expect(row!.error).not.toContain(ROOT);
      expect(row!.error).not.toContain('13812345678');
      expect(row!.error).not.toContain('loader.mjs');
      expect(swaps).toEqual([]);
      expect(existsSync(join(w.dir, row!.buildId!))).toBe(false);
      expect(readFileSync(join(w.dir, 'live.json'), 'utf8')).toBe(before);
    });
  });

  test('a build past the timeout is stopped and fails; a store subject is named as the build names it', async () => {
    const [id] = await queue(1);
    const hanging: BuildCommandFor = () => ({
      command: process.execPath,
      args: ['-e', `console.error('store:aid-2026-9 › publicity.end: before start'); setTimeout(() => {}, 60_000);`],
    });
    await withWorker(
      hanging,
      async (swaps) => {
        await waitFor(settled([id!]), 'the timeout', { timeoutMs: 20_000, intervalMs: 50 });
        const [row] = await rowsOf([id!]);
        expect(row).toMatchObject({ state: 'failed', errorSubject: 'store:aid-2026-9' });
        expect(row!.error).toMatch(/^build timed out after 1 s\nstore:aid-2026-9 › publicity.end: before start$/);
        expect(swaps).toEqual([]);
      },
      800,
    );
  });

  test('requests a crash left building are re-queued at start and built', async () => {
    const [id] = await queue(1);
    await w.database.write(() =>
      w.database.db.batch([
        w.database.db
          .update(siteBuilds)
          .set({ state: 'building', buildId: 'crashed-build', startedAt: new Date() })
          .where(eq(siteBuilds.id, id!)),
      ]),
    );
    await withWorker(fakeBuild(), async () => {
      await waitFor(settled([id!]), 'the re-queued build', { timeoutMs: 20_000, intervalMs: 50 });
      const [row] = await rowsOf([id!]);
      expect(row!.state).toBe('live');
      expect(row!.buildId).not.toBe('crashed-build');
      const actions = (await w.database.db.select().from(auditEvents)).map((a) => a.action);
      expect(actions).toContain('siteBuild.requeued');
    });
  });
});

describe('the nightly tick', () => {
  let n: { database: Database; dispose: () => void };
  beforeAll(async () => {
    n = await freshDatabase({ seed: false });
    return () => n.dispose();
  });

  test('expired aid names leave every stored version, then a nightly rebuild is queued', async () => {
    const at = new Date('2026-03-02T08:00:00Z');
    const list = {
      id: 'aid-nightly',
      unit: 'school-a',
      title: 'aid list',
      publicity: { start: '2026-03-02' },
      recipients: [{ grade: 'g7', class: 'c1', name: 'A*', amountFen: 100000 }],
    };
    const sub = await createSubmission(
      n.database,
      {
        kind: 'studentAid',
        unitId: 'school-a',
        disclosureId: 'aid-nightly',
        change: 'publish',
        data: list,
        sourceFileName: 'aid.xlsx',
        reason: null,
        submittedBy: 'publisher-1',
        at,
      },
      new Set(),
    );
    if (!sub.ok) throw new Error(sub.code);
    const approved = await approveSubmission(
      n.database,
      { submissionId: sub.id, approver: 'approver-1', approverUnits: ['school-a'], at },
      () => Promise.resolve([]),
    );
    expect(approved.ok).toBe(true);
    const { calendar } = readCalendar();
    // No end given: the window is five working days from Monday 2 March 2026, so it ends on Friday 6 March.
    // The tick at 00:05 on Friday (Beijing) keeps the names; the one at 00:05 on Saturday removes them.
    const friday = await nightlyRebuild(n.database, new Date('2026-03-05T16:05:00Z'), calendar);
    expect(friday.scrubbed).toBe(0);
    expect((await listVersions(n.database, 'aid-nightly'))[0]!.scrubbedAt).toBeNull();
    const saturday = await nightlyRebuild(n.database, new Date('2026-03-06T16:05:00Z'), calendar);
    expect(saturday.scrubbed).toBe(1);
    const [v] = await listVersions(n.database, 'aid-nightly');
    expect((v!.data as { recipients: { name: string }[] }).recipients.map((r) => r.name)).toEqual(['']);
    for (const r of [friday, saturday])
      expect(await getSiteBuild(n.database, r.requestId)).toMatchObject({
        reason: 'nightly',
        requestedBy: null,
        state: 'queued',
      });
  });
});

describe('after a restart: which build is served, and is it stale', () => {
  test('the pointer wins over dist/ unless dist/ is newer; npm start checks the stamp of the build it will serve', async () => {
    const root = mkdtempSync(join(tmpdir(), 'qinglian-root-'));
    try {
      const buildsDir = join(root, 'data', 'builds');
      // A database file that does not exist: no stored versions, so the store adds nothing to the stamp.
      const env = {
        SITE_BUILDS_DIR: buildsDir,
        DATABASE_URL: `file:${join(root, 'none.db')}`,
        SITE_URL: 'http://localhost:4321',
      };
      const inputs = buildInputsHash(root, loadBuildSettings(env));
      const output = (dir: string, builtAt: string, stamped: string) => {
        mkdirSync(join(dir, 'server'), { recursive: true });
        writeFileSync(join(dir, 'server', 'entry.mjs'), '');
        writeFileSync(join(dir, '.build-stamp'), JSON.stringify({ builtAt, inputs: stamped }));
      };
      output(join(root, 'dist'), '2026-03-01T00:00:00.000Z', inputs);
      expect(liveOutDir(buildsDir, root)).toBeUndefined();
      expect(await buildIsStale(root, env)).toBe(false);

      // The worker's newer build, stamped from other sources (a deploy changed the code since): served, and stale.
      const id = '11111111-2222-4333-8444-555555555555';
      output(join(buildsDir, id), '2026-03-02T00:00:00.000Z', 'older sources');
      writeFileSync(join(buildsDir, 'live.json'), JSON.stringify({ buildId: id, builtAt: '2026-03-02T00:00:00.000Z' }));
      expect(liveOutDir(buildsDir, root)).toBe(join(buildsDir, id));
      expect(await buildIsStale(root, env)).toBe(true);

      // `npm start` rebuilt dist/ after it: dist/ is newer, so it is served and not stale.
      output(join(root, 'dist'), '2026-03-03T00:00:00.000Z', inputs);
      expect(liveOutDir(buildsDir, root)).toBeUndefined();
      expect(await buildIsStale(root, env)).toBe(false);

      // A pointer to a folder that is gone, or garbage, is ignored.
      writeFileSync(join(buildsDir, 'live.json'), '{"buildId":"../../etc","builtAt":"x"}');
      expect(liveOutDir(buildsDir, root)).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the nightly timer', () => {
  test('fires at 00:05 Beijing time and queues a nightly rebuild (a clock 0.5 s before it)', async () => {
    const fresh = await freshDatabase({ seed: false });
    try {
      // 00:04:59.5 Beijing on 3 March 2026, moving with real time.
      const offset = new Date('2026-03-02T16:04:59.500Z').getTime() - Date.now();
      const done: string[] = [];
      const errors: unknown[] = [];
      const timer = scheduleNightlyRebuild({
        database: fresh.database,
        now: () => new Date(Date.now() + offset),
        calendar: () => readCalendar().calendar,
        onDone: (r) => done.push(r.requestId),
        onError: (e) => errors.push(e),
      });
      try {
        await waitFor(() => done.length > 0 || errors.length > 0, 'the nightly tick', { timeoutMs: 10_000 });
      } finally {
        timer.stop();
      }
      expect(errors).toEqual([]);
      expect(done).toHaveLength(1);
      expect(await getSiteBuild(fresh.database, done[0]!)).toMatchObject({ reason: 'nightly', state: 'queued' });
    } finally {
      fresh.dispose();
    }
  });
});
