import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { isMessageKey } from '../../src/i18n/t.ts';
import { checkUpload, type UploadResult } from '../../src/publishing/sheets/check.ts';
import { xlsxTemplate } from '../../src/publishing/sheets/template.ts';
import { csvText, fillTemplate, uploadContext } from '../support/sheets.ts';
import { unzipEntries, zip } from '../support/zip.ts';

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

/** A deterministic generator (mulberry32), so a failing case can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
const hostile: { name: string; file: string; bytes: () => Promise<Uint8Array> | Uint8Array; expected?: string }[] = [];
const add = (name: string, file: string, bytes: () => Promise<Uint8Array> | Uint8Array, expected?: string) =>
  hostile.push(expected === undefined ? { name, file, bytes } : { name, file, bytes, expected });

async function edit(change: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(valid) as unknown as ArrayBuffer);
  change(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
const main = (wb: ExcelJS.Workbook) => wb.getWorksheet('月度收支')!;

add('a 50 MB file', 'big.xlsx', () => new Uint8Array(50 * 1024 * 1024), 'tooLarge');
add('an empty file', 'empty.csv', () => new Uint8Array(0), 'empty');
add(
  'a PNG image',
  'photo.xlsx',
  () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  'notSpreadsheet',
);
add(
  'a legacy .xls (OLE)',
  'old.xls',
  () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
  'legacyFormat',
);
add('an .xlsm by name', 'macro.xlsm', () => valid, 'macros');
add(
  'a workbook with vbaProject.bin',
  'm.xlsx',
  () => zip([...unzipEntries(Buffer.from(valid)), { name: 'xl/vbaProject.bin', data: Buffer.from('VBA') }]),
  'macros',
);
add(
  'a macro-enabled content type',
  'm.xlsx',
  () =>
    zip(
      unzipEntries(Buffer.from(valid)).map((e) =>
        e.name === '[Content_Types].xml'
          ? { ...e, data: Buffer.from(e.data.toString().replace('sheet.main+xml', 'sheet.macroEnabled.main+xml')) }
          : e,
      ),
    ),
  'macros',
);
add(
  'a zip bomb (100 MB of zeros in one entry)',
  'bomb.xlsx',
  () =>
    zip([
      ...unzipEntries(Buffer.from(valid)).filter((e) => e.name !== 'xl/worksheets/sheet3.xml'),
      { name: 'xl/worksheets/sheet3.xml', data: Buffer.alloc(100 * 1024 * 1024), deflate: true },
    ]),
  'zipBomb',
);
add(
  'a zip bomb that lies about its size',
  'liar.xlsx',
  () =>
    zip([
      ...unzipEntries(Buffer.from(valid)),
      { name: 'xl/media/x.bin', data: Buffer.alloc(30 * 1024 * 1024), deflate: true, declaredSize: 1000 },
    ]),
  'zipBomb',
);
add(
  'a zip with 300 entries',
  'many.xlsx',
  () =>
    zip([
      ...unzipEntries(Buffer.from(valid)),
      ...Array.from({ length: 300 }, (_, i) => ({ name: `xl/media/${i}.bin`, data: Buffer.from('x') })),
    ]),
  'tooManyEntries',
);
add(
  'a zip without a workbook',
  'nowb.xlsx',
  () =>
    zip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'hello.txt', data: Buffer.from('hi') },
    ]),
  'notSpreadsheet',
);
add(
  'a damaged entry (CRC mismatch)',
  'crc.xlsx',
  () => {
    const z = Buffer.from(zip(unzipEntries(Buffer.from(valid))));
    const at = z.indexOf(Buffer.from('<worksheet'));
    z[at + 1] = 0x78;
    return z;
  },
  'notSpreadsheet',
);
add(
  'an encrypted entry',
  'enc.xlsx',
  () => {
    const z = Buffer.from(zip(unzipEntries(Buffer.from(valid))));
    const cd = z.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    z.writeUInt16LE(1, cd + 8);
    return z;
  },
  'encrypted',
);
add(
  'a formula instead of a typed value',
  'f.xlsx',
  () => edit((wb) => (main(wb).getCell(3, 6).value = { formula: 'E3+1', result: 3 } as ExcelJS.CellFormulaValue)),
  'sheets.cell.formula',
);
add('merged header cells', 'merge.xlsx', () => edit((wb) => main(wb).mergeCells('B1:C1')), 'sheets.header.merged');
add(
  'a renamed column',
  'rename.xlsx',
  () => edit((wb) => (main(wb).getCell(1, 5).value = '期初')),
  'sheets.header.renamed',
);
add(
  'an extra column',
  'extra.xlsx',
  () => edit((wb) => (main(wb).getCell(1, 11).value = '备注')),
  'sheets.header.extra',
);
add(
  'a missing column',
  'missing.xlsx',
  () => edit((wb) => (main(wb).getCell(1, 10).value = null)),
  'sheets.header.missing',
);
add(
  'an empty sheet',
  'emptysheet.xlsx',
  () =>
    edit((wb) => {
      wb.removeWorksheet(wb.getWorksheet('收入明细')!.id);
      wb.addWorksheet('收入明细');
    }),
  'sheets.sheet.empty',
);
add(
  'a missing sheet',
  'nosheet.xlsx',
  () => edit((wb) => wb.removeWorksheet(wb.getWorksheet('支出明细')!.id)),
  'sheets.sheet.missing',
);
add(
  'an unknown sheet',
  'unknown.xlsx',
  () => edit((wb) => wb.addWorksheet('Sheet1').addRow(['x'])),
  'sheets.sheet.unknown',
);
add(
  'too many rows',
  'rows.xlsx',
  () =>
    edit((wb) => {
      const ws = wb.getWorksheet('收入明细')!;
      for (let r = 0; r < 5_010; r++) ws.addRow([canteen.id, '伙食费', '', 1]);
    }),
  'sheets.sheet.tooManyRows',
);
add(
  'an amount with three decimals',
  'dec.xlsx',
  () => edit((wb) => (main(wb).getCell(3, 5).value = 8914.021)),
  'sheets.value.amountDecimals',
);
add(
  'an amount computed in floating point',
  'float.xlsx',
  () => edit((wb) => (main(wb).getCell(3, 5).value = 0.1 + 0.2)),
  'sheets.value.amountDecimals',
);
add(
  'a value not in the drop-down',
  'enum.xlsx',
  () => edit((wb) => (wb.getWorksheet('收入明细')!.getCell(3, 2).value = '学费')),
  'sheets.value.enum',
);
add(
  'a row for an id the first sheet lacks',
  'link.xlsx',
  () => edit((wb) => wb.getWorksheet('支出明细')!.addRow(['no-such-record', '燃料', '', 1])),
  'sheets.id.unknown',
);
add('a unit outside the clerk', 'scope.xlsx', () =>
  edit((wb) => (main(wb).getCell(3, 2).value = unitName('nanhu-nine-year-school'))),
);
add('the template with no records', 'blank.xlsx', () => template, 'sheets.sheet.noRecords');
add('a UTF-16 text file', 'u16.csv', () => new Uint8Array([0xff, 0xfe, 0x41, 0, 0x42, 0]), 'csvEncoding');
add(
  'a CSV with a broken quote',
  'q.csv',
  () => new TextEncoder().encode('【月度收支】\r\n编号,"公开单位\r\nx,y'),
  'csvMalformed',
);
add(
  'bytes valid in neither UTF-8 nor GB18030',
  'bad.csv',
  () => new Uint8Array([0x41, 0x2c, 0x81, 0x20, 0x81, 0x7f, 0x0a]),
  'csvEncoding',
);
add(
  'a CSV repeating a block',
  'twice.csv',
  () =>
    new TextEncoder().encode(csvText('canteenAccount', [canteen], unitName) + csvText('canteenAccount', [], unitName)),
  'sheets.sheet.duplicate',
);
add(
  'a CSV without block markers',
  'plain.csv',
  () => new TextEncoder().encode('a,b,c\r\n1,2,3\r\n'),
  'sheets.sheet.unknown',
);

// Truncated zips: every tenth of the file.
for (let i = 1; i <= 10; i++)
  add(`the workbook truncated to ${i * 9}%`, 't.xlsx', () =>
    valid.subarray(0, Math.floor((valid.length * i * 9) / 100)),
  );
// Fuzzed bytes: 1–16 random bytes of the empty template overwritten (seeded).
for (let i = 0; i < 20; i++)
  add(`the template with random bytes changed (seed ${i})`, 'fuzz.xlsx', () => {
    const next = random(1000 + i);
    const bytes = new Uint8Array(template);
    for (let n = 0, k = 1 + Math.floor(next() * 16); n < k; n++)
      bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
    return bytes;
  });
// Random CSVs, half UTF-8 and half GB18030: Chinese, digits, commas, quotes, line breaks, block markers.
const alphabet = [
  '月度收支',
  '收入明细',
  '【',
  '】',
  ',',
  '"',
  '\r\n',
  '\n',
  '编号',
  '1234.50',
  '-',
  '示例',
  '伙食费',
  '元',
  ' ',
  'a',
  '0',
  '￥',
];
for (let i = 0; i < 20; i++)
  add(`a random CSV in ${i % 2 ? 'GB18030' : 'UTF-8'} (seed ${i})`, 'r.csv', () => {
    const next = random(2000 + i);
    const text = Array.from(
      { length: 50 + Math.floor(next() * 400) },
      () => alphabet[Math.floor(next() * alphabet.length)],
    ).join('');
    return i % 2 ? iconv.encode(text, 'gb18030') : new TextEncoder().encode(text);
  });

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
