import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectAccessibleAsServed, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { signIn } from '../support/staff.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Issue 12 "Live without restart", acceptance 2: the real server serves an "old" site (a copy of dist/ with
 * a marker page); a build failure (a fake build command naming a content file) leaves it served and the
 * progress page says why; then the real `astro build` in the worker's child process is swapped in and served
 * at once, without a restart (the marker is gone, on-demand pages come from the new handler); after a
 * restart the server still serves that build (the pointer), not dist/. One real Astro build in this file.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OLD = join(ROOT, 'tests', '.artifacts', 'live-rebuild-old');
const MARKER = '<!-- live-rebuild: the old site -->';

let dbDir: string;
let buildsDir: string;
let browser: Browser;
let db: Client | undefined;

beforeAll(() => {
  // The old site: dist/ as built, with a marker in the home page and a file only it has.
  rmSync(OLD, { recursive: true, force: true });
  mkdirSync(join(ROOT, 'tests', '.artifacts'), { recursive: true });
  cpSync(join(ROOT, 'dist'), OLD, { recursive: true });
  const home = join(OLD, 'client', 'index.html');
  writeFileSync(home, readFileSync(home, 'utf8').replace('</body>', `${MARKER}</body>`));
  rmSync(`${home}.br`, { force: true });
  rmSync(`${home}.gz`, { force: true });
  writeFileSync(join(OLD, 'client', 'old-site.txt'), 'old site\n');
  // A file only the old search index has: the new pages are served with that index until their own replaces it.
  writeFileSync(join(OLD, 'client', 'pagefind', 'old-index.txt'), 'old index\n');
  dbDir = mkdtempSync(join(tmpdir(), 'qinglian-live-'));
  // Outside the project on purpose: the built server code finds its packages through the link the worker makes.
  buildsDir = join(dbDir, 'builds');
  return () => {
    rmSync(OLD, { recursive: true, force: true });
    rmSync(dbDir, { recursive: true, force: true });
  };
});
beforeAll(async () => {
  browser = await launchBrowser();
  return () => browser.close();
});
afterAll(() => {
  db?.close();
});

const env = (extra: Record<string, string> = {}) => ({
  SITE_BUILDS_DIR: buildsDir,
  SITE_BUILD_POLL_MS: '200',
  NIGHTLY_REBUILD: 'false',
  ...extra,
});
const stateOf = async (id: string) =>
  String((await db!.execute({ sql: 'SELECT state FROM site_builds WHERE id = ?', args: [id] })).rows[0]?.state);
const text = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text(), etag: res.headers.get('etag') };
};

async function expectPageAccessible(url: string, cookie: string) {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const [name, value] = cookie.split('=') as [string, string];
  // `url` would make it a Domain cookie, which a __Host- cookie must not be.
  await context.addCookies([
    { name, value, domain: new URL(url).hostname, path: '/', secure: true, httpOnly: true, sameSite: 'Strict' },
  ]);
  const page = await context.newPage();
  try {
    const res = await page.goto(url, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    await expectAccessibleAsServed(browser, page);
  } finally {
    await context.close();
  }
}

describe('live without restart', () => {
  let admin: { cookie: string; csrf: string };

  test('a failed build leaves the old site served; the progress page says why and names the file', async () => {
    // A "build" that runs for a moment, then fails naming a content file, as the content loader does.
    const failing = [
      process.execPath,
      '-e',
      `setTimeout(() => { console.error(${JSON.stringify(join(ROOT, 'content', 'student-aid', 'xixi-2026-spring.yaml'))} + ' › publicity.end: fewer than 5 working days (disclosures.publicity.tooShort)'); process.exit(1); }, 2500);`,
    ];
    const server: TestServer = await startTestServer({
      dbDir,
      outDir: OLD,
      env: env({ TEST_BUILD_COMMAND: JSON.stringify(failing) }),
    });
    try {
      db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
      // The server writes too: wait for its lock rather than fail.
      await db.execute('PRAGMA busy_timeout = 10000');
      admin = await signIn(server.url, 'demo.admin');
      expect((await text(`${server.url}/`)).body).toContain(MARKER);

      // The admin queues a manual rebuild (a plain form post) and lands on its progress page.
      const posted = await fetch(`${server.url}/staff/builds/`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie: admin.cookie },
        body: new URLSearchParams({ _csrf: admin.csrf, action: 'rebuild' }).toString(),
      });
      expect(posted.status).toBe(303);
      const location = posted.headers.get('location') ?? '';
      const id = /^\/staff\/builds\/([0-9a-f-]{36})\/$/.exec(location)?.[1];
      expect(id).toBeDefined();
      await waitFor(async () => (await stateOf(id!)) === 'building', 'building', { timeoutMs: 10_000, intervalMs: 50 });
      const during = await text(`${server.url}${location}`, { cookie: admin.cookie });
      expect(during.status).toBe(200);
      // No meta refresh (WCAG 2.2.1): the progress part updates itself with JavaScript, a link reloads it without.
      expect(during.body).not.toContain('http-equiv="refresh"');
      expect(during.body).toContain('data-finished="false"');
      expect(during.body).toContain(`<a href="${location}">刷新进度</a>`);
      expect(during.body).toMatch(/<li data-step="building"[^>]*aria-current="step"/);
      // Still the old site while it builds.
      expect((await text(`${server.url}/old-site.txt`)).body).toBe('old site\n');

      await waitFor(async () => (await stateOf(id!)) === 'failed', 'the failure', {
        timeoutMs: 20_000,
        intervalMs: 100,
      });
      const after = await text(`${server.url}${location}`, { cookie: admin.cookie });
      expect(after.body).toContain('data-finished="true"');
      expect(after.body).toMatch(/<li data-step="failed"[^>]*aria-current="step"/);
      expect(after.body).toContain('content/student-aid/xixi-2026-spring.yaml');
      expect(after.body).toContain('publicity.end: fewer than 5 working days');
      expect(after.body).not.toContain(ROOT);
      // The old site is served as before.
      expect((await text(`${server.url}/`)).body).toContain(MARKER);
      expect((await text(`${server.url}/old-site.txt`)).status).toBe(200);
      expect(existsSync(join(buildsDir, 'live.json'))).toBe(false);
      // A failed build never went live: no search index step.
      const failedRow = (await db.execute({ sql: 'SELECT * FROM site_builds WHERE id = ?', args: [id!] })).rows[0]!;
      expect([failedRow.index_state, failedRow.index_error]).toEqual([null, null]);
      expect(after.body).not.toContain('data-step="index"');
      await expectPageAccessible(`${server.url}${location}`, admin.cookie);

      // The index step's two other states, as the worker records them (rows only, no build): pending keeps the
      // progress page refreshing; failed says why, that search keeps the previous index, and shows on the list.
      const fixture = async (suffix: string, indexState: string, indexError: string | null) => {
        const fixtureId = `00000000-0000-4000-8000-0000000f${suffix}`;
        await db!.execute({
          sql: `INSERT INTO site_builds (id, reason, requested_at, state, build_id, started_at, finished_at, index_state,
                  index_finished_at, index_error) VALUES (?, 'approval', ?, 'live', ?, ?, ?, ?, ?, ?)`,
          args: [
            fixtureId,
            Date.now(),
            fixtureId,
            Date.now(),
            Date.now(),
            indexState,
            indexState === 'pending' ? null : Date.now(),
            indexError,
          ],
        });
        return `/staff/builds/${fixtureId}/`;
      };
      const pendingPage = await fixture('0001', 'pending', null);
      const failedPage = await fixture('0002', 'failed', 'exit 3\npagefind: no pages');
      const pending = (await text(`${server.url}${pendingPage}`, { cookie: admin.cookie })).body;
      expect(pending).toContain('data-finished="false"');
      expect(pending).toMatch(/<li data-step="index" data-done="false" data-index-state="pending" aria-current="step"/);
      expect(pending).toContain('正在更新搜索索引');
      await expectPageAccessible(`${server.url}${pendingPage}`, admin.cookie);
      const failed = (await text(`${server.url}${failedPage}`, { cookie: admin.cookie })).body;
      expect(failed).toContain('data-finished="true"');
      expect(failed).toMatch(/<li data-step="index" data-done="true" data-index-state="failed" aria-current="step"/);
      expect(failed).toContain('站内搜索仍使用原来的索引');
      expect(failed).toContain('下次重新构建网站时会再次更新搜索索引');
      expect(failed).toMatch(/<pre class="code" data-index-error[^>]*>\s*exit 3\npagefind: no pages/);
      await expectPageAccessible(`${server.url}${failedPage}`, admin.cookie);
      const list = (await text(`${server.url}/staff/builds/`, { cookie: admin.cookie })).body;
      expect(list).toMatch(/<td data-state="live" data-index-state="failed">[^<]*<strong>搜索索引更新失败<\/strong>/);
      await expectPageAccessible(`${server.url}/staff/builds/`, admin.cookie);
    } finally {
      await server.stop();
    }
  }, 180_000);

  test('an approval-queued request is built by astro build and served at once; a restart keeps serving it', async () => {
    const server = await startTestServer({ dbDir, outDir: OLD, env: env() });
    let liveEtag: string | null;
    try {
      // A cached on-demand page, rendered by the old site's handler.
      const cached = `${server.url}/units/xixi-central-primary/feedback/`;
      // The server's own start-up writes (audit seal, purges) may make the first render stale: until a read hits.
      await waitFor(async () => (await fetch(cached)).headers.get('x-cache') === 'hit', 'a cached render', {
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      // What an approval's batch inserts (src/db/site-builds-repo.ts siteBuildRequestStatement).
      const id = '00000000-0000-4000-8000-0000000a1001';
      await db!.execute({
        sql: "INSERT INTO site_builds (id, reason, requested_by, requested_at, state) VALUES (?, 'approval', 'staff:x', ?, 'queued')",
        args: [id, Date.now()],
      });
      await waitFor(async () => (await stateOf(id)) !== 'queued', 'the build to start', {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      expect(await stateOf(id)).toBe('building');
      expect((await text(`${server.url}/`)).body).toContain(MARKER);
      await waitFor(async () => (await stateOf(id)) !== 'building', 'astro build', {
        timeoutMs: 600_000,
        intervalMs: 500,
      });
      const row = (await db!.execute({ sql: 'SELECT * FROM site_builds WHERE id = ?', args: [id] })).rows[0]!;
      expect({ state: row.state, error: row.error }).toEqual({ state: 'live', error: null });

      // The same process now serves the new build: the marker and the old-only file are gone.
      const home = await text(`${server.url}/`);
      expect(home.status).toBe(200);
      expect(home.body).not.toContain(MARKER);
      expect((await text(`${server.url}/old-site.txt`)).status).toBe(404);
      // The response cache forgot the old site's renders; on-demand pages come from the new handler.
      expect((await fetch(cached)).headers.get('x-cache')).toBe('miss');
      const pointer = JSON.parse(readFileSync(join(buildsDir, 'live.json'), 'utf8')) as { buildId: string };
      expect(pointer.buildId).toBe(row.build_id);
      expect(existsSync(join(buildsDir, pointer.buildId, 'client', 'index.html.br'))).toBe(true);
      const progress = await text(`${server.url}/staff/builds/${id}/`, { cookie: admin.cookie });
      expect(progress.status).toBe(200);
      // Live; then the search index step (the request went live before its index).
      expect(progress.body).toMatch(/<li data-step="live" data-done="true"/);
      expect(progress.body).toMatch(/<li data-step="index"[^>]*aria-current="step"/);
      expect(progress.body).not.toContain('http-equiv="refresh"');
      await expectPageAccessible(`${server.url}/staff/builds/${id}/`, admin.cookie);
      // The search index follows the pages (built after them, src/cli/search-index.ts): then nothing is pending, the
      // old index's own file is gone from the folder and from what is served, and the served entry is the new
      // folder's, naming an index of the demo's pages.
      const folder = join(buildsDir, pointer.buildId);
      await waitFor(
        () =>
          Promise.resolve(
            !existsSync(join(folder, '.search-pending.json')) &&
              !existsSync(join(folder, 'client', 'pagefind', 'old-index.txt')) &&
              server.output.some((l) => l.includes('search index live')),
          ),
        'the search index',
        { timeoutMs: 120_000, intervalMs: 200 },
      ).catch((e: unknown) => {
        throw new Error(`${String(e)}\n${server.output.filter((l) => /site build|search index/.test(l)).join('')}`);
      });
      const served = (await text(`${server.url}/pagefind/pagefind-entry.json`)).body;
      expect(served).toBe(readFileSync(join(folder, 'client', 'pagefind', 'pagefind-entry.json'), 'utf8'));
      const entry = JSON.parse(served) as { languages: Record<string, { page_count: number }> };
      const distEntry = JSON.parse(
        readFileSync(join(ROOT, 'dist', 'client', 'pagefind', 'pagefind-entry.json'), 'utf8'),
      ) as { languages: Record<string, { page_count: number }> };
      expect(entry.languages['zh-cn']?.page_count).toBe(distEntry.languages['zh-cn']?.page_count);
      expect((await text(`${server.url}/pagefind/pagefind.js`)).status).toBe(200);
      // Nothing of the old index stays served from memory once the new one is in (a withdrawn page's fragment).
      expect((await text(`${server.url}/pagefind/old-index.txt`)).status).toBe(404);
      // The request records the index step: live, after the pages, and the progress page says so and is finished.
      const indexed = (await db!.execute({ sql: 'SELECT * FROM site_builds WHERE id = ?', args: [id] })).rows[0]!;
      expect({ state: indexed.index_state, error: indexed.index_error }).toEqual({ state: 'live', error: null });
      expect(Number(indexed.index_finished_at)).toBeGreaterThanOrEqual(Number(indexed.finished_at));
      const done = (await text(`${server.url}/staff/builds/${id}/`, { cookie: admin.cookie })).body;
      expect(done).toContain('data-finished="true"');
      expect(done).toMatch(/<li data-step="index" data-done="true" data-index-state="live" aria-current="step"/);
      liveEtag = (await text(`${server.url}/`)).etag;
      // The rebuilt home page may be byte for byte dist/'s (the precompression cache even links the same .br), so a
      // file only the live build has tells which folder a restarted server reads.
      writeFileSync(join(buildsDir, pointer.buildId, 'client', 'live-only.txt'), 'live build\n');
    } finally {
      await server.stop();
    }

    // A restart of the plain production entry (no folder given) serves the newest successful build.
    const restarted = await startTestServer({ dbDir, env: env() });
    try {
      const home = await text(`${restarted.url}/`);
      expect(home.body).not.toContain(MARKER);
      expect(home.etag).toBe(liveEtag);
      expect((await text(`${restarted.url}/live-only.txt`)).body).toBe('live build\n');
      // Its search index is the one built after the pages: the old index's own file is not part of it.
      expect((await text(`${restarted.url}/pagefind/old-index.txt`)).status).toBe(404);
      expect((await text(`${restarted.url}/pagefind/pagefind.js`)).status).toBe(200);
    } finally {
      await restarted.stop();
    }
  }, 900_000);
});
