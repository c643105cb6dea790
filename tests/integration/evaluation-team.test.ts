import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { TEST_NOW } from '../support/channel.ts';
import { scoringSources } from '../support/scoring.ts';
import type { Database } from '../../src/db/client.ts';
import { readChain, verifyChain } from '../../src/db/audit-chain.ts';
import { standardOf, unitMarks, unitScorecard, recordMark } from '../../src/services/scoring.ts';
import {
  answerUnitAppeal,
  appealsFor,
  lodgeAppeal,
  publicEvaluation,
  recordTeamMark,
  signOffUnit,
  teamView,
} from '../../src/services/evaluation-team.ts';
import {
  attachmentStore,
  fileResponse,
  publicEvidenceFile,
  staffEvidenceFile,
  storeAttachment,
  ATTACHMENT_MAX_BYTES,
  type AttachmentStore,
} from '../../src/services/attachments.ts';

/**
 * Issue 17, the evaluation team, through the services over a real migrated libSQL file: two evaluators,
 * evidence with a photo carrying GPS EXIF, the lead's reconciliation and sign-off, the locks (service and
 * triggers), appeals inside and after the window, the re-sign-off of an upheld appeal, and the audit chain.
 */
const sources = scoringSources(TEST_NOW);
const standard = standardOf(sources, 2026)!;
const UNIT = 'xixi-central-primary';
const E1 = 'staff:evaluator-one';
const E2 = 'staff:evaluator-two';
const LEAD = 'staff:lead';
const RESPONDER = 'staff:responder';
const day = 86_400_000;

let database: Database;
let dispose: () => void;
let store: AttachmentStore;
let filesDir: string;

/** A JPEG whose EXIF carries GPS coordinates and a camera name (sharp writes them). */
async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'MarkerCam', Model: 'GPS-Leak-9000' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 15/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 10/1 0/1' },
    })
    .toBuffer();
}

const count = async (sql: string, args: (string | number)[] = []) =>
  Number((await database.client.execute({ sql, args })).rows[0]!.n);

beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
  filesDir = mkdtempSync(join(tmpdir(), 'qinglian-attachments-'));
  store = attachmentStore(database, join(filesDir, 'nested', 'attachments'));
});
afterAll(() => {
  dispose();
  rmSync(filesDir, { recursive: true, force: true });
});

describe('attachment store', () => {
  test('a JPEG with GPS EXIF is stored re-encoded: the served bytes carry no EXIF at all', async () => {
    const original = await jpegWithGps();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    expect(original.includes(Buffer.from('GPS-Leak-9000'))).toBe(true);
    const r = await storeAttachment(store, original, E1, TEST_NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.attachment.mime).toBe('image/jpeg');
    const stored = readFileSync(join(store.dir, r.attachment.sha256.slice(0, 2), r.attachment.sha256));
    const meta = await sharp(stored).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.format).toBe('jpeg');
    expect(stored.includes(Buffer.from('GPS-Leak-9000'))).toBe(false);
    expect(stored.includes(Buffer.from('Exif\0\0'))).toBe(false);
  });

  test('type by content only; size limit; empty and corrupt files refused with stable codes', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    expect(await storeAttachment(store, pdf, E1, TEST_NOW)).toMatchObject({
      ok: true,
      attachment: { mime: 'application/pdf' },
    });
    const png = await sharp({ create: { width: 4, height: 4, channels: 4, background: '#00ff00' } })
      .png()
      .toBuffer();
    expect(await storeAttachment(store, png, E1, TEST_NOW)).toMatchObject({
      ok: true,
      attachment: { mime: 'image/png' },
    });
    expect(await storeAttachment(store, Buffer.from('<html><script>alert(1)</script>'), E1, TEST_NOW)).toEqual({
      ok: false,
      code: 'attachment.type',
      status: 422,
    });
    expect(await storeAttachment(store, Buffer.from('GIF89a......'), E1, TEST_NOW)).toMatchObject({
      code: 'attachment.type',
    });
    expect(await storeAttachment(store, new Uint8Array(0), E1, TEST_NOW)).toMatchObject({
      code: 'attachment.empty',
      status: 422,
    });
    expect(await storeAttachment(store, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), E1, TEST_NOW)).toMatchObject({
      code: 'attachment.unreadable',
      status: 422,
    });
    const big = new Uint8Array(ATTACHMENT_MAX_BYTES + 1);
    big.set([0x25, 0x50, 0x44, 0x46, 0x2d]);
    expect(await storeAttachment(store, big, E1, TEST_NOW)).toEqual({
      ok: false,
      code: 'attachment.tooLarge',
      status: 413,
    });
  });

  test('a PDF is served as a sandboxed download that is never sniffed', async () => {
    const res = fileResponse({ mime: 'application/pdf', bytes: Buffer.from('%PDF-1.4') }, 'a'.repeat(64), 'public');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(res.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('two evaluators, the lead, the locks and an appeal', () => {
  let photo: string;
  let pdf: string;

  test('each evaluator records their own marks with a reason; identifiers in a note are refused', async () => {
    const p = await storeAttachment(store, await jpegWithGps(), E1, TEST_NOW);
    const d = await storeAttachment(store, Buffer.from('%PDF-1.7\nminutes\n%%EOF'), E2, TEST_NOW);
    if (!p.ok || !d.ok) throw new Error('store failed');
    photo = p.attachment.sha256;
    pdf = d.attachment.sha256;
    const s1 = { itemKey: 'S1', deductions: [{ key: 'notPublished', count: 1 }], note: '招生结果未按期公开一项' };
    expect(await recordTeamMark(database, standard, UNIT, s1, [photo], E1, TEST_NOW)).toEqual({ ok: true });
    const s1b = { itemKey: 'S1', deductions: [{ key: 'notPublished', count: 2 }], note: '招生计划和结果均未公开' };
    expect(await recordTeamMark(database, standard, UNIT, s1b, [pdf], E2, TEST_NOW)).toEqual({ ok: true });
    const s3 = { itemKey: 'S3', deductions: [], note: '陪餐记录完整' };
    expect(await recordTeamMark(database, standard, UNIT, s3, [], E1, TEST_NOW)).toEqual({ ok: true });
    expect(await recordTeamMark(database, standard, UNIT, s3, [], E2, TEST_NOW)).toEqual({ ok: true });

    expect(await recordTeamMark(database, standard, UNIT, { itemKey: 'S3', deductions: [] }, [], E1, TEST_NOW)).toEqual(
      {
        ok: false,
        code: 'invalid',
        fields: { note: ['scoring.mark.note.required'] },
      },
    );
    for (const note of ['联系人手机 13987654321', '身份证 110101199003074514', '卡号 6222 0212 3456 7890 128'])
      expect(await recordTeamMark(database, standard, UNIT, { itemKey: 'S3', note }, [], E1, TEST_NOW), note).toEqual({
        ok: false,
        code: 'invalid',
        fields: { note: ['scoring.mark.note.identifier'] },
      });
    // The refused notes changed nothing.
    expect(
      (await teamView(database, standard, UNIT))!.items.find((i) => i.itemKey === 'S3')!.marks.map((m) => m.note),
    ).toEqual(['陪餐记录完整', '陪餐记录完整']);
  });

  test('before the sign-off a photo is staff-only', async () => {
    expect(await publicEvidenceFile(store, photo)).toBeNull();
    expect(await staffEvidenceFile(store, photo, UNIT, 2026)).not.toBeNull();
    expect(await staffEvidenceFile(store, photo, 'hetang-village', 2026)).toBeNull();
  });

  test('the lead must choose and give a reason where evaluators differ, then signs off in one batch with its audit', async () => {
    const view = (await teamView(database, standard, UNIT))!;
    expect(view.evaluators).toEqual([E1, E2]);
    expect(view.items.map((i) => [i.itemKey, i.agreed])).toEqual([
      ['S1', false],
      ['S3', true],
    ]);
    expect(await signOffUnit(database, standard, UNIT, { choices: {}, reasons: {} }, LEAD, TEST_NOW)).toEqual({
      ok: false,
      code: 'invalid',
      fields: { 'choice.S1': ['scoring.signoff.choice.required'], 'reason.S1': ['scoring.signoff.reason.required'] },
    });
    const e2Mark = view.items[0]!.marks.find((m) => m.evaluator === E2)!;
    const auditBefore = await count("SELECT count(*) AS n FROM audit_events WHERE action LIKE 'evaluation.%'");
    expect(
      await signOffUnit(
        database,
        standard,
        UNIT,
        { choices: { S1: e2Mark.id }, reasons: { S1: '现场核查两项均未公开' } },
        LEAD,
        TEST_NOW,
      ),
    ).toEqual({ ok: true });
    // One sign-off row, two reconciled marks, and their three audit rows.
    expect(await count("SELECT count(*) AS n FROM audit_events WHERE action LIKE 'evaluation.%'")).toBe(
      auditBefore + 3,
    );
    const marks = await unitMarks(database, 2026, UNIT);
    expect(marks.S1).toMatchObject({ deductions: [{ key: 'notPublished', count: 2 }], note: '招生计划和结果均未公开' });
    const card = (await unitScorecard(database, standard, sources, UNIT))!.card;
    expect(card.indicators.find((i) => i.key === 'S1')!.points).toBe(4);
    expect(await signOffUnit(database, standard, UNIT, { choices: {}, reasons: {} }, LEAD, TEST_NOW)).toMatchObject({
      code: 'conflict',
    });
  });

  test('where evaluators differ the lead may also set the final mark, checked like any mark', async () => {
    const other = 'nanhu-nine-year-school';
    for (const [who, count] of [
      [E1, 1],
      [E2, 2],
    ] as const)
      expect(
        await recordTeamMark(
          database,
          standard,
          other,
          { itemKey: 'S1', deductions: [{ key: 'notPublished', count }], note: '招生信息公开情况（测试）' },
          [],
          who,
          TEST_NOW,
        ),
      ).toEqual({ ok: true });
    const reasons = { S1: '组长现场复核后核定' };
    expect(
      await signOffUnit(
        database,
        standard,
        other,
        { choices: { S1: 'set' }, reasons, set: { S1: { deductions: [{ key: 'nope', count: 1 }] } } },
        LEAD,
        TEST_NOW,
      ),
    ).toEqual({ ok: false, code: 'invalid', fields: { 'm.S1.deductions.0.key': ['scoring.mark.deduction.unknown'] } });
    expect(
      await signOffUnit(
        database,
        standard,
        other,
        { choices: { S1: 'set' }, reasons, set: { S1: { deductions: [{ key: 'notPublished', count: 3 }] } } },
        LEAD,
        TEST_NOW,
      ),
    ).toEqual({ ok: true });
    expect((await unitMarks(database, 2026, other)).S1).toMatchObject({
      deductions: [{ key: 'notPublished', count: 3 }],
      note: '组长现场复核后核定',
    });
    expect(
      (await unitScorecard(database, standard, sources, other))!.card.indicators.find((i) => i.key === 'S1')!.points,
    ).toBe(2);
  });

  test('signed off: the evidence is public, edits are refused by the service and by the triggers', async () => {
    expect(await publicEvidenceFile(store, photo)).not.toBeNull();
    const pub = (await publicEvaluation(database, standard, UNIT))!;
    expect(pub.evidence.S1!.flatMap((e) => e.files).toSorted()).toEqual([photo, pdf].toSorted());
    expect(await recordTeamMark(database, standard, UNIT, { itemKey: 'S1', note: '改一下' }, [], E1, TEST_NOW)).toEqual(
      { ok: false, code: 'conflict', fields: { _: ['scoring.signoff.locked'] } },
    );
    expect(await recordMark(database, standard, UNIT, { itemKey: 'S1', deductions: [] }, E1, TEST_NOW)).toMatchObject({
      code: 'conflict',
    });
    const locked = /signed off, locked/;
    await expect(
      database.client.execute({
        sql: "UPDATE evaluation_marks SET deductions = '[]' WHERE unit_id = ? AND year = 2026 AND item_key = 'S1'",
        args: [UNIT],
      }),
    ).rejects.toThrow(locked);
    await expect(
      database.client.execute({ sql: 'DELETE FROM evaluation_marks WHERE unit_id = ? AND year = 2026', args: [UNIT] }),
    ).rejects.toThrow(locked);
    await expect(
      database.client.execute({ sql: "UPDATE evaluator_marks SET note = 'x' WHERE unit_id = ?", args: [UNIT] }),
    ).rejects.toThrow(locked);
    await expect(
      database.client.execute({
        sql: "INSERT INTO evaluator_marks (id, unit_id, year, item_key, evaluator, deductions, note, recorded_at) VALUES ('x', ?, 2026, 'S2', 'staff:x', '[]', 'n', 0)",
        args: [UNIT],
      }),
    ).rejects.toThrow(locked);
    await expect(database.client.execute('DELETE FROM evaluation_signoffs')).rejects.toThrow(/append-only/);
    expect((await unitMarks(database, 2026, UNIT)).S1!.deductions).toEqual([{ key: 'notPublished', count: 2 }]);
  });

  test('appeals: only the unit, only inside the window, identifiers refused; the lead answers once', async () => {
    const responder = { unitIds: [UNIT] };
    const input = { unitId: UNIT, itemKey: 'S1', reason: '招生计划已在校门口公示，附照片为证' };
    expect(await lodgeAppeal(database, standard, { unitIds: ['hetang-village'] }, input, RESPONDER, TEST_NOW)).toEqual({
      ok: false,
      code: 'not_found',
    });
    expect(
      await lodgeAppeal(database, standard, responder, { ...input, reason: '请致电 13987654321' }, RESPONDER, TEST_NOW),
    ).toEqual({ ok: false, code: 'invalid', fields: { reason: ['scoring.appeal.reason.identifier'] } });
    const late = new Date(TEST_NOW.getTime() + (standard.appeal.days + 1) * day);
    expect(await lodgeAppeal(database, standard, responder, input, RESPONDER, late)).toEqual({
      ok: false,
      code: 'deadline_passed',
      fields: { _: ['scoring.appeal.windowClosed'] },
    });
    const inside = new Date(TEST_NOW.getTime() + standard.appeal.days * day - 1000);
    expect(await lodgeAppeal(database, standard, responder, input, RESPONDER, inside)).toEqual({ ok: true });
    const [appeal] = await appealsFor(database, [UNIT]);
    expect(appeal).toMatchObject({ itemKey: 'S1', answer: null });

    // Upheld with a new mark: a recorded re-sign-off (version 2) changes S1 through the trigger's one door.
    expect(
      await answerUnitAppeal(
        database,
        sources.standards,
        appeal!.id,
        {
          answer: '经复核，招生计划已公示，改为扣一处',
          outcome: 'upheld',
          mark: { deductions: [{ key: 'notPublished', count: 1 }] },
        },
        LEAD,
        inside,
      ),
    ).toEqual({ ok: true });
    expect(
      await answerUnitAppeal(
        database,
        sources.standards,
        appeal!.id,
        { answer: '再答', outcome: 'rejected' },
        LEAD,
        inside,
      ),
    ).toMatchObject({ code: 'conflict' });
    const [answered] = await appealsFor(database, [UNIT]);
    expect(answered).toMatchObject({
      outcome: 'upheld',
      answer: '经复核，招生计划已公示，改为扣一处',
      answeredBy: LEAD,
    });
    expect((await unitMarks(database, 2026, UNIT)).S1!.deductions).toEqual([{ key: 'notPublished', count: 1 }]);
    const pub = (await publicEvaluation(database, standard, UNIT))!;
    expect(pub.version).toBe(2);
    expect(pub.appeals).toEqual([{ itemKey: 'S1', lodgedAt: inside, answeredAt: inside, outcome: 'upheld' }]);
    expect(JSON.stringify(pub)).not.toContain(RESPONDER);
    expect(JSON.stringify(pub)).not.toContain('附照片为证');
    // Still locked for anything but a recorded re-sign-off.
    await expect(
      database.client.execute({
        sql: "UPDATE evaluation_marks SET signoff_version = signoff_version + 1, deductions = '[]' WHERE unit_id = ? AND item_key = 'S1'",
        args: [UNIT],
      }),
    ).rejects.toThrow(/signed off, locked/);
  });

  test('every step is in the audit log and the hash chain verifies', async () => {
    await database.seal();
    const actions = (
      await database.client.execute({
        sql: "SELECT action FROM audit_events WHERE subject_id = ? AND action LIKE 'evaluation.%' ORDER BY id",
        args: [UNIT],
      })
    ).rows.map((r) => String(r.action));
    expect(actions.filter((a) => a === 'evaluation.team.mark')).toHaveLength(4);
    expect(actions.filter((a) => a === 'evaluation.signoff')).toHaveLength(2);
    expect(actions).toContain('evaluation.appeal.lodge');
    expect(actions).toContain('evaluation.appeal.answer');
    expect(await count("SELECT count(*) AS n FROM audit_events WHERE action = 'attachments.store'")).toBeGreaterThan(0);
    const report = verifyChain(await readChain(database.client));
    expect(report.ok).toBe(true);
    // No note text, reason or answer in the audit details.
    const details = (
      await database.client.execute("SELECT detail FROM audit_events WHERE action LIKE 'evaluation.%'")
    ).rows
      .map((r) => String(r.detail))
      .join('\n');
    expect(details).not.toContain('附照片为证');
    expect(details).not.toContain('经复核');
  });
});

describe('migration 0007 on a database with marks from before the evaluation team', () => {
  test('existing marks are backfilled as signed off by `legacy` and locked', async () => {
    const { cpSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { migrate } = await import('drizzle-orm/libsql/migrator');
    const { openDatabase, migrateDatabase, MIGRATIONS_FOLDER } = await import('../../src/db/client.ts');
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-0007-'));
    const upTo6 = join(dir, 'migrations');
    mkdirSync(join(upTo6, 'meta'), { recursive: true });
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    const before = journal.entries.filter((e) => e.tag < '0007');
    expect(before).toHaveLength(7);
    for (const e of before) cpSync(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(upTo6, `${e.tag}.sql`));
    writeFileSync(join(upTo6, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: before }));
    const db = await openDatabase({ url: `file:${join(dir, 'old.db')}` });
    try {
      await migrate(db.db, { migrationsFolder: upTo6 });
      await db.client.execute('PRAGMA foreign_keys = OFF');
      await db.client.execute(
        "INSERT INTO evaluation_marks (id, unit_id, year, item_key, deductions, evaluator, recorded_at) VALUES ('u:2025:S1', 'u', 2025, 'S1', '[]', 'staff:old', 1700000000000)",
      );
      await db.client.execute('PRAGMA foreign_keys = ON');
      await migrateDatabase(db);
      const mark = (await db.client.execute('SELECT signed_off_at, signoff_version FROM evaluation_marks')).rows[0]!;
      expect([Number(mark.signed_off_at), Number(mark.signoff_version)]).toEqual([1700000000000, 1]);
      const signoff = (await db.client.execute('SELECT unit_id, year, version, signed_by FROM evaluation_signoffs'))
        .rows;
      expect(signoff.map((r) => [r.unit_id, r.year, r.version, r.signed_by])).toEqual([['u', 2025, 1, 'legacy']]);
      await expect(db.client.execute("UPDATE evaluation_marks SET note = 'x'")).rejects.toThrow(/signed off, locked/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
