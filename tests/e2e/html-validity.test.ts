import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { builtFiles, CLIENT_DIR, sitePath } from '../support/built-site.ts';
import { startTestServer } from '../support/server.ts';
import { signIn, type DemoUsername } from '../support/staff.ts';
import { createClient } from '@libsql/client';
import { sampleCanteenAccount } from '../support/disclosure-samples.ts';

/**
 * The Nu Html Checker (vnu, from the `vnu-jar` package) finds no error in any page: every file the
 * build wrote to dist/client, and every on-demand page reached by following same-origin links from
 * them, from the public entry points and from the staff home of an admin, an evaluator, the team lead and a responder. One JVM
 * runs over both folders. Needs Java 11+ (`default-jre-headless`, which .ci/run installs); without
 * it the test is skipped and says why.
 */
const VNU_JAR = createRequire(import.meta.url)('vnu-jar') as string;
const JAVA = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
const NO_JAVA = 'vnu: skipped, no `java` on PATH (install a JRE 11+, e.g. Debian default-jre-headless)';
if (!JAVA) console.warn(NO_JAVA);

/** On-demand pages no built page links to (forms, the staff login). */
const PUBLIC_ENTRIES = ['/feedback/', '/feedback/meal/', '/feedback/track/', '/ratings/', '/surveys/', '/staff/login/'];
const STAFF: DemoUsername[] = [
  'demo.admin',
  'demo.evaluator',
  'demo.lead',
  'demo.xixi',
  'demo.publisher',
  'demo.approver',
];
/** Bounds the crawl: the demo city has far fewer on-demand pages than this. */
const MAX_PAGES = 1500;

interface VnuMessage {
  type: string;
  subType?: string;
  url?: string;
  lastLine?: number;
  firstColumn?: number;
  lastColumn?: number;
  message: string;
}

const htmlFiles = (): string[] => builtFiles().filter((f) => f.endsWith('.html'));

/** Same-origin page links in a document: no API, no files, no query or fragment. */
function pageLinks(html: string): string[] {
  return [...html.matchAll(/\shref="(\/[^"#?]*)/g)]
    .map((m) => m[1]!.replaceAll('&amp;', '&'))
    .filter((p) => !p.startsWith('/api/') && !p.startsWith('/_astro/') && !/\.[a-z0-9]+$/i.test(p));
}

test('vnu finds no error in the built pages and the on-demand pages', async (ctx) => {
  ctx.skip(!JAVA, NO_JAVA);
  const built = htmlFiles();
  expect(built.length).toBeGreaterThan(100);
  const staticPaths = new Set(built.map(sitePath));
  const isStatic = (p: string) => staticPaths.has(p) || staticPaths.has(p.endsWith('/') ? p : `${p}/`);

  const rendered = mkdtempSync(join(tmpdir(), 'qinglian-vnu-'));
  const server = await startTestServer();
  const fetchedFrom = new Map<string, string>();
  try {
    const sessions: { who: string; cookie?: string; seeds: string[] }[] = [
      {
        who: 'public',
        seeds: [...PUBLIC_ENTRIES, ...built.flatMap((f) => pageLinks(readFileSync(f, 'utf8')))],
      },
    ];
    {
      // One pending submission, so the approver's crawl reaches the approval page (issue 12) and the
      // publisher's page lists it.
      const db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
      const publisher = (await db.execute("SELECT id FROM staff_accounts WHERE username = 'demo.publisher'")).rows[0]!;
      await db.execute({
        sql: `INSERT INTO disclosure_submissions (id, kind, unit_id, disclosure_id, change, data, source_file_name,
                submitted_by, submitted_at, state) VALUES (?, 'canteenAccount', 'xixi-central-primary', 'vnu-canteen', 'publish', ?, 'm.xlsx', ?, ?, 'submitted')`,
        args: [
          crypto.randomUUID(),
          JSON.stringify({ ...sampleCanteenAccount('2026-03'), unit: 'xixi-central-primary' }),
          `staff:${String(publisher.id)}`,
          Date.now(),
        ],
      });
      db.close();
    }
    for (const who of STAFF) sessions.push({ who, cookie: (await signIn(server.url, who)).cookie, seeds: ['/staff/'] });

    for (const { who, cookie, seeds } of sessions) {
      const seen = new Set<string>();
      const queue = [...new Set(seeds)];
      while (queue.length > 0) {
        const path = queue.shift()!;
        if (seen.has(path) || isStatic(path)) continue;
        // Staff sessions stay in /staff/; the public crawl never reaches past the login there.
        if (cookie ? !path.startsWith('/staff/') : path.startsWith('/staff/') && path !== '/staff/login/') continue;
        seen.add(path);
        expect(fetchedFrom.size, 'crawl bound').toBeLessThan(MAX_PAGES);
        const res = await fetch(server.url + path, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
        const body = await res.text();
        if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('text/html')) continue;
        const file = join(rendered, who, `${path.replace(/\/$/, '/index')}.html`);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, body);
        fetchedFrom.set(file, `${who === 'public' ? '' : `${who} `}GET ${path}`);
        queue.push(...pageLinks(body));
      }
    }
  } finally {
    await server.stop();
    server.cleanup();
  }
  expect(fetchedFrom.size).toBeGreaterThan(20);

  const started = performance.now();
  try {
    const run = spawnSync(
      'java',
      ['-jar', VNU_JAR, '--errors-only', '--format', 'json', '--skip-non-html', CLIENT_DIR, rendered],
      { encoding: 'utf8', timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`vnu: ${built.length} built and ${fetchedFrom.size} on-demand pages in ${seconds} s`);
    // vnu writes its report to stderr and exits 1 when it found errors.
    let report: { messages: VnuMessage[] };
    try {
      report = JSON.parse(run.stderr) as { messages: VnuMessage[] };
    } catch {
      throw new Error(
        `vnu gave no JSON report (exit ${String(run.status ?? run.signal)}):\n${run.stdout}${run.stderr}`,
      );
    }
    const where = (url?: string) => {
      if (!url?.startsWith('file:')) return url ?? '(no file)';
      const file = fileURLToPath(url);
      return fetchedFrom.get(file) ?? `dist/client/${relative(CLIENT_DIR, file)}`;
    };
    const errors = report.messages
      .filter((m) => m.type !== 'info')
      .map(
        (m) =>
          `${where(m.url)}:${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'}: ${m.type === 'error' ? '' : `${m.type}: `}${m.message}`,
      );
    expect(errors, `vnu over ${built.length} built and ${fetchedFrom.size} on-demand pages`).toEqual([]);
    expect(run.status).toBe(0);
  } finally {
    rmSync(rendered, { recursive: true, force: true });
  }
}, 300_000);
