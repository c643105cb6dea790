import { describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { fieldDiff } from '../../src/publishing/sheets/diff.ts';

const published = readDisclosures(undefined, readRegistry());
const oct = published.canteenAccount.find((e) => e.id === 'xixi-central-primary-2026-10')!.data;

describe('field diff of a correction', () => {
  test('identical records differ in nothing', () => {
    expect(fieldDiff('canteenAccount', oct, structuredClone(oct))).toEqual([]);
  });

  test('a field of the record and a cell of a child sheet, named as the template names them', () => {
    const income = oct.income.map((l, i) => (i === 1 ? { ...l, amountFen: l.amountFen + 100 } : l));
    const after = { ...oct, closingFen: oct.closingFen + 100, income };
    const changes = fieldDiff('canteenAccount', oct, after);
    expect(changes.map((c) => [c.path, c.before, c.after])).toEqual([
      [['income', 1, 'amountFen'], oct.income[1]!.amountFen, oct.income[1]!.amountFen + 100],
      [['closingFen'], oct.closingFen, oct.closingFen + 100],
    ]);
    expect(changes[0]?.label).toMatch(/^「收入明细」第 2 行「[^」]+」$/);
    expect(changes[1]?.label).toBe('「月度收支」「期末余额（元）」');
  });

  test('a removed row is one change per field of that row, at its row', () => {
    const after = { ...oct, expense: oct.expense.slice(0, -1) };
    const last = oct.expense.length;
    const changes = fieldDiff('canteenAccount', oct, after);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => c.path[0] === 'expense' && c.path[1] === last - 1 && c.after === undefined)).toBe(true);
    expect(changes.every((c) => c.label.startsWith(`「支出明细」第 ${last} 行`))).toBe(true);
  });
});
