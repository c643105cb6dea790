import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { csvText } from './sheets.ts';
import { unzipEntries, zip } from './zip.ts';

/**
 * The hostile and broken canteen-account uploads (issue 12, acceptance 6), shared by the reader's unit test
 * (tests/unit/sheets-hostile.test.ts) and the HTTP test that posts each one to the staff page
 * (tests/e2e/disclosure-hostile.test.ts). `expected` is the refusal or problem code when one is certain.
 */
export interface HostileUpload {
  name: string;
  file: string;
  bytes: () => Promise<Uint8Array> | Uint8Array;
  expected?: string;
}

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

/** The valid workbook with one change made by ExcelJS. */
export async function editWorkbook(valid: Uint8Array, change: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(valid) as unknown as ArrayBuffer);
  change(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** The canteen template's first sheet. */
export const mainSheet = (wb: ExcelJS.Workbook) => wb.getWorksheet('月度收支')!;

export interface HostileBase {
  /** The empty template, and the template filled with `canteen` (valid): read lazily, after set-up. */
  template: () => Uint8Array;
  valid: () => Uint8Array;
  /** A published canteen month (its id links the detail sheets). */
  canteen: { id: string; data: Record<string, unknown> };
  unitName: (id: string) => string;
  /** A unit the clerk does not publish for. */
  otherUnit: string;
}

/** At least 50 files no upload may accept. */
export function hostileUploads(base: HostileBase): HostileUpload[] {
  const { template, valid, canteen, unitName } = base;
  const hostile: HostileUpload[] = [];
  const add = (name: string, file: string, bytes: () => Promise<Uint8Array> | Uint8Array, expected?: string) =>
    hostile.push(expected === undefined ? { name, file, bytes } : { name, file, bytes, expected });
  const edit = (change: (wb: ExcelJS.Workbook) => void) => editWorkbook(valid(), change);
  const main = mainSheet;

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
  add('an .xlsm by name', 'macro.xlsm', () => valid(), 'macros');
  add(
    'a workbook with vbaProject.bin',
    'm.xlsx',
    () => zip([...unzipEntries(Buffer.from(valid())), { name: 'xl/vbaProject.bin', data: Buffer.from('VBA') }]),
    'macros',
  );
  add(
    'a macro-enabled content type',
    'm.xlsx',
    () =>
      zip(
        unzipEntries(Buffer.from(valid())).map((e) =>
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
        ...unzipEntries(Buffer.from(valid())).filter((e) => e.name !== 'xl/worksheets/sheet3.xml'),
        { name: 'xl/worksheets/sheet3.xml', data: Buffer.alloc(100 * 1024 * 1024), deflate: true },
      ]),
    'zipBomb',
  );
  add(
    'a zip bomb that lies about its size',
    'liar.xlsx',
    () =>
      zip([
        ...unzipEntries(Buffer.from(valid())),
        { name: 'xl/media/x.bin', data: Buffer.alloc(30 * 1024 * 1024), deflate: true, declaredSize: 1000 },
      ]),
    'zipBomb',
  );
  add(
    'a zip with 300 entries',
    'many.xlsx',
    () =>
      zip([
        ...unzipEntries(Buffer.from(valid())),
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
      const z = Buffer.from(zip(unzipEntries(Buffer.from(valid()))));
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
      const z = Buffer.from(zip(unzipEntries(Buffer.from(valid()))));
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
    edit((wb) => (main(wb).getCell(3, 2).value = unitName(base.otherUnit))),
  );
  add('the template with no records', 'blank.xlsx', () => template(), 'sheets.sheet.noRecords');
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
      new TextEncoder().encode(
        csvText('canteenAccount', [canteen], unitName) + csvText('canteenAccount', [], unitName),
      ),
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
      valid().subarray(0, Math.floor((valid().length * i * 9) / 100)),
    );
  // Fuzzed bytes: 1–16 random bytes of the empty template overwritten (seeded).
  for (let i = 0; i < 20; i++)
    add(`the template with random bytes changed (seed ${i})`, 'fuzz.xlsx', () => {
      const next = random(1000 + i);
      const bytes = new Uint8Array(template());
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
  return hostile;
}
