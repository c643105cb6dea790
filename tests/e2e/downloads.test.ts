import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import ExcelJS from 'exceljs';
import { startTestServer, type TestServer } from '../support/server.ts';
import { seriesKeys } from '../../src/site/statistics/model.ts';

/**
 * Issue 16, "downloads for Excel users" (acceptance 4): every CSV starts with a UTF-8 byte-order mark, the
 * people's CSVs and workbooks have Chinese headers, and LibreOffice (`soffice --headless --convert-to`, from
 * Debian's libreoffice-calc-nogui) opens them with the Chinese intact. Without soffice the LibreOffice
 * tests are skipped and say why; `.ci/run` installs it when missing.
 */

const SOFFICE = spawnSync('soffice', ['--version'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
const NO_SOFFICE =
  'LibreOffice: skipped, no `soffice` on PATH (install it, e.g. Debian libreoffice-calc-nogui; .ci/run does)';
/** The assessment year of the demo scorecards (the seed's year, Beijing time). */
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'qinglian-downloads-'));
  return async () => {
    await server.stop();
    server.cleanup();
    rmSync(dir, { recursive: true, force: true });
  };
});

const download = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status, path).toBe(200);
  return { type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
};
const BOM = [0xef, 0xbb, 0xbf];

/**
 * How a person opens a CSV in LibreOffice Calc: its import dialog, with 字符集 Unicode (UTF-8), comma and
 * double quote. Headless, LibreOffice 7.4 does not sniff the byte-order mark (it reads Windows-1252 whatever
 * the locale, C or C.UTF-8: measured), so the import options are given as the dialog would: 44 = comma, 34 = double
 * quote, 76 = UTF-8. The BOM must then be consumed, not left in the first cell.
 */
const CSV_IMPORT = 'CSV:44,34,76';

/**
 * Convert a file with LibreOffice into `dir/out`, with a profile of its own (so a desktop LibreOffice or a
 * parallel run does not collide), and return the converted file.
 */
function convert(file: string, to: string, infilter?: string): string {
  const out = join(dir, 'out');
  const profile = pathToFileURL(join(dir, 'profile')).href;
  const run = spawnSync(
    'soffice',
    [
      `-env:UserInstallation=${profile}`,
      '--headless',
      ...(infilter ? [`--infilter=${infilter}`] : []),
      '--convert-to',
      to,
      '--outdir',
      out,
      file,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  const base = file
    .split('/')
    .at(-1)!
    .replace(/\.[^.]+$/, '');
  const made = readdirSync(out).find((f) => f.startsWith(`${base}.`));
  expect(made, `${run.stdout}\n${run.stderr}`).toBeDefined();
  return join(out, made!);
}

async function firstRows(xlsxFile: string, sheet = 0, rows = 12): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xlsxFile);
  const ws = wb.worksheets[sheet]!;
  const out: string[][] = [];
  for (let r = 1; r <= Math.min(rows, ws.rowCount); r++) {
    const values = ws.getRow(r).values as unknown[];
    out.push(values.slice(1).map((v) => (v === null || v === undefined ? '' : String(v as string | number))));
  }
  return out;
}

describe('every CSV: UTF-8 with a byte-order mark', () => {
  test('statistics tables, their long open-data form, scorecards, the disclosure open data', async () => {
    const paths = [
      ...seriesKeys.map((k) => `/statistics/${k}.csv`),
      ...seriesKeys.map((k) => `/data/statistics/${k}.csv`),
      `/scoring/${YEAR}/scorecards.csv`,
      '/data/procurements.csv',
      '/data/canteen-accounts.csv',
    ];
    for (const path of paths) {
      const { type, bytes } = await download(path);
      expect(type, path).toMatch(/^text\/csv; ?charset=utf-8$/);
      expect([...bytes.slice(0, 3)], path).toEqual(BOM);
    }
  });

  test('the people’s CSVs have Chinese headers, one row per period or unit', async () => {
    // TextDecoder consumes the byte-order mark.
    const months = new TextDecoder().decode((await download('/statistics/feedback-months.csv')).bytes);
    const lines = months.split('\r\n');
    expect(lines[0]).toBe('监督反馈：按月份和类型');
    // After the title block, each table starts with its caption and Chinese column labels.
    const header = lines[lines.indexOf('') + 1]!;
    expect(header).toMatch(/\p{Script=Han}/u);
    expect(header).not.toMatch(/\b(?:value|status|row_label)\b/);
    // One row per month: the first cell of each following row is a month, never repeated.
    const body = lines.slice(lines.indexOf('') + 2, lines.indexOf('', lines.indexOf('') + 1));
    const firsts = body.map((l) => l.split(',')[0]);
    expect(firsts.length).toBeGreaterThan(1);
    expect(new Set(firsts).size).toBe(firsts.length);

    const cards = new TextDecoder().decode((await download(`/scoring/${YEAR}/scorecards.csv`)).bytes);
    const [cardHeader, ...cardRows] = cards.trimEnd().split('\r\n');
    expect(cardHeader!.split(',').slice(0, 7)).toEqual([
      '单位编号',
      '单位',
      '类别',
      '乡镇（街道）编号',
      '年度',
      '总分',
      '等次',
    ]);
    const units = cardRows.map((l) => l.split(',')[0]);
    expect(new Set(units).size).toBe(units.length);
  });

  test('.xlsx of every statistics series and of the scorecards: a workbook with Chinese headers', async () => {
    for (const key of seriesKeys) {
      const { type, bytes } = await download(`/statistics/${key}.xlsx`);
      expect(type, key).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(bytes.buffer);
      expect(wb.worksheets[0]!.name, key).toBe('说明');
      expect(wb.worksheets.length, key).toBeGreaterThanOrEqual(1);
    }
    const { bytes } = await download(`/scoring/${YEAR}/scorecards.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([`${YEAR} 年度评分`, '各类别达标率']);
    expect(wb.worksheets[0]!.getRow(1).getCell(2).value).toBe('单位');
    expect(typeof wb.worksheets[0]!.getRow(2).getCell(6).value).toBe('number');
  });
});

describe('LibreOffice opens the downloads with the Chinese intact', () => {
  test('a statistics CSV and the scorecard CSV, converted to .xlsx by soffice', async (ctx) => {
    ctx.skip(!SOFFICE, NO_SOFFICE);
    const csvFile = join(dir, 'feedback-months.csv');
    writeFileSync(csvFile, (await download('/statistics/feedback-months.csv')).bytes);
    const rows = await firstRows(convert(csvFile, 'xlsx', CSV_IMPORT));
    expect(rows[0]![0]).toBe('监督反馈：按月份和类型');
    const headerRow = rows.find((r, i) => i > 0 && rows[i - 1]!.every((c) => c === '') && r[0] !== '');
    expect(headerRow, JSON.stringify(rows)).toBeDefined();
    expect(headerRow!.join('')).toMatch(/\p{Script=Han}{2}/u);

    const cardsFile = join(dir, 'scorecards.csv');
    writeFileSync(cardsFile, (await download(`/scoring/${YEAR}/scorecards.csv`)).bytes);
    const cards = await firstRows(convert(cardsFile, 'xlsx', CSV_IMPORT));
    expect(cards[0]!.slice(0, 3)).toEqual(['单位编号', '单位', '类别']);
    expect(cards[1]![1]).toMatch(/\p{Script=Han}/u);
  }, 240_000);

  test('the scorecard workbook, converted to CSV by soffice', async (ctx) => {
    ctx.skip(!SOFFICE, NO_SOFFICE);
    const file = join(dir, 'cards.xlsx');
    writeFileSync(file, (await download(`/scoring/${YEAR}/scorecards.xlsx`)).bytes);
    // 44 = comma, 34 = double quote, 76 = UTF-8.
    const csv = readFileSync(convert(file, 'csv:Text - txt - csv (StarCalc):44,34,76'), 'utf8');
    expect(
      csv
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)[0]!
        .split(',')
        .slice(0, 3),
    ).toEqual(['单位编号', '单位', '类别']);
  }, 240_000);
});
