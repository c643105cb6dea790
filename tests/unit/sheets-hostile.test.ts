import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { isMessageKey } from '../../src/i18n/t.ts';
import { checkUpload, type UploadResult } from '../../src/publishing/sheets/check.ts';
import { xlsxTemplate } from '../../src/publishing/sheets/template.ts';
import { fillTemplate, uploadContext } from '../support/sheets.ts';
import { unzipEntries, zip } from '../support/zip.ts';
import { editWorkbook, hostileUploads, mainSheet } from '../support/hostile-sheets.ts';

/**
 * Hostile and broken files: every one is refused with a typed reason (a whole-file refusal, or located
 * problems with stable codes), nothing is thrown, and none comes out valid.
 */
const registry = readRegistry();
const published = readDisclosures(undefined, registry);
const unitName = (id: string) => registry.units.find((u) => u.id === id)!.name;
const ctx = uploadContext();
const canteen = published.canteenAccount.find((e) => e.id === 'xixi-central-primary-2026-08')!;
const units = { units: [{ id: 'xixi-central-primary', name: unitName('xixi-central-primary') }] };

const refusals = [
  'tooLarge',
  'empty',
  'notSpreadsheet',
  'legacyFormat',
  'zipBomb',
  'tooManyEntries',
  'macros',
  'encrypted',
  'csvEncoding',
  'csvMalformed',
  'unreadable',
];

function expectRefused(result: UploadResult, expected?: string) {
  expect(result.outcome).not.toBe('valid');
  if (result.outcome === 'refused') {
    expect(refusals).toContain(result.refusal);
    expect(result.text.length).toBeGreaterThan(0);
    if (expected) expect(result.refusal).toBe(expected);
  } else if (result.outcome === 'problems') {
    expect(result.problems.length).toBeGreaterThan(0);
    for (const p of result.problems) {
      expect(isMessageKey(p.code), p.code).toBe(true);
      expect(p.text).not.toMatch(/^(sheets|disclosures|common)\./);
    }
    if (expected) expect(result.problems.map((p) => p.code)).toContain(expected);
  }
}

let template: Uint8Array;
let valid: Uint8Array;
const hostile = hostileUploads({
  template: () => template,
  valid: () => valid,
  canteen,
  unitName,
  otherUnit: 'nanhu-nine-year-school',
});
const edit = (change: (wb: ExcelJS.Workbook) => void) => editWorkbook(valid, change);
const main = mainSheet;

beforeAll(async () => {
  template = await xlsxTemplate('canteenAccount', units);
  valid = await fillTemplate(template, 'canteenAccount', [canteen], unitName);
  // The base of the hostile variants is itself valid.
  expect((await checkUpload('canteenAccount', 'ok.xlsx', valid, ctx)).outcome).toBe('valid');
});

describe(`hostile uploads (${hostile.length} files)`, () => {
  test('there are at least 50', () => expect(hostile.length).toBeGreaterThanOrEqual(50));
  test.each(hostile.map((h) => [h.name, h] as const))('%s is refused with a typed reason', async (_, h) => {
    const bytes = await h.bytes();
    const result = await checkUpload('canteenAccount', h.file, bytes, {
      ...ctx,
      allowedUnits: ['xixi-central-primary'],
    });
    expectRefused(result, h.expected);
  });
});

describe('what Excel and WPS write', () => {
  test('inline strings and numbers stored as text read like shared strings and numbers', async () => {
    const parts = unzipEntries(Buffer.from(valid));
    const shared = [
      ...parts
        .find((p) => p.name === 'xl/sharedStrings.xml')!
        .data.toString()
        .matchAll(/<si><t[^>]*>([^<]*)<\/t><\/si>/g),
    ].map((m) => m[1]!);
    const rewritten = parts.map((p) =>
      p.name.startsWith('xl/worksheets/sheet')
        ? {
            ...p,
            data: Buffer.from(
              p.data
                .toString()
                .replace(
                  /<c r="([A-Z]+\d+)"([^>]*?) t="s"><v>(\d+)<\/v><\/c>/g,
                  (_, r: string, a: string, i: string) =>
                    `<c r="${r}"${a} t="inlineStr"><is><t>${shared[Number(i)]!}</t></is></c>`,
                )
                .replace(
                  /<c r="([A-Z]+\d+)"([^>]*?)><v>(-?[\d.]+)<\/v><\/c>/g,
                  (_, r: string, a: string, v: string) => `<c r="${r}"${a} t="inlineStr"><is><t>${v}</t></is></c>`,
                ),
            ),
          }
        : p,
    );
    const wps = zip(rewritten.map((p) => ({ ...p, deflate: true })));
    const sheetXml = rewritten
      .filter((p) => p.name.startsWith('xl/worksheets/sheet'))
      .map((p) => p.data.toString())
      .join('');
    expect(sheetXml).toContain('t="inlineStr"');
    expect(sheetXml).not.toContain('t="s"');
    expect(sheetXml).not.toMatch(/<c r="[A-Z]+\d+"[^>]*><v>/);
    const result = await checkUpload('canteenAccount', 'wps.xlsx', wps, ctx);
    if (result.outcome !== 'valid') throw new Error(JSON.stringify(result));
    expect(result.records[0]!.data).toEqual(canteen.data);
  });

  test('dates typed as dates (date cells) and as serial numbers', async () => {
    const asDate = await edit((wb) => (main(wb).getCell(3, 3).value = new Date(Date.UTC(2026, 8, 7))));
    const r1 = await checkUpload('canteenAccount', 'd.xlsx', asDate, ctx);
    expect(r1.outcome === 'valid' && r1.records[0]!.data.publishedOn).toBe('2026-09-07');
    const asSerial = await edit((wb) => (main(wb).getCell(3, 3).value = 46272));
    const r2 = await checkUpload('canteenAccount', 's.xlsx', asSerial, ctx);
    expect(r2.outcome === 'valid' && r2.records[0]!.data.publishedOn).toBe('2026-09-07');
  });
});
