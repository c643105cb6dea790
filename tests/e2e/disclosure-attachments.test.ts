import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { kindSlugs, permalink } from '../../src/domain/disclosures/kinds.ts';
import { ATTACHMENT_MAX_BYTES } from '../../src/services/attachments.ts';
import { expectAccessibleAsServed, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { csvText, followingCanteenMonth } from '../support/sheets.ts';
import { signIn, signInInBrowser } from '../support/staff.ts';

/**
 * Issue 12 "Attachments" and acceptance 5, on the real server with a real libSQL file and Chromium: a bad
 * attachment (a .jpg that is HTML, one too large, too many, a name carrying a phone number, any file with an aid
 * list) is refused with a 4xx naming it and nothing is stored (no submission, no link, no attachment row, no
 * file); a JPEG carrying GPS EXIF is sent with a canteen month, is served to its approver before approval (and
 * 404 to the public), approved, rebuilt into the public page's 附件 list, and served publicly without any EXIF;
 * once withdrawn, its file is 404. axe on the changed pages.
 */
let server: TestServer;
let browser: Browser;
let db: Client;
let publisher: Page;
let approver: Page;
let pub: { cookie: string; csrf: string };
let appr: { cookie: string; csrf: string };
const dir = mkdtempSync(join(tmpdir(), 'qinglian-attach-'));
const registry = readRegistry();
const published = readDisclosures(undefined, registry);
const unitName = (id: string) => registry.units.find((u) => u.id === id)!.name;
const oct = published.canteenAccount.find((e) => e.id === 'xixi-central-primary-2026-10')!;
const nov = followingCanteenMonth(oct, 'xixi-central-primary-2026-11', '2026-11', '2026-12-01');
const sheet = new TextEncoder().encode(csvText('canteenAccount', [nov], unitName));
const pdf = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
let gpsJpeg: Buffer;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
  publisher = await signInInBrowser(browser, server.url, 'demo.publisher', '/staff/disclosures/');
  approver = await signInInBrowser(browser, server.url, 'demo.approver', '/staff/approvals/');
  pub = await signIn(server.url, 'demo.publisher', 1);
  appr = await signIn(server.url, 'demo.approver', 1);
  gpsJpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestCam' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 15/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 10/1 0/1' },
    })
    .toBuffer();
  return async () => {
    db.close();
    await browser.close();
    await server.stop();
    server.cleanup();
    rmSync(dir, { recursive: true, force: true });
  };
}, 120_000);

const accessible = (page: Page) => expectAccessibleAsServed(browser, page);
const filesDir = () => join(dirname(server.dbFile), 'attachments');
const storedFiles = (): number => {
  try {
    return readdirSync(filesDir(), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
};
const count = async (table: string) => Number((await db.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
const snapshot = async () => ({
  submissions: await count('disclosure_submissions'),
  links: await count('disclosure_attachments'),
  attachments: await count('attachments'),
  files: storedFiles(),
});

/** The upload form posted as a browser would (multipart, the session's CSRF token). */
async function post(
  fields: Record<string, string>,
  files: { name: string; bytes: Uint8Array }[],
  kind = 'canteenAccount',
) {
  const form = new FormData();
  form.set('_csrf', pub.csrf);
  form.set('kind', kind);
  form.set('file', new Blob([sheet]), 'nov.csv');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const f of files) form.append('attachments', new Blob([new Uint8Array(f.bytes)]), f.name);
  const res = await fetch(`${server.url}/staff/disclosures/`, {
    method: 'POST',
    headers: { cookie: pub.cookie, origin: server.url },
    body: form,
    redirect: 'manual',
  });
  return { status: res.status, text: await res.text() };
}

const noExif = async (bytes: Buffer) => {
  expect((await sharp(bytes).metadata()).exif).toBeUndefined();
  expect(bytes.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
};

describe('attachments on disclosures', () => {
  test('bad attachments are refused with a 4xx naming the file; nothing at all is stored', async () => {
    const before = await snapshot();
    const html = new TextEncoder().encode('<!doctype html><title>x</title><script>alert(1)</script>');
    const wrongType = await post({ action: 'submit' }, [{ name: '发票扫描.jpg', bytes: html }]);
    expect(wrongType.status).toBe(422);
    expect(wrongType.text).toContain('附件「发票扫描.jpg」不是 PDF、JPEG 或 PNG 文件');
    expect(wrongType.text).toContain('attachment.type');

    // A good file next to the bad one is not stored either: every file is checked before anything is written.
    const big = new Uint8Array(ATTACHMENT_MAX_BYTES + 1);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const tooLarge = await post({ action: 'submit' }, [
      { name: 'minutes.pdf', bytes: pdf },
      { name: 'huge.jpg', bytes: big },
    ]);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.text).toContain('附件「huge.jpg」超过 10 MB');

    const tooMany = await post(
      { action: 'submit' },
      Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.pdf`, bytes: pdf })),
    );
    expect(tooMany.status).toBe(422);
    expect(tooMany.text).toContain('attachment.tooMany');

    const phone = await post({ action: 'submit' }, [{ name: '联系人13812345678.pdf', bytes: pdf }]);
    expect(phone.status).toBe(422);
    expect(phone.text).toContain('attachment.name');

    const aid = await post({ action: 'submit' }, [{ name: 'list.pdf', bytes: pdf }], 'studentAid');
    expect(aid.status).toBe(422);
    expect(aid.text).toContain('学生资助名单不接受附件');

    expect(await snapshot()).toEqual(before);
  }, 120_000);

  test('acceptance 5: a JPEG with GPS EXIF → checked by its approver → approved → rebuilt → served publicly without any EXIF; withdrawn → 404', async () => {
    // The fixture really carries GPS.
    const meta = await sharp(gpsJpeg).metadata();
    expect(meta.exif).toBeDefined();
    // The GPS IFD pointer (tag 0x8825) in IFD0, in the TIFF header's byte order.
    const littleEndian = meta.exif!.includes(Buffer.from('II*\0', 'latin1'));
    expect(meta.exif!.includes(Buffer.from(littleEndian ? [0x25, 0x88] : [0x88, 0x25]))).toBe(true);
    expect(meta.exif!.toString('latin1')).toContain('TestCam');
    expect(gpsJpeg.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(true);

    const sheetFile = join(dir, 'nov.csv');
    writeFileSync(sheetFile, sheet);
    const photo = join(dir, '陪餐照片.jpg');
    writeFileSync(photo, gpsJpeg);
    const minutes = join(dir, '会议记录.pdf');
    writeFileSync(minutes, pdf);
    await publisher.goto(`${server.url}/staff/disclosures/`);
    await accessible(publisher);
    const form = publisher.locator('form', { has: publisher.getByRole('button', { name: '检查并提交审核' }) });
    await form.getByLabel('公示类型').selectOption({ label: '学校食堂收支' });
    await form.getByLabel(/^文件/).setInputFiles(sheetFile);
    await form.getByLabel(/^附件/).setInputFiles([photo, minutes]);
    await form.getByRole('button', { name: '检查并提交审核' }).click();
    await publisher.waitForLoadState('load');
    expect(await publisher.locator('main').innerText()).toContain('已保存为待审核提交');
    await accessible(publisher);

    const submission = String(
      (await db.execute({ sql: 'SELECT id FROM disclosure_submissions WHERE disclosure_id = ?', args: [nov.id] }))
        .rows[0]!.id,
    );
    const links = (
      await db.execute({
        sql: 'SELECT sha256, name FROM disclosure_attachments WHERE submission_id = ? ORDER BY position',
        args: [submission],
      })
    ).rows.map((r) => ({ sha: String(r.sha256), name: String(r.name) }));
    expect(links.map((l) => l.name)).toEqual(['陪餐照片.jpg', '会议记录.pdf']);
    const jpeg = links[0]!;
    const doc = links[1]!;

    // Submitted, not approved: 404 publicly, 200 for the unit's approver and publisher.
    expect((await fetch(`${server.url}/disclosures/files/${jpeg.sha}`)).status).toBe(404);
    const staffFile = await fetch(`${server.url}/staff/approvals/${submission}/?file=${jpeg.sha}`, {
      headers: { cookie: appr.cookie },
    });
    expect(staffFile.status).toBe(200);
    expect(staffFile.headers.get('cache-control')).toBe('no-store');
    await noExif(Buffer.from(await staffFile.arrayBuffer()));
    expect(
      (await fetch(`${server.url}/staff/disclosures/?file=${doc.sha}`, { headers: { cookie: pub.cookie } })).status,
    ).toBe(200);
    expect(
      (
        await fetch(`${server.url}/staff/approvals/${submission}/?file=${'0'.repeat(64)}`, {
          headers: { cookie: appr.cookie },
        })
      ).status,
    ).toBe(404);

    // The approver sees the files listed, then approves; the rebuild publishes the page with its 附件.
    await approver.goto(`${server.url}/staff/approvals/${submission}/`);
    const section = approver.locator('[data-attachments]');
    expect(await section.getByRole('link', { name: '陪餐照片.jpg' }).getAttribute('href')).toBe(
      `/staff/approvals/${submission}/?file=${jpeg.sha}`,
    );
    await accessible(approver);
    await approver.getByRole('button', { name: '批准', exact: true }).click();
    await approver.waitForLoadState('load');
    const build = /\/staff\/builds\/([0-9a-f-]{36})\//.exec(
      (await approver
        .locator('[data-done="approved"]')
        .getByRole('link', { name: '查看网站重建进度' })
        .getAttribute('href')) ?? '',
    )?.[1];
    expect(build).toBeDefined();

    // The file route is on demand: public at once.
    const served = await fetch(`${server.url}/disclosures/files/${jpeg.sha}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('content-security-policy')).toContain('sandbox');
    await noExif(Buffer.from(await served.arrayBuffer()));
    // Revocable, not immutable: caches revalidate (a withdrawal must reach them); the hash is the ETag.
    expect(served.headers.get('cache-control')).toBe('public, no-cache');
    expect(served.headers.get('etag')).toBe(`"${jpeg.sha}"`);
    const revalidated = await fetch(`${server.url}/disclosures/files/${jpeg.sha}`, {
      headers: { 'if-none-match': `"${jpeg.sha}"` },
    });
    expect(revalidated.status).toBe(304);
    const servedPdf = await fetch(`${server.url}/disclosures/files/${doc.sha}`);
    expect(servedPdf.status).toBe(200);
    expect(servedPdf.headers.get('content-disposition')).toMatch(/^attachment;/);

    const deadline = Date.now() + 600_000;
    for (;;) {
      const row = (await db.execute({ sql: 'SELECT state, error FROM site_builds WHERE id = ?', args: [build!] }))
        .rows[0]!;
      if (row.state === 'live') break;
      if (row.state === 'failed') throw new Error(`build failed: ${String(row.error)}`);
      if (Date.now() > deadline) throw new Error(`build still ${String(row.state)}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const page = await browser.newPage({ javaScriptEnabled: false, locale: 'zh-CN' });
    await page.goto(`${server.url}${permalink('canteenAccount', nov.id)}`);
    const list = page.locator('[data-attachments]');
    expect(await list.getByRole('heading', { name: '附件' }).count()).toBe(1);
    expect(await list.getByRole('link', { name: '陪餐照片.jpg' }).getAttribute('href')).toBe(
      `/disclosures/files/${jpeg.sha}`,
    );
    await accessible(page);
    await page.close();
    // The open data lists the files in force.
    const data = (await (await fetch(`${server.url}/data/${kindSlugs.canteenAccount}.json`)).json()) as {
      items: { id: string; attachments: { name: string; url: string; mime: string; size: number; sha256: string }[] }[];
    };
    expect(data.items.find((i) => i.id === nov.id)?.attachments.map((a) => [a.name, a.mime, a.sha256])).toEqual([
      ['陪餐照片.jpg', 'image/jpeg', jpeg.sha],
      ['会议记录.pdf', 'application/pdf', doc.sha],
    ]);

    // Withdrawn: the files leave the public at once.
    const withdraw = new FormData();
    withdraw.set('_csrf', pub.csrf);
    withdraw.set('action', 'withdraw');
    withdraw.set('disclosureId', nov.id);
    withdraw.set('reason', '重复发布');
    const w = await fetch(`${server.url}/staff/disclosures/`, {
      method: 'POST',
      headers: { cookie: pub.cookie, origin: server.url },
      body: withdraw,
    });
    expect(w.status).toBe(200);
    const withdrawal = String(
      (
        await db.execute({
          sql: "SELECT id FROM disclosure_submissions WHERE disclosure_id = ? AND change = 'withdrawal'",
          args: [nov.id],
        })
      ).rows[0]!.id,
    );
    const approved = await fetch(`${server.url}/staff/approvals/${withdrawal}/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie: appr.cookie },
      body: new URLSearchParams({ _csrf: appr.csrf, action: 'approve' }).toString(),
    });
    expect(approved.status).toBe(200);
    expect((await fetch(`${server.url}/disclosures/files/${jpeg.sha}`)).status).toBe(404);
    expect((await fetch(`${server.url}/disclosures/files/${doc.sha}`)).status).toBe(404);
    expect((await fetch(`${server.url}/disclosures/files/not-a-hash`)).status).toBe(404);
    // A cache revalidating a withdrawn file is told it is gone, not that it is unchanged.
    const gone = await fetch(`${server.url}/disclosures/files/${jpeg.sha}`, {
      headers: { 'if-none-match': `"${jpeg.sha}"` },
    });
    expect(gone.status).toBe(404);
  }, 900_000);
});
