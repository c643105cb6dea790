import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildInputsHash } from '../../src/build/stamp.ts';
import { loadBuildSettings, loadConfig } from '../../src/lib/config.ts';
import { createAppContext } from '../../src/app-context.ts';
import { insertSurvey } from '../../src/db/surveys-repo.ts';
import { upsertUnits } from '../../src/db/units-repo.ts';
import { createInvitationBatch } from '../../src/services/invitations.ts';
import { formatCode } from '../../src/domain/feedback/tracking.ts';
import { questionSets } from '../../src/domain/surveys/questions.ts';
import { beijingDate } from '../../src/domain/calendar/dates.ts';
import { prepareDatabase } from '../../src/cli/prepare.ts';
import { builtFiles } from '../support/built-site.ts';
import { decodeQrcodeSvg, decodeQrPath } from '../support/qr-decode.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { TEST_SECRET_ENV } from '../support/channel.ts';
import { t } from '../../src/i18n/t.ts';
import { CORE_SCHEMA, load } from 'js-yaml';

/**
 * Issue 17, acceptance 2 (and the 演示数据 half of acceptance 1): the same sources built twice, with two
 * SITE_URLs (and DEMO off / on), into tests/.artifacts/. Every QR code in either output is decoded, the feed,
 * the open data, the canonical links and the embed snippet are read, and the other build's origin must
 * appear nowhere in the output: not in a page, not in a server chunk.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'tests', '.artifacts');
const TEXT = /\.(html|json|csv|xml|js|mjs|css|svg|txt|webmanifest)$/;

interface Site {
  name: string;
  origin: string;
  demo: boolean;
  outDir: string;
  env: Record<string, string>;
}
const sites: Site[] = [
  { name: 'site-a', origin: 'https://lianjie-a.example.gov.cn', demo: false },
  { name: 'site-b', origin: 'http://portal-b.example.net:8443', demo: true },
].map((s) => ({
  ...s,
  outDir: join(ARTIFACTS, s.name),
  env: { SITE_URL: s.origin, DEMO: String(s.demo) },
}));
const other = (s: Site) => sites.find((x) => x !== s)!;
const hostOf = (origin: string) => new URL(origin).host;

/** `astro build --outDir`, skipped when that folder's stamp says it was built from these sources and settings. */
async function build(site: Site): Promise<void> {
  const inputs = buildInputsHash(ROOT, loadBuildSettings(site.env));
  const stamp = join(site.outDir, '.build-stamp');
  if (existsSync(join(site.outDir, 'server', 'entry.mjs')) && existsSync(stamp)) {
    const stamped = (JSON.parse(readFileSync(stamp, 'utf8')) as { inputs?: string }).inputs;
    if (stamped === inputs) return;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  // The Astro child must run on the project's Node (node_modules/.bin first on PATH), like npm scripts.
  const env = { ...process.env, ...site.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'astro'), ['build', '--outDir', site.outDir], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`astro build --outDir ${site.outDir} failed (${String(code)})`);
}

/**
 * Every text in content/ that labels itself 演示数据 (the demo city's own unit descriptions, standard
 * titles, figure sources): the content a city publishes, not something the code adds. A real city's
 * content has none.
 */
function contentDemoTexts(): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.includes('演示数据')) out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const file of builtFiles(join(ROOT, 'content')).filter((f) => f.endsWith('.yaml')))
    walk(load(readFileSync(file, 'utf8'), { schema: CORE_SCHEMA }));
  return [...out].toSorted((a, b) => b.length - a.length);
}
const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const clientDir = (s: Site) => join(s.outDir, 'client');
const htmlFiles = (s: Site) => builtFiles(clientDir(s)).filter((f) => f.endsWith('.html'));
const pathOf = (s: Site, file: string) => `/${relative(clientDir(s), file)}`.replace(/index\.html$/, '');
const read = (f: string) => readFileSync(f, 'utf8');

/** Every `QrCode.astro` symbol of a page: the URL it claims (data-qr-url) and what it decodes to. */
function qrCodesOf(html: string): { claimed: string | undefined; decoded: string | undefined }[] {
  return [...html.matchAll(/<svg\b[^>]*class="qr-code"[^>]*>[\s\S]*?<\/svg>/g)].map(([svg]) => {
    const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
    const d = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    return { claimed: /data-qr-url="([^"]+)"/.exec(svg)?.[1], decoded: decodeQrPath(size, d) };
  });
}

/**
 * A survey with one printed batch of 3 codes in the site's database, and the token that opens its sheet.
 * With DEMO=false no demo unit is in the database, so the survey is for a unit of its own.
 */
async function printedBatch(env: Record<string, string>): Promise<string> {
  await prepareDatabase(env);
  const app = await createAppContext(loadConfig(env), { migrate: true });
  try {
    const now = new Date();
    const unitId = 'site-settings-school';
    await upsertUnits(
      app.database,
      {
        townships: [],
        units: [
          {
            id: unitId,
            name: '测试学校',
            carrier: 'school',
            townshipId: 'xixi',
            leadDepartment: '教育局',
            demo: false,
          },
        ],
      },
      now,
    );
    const day = (d: number) => beijingDate(new Date(now.getTime() + d * 86_400_000));
    await insertSurvey(
      app.database,
      {
        id: 'site-settings-school',
        carrier: 'school',
        periodLabel: day(0).slice(0, 4),
        opensOn: day(-1),
        closesOn: day(30),
        questionIds: [...questionSets.school],
      },
      now,
      'system',
    );
    const batch = await createInvitationBatch(app.channel, {
      surveyId: 'site-settings-school',
      unitId,
      size: 3,
      label: 'site settings test',
      actor: 'system',
    });
    return formatCode(batch.sheetToken);
  } finally {
    await app.close();
  }
}

beforeAll(async () => {
  for (const s of sites) await build(s);
}, 1_200_000);

describe.each(sites)('the build with SITE_URL=$origin, DEMO=$demo', (site) => {
  const own = site.origin;
  const foreign = other(site).origin;

  test('every QR code in the static pages decodes to its own page under this SITE_URL', () => {
    let count = 0;
    for (const file of htmlFiles(site)) {
      for (const qr of qrCodesOf(read(file))) {
        count += 1;
        expect(qr.decoded, file).toBe(own + pathOf(site, file));
        expect(qr.claimed, file).toBe(qr.decoded);
      }
    }
    // Every disclosure page carries one (the printed notice's "scan to verify").
    const disclosurePages = htmlFiles(site).filter((f) => /\/disclosures\/[a-z-]+\/[a-z0-9-]+\/index\.html$/.test(f));
    expect(disclosurePages.length).toBeGreaterThan(40);
    expect(count).toBe(disclosurePages.length);
  });

  test('canonical links, the Atom feed and the OCDS package carry this SITE_URL', () => {
    const pages = htmlFiles(site).filter((f) => /<header class="site-header">/.test(read(f)));
    expect(pages.length).toBeGreaterThan(100);
    for (const file of pages) {
      const canonical = /<link rel="canonical" href="([^"]+)"/.exec(read(file))?.[1];
      expect(canonical, file).toBe(own + pathOf(site, file).replace(/^\/404\.html$/, '/404/'));
    }
    const feed = read(join(clientDir(site), 'disclosures', 'feed.xml'));
    const ids = [...feed.matchAll(/<id>([^<]+)<\/id>/g)].map((m) => m[1]!);
    const links = [...feed.matchAll(/<link [^>]*href="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(10);
    expect(links.length).toBe(ids.length + 1); // self + alternate for the feed, alternate per entry
    for (const u of [...ids, ...links]) expect(u.startsWith(`${own}/`), u).toBe(true);
    expect(feed).toContain('<title>青岚清廉：最新公示</title>');
    expect(feed).toContain('<author><name>青岚市纪委监委（虚构）</name></author>');
    const ocds = JSON.parse(read(join(clientDir(site), 'data', 'ocds', 'release-package.json'))) as {
      uri: string;
      publisher: { name: string };
    };
    expect(ocds.uri).toBe(`${own}/data/ocds/release-package.json`);
    expect(ocds.publisher.name).toBe('青岚市纪委监委（虚构）');
  });

  test('the other build’s origin, and the old hard-coded one, appear nowhere in this output', () => {
    const files = builtFiles(site.outDir).filter((f) => TEXT.test(f));
    expect(files.length).toBeGreaterThan(300);
    const offenders = files.filter((f) => {
      const text = read(f);
      return text.includes(hostOf(foreign)) || text.includes('qinglian.example.org');
    });
    expect(offenders).toEqual([]);
  });

  test(
    site.demo
      ? 'DEMO=true: every public page shows the 演示数据 banner'
      : 'DEMO=false: no built page shows the banner or any 演示数据 of the code (only the demo content quotes its own label)',
    () => {
      const pages = htmlFiles(site);
      const withLayout = pages.filter((f) => read(f).includes('<header class="site-header">'));
      const showing = pages.filter((f) => read(f).includes('演示数据'));
      const banners = pages.filter((f) => read(f).includes('class="demo-banner"'));
      if (site.demo) {
        expect(banners).toEqual(withLayout);
        expect(banners.length).toBeGreaterThan(100);
      } else {
        expect(banners).toEqual([]);
        // What still says 演示数据 is only the demo city's own content, quoted verbatim.
        const fromContent = contentDemoTexts();
        expect(fromContent.length).toBeGreaterThan(0);
        const fromCode = showing.filter((f) => {
          let html = read(f);
          for (const text of fromContent) html = html.replaceAll(text, '').replaceAll(escapeHtml(text), '');
          return html.includes('演示数据');
        });
        expect(fromCode.map((f) => pathOf(site, f))).toEqual([]);
        for (const f of pages) {
          expect(read(f), f).not.toContain(t('site.demoBanner'));
          expect(read(f), f).not.toContain(t('scoring.demoNotice'));
        }
      }
    },
  );

  describe('served (on-demand pages of the same build)', () => {
    let server: TestServer;
    let token = '';
    let dir = '';
    beforeAll(async () => {
      dir = mkdtempSync(join(ARTIFACTS, `${site.name}-db-`));
      const env = {
        ...process.env,
        ...TEST_SECRET_ENV,
        NODE_ENV: 'production',
        DATABASE_URL: `file:${join(dir, 'test.db')}`,
        ...site.env,
      } as Record<string, string>;
      token = await printedBatch(env);
      server = await startTestServer({ dbDir: dir, env: site.env, outDir: site.outDir });
    }, 120_000);
    afterAll(async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const get = async (path: string) => {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(200);
      return res.text();
    };

    test('the printed invitation slips: every QR code decodes to /ratings/ under this SITE_URL', async () => {
      const res = await fetch(`${server.url}/surveys/sheet/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
        body: new URLSearchParams({ token }).toString(),
      });
      expect(res.status).toBe(200);
      const html = await res.text();
      const codes = [...html.matchAll(/<p class="code">([0-9A-Z-]+)<\/p>/g)].map((m) => m[1]!);
      const qrs = [...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) =>
        decodeQrcodeSvg(Buffer.from(m[1]!, 'base64').toString('utf8')),
      );
      expect(codes).toHaveLength(3);
      expect(qrs).toEqual(codes.map((c) => `${own}/ratings/?code=${c}`));
      expect(html).toContain(`青岚清廉 ${own}`);
      expect(html).not.toContain(hostOf(foreign));
    });

    test('the embed snippet and the embedded chart link back under this SITE_URL', async () => {
      const index = await get('/statistics/');
      const series = [...new Set([...index.matchAll(/href="\/statistics\/([a-z0-9-]+)\/"/g)].map((m) => m[1]!))];
      expect(series.length).toBeGreaterThan(3);
      for (const key of series) {
        const page = await get(`/statistics/${key}/`);
        expect(page).toContain(`&lt;iframe src=&quot;${own}/statistics/embed/${key}/&quot;`);
        expect(page).toContain(`<link rel="canonical" href="${own}/statistics/${key}/"`);
        const embed = await get(`/statistics/embed/${key}/`);
        expect(embed).toContain(`<link rel="canonical" href="${own}/statistics/${key}/"`);
        expect(embed).toContain(`href="${own}/statistics/${key}/" target="_blank"`);
        for (const text of [page, embed]) expect(text).not.toContain(hostOf(foreign));
      }
    });
  });
});
