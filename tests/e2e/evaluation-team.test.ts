import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { expectAccessibleAsServed, launchBrowser } from '../support/browser.ts';
import { demoAccount, demoCode, type DemoUsername } from '../support/staff.ts';
import { readChain, verifyChain } from '../../src/db/audit-chain.ts';

/**
 * Issue 17 acceptance 3 in Chromium with JavaScript off (every form is a plain form; multipart for the
 * upload), axe (WCAG 2.2 AA) on every page as served: two evaluators mark one unit differently, one with a
 * photo carrying GPS EXIF; the lead reconciles and signs off; the public scorecard shows the reconciled mark
 * and its evidence, and the photo is served without EXIF; a further edit is refused (the form is gone, a
 * forged post answers 409, and a direct SQL UPDATE raises from the trigger); the unit's responder appeals in
 * the window (and is refused after one); the lead answers; the responder sees the answer; the chain verifies.
 */
const UNIT = 'xixi-central-primary';
/** The assessment year of the demo (the server's year, Beijing time). */
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
const TEAM = `/staff/evaluation/${YEAR}/${UNIT}/team/`;
const SIGNOFF = `/staff/evaluation/${YEAR}/${UNIT}/signoff/`;
const CARD = `/scoring/${YEAR}/${UNIT}/`;

let server: TestServer;
let browser: Browser;
let db: Client;
const pages: Partial<Record<DemoUsername, Page>> = {};

beforeAll(async () => {
  server = await startTestServer();
  return async () => {
    await server.stop();
    server.cleanup();
  };
});
beforeAll(async () => {
  browser = await launchBrowser();
  return () => browser.close();
});
beforeAll(() => {
  db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
  return () => db.close();
});

/** Sign in with JavaScript off (the login form is a plain form too). */
async function signedIn(username: DemoUsername): Promise<Page> {
  const open = pages[username];
  if (open) return open;
  const context = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/staff/login/`);
  const a = demoAccount(username);
  await page.getByLabel('用户名').fill(a.username);
  await page.getByLabel('密码', { exact: true }).fill(a.password);
  await page.getByLabel('动态验证码').fill(demoCode(username));
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}/staff/`);
  pages[username] = page;
  return page;
}

const accessible = (page: Page) => expectAccessibleAsServed(browser, page);

/** A JPEG with GPS coordinates and a camera name in its EXIF. */
const gpsPhoto = () =>
  sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 20, g: 120, b: 200 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'MarkerCam', Model: 'GPS-Leak-9000' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 15/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 10/1 0/1' },
    })
    .toBuffer();

/** A minimal PDF (named .jpg on upload: the type is decided by the content). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function markItem(page: Page, key: string, fields: Record<string, string>, file?: Buffer): Promise<void> {
  const section = page.locator(`#item-${key}`);
  for (const [name, value] of Object.entries(fields)) await section.locator(`[name="${name}"]`).fill(value);
  if (file)
    await section.locator('input[type=file]').setInputFiles({ name: 'site.jpg', mimeType: 'image/jpeg', buffer: file });
  await section.getByRole('button', { name: `保存 ${key} 的评分` }).click();
}

describe('evaluation team in Chromium, without JavaScript', () => {
  let photoSha: string;

  test('two evaluators mark the unit, with different S1 marks and evidence including a photo', async () => {
    const e1 = await signedIn('demo.evaluator');
    await e1.goto(`${server.url}${TEAM}`);
    await accessible(e1);
    // A note with a phone number is refused (422), named on the field, and nothing is stored.
    const refused = e1.waitForResponse((r) => r.url().endsWith(TEAM) && r.request().method() === 'POST');
    await markItem(e1, 'S1', { 'm.S1.d.notPublished': '1', 'm.S1.note': '负责人电话 13987654321' });
    expect((await refused).status()).toBe(422);
    expect(await e1.locator('.error-summary').innerText()).toContain('个人信息');
    await accessible(e1);
    await markItem(
      e1,
      'S1',
      { 'm.S1.d.notPublished': '1', 'm.S1.note': '招生结果有一项未公开（演示）' },
      await gpsPhoto(),
    );
    await e1.waitForURL(/\?saved=S1#item-S1$/);
    await accessible(e1);
    await markItem(e1, 'S3', { 'm.S3.note': '陪餐记录齐全（演示）' });
    await e1.waitForURL(/\?saved=S3/);

    const e2 = await signedIn('demo.evaluator2');
    await e2.goto(`${server.url}${TEAM}`);
    await markItem(e2, 'S1', { 'm.S1.d.notPublished': '2', 'm.S1.note': '招生计划和结果均未公开（演示）' }, PDF);
    await e2.waitForURL(/\?saved=S1/);
    await markItem(e2, 'S3', { 'm.S3.note': '抽查三个月陪餐记录（演示）' });
    await e2.waitForURL(/\?saved=S3/);
    await accessible(e2);

    const rows = await db.execute({
      sql: 'SELECT evaluator, item_key FROM evaluator_marks WHERE unit_id = ?',
      args: [UNIT],
    });
    expect(rows.rows).toHaveLength(4);
    photoSha = String((await db.execute("SELECT sha256 FROM attachments WHERE mime = 'image/jpeg'")).rows[0]!.sha256);
    // Before the sign-off the photo is not public.
    expect((await fetch(`${server.url}/scoring/evidence/${photoSha}`)).status).toBe(404);
  });

  test('uploads: type by content (422), size (413), token and route checked before anything is parsed', async () => {
    const e1 = await signedIn('demo.evaluator');
    const token = await csrfOf(e1);
    const post = (
      path: string,
      multipart: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>,
    ) => e1.request.post(`${server.url}${path}`, { headers: { origin: server.url }, multipart, maxRedirects: 0 });
    const before = Number((await db.execute('SELECT count(*) AS n FROM attachments')).rows[0]!.n);
    // An HTML file named .png: refused by its content, with the field named on the page.
    const html = await post(TEAM, {
      _csrf: token,
      item: 'S2',
      'm.S2.note': '食堂公示（演示）',
      files: { name: 'x.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script></html>') },
    });
    expect(html.status()).toBe(422);
    expect(await html.text()).toContain('只能上传 PDF、JPEG 或 PNG 文件');
    // A file over 10 MB inside the 20 MB post limit: 413 with the store's own message.
    const big = Buffer.alloc(10 * 1024 * 1024 + 10, 0x20);
    big.write('%PDF-1.4');
    const tooBig = await post(TEAM, {
      _csrf: token,
      item: 'S2',
      'm.S2.note': '大文件（演示）',
      files: { name: 'a.pdf', mimeType: 'application/pdf', buffer: big },
    });
    expect(tooBig.status()).toBe(413);
    expect(await tooBig.text()).toContain('文件超过 10 MB');
    // Over the post limit: refused by the middleware before the body is parsed.
    const huge = await post(TEAM, {
      _csrf: token,
      item: 'S2',
      files: { name: 'b.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(21 * 1024 * 1024) },
    });
    expect(huge.status()).toBe(413);
    // Without the token: 403; multipart to a route that takes no uploads: 415.
    expect((await post(TEAM, { item: 'S2', 'm.S2.note': '无令牌（演示）' })).status()).toBe(403);
    expect((await post('/staff/evaluation/', { _csrf: token, year: String(YEAR) })).status()).toBe(415);
    expect(Number((await db.execute('SELECT count(*) AS n FROM attachments')).rows[0]!.n)).toBe(before);
    expect(
      Number(
        (await db.execute("SELECT count(*) AS n FROM evaluator_marks WHERE item_key = 'S2' AND unit_id = ?", [UNIT]))
          .rows[0]!.n,
      ),
    ).toBe(0);
  });

  test('the lead sees both marks side by side, reconciles S1 with a reason and signs off', async () => {
    const lead = await signedIn('demo.lead');
    await lead.goto(`${server.url}/staff/appeals/`);
    await accessible(lead);
    await lead.locator(`a[href="${SIGNOFF}"]`).click();
    await lead.waitForURL(new RegExp(`${SIGNOFF}$`));
    await accessible(lead);
    const s1 = lead.locator('#f-choice-S1');
    expect(await s1.innerText()).toContain('不一致');
    expect(await s1.locator('tbody tr').count()).toBe(2);
    // Without a choice the sign-off is refused with named errors.
    await lead.getByRole('button', { name: '签字确认' }).click();
    await expect.poll(() => lead.title()).toMatch(/^错误：/);
    await accessible(lead);
    await lead
      .locator('#f-choice-S1 tbody tr', { hasText: '招生计划和结果均未公开' })
      .locator('input[type=radio]')
      .check();
    await lead.locator('[name="reason.S1"]').fill('复核招生网页，计划和结果均未公开（演示）');
    await lead.getByRole('button', { name: '签字确认' }).click();
    await lead.waitForURL(/\?saved=signoff$/);
    expect(await lead.locator('.notice').first().innerText()).toContain('签字确认');
    expect(await lead.locator('button[type=submit]', { hasText: '签字确认' }).count()).toBe(0);
    await accessible(lead);
  });

  test('the public scorecard shows the reconciled mark and its evidence; the photo has no EXIF', async () => {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${server.url}${CARD}`);
    await accessible(page);
    // S1 is worth 8; the lead took evaluator 2's two deductions of 2 points.
    expect(await page.locator('tr[data-key="S1"] td.num').innerText()).toMatch(/^4 \/ 8/);
    const team = page.locator('section[aria-labelledby="team"]');
    expect(await team.innerText()).toContain('招生计划和结果均未公开（演示）');
    expect(await team.innerText()).toContain('招生结果有一项未公开（演示）');
    const href = await team.locator(`a[href="/scoring/evidence/${photoSha}"]`).getAttribute('href');
    const res = await fetch(`${server.url}${href!}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    expect(bytes.includes(Buffer.from('GPS-Leak-9000'))).toBe(false);
    // The PDF is a sandboxed download, never rendered inline or sniffed.
    const pdfSha = String(
      (await db.execute("SELECT sha256 FROM attachments WHERE mime = 'application/pdf'")).rows[0]!.sha256,
    );
    const pdf = await fetch(`${server.url}/scoring/evidence/${pdfSha}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="[0-9a-f]{16}\.pdf"$/);
    expect(pdf.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(pdf.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await pdf.arrayBuffer()).equals(PDF)).toBe(true);
    expect(await page.content()).not.toMatch(/demo\.evaluator|演示考评员/);
  });

  test('a further evaluator edit is refused, and a direct SQL UPDATE raises from the trigger', async () => {
    const e1 = await signedIn('demo.evaluator');
    await e1.goto(`${server.url}${TEAM}`);
    expect(await e1.locator('.notice').first().innerText()).toContain('只读');
    expect(await e1.locator('form[enctype="multipart/form-data"]').count()).toBe(0);
    await accessible(e1);
    // A forged post (the old form, still with a valid token) is refused: 409, nothing changes.
    const forged = await e1.request.post(`${server.url}${TEAM}`, {
      headers: { origin: server.url },
      multipart: { _csrf: await csrfOf(e1), item: 'S1', 'm.S1.note': '改分（演示）' },
    });
    expect(forged.status()).toBe(409);
    await expect(
      db.execute({
        sql: "UPDATE evaluation_marks SET deductions = '[]' WHERE unit_id = ? AND year = ? AND item_key = 'S1'",
        args: [UNIT, YEAR],
      }),
    ).rejects.toThrow(/signed off, locked/);
  });

  test('the responder appeals within the window; after the window the appeal is refused with a clear error', async () => {
    const xixi = await signedIn('demo.xixi');
    await xixi.goto(`${server.url}/staff/appeals/`);
    await accessible(xixi);
    await xixi.getByLabel('单位与年度').selectOption(`${YEAR}:${UNIT}`);
    await xixi.getByLabel('申诉的指标').selectOption('S1');
    await xixi.getByLabel('申诉理由（勿含个人信息）').fill('招生计划已在校门口公示栏张贴，可现场复核（演示）');
    await xixi.getByRole('button', { name: '提交申诉' }).click();
    await xixi.waitForURL(/\?saved=lodged$/);
    await accessible(xixi);

    // A sign-off of the year before, 30 days ago (sign-offs are append-only: inserted, never changed).
    const old = Date.now() - 30 * 86_400_000;
    await db.execute({
      sql: "INSERT INTO evaluation_signoffs (id, unit_id, year, version, signed_at, signed_by) VALUES ('e2e-old', ?, ?, 1, ?, 'staff:e2e')",
      args: [UNIT, YEAR - 1, old],
    });
    await xixi.goto(`${server.url}/staff/appeals/`);
    await xixi.getByLabel('单位与年度').selectOption(`${YEAR - 1}:${UNIT}`);
    await xixi.getByLabel('申诉的指标').selectOption('S1');
    await xixi.getByLabel('申诉理由（勿含个人信息）').fill('去年的评分有误（演示）');
    const late = xixi.waitForResponse((r) => r.url().endsWith('/staff/appeals/') && r.request().method() === 'POST');
    await xixi.getByRole('button', { name: '提交申诉' }).click();
    expect((await late).status()).toBe(409);
    expect(await xixi.locator('.error-summary').innerText()).toMatch(
      /申诉期已过：考评组签字确认后 10 个自然日内（截至 .+）可以申诉/,
    );
    await accessible(xixi);
    expect(Number((await db.execute('SELECT count(*) AS n FROM evaluation_appeals')).rows[0]!.n)).toBe(1);
  });

  test('the lead answers (upheld, re-signed off); the responder sees the answer; the scorecard shows the appeal', async () => {
    const lead = await signedIn('demo.lead');
    await lead.goto(`${server.url}/staff/appeals/`);
    await lead.getByRole('link', { name: '提交答复' }).click();
    await lead.waitForURL(/\?appeal=.+#answer$/);
    await accessible(lead);
    await lead.getByLabel('申诉成立', { exact: true }).check();
    await lead.getByLabel('答复内容').fill('经现场复核，招生计划已公示，改为扣一处（演示）');
    await lead.locator('[name="remark"]').check();
    await lead.locator('[name="m.S1.d.notPublished"]').fill('1');
    await lead.getByRole('button', { name: '提交答复' }).click();
    await lead.waitForURL(/\?saved=answered$/);
    await accessible(lead);

    const xixi = await signedIn('demo.xixi');
    await xixi.goto(`${server.url}/staff/appeals/`);
    expect(await xixi.locator('[data-appeal-answer]').innerText()).toContain(
      '经现场复核，招生计划已公示，改为扣一处（演示）',
    );
    await accessible(xixi);

    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${server.url}${CARD}`);
    expect(await page.locator('tr[data-key="S1"] td.num').innerText()).toMatch(/^6 \/ 8/);
    expect(await page.locator('[data-appeals]').innerText()).toContain('申诉成立');
    // The public sees that an appeal was lodged and answered, never its reason, answer or author.
    expect(await page.content()).not.toContain('校门口公示栏');
    expect(await page.content()).not.toContain('经现场复核');
    await accessible(page);
    // The scorecard's JSON carries the same allow-listed facts.
    const json = (await (await fetch(`${server.url}/scoring/${YEAR}/${UNIT}.json`)).json()) as {
      signoff: { version: number; evidence: Record<string, { files: string[] }[]>; appeals: { outcome: string }[] };
    };
    expect(json.signoff.version).toBe(2);
    expect(json.signoff.appeals).toEqual([expect.objectContaining({ itemKey: 'S1', outcome: 'upheld' })]);
    expect(json.signoff.evidence.S1!.flatMap((e) => e.files)).toContain(`/scoring/evidence/${photoSha}`);
    expect(JSON.stringify(json)).not.toMatch(/校门口公示栏|经现场复核|staff:/);
  });

  test('everything is audited and the chain verifies', async () => {
    const actions = (
      await db.execute({
        sql: "SELECT action FROM audit_events WHERE subject_id = ? AND action LIKE 'evaluation.%' ORDER BY id",
        args: [UNIT],
      })
    ).rows.map((r) => String(r.action));
    expect(actions.filter((a) => a === 'evaluation.team.mark')).toHaveLength(4);
    expect(actions.filter((a) => a === 'evaluation.signoff')).toHaveLength(2);
    expect(actions).toEqual(
      expect.arrayContaining(['evaluation.reconcile', 'evaluation.appeal.lodge', 'evaluation.appeal.answer']),
    );
    await expect.poll(async () => verifyChain(await readChain(db)).ok, { timeout: 5000 }).toBe(true);
  });
});

async function csrfOf(page: Page): Promise<string> {
  await page.goto(`${server.url}/staff/`);
  const token = await page.locator('input[name="_csrf"]').first().getAttribute('value');
  if (!token) throw new Error('no CSRF token on the staff home');
  return token;
}
