import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAppContext } from '../../src/app-context.ts';
import { prepareDatabase } from '../../src/cli/prepare.ts';
import { loadBuildSettings, loadConfig } from '../../src/lib/config.ts';
import { formatDate } from '../../src/i18n/format.ts';
import { fieldDiff } from '../../src/publishing/sheets/diff.ts';
import { expectAccessibleAsServed, launchBrowser } from '../support/browser.ts';
import { TEST_SECRET_ENV } from '../support/channel.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { approveSteps, contentRecord, scrubAid, type Step } from '../support/stored-disclosures.ts';
import { fillTemplate } from '../support/sheets.ts';
import { signIn } from '../support/staff.ts';
import { readRegistry } from '../../src/content/files.ts';

/**
 * Issue 12, "Store" and "Corrections and withdrawals": a database holding approved versions (a publication, a
 * correction, a withdrawal, an aid list corrected and then scrubbed) is built with `astro build --outDir`
 * (DATABASE_URL naming it) and served by the production server over that output. The permalink pages say
 * 已更正 with the versions and the changed fields, or 已撤回 with date and reason; the open data carries the
 * versions and the withdrawals; a reason's phone number is masked everywhere. A second database with one
 * invalid stored record makes the build fail naming `store:<id>`. (The build without a database is dist/,
 * which every other e2e file uses.)
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'tests', '.artifacts');
const OUT = join(ARTIFACTS, 'store-build');
const PHONE = '13812345678';

const ROAD = 'store-liuwan-road-repair';
const DUPLICATE = 'store-liuwan-duplicate';
const AID = 'store-xixi-aid-2025-spring';
const BAD = 'store-liuwan-bad';
const TEA = 'store-liuwan-tea-stage-by-stage';

const road = { ...contentRecord('decisions/liuwan-village-road-hardening.yaml'), title: '柳湾村六组村道修补工程' };
const roadCorrected = { ...road, title: '柳湾村六组至七组村道修补工程', amountFen: 47_000_000 };
// A 4+2 record published stage by stage (the plain form): the first two stages, then the party meeting as progress.
const tea = contentRecord('decisions/liuwan-village-tea-garden-contract.yaml');
const teaStages = tea.stages as { stage: string }[];
const teaFirst = { ...tea, title: '柳湾村茶园发包（逐环节公开）', stages: teaStages.slice(0, 2) };
const teaNext = { ...teaFirst, stages: teaStages.slice(0, 3) };
const aid: Record<string, unknown> = {
  ...contentRecord('student-aid/xixi-central-primary-2026-autumn-combined.yaml'),
  title: '2025年春季学期资助名单公示（存储）',
  schoolYear: 2025,
  semester: 'spring',
  publicity: { start: '2026-03-02', end: '2026-03-09' },
  publishedOn: '2026-03-02',
};
const aidRecipients = aid.recipients as { amountFen: number; name: string }[];
const aidCorrected = { ...aid, recipients: aidRecipients.map((r, i) => (i === 0 ? { ...r, amountFen: 60_000 } : r)) };
const at = (iso: string) => new Date(iso);
const steps: Step[] = [
  { change: 'publish', kind: 'decision', id: ROAD, data: road, at: at('2026-11-02T02:00:00Z') },
  {
    change: 'correction',
    kind: 'decision',
    id: ROAD,
    data: roadCorrected,
    reason: `工程范围和金额录入有误，经村务监督委员会核实更正，咨询 ${PHONE}`,
    at: at('2026-11-20T03:00:00Z'),
    supervision: { reviewedOn: '2026-11-19', opinion: '同意更正后公开' },
  },
  {
    change: 'publish',
    kind: 'decision',
    id: DUPLICATE,
    data: { ...road, title: '柳湾村重复录入的决策' },
    at: at('2026-11-05T02:00:00Z'),
  },
  {
    change: 'withdrawal',
    kind: 'decision',
    id: DUPLICATE,
    unit: 'liuwan-village',
    reason: '与另一则公示重复，予以撤回',
    at: at('2026-11-25T01:00:00Z'),
  },
  { change: 'publish', kind: 'decision', id: TEA, data: teaFirst, at: at('2026-11-03T02:00:00Z') },
  { change: 'progress', kind: 'decision', id: TEA, data: teaNext, at: at('2026-11-21T02:00:00Z') },
  { change: 'publish', kind: 'studentAid', id: AID, data: aid, at: at('2026-03-02T01:00:00Z') },
  {
    change: 'correction',
    kind: 'studentAid',
    id: AID,
    data: aidCorrected,
    reason: '第一行金额有误',
    at: at('2026-03-04T01:00:00Z'),
  },
];

const envFor = (dbFile: string) => ({
  ...process.env,
  ...TEST_SECRET_ENV,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DEMO: 'true',
  DATABASE_URL: `file:${dbFile}`,
});

/** A migrated, seeded database with the given steps approved (and the aid list scrubbed when asked). */
async function storeWith(dbFile: string, list: readonly Step[], scrub?: string): Promise<void> {
  const env = envFor(dbFile);
  await prepareDatabase(env);
  const app = await createAppContext(loadConfig(env), { migrate: true });
  try {
    await approveSteps(app.database, list);
    if (scrub) expect(await scrubAid(app.database, scrub, at('2026-03-20T00:00:00Z'))).toBe(2);
  } finally {
    await app.close();
  }
}

/** `astro build --outDir`, on the project's Node, with DATABASE_URL naming the store; its exit code and output. */
async function build(dbFile: string, outDir: string): Promise<{ code: number | null; output: string }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const env = {
    ...envFor(dbFile),
    NODE_ENV: 'production',
    SITE_URL: loadBuildSettings().SITE_URL,
    PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  };
  let output = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'astro'), ['build', '--outDir', outDir], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  return { code, output };
}

const dbDir = mkdtempSync(join(tmpdir(), 'qinglian-store-build-'));
const dbFile = join(dbDir, 'test.db');
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  await storeWith(dbFile, steps, AID);
  const r = await build(dbFile, OUT);
  if (r.code !== 0) throw new Error(`astro build failed (${String(r.code)}):\n${r.output.slice(-4000)}`);
  server = await startTestServer({ dbDir, outDir: OUT });
  browser = await launchBrowser();
}, 900_000);
afterAll(async () => {
  await browser.close();
  await server.stop();
  rmSync(dbDir, { recursive: true, force: true });
});

const fetchText = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status, path).toBe(200);
  return res.text();
};
const stripTags = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('a build with approved versions in the store', () => {
  test('the corrected disclosure says 已更正, lists its versions with dates and reasons, and names the changed fields', async () => {
    const html = await fetchText(`/disclosures/decisions/${ROAD}/`);
    const text = stripTags(html);
    expect(text).toContain('柳湾村六组至七组村道修补工程');
    expect(text).toContain('已更正');
    // The approval in force was the village supervisory committee's sign-off (DOMAIN.md §2.3).
    expect(text).toMatch(/经村务监督委员会审核（2026[^）]*19[^）]*）：同意更正后公开/);
    expect(text).toContain('第 2 版');
    expect(text).toContain('第 1 版');
    expect(text).toContain(formatDate('2026-11-20'));
    expect(text).toContain(formatDate('2026-11-02'));
    expect(text).toContain('工程范围和金额录入有误');
    for (const f of fieldDiff('decision', road, roadCorrected)) expect(text).toContain(f.label);
    expect(fieldDiff('decision', road, roadCorrected).length).toBe(2);
    // The reason's phone number is masked; the old title is not shown.
    expect(html).not.toContain(PHONE);
    expect(text).not.toContain('柳湾村六组村道修补工程 ');
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${server.url}/disclosures/decisions/${ROAD}/`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('柳湾村六组至七组村道修补工程');
    await expect(page.locator('tr[data-version]').count()).resolves.toBe(2);
    await expectAccessibleAsServed(browser, page);
    await page.close();
  });

  test('a record published stage by stage says 进展更新 (never 已更正) and its versions name the added stage', async () => {
    const text = stripTags(await fetchText(`/disclosures/decisions/${TEA}/`));
    expect(teaStages[2]!.stage).toBe('partyMeetingReview');
    expect(text).toContain('柳湾村茶园发包（逐环节公开）');
    expect(text).toContain('已于 ' + formatDate('2026-11-21') + ' 更新进展，现为第 2 版');
    expect(text).toContain('进展更新');
    expect(text).toContain('新增环节：党员大会审议');
    expect(text).not.toContain('已更正');
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${server.url}/disclosures/decisions/${TEA}/`);
    await expect(page.locator('tr[data-version]').count()).resolves.toBe(2);
    await expectAccessibleAsServed(browser, page);
    await page.close();
    // The feed has an entry for the progress, not a correction.
    const feed = await fetchText('/disclosures/feed.xml');
    expect(feed).toContain(`/disclosures/decisions/${TEA}/#version-2`);
    expect(feed).toContain('进展更新，第 2 版');
  });

  test('the withdrawn disclosure keeps its permalink as a notice: 已撤回, when and why, none of its data', async () => {
    const html = await fetchText(`/disclosures/decisions/${DUPLICATE}/`);
    const text = stripTags(html);
    expect(text).toContain('已撤回');
    expect(text).toContain(formatDate('2026-11-25'));
    expect(text).toContain('与另一则公示重复，予以撤回');
    expect(text).not.toContain('柳湾村重复录入的决策');
    // Not listed among the village's decisions any more.
    expect(await fetchText('/disclosures/decisions/')).not.toContain(`/disclosures/decisions/${DUPLICATE}/`);
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${server.url}/disclosures/decisions/${DUPLICATE}/`);
    await expectAccessibleAsServed(browser, page);
    await page.close();
  });

  test('the corrected aid list, scrubbed in the store, shows no names in any version, only the taken-down notice', async () => {
    const html = await fetchText(`/disclosures/student-aid/${AID}/`);
    const text = stripTags(html);
    expect(text).toContain('已更正');
    expect(text).toContain('第一行金额有误');
    expect(text).toContain('名单已按规定撤下');
    for (const f of fieldDiff('studentAid', aid, aidCorrected)) expect(text).toContain(f.label);
    for (const r of aidRecipients) expect(text).not.toContain(r.name);
    const json = JSON.parse(await fetchText('/data/student-aid.json')) as {
      items: { id: string; version: number; data: { recipients: unknown[]; recipientCount: number } }[];
    };
    const stored = json.items.find((i) => i.id === AID);
    expect(stored).toMatchObject({ version: 2, data: { recipients: [], recipientCount: 4 } });
    for (const r of aidRecipients) expect(JSON.stringify(stored)).not.toContain(r.name);
  });

  test('open data: JSON carries version and versions, and lists the withdrawal; CSV has version/corrected; Atom has both events', async () => {
    const data = JSON.parse(await fetchText('/data/decisions.json')) as {
      items: { id: string; version: number; corrected: boolean; versions: { version: number }[] | null }[];
      withdrawn: { id: string; url: string; withdrawnOn: string; reason: string }[];
      withdrawnCount: number;
    };
    const item = data.items.find((i) => i.id === ROAD);
    expect(item).toMatchObject({ version: 2, corrected: true });
    expect(item?.versions?.map((v) => v.version)).toEqual([1, 2]);
    const fromContent = data.items.find((i) => i.id === 'liuwan-village-road-hardening');
    expect(fromContent).toMatchObject({ version: 1, corrected: false, versions: null });
    expect(data.items.map((i) => i.id)).not.toContain(DUPLICATE);
    expect(data.withdrawnCount).toBe(1);
    expect(data.withdrawn).toEqual([
      {
        id: DUPLICATE,
        url: `${loadBuildSettings().SITE_URL}/disclosures/decisions/${DUPLICATE}/`,
        unit: expect.objectContaining({ id: 'liuwan-village' }) as unknown,
        withdrawnAt: '2026-11-25T01:00:00.000Z',
        withdrawnOn: '2026-11-25',
        reason: '与另一则公示重复，予以撤回',
        versions: expect.any(Array) as unknown,
      },
    ]);
    const csv = (await fetchText('/data/decisions.csv')).replace(/^\uFEFF/, '').split(/\r?\n/);
    expect(csv[0]!.endsWith(',version,corrected')).toBe(true);
    expect(csv.find((l) => l.startsWith(`${ROAD},`))?.endsWith(',2,true')).toBe(true);
    expect(csv.find((l) => l.startsWith('liuwan-village-road-hardening,'))?.endsWith(',1,false')).toBe(true);
    const feed = await fetchText('/disclosures/feed.xml');
    expect(feed).toContain(`/disclosures/decisions/${ROAD}/#version-2</id>`);
    expect(feed).toContain(`/disclosures/decisions/${DUPLICATE}/#withdrawn</id>`);
    expect(feed).toContain('<updated>2026-11-25T01:00:00.000Z</updated>');
    expect(feed).toContain('撤回原因：与另一则公示重复，予以撤回');
    for (const body of [JSON.stringify(data), csv.join('\n'), feed]) expect(body).not.toContain(PHONE);
    expect(feed).toContain('咨询 ***********');
  });

  test('no built file carries the reason’s phone number', () => {
    const files = readFileSync(join(OUT, 'client', 'disclosures', 'decisions', ROAD, 'index.html'), 'utf8');
    expect(files).toContain('***********');
    expect(files).not.toContain(PHONE);
  });
});

describe('the publisher’s page over this build', () => {
  /** Submits one aid list through the no-JS multipart form (检查并提交审核); the page's status and text. */
  // One sign-in: a TOTP code is accepted once.
  let session: Promise<{ cookie: string; csrf: string }> | undefined;
  async function submitAid(id: string): Promise<{ status: number; text: string }> {
    const { cookie, csrf } = await (session ??= signIn(server.url, 'demo.publisher'));
    const template = await fetch(`${server.url}/staff/disclosures/templates/student-aid.xlsx`, { headers: { cookie } });
    expect(template.status).toBe(200);
    const units = readRegistry().units;
    const filled = await fillTemplate(
      new Uint8Array(await template.arrayBuffer()),
      'studentAid',
      [{ id, data: aid }],
      (u) => units.find((x) => x.id === u)!.name,
    );
    const form = new FormData();
    form.set('_csrf', csrf);
    form.set('kind', 'studentAid');
    form.set('action', 'submit');
    form.set('file', new File([new Uint8Array(filled)], 'aid.xlsx'));
    const res = await fetch(`${server.url}/staff/disclosures/`, {
      method: 'POST',
      headers: { cookie, origin: server.url },
      body: form,
    });
    return { status: res.status, text: stripTags(await res.text()) };
  }

  test('a stored id is the store’s (taken), not a file of content/; a content/ id is still refused as such', async () => {
    const stored = await submitAid(AID);
    expect(stored.status).toBe(409);
    expect(stored.text).toContain('store.disclosureId.taken');
    expect(stored.text).not.toContain('store.disclosureId.inContent');
    const file = await submitAid('xixi-central-primary-2026-autumn-combined');
    expect(file.status).toBe(409);
    expect(file.text).toContain('store.disclosureId.inContent');
  });
});

describe('a build with an invalid stored record', () => {
  test('fails naming store:<id> and the field, before writing any page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-store-bad-'));
    try {
      const file = join(dir, 'test.db');
      await storeWith(file, [
        {
          change: 'publish',
          kind: 'decision',
          id: BAD,
          data: { ...road, amountFen: -5 },
          at: at('2026-11-02T02:00:00Z'),
        },
      ]);
      const out = join(ARTIFACTS, 'store-build-bad');
      rmSync(out, { recursive: true, force: true });
      const r = await build(file, out);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain(`store:${BAD} › amountFen:`);
      expect(() => readFileSync(join(out, 'client', 'index.html'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

// Last: a JVM run of seconds leaves the server's keep-alive sockets idle, so no HTTP test follows it.
describe('the new pages are valid HTML', () => {
  const JAVA = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
  test('vnu finds no error in the corrected, progressed, withdrawn and scrubbed permalinks', (ctx) => {
    ctx.skip(!JAVA, 'vnu: skipped, no `java` on PATH (install a JRE 11+, e.g. Debian default-jre-headless)');
    const jar = createRequire(import.meta.url)('vnu-jar') as string;
    const pages = [`decisions/${ROAD}`, `decisions/${DUPLICATE}`, `decisions/${TEA}`, `student-aid/${AID}`].map((p) =>
      join(OUT, 'client', 'disclosures', p, 'index.html'),
    );
    const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...pages], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const report = JSON.parse(run.stderr) as { messages: { type: string; url?: string; message: string }[] };
    expect(report.messages.filter((m) => m.type !== 'info')).toEqual([]);
    expect(run.status).toBe(0);
  });
});
