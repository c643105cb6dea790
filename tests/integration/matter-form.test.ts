import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { attachments, disclosureAttachments, disclosureSubmissions } from '../../src/db/schema.ts';
import { attachmentStore, type AttachmentStore } from '../../src/services/attachments.ts';
import { handleMatterForm, type MatterFormState } from '../../src/staff/matter-form.ts';
import { freshDatabase } from '../support/db.ts';
import { fakeAstro } from '../support/astro.ts';
import { uploadContext } from '../support/sheets.ts';
import { readDisclosureFiles } from '../../src/content/files.ts';

/**
 * The plain HTML form of one matter (/staff/disclosures/matter/, issue 12) on a real libSQL file: a valid matter is
 * stored as a submission awaiting approval (the same createSubmission as an upload); a bad field answers 422 naming
 * it, and an ID number in the text is refused by the identifier detector; nothing is stored then. Attachments sent
 * as the middleware hands a multipart post over (`locals.staffUpload`): a JPEG and a PDF are stored with the
 * submission; a bad file is refused 422 naming it and nothing at all is stored (no submission, link, row or file).
 */
let database: Database;
let dispose: () => void;
let store: AttachmentStore;
const filesDir = mkdtempSync(join(tmpdir(), 'qinglian-matter-files-'));
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase({ seed: false }));
  store = attachmentStore(database, join(filesDir, 'attachments'));
});
afterAll(() => {
  dispose();
  rmSync(filesDir, { recursive: true, force: true });
});

const now = new Date('2026-12-02T02:00:00Z');
const contentIds = new Set(
  Object.values(readDisclosureFiles())
    .flat()
    .map((f) => f.id),
);
const input = {
  database: undefined as unknown as Database,
  now,
  submittedBy: 'staff:publisher-hospital',
  uploadContext: () => Promise.resolve(uploadContext({ allowedUnits: ['qinglan-peoples-hospital'] })),
  contentIds: () => Promise.resolve(contentIds),
};
const valid = {
  id: 'hospital-2026-q4-drugs',
  unit: 'qinglan-peoples-hospital',
  power: '药品耗材采购',
  title: '2026 年第四季度新增药品遴选结果',
  decidedOn: '2026-11-20',
  publicityStart: '2026-11-23',
  publicityEnd: '2026-11-27',
  amount: '12,345.60',
  text: '经药事会遴选、院长办公会研究，新增药品 6 个品规。\r\n对结果有异议的，可向医院纪检监察室反映。',
  publishedOn: '2026-11-23',
  doc1Title: '新增品规目录',
  doc1Date: '2026-11-20',
};

async function post(form: Record<string, string>) {
  const astro = fakeAstro({ url: '/staff/disclosures/matter/', form });
  return handleMatterForm(astro, { ...input, database });
}
const rows = () => database.db.select().from(disclosureSubmissions);
const asState = (r: MatterFormState | Response) => {
  if (r instanceof Response) throw new Error(`expected a form state, got ${r.status}`);
  return r;
};

describe('the matter form', () => {
  test('a GET shows the empty form', async () => {
    const r = asState(await handleMatterForm(fakeAstro({ url: '/staff/disclosures/matter/' }), { ...input, database }));
    expect(r).toMatchObject({ status: 200, errors: {}, summary: [] });
  });

  test('a bad field answers 422 naming it, in the summary too; nothing is stored', async () => {
    const r = asState(
      await post({ ...valid, power: '大型医用设备购置x', amount: '12.345', publicityEnd: '2026-11-01' }),
    );
    expect(r.status).toBe(422);
    // The amount is refused before the rules run (like an upload's cell); fix it and the rules speak.
    expect(Object.keys(r.errors)).toEqual(['amount']);
    expect(r.errors['amount']).toContain('涉及金额（元）');
    const r2 = asState(await post({ ...valid, power: '大型医用设备购置x', publicityEnd: '2026-11-01' }));
    expect(r2.status).toBe(422);
    expect(Object.keys(r2.errors).toSorted()).toEqual(['power', 'publicityEnd']);
    expect(r2.errors['power']).toContain('不在本单位的小微权力清单中');
    expect(r2.errors['power']).toContain('药品耗材采购');
    expect(r2.errors['publicityEnd']).toContain('结束日期早于开始日期');
    expect(r2.summary.map((s) => s.href)).toEqual(['#f-power', '#f-publicityEnd']);
    // What was typed comes back in the fields.
    expect(r2.values.title).toBe(valid.title);
    const missing = asState(await post({ ...valid, title: '', decidedOn: '2026-02-30' }));
    expect(missing.status).toBe(422);
    expect(Object.keys(missing.errors).toSorted()).toEqual(['decidedOn', 'title']);
    expect(await rows()).toEqual([]);
  });

  test('an ID number or a mobile number in the text is refused by the identifier detector; nothing is stored', async () => {
    const id = asState(await post({ ...valid, text: '经办人身份证号 11010519491231002X。' }));
    expect(id.status).toBe(422);
    expect(Object.keys(id.errors)).toEqual(['text']);
    expect(id.errors['text']).toContain('身份证');
    expect(id.errors['text']).not.toContain('11010519491231002X');
    const phone = asState(await post({ ...valid, doc1Title: '联系 13812345678' }));
    expect(Object.keys(phone.errors)).toEqual(['doc1Title']);
    expect(await rows()).toEqual([]);
  });

  test('a unit the publisher does not publish for is refused', async () => {
    const r = asState(await post({ ...valid, unit: 'qinglan-water', power: '工程建设项目招标' }));
    expect(r.status).toBe(422);
    expect(Object.keys(r.errors)).toEqual(['unit']);
    expect(await rows()).toEqual([]);
  });

  test('a valid matter is stored as a submission awaiting approval (303 back to the form)', async () => {
    const r = await post(valid);
    expect(r).toBeInstanceOf(Response);
    const res = r as Response;
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/disclosures/matter/?submitted=hospital-2026-q4-drugs');
    const stored = await rows();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      kind: 'matter',
      unitId: 'qinglan-peoples-hospital',
      disclosureId: 'hospital-2026-q4-drugs',
      change: 'publish',
      state: 'submitted',
      submittedBy: 'staff:publisher-hospital',
      sourceFileName: null,
    });
    // The record as the schema parsed it: exact fen, line breaks normalised, the document kept, demo on the demo city.
    expect(stored[0]!.data).toEqual({
      unit: 'qinglan-peoples-hospital',
      power: '药品耗材采购',
      title: valid.title,
      decidedOn: '2026-11-20',
      publicity: { start: '2026-11-23', end: '2026-11-27' },
      amountFen: 1_234_560,
      text: '经药事会遴选、院长办公会研究，新增药品 6 个品规。\n对结果有异议的，可向医院纪检监察室反映。',
      documents: [{ title: '新增品规目录', date: '2026-11-20' }],
      publishedOn: '2026-11-23',
      demo: true,
    });
  });

  test('the id of a content file is refused with the store’s code', async () => {
    const taken = asState(await post({ ...valid, id: 'qinglan-peoples-hospital-2026-drug-consumables' }));
    expect(taken.status).toBe(409);
    expect(taken.errors['id']).toContain('store.disclosureId.inContent');
    expect(await rows()).toHaveLength(1);
  });
});

/** The form posted as multipart, parsed as the middleware parses it (src/staff/upload.ts → `locals.staffUpload`). */
async function postMultipart(form: Record<string, string>, files: { name: string; bytes: Uint8Array }[]) {
  const body = new FormData();
  body.set('_csrf', 'checked-by-the-middleware');
  for (const [k, v] of Object.entries(form)) body.set(k, v);
  if (files.length === 0) body.append('attachments', new Blob([]), '');
  for (const f of files) body.append('attachments', new Blob([new Uint8Array(f.bytes)]), f.name);
  const astro = fakeAstro({
    url: '/staff/disclosures/matter/',
    method: 'POST',
    locals: { staffUpload: body, attachments: store },
  });
  return handleMatterForm(astro, { ...input, database, attachments: store });
}
const storedFiles = () =>
  readdirSync(store.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
const snapshot = async () => ({
  submissions: (await rows()).length,
  links: (await database.db.select().from(disclosureAttachments)).length,
  attachments: (await database.db.select().from(attachments)).length,
  files: storedFiles(),
});
const pdf = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
const html = new TextEncoder().encode('<!doctype html><title>x</title><script>alert(1)</script>');
const jpeg = async () =>
  new Uint8Array(
    await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 20, g: 120, b: 200 } } })
      .jpeg()
      .toBuffer(),
  );

describe('attachments on the matter form', () => {
  test('an HTML file named .jpg is refused 422 naming it (and every other bad file); nothing is stored', async () => {
    const before = await snapshot();
    const r = asState(
      await postMultipart({ ...valid, id: 'hospital-2026-q4-refused' }, [
        { name: '采购合同.pdf', bytes: pdf },
        { name: '发票扫描.jpg', bytes: html },
        { name: '联系 13812345678.pdf', bytes: pdf },
      ]),
    );
    expect(r.status).toBe(422);
    expect(Object.keys(r.errors)).toEqual(['attachments']);
    expect(r.errors['attachments']).toContain('附件「发票扫描.jpg」不是 PDF、JPEG 或 PNG 文件');
    expect(r.errors['attachments']).toContain('attachment.type');
    expect(r.errors['attachments']).toContain('attachment.name');
    expect(r.errors['attachments']).not.toContain('采购合同');
    expect(r.summary).toEqual([{ href: '#f-attachments', text: r.errors['attachments'] }]);
    // What was typed comes back.
    expect(r.values.title).toBe(valid.title);
    expect(await snapshot()).toEqual(before);
  });

  test('a bad file next to a bad field: both are named in one answer, nothing is stored', async () => {
    const before = await snapshot();
    const r = asState(
      await postMultipart({ ...valid, id: 'hospital-2026-q4-refused', title: '' }, [
        { name: '发票扫描.jpg', bytes: html },
      ]),
    );
    expect(r.status).toBe(422);
    expect(Object.keys(r.errors).toSorted()).toEqual(['attachments', 'title']);
    expect(r.summary.map((s) => s.href)).toEqual(['#f-title', '#f-attachments']);
    expect(await snapshot()).toEqual(before);
  });

  test('a multipart post without files is stored like a urlencoded one (no attachment)', async () => {
    const before = await snapshot();
    const r = await postMultipart({ ...valid, id: 'hospital-2026-q4-no-files' }, []);
    expect(r).toBeInstanceOf(Response);
    expect((r as Response).status).toBe(303);
    expect(await snapshot()).toEqual({ ...before, submissions: before.submissions + 1 });
  });

  test('a valid matter with a JPEG and a PDF stores the submission, its links, the rows and the files', async () => {
    const before = await snapshot();
    const photo = await jpeg();
    const r = await postMultipart({ ...valid, id: 'hospital-2026-q4-with-files' }, [
      { name: '遴选会议记录.jpg', bytes: photo },
      { name: '新增品规目录.pdf', bytes: pdf },
    ]);
    expect(r).toBeInstanceOf(Response);
    expect((r as Response).status).toBe(303);
    expect((r as Response).headers.get('location')).toBe(
      '/staff/disclosures/matter/?submitted=hospital-2026-q4-with-files',
    );
    expect(await snapshot()).toEqual({
      submissions: before.submissions + 1,
      links: before.links + 2,
      attachments: before.attachments + 2,
      files: before.files + 2,
    });
    const submission = (await rows()).find((s) => s.disclosureId === 'hospital-2026-q4-with-files')!;
    expect(submission).toMatchObject({ kind: 'matter', change: 'publish', state: 'submitted' });
    const links = (await database.db.select().from(disclosureAttachments))
      .filter((l) => l.submissionId === submission.id)
      .toSorted((a, b) => a.position - b.position);
    expect(links.map((l) => l.name)).toEqual(['遴选会议记录.jpg', '新增品规目录.pdf']);
    const types = new Map((await database.db.select().from(attachments)).map((a) => [a.sha256, a.mime]));
    expect(links.map((l) => types.get(l.sha256))).toEqual(['image/jpeg', 'application/pdf']);
    // The PDF is kept as sent; the photo is re-encoded (and still a JPEG).
    const pdfLink = links[1]!;
    expect(new Uint8Array(readFileSync(join(store.dir, pdfLink.sha256.slice(0, 2), pdfLink.sha256)))).toEqual(pdf);
    const photoLink = links[0]!;
    const storedPhoto = readFileSync(join(store.dir, photoLink.sha256.slice(0, 2), photoLink.sha256));
    expect((await sharp(storedPhoto).metadata()).format).toBe('jpeg');
  });
});
