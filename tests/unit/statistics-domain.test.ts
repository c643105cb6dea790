import { describe, expect, test } from 'vitest';
import type { ChartConfiguration } from 'chart.js';
import { isCount, windowTotal, yearOnYear } from '../../src/domain/statistics/year-on-year.ts';
import {
  breakdownCells,
  countCell,
  medianCell,
  plotValue,
  rateCell,
  shareCells,
  totalCell,
  yoyCell,
  SUPPRESSION_THRESHOLD,
  type Cell,
} from '../../src/domain/statistics/cells.ts';
import { assertFinite, buildChartConfig, type ChartConfig } from '../../src/site/charts/statistics.ts';
import { wilson } from '../../src/domain/surveys/results.ts';
import type { StatTable } from '../../src/domain/statistics/table.ts';
import { formatChange } from '../../src/site/statistics/format.ts';

describe('yearOnYear', () => {
  test.each([
    // The programme's published changes (DOMAIN.md, programme summary), reproduced by the demo figures.
    ['初核线索 186 vs 230', 186, 230, -19.13],
    ['信访举报 107 vs 200', 107, 200, -46.5],
    ['立案 56 vs 99', 56, 99, -43.43],
    ['no change', 50, 50, 0],
    ['doubling', 20, 10, 100],
    ['a third up', 4, 3, 33.33],
    ['two thirds up rounds half away from zero', 5, 3, 66.67],
    ['exact half-hundredth rounds up (1.005 % is 1.01 %)', 20_201, 20_000, 1.01],
    ['exact half-hundredth rounds away from zero downwards', 19_799, 20_000, -1.01],
    ['to zero', 0, 17, -100],
    ['large counts', 987_654, 123_456, 700],
    ['large counts, fractional', 1_000_001, 300_000, 233.33],
  ])('%s → %s%%', (_label, current, previous, percent) => {
    expect(yearOnYear(current, previous)).toEqual({ kind: 'change', percent });
  });

  test('a zero base is 新增, never a percentage (and never Infinity)', () => {
    expect(yearOnYear(6, 0)).toEqual({ kind: 'new' });
    expect(yearOnYear(1, 0)).toEqual({ kind: 'new' });
  });

  test('zero in both years is no change, not 0/0', () => {
    expect(yearOnYear(0, 0)).toEqual({ kind: 'zeroBoth' });
  });

  test.each([
    ['previous year missing', 10, null],
    ['current year missing', null, 10],
    ['both missing', undefined, undefined],
    ['NaN', Number.NaN, 10],
    ['Infinity', Number.POSITIVE_INFINITY, 10],
    ['base NaN', 10, Number.NaN],
    ['negative count', -1, 10],
    ['fraction', 1.5, 10],
  ])('%s is missing, not a number', (_label, current, previous) => {
    const r = yearOnYear(current, previous);
    expect(r).toEqual({ kind: 'missing' });
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity|null/);
  });

  test('no input pair ever yields a non-finite percentage', () => {
    const values = [0, 1, 2, 3, 5, 99, 100, 230, 1_000_000, -1, 0.5, Number.NaN, Infinity, -Infinity, null, undefined];
    for (const a of values) {
      for (const b of values) {
        const r = yearOnYear(a, b);
        if (r.kind === 'change') expect(Number.isFinite(r.percent), `${String(a)} vs ${String(b)}`).toBe(true);
      }
    }
  });

  test('windowTotal: the same quarters or nothing', () => {
    expect(windowTotal([45, 50, 44])).toBe(139);
    expect(windowTotal([45, null, 44])).toBeNull();
    expect(windowTotal([])).toBeNull();
    expect(isCount(0)).toBe(true);
    expect(isCount(-0.5)).toBe(false);
  });

  test('formatChange prints two decimals with a real minus sign', () => {
    expect(formatChange(-19.13)).toBe('\u221219.13%');
    expect(formatChange(-46.5)).toBe('\u221246.50%');
    expect(formatChange(12)).toBe('+12.00%');
    expect(formatChange(0)).toBe('0.00%');
  });

  test('formatChange does not fall into toFixed binary rounding (1.005 is stored as 1.00499…)', () => {
    // The domain returns hundredths / 100; 1.005 can only arrive as a binary neighbour, and toFixed(2) of
    // 1.005 prints 1.00 — the shared formatter reads the shortest decimal first.
    expect((1.005).toFixed(2)).toBe('1.00');
    expect(formatChange(1.005)).toBe('+1.01%');
    expect(formatChange(-0.01)).toBe('\u22120.01%');
    expect(formatChange(1234.56)).toBe('+1234.56%');
  });
});

describe('suppression and small samples', () => {
  test.each([
    [0, { kind: 'count', n: 0 }],
    [1, { kind: 'suppressed' }],
    [4, { kind: 'suppressed' }],
    [5, { kind: 'count', n: 5 }],
    [120, { kind: 'count', n: 120 }],
  ])('countCell(%i)', (n, cell) => {
    expect(countCell(n)).toEqual(cell);
  });

  test('the threshold is 5', () => expect(SUPPRESSION_THRESHOLD).toBe(5));
  test('a missing period is missing, not 0', () => expect(countCell(null)).toEqual({ kind: 'missing' }));
  test('a count that is not a count throws instead of printing NaN', () => {
    expect(() => countCell(Number.NaN)).toThrow(RangeError);
    expect(() => countCell(-3)).toThrow(RangeError);
  });

  test('one hidden cell next to a published total hides the smallest other positive cell too', () => {
    expect(breakdownCells([10, 3, 7, 0, 12])).toEqual([
      { kind: 'count', n: 10 },
      { kind: 'suppressed' },
      { kind: 'suppressed' },
      { kind: 'count', n: 0 },
      { kind: 'count', n: 12 },
    ]);
  });

  test('two hidden cells need no complement; without a published total none is added', () => {
    expect(breakdownCells([10, 3, 2, 12]).map((c) => c.kind)).toEqual(['count', 'suppressed', 'suppressed', 'count']);
    expect(breakdownCells([10, 3, 7], { totalPublished: false }).map((c) => c.kind)).toEqual([
      'count',
      'suppressed',
      'count',
    ]);
  });

  test('a breakdown never lets a hidden cell be recovered from the total', () => {
    // Exhaustive over small rows: whenever the total is published, 0 or ≥ 2 cells are hidden among positive ones.
    for (let a = 0; a < 8; a++)
      for (let b = 0; b < 8; b++)
        for (let c = 0; c < 8; c++) {
          const cells = breakdownCells([a, b, c]);
          const hidden = cells.filter((x) => x.kind === 'suppressed').length;
          // A lone hidden cell is allowed only when the total is hidden too (all other cells are 0).
          if (hidden === 1) expect(totalCell([a, b, c]), `${a},${b},${c}`).toEqual({ kind: 'suppressed' });
          cells.forEach((x, i) => {
            const n = [a, b, c][i]!;
            if (x.kind === 'count') expect(n === 0 || n >= 5).toBe(true);
          });
        }
  });

  test('a total of 1–4 is suppressed too; a missing part makes the total missing', () => {
    expect(totalCell([1, 2, 0])).toEqual({ kind: 'suppressed' });
    expect(totalCell([10, 2])).toEqual({ kind: 'count', n: 12 });
    expect(totalCell([10, null])).toEqual({ kind: 'missing' });
  });

  test('shares: suppressed counts have suppressed shares (四种形态 2025 of the demo)', () => {
    const cells = shareCells([150, 40, 6, 4]);
    expect(cells.map((c) => c.kind)).toEqual(['share', 'share', 'suppressed', 'suppressed']);
    expect(cells[0]).toEqual({ kind: 'share', share: 0.75, n: 150 });
    expect(shareCells([0, 0])).toEqual([{ kind: 'none' }, { kind: 'none' }]);
  });

  test.each([
    [0, 0, { kind: 'none' }],
    [2, 3, { kind: 'suppressed' }],
    [0, 4, { kind: 'suppressed' }],
  ])('rateCell(%i, %i) publishes no rate', (x, n, cell) => {
    expect(rateCell(x, n)).toEqual(cell);
  });

  test('rates: Wilson interval from src/domain/surveys, flagged below 30', () => {
    const small = rateCell(7, 9);
    const ci = wilson(7, 9)!;
    expect(small).toEqual({ kind: 'rate', rate: 7 / 9, n: 9, low: ci.low, high: ci.high, smallSample: true });
    const big = rateCell(27, 30);
    expect(big.kind === 'rate' && big.smallSample).toBe(false);
    const all = rateCell(30, 30);
    expect(all).toMatchObject({ kind: 'rate', rate: 1 });
    expect(all.kind === 'rate' && all.high).toBeCloseTo(1, 12);
    expect(() => rateCell(5, 4)).toThrow(RangeError);
  });

  test('medians: none for no items, suppressed for 1–4, flagged below 30', () => {
    expect(medianCell([])).toEqual({ kind: 'none' });
    expect(medianCell([1, 2, 3])).toEqual({ kind: 'suppressed' });
    expect(medianCell([5, 1, 3, 2, 4])).toEqual({ kind: 'median', days: 3, n: 5, smallSample: true });
    expect(medianCell([1, 2, 3, 4, 5, 6])).toEqual({ kind: 'median', days: 3.5, n: 6, smallSample: true });
    expect(() => medianCell([1, Number.NaN, 2, 3, 4])).toThrow(RangeError);
  });

  test('a change next to a suppressed count is suppressed (新增 would reveal 1–4)', () => {
    expect(yoyCell(countCell(3), countCell(0), yearOnYear(3, 0))).toEqual({
      kind: 'yoy',
      change: { kind: 'suppressed' },
    });
    expect(yoyCell(countCell(6), countCell(0), yearOnYear(6, 0))).toEqual({ kind: 'yoy', change: { kind: 'new' } });
  });
});

const table = (cells: Cell[][], chart: StatTable['chart']): StatTable => ({
  key: 't',
  caption: 'caption',
  columns: [
    { key: 'a', label: 'A' },
    { key: 'b', label: 'B' },
  ],
  rows: cells.map((c, i) => ({ key: `r${i}`, label: `row ${i}`, cells: c })),
  chart,
});

describe('buildChartConfig', () => {
  const spec = {
    type: 'bar' as const,
    columns: ['a', 'b'],
    stacked: true,
    yTitle: 'y',
    xTitle: 'x',
    ariaLabel: 'label',
  };

  test('plots counts, leaves gaps (null) for suppressed, missing and 新增 cells', () => {
    const config = buildChartConfig(
      table(
        [
          [{ kind: 'count', n: 12 }, { kind: 'suppressed' }],
          [{ kind: 'missing' }, { kind: 'yoy', change: { kind: 'new' } }],
          [{ kind: 'yoy', change: { kind: 'change', percent: -19.13 } }, { kind: 'none' }],
        ],
        spec,
      ),
    )!;
    expect(config.type).toBe('bar');
    expect(config.data.labels).toEqual(['row 0', 'row 1', 'row 2']);
    expect(config.data.datasets.map((d) => d.data)).toEqual([
      [12, null, -19.13],
      [null, null, null],
    ]);
    expect(config.options.scales.x.stacked).toBe(true);
    expect(config.options.plugins.legend.display).toBe(true);
    // Serialisable as is: the page ships it in a data attribute.
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });

  test('rates become percentages with their interval as a floating bar', () => {
    const rate = rateCell(7, 9) as Extract<Cell, { kind: 'rate' }>;
    const config = buildChartConfig(
      table([[rate, { kind: 'none' }]], {
        type: 'line',
        columns: ['a'],
        percent: true,
        intervals: true,
        intervalLabel: 'CI',
        yTitle: 'y',
        xTitle: 'x',
        ariaLabel: 'l',
      }),
    )!;
    expect(config.data.datasets).toHaveLength(2);
    expect(config.data.datasets[0]!.data).toEqual([plotValue(rate)]);
    const [low, high] = config.data.datasets[1]!.data[0] as [number, number];
    expect(low).toBeCloseTo(rate.low * 100, 2);
    expect(high).toBeCloseTo(rate.high * 100, 2);
    expect(config.data.datasets[1]).toMatchObject({ type: 'bar', grouped: false, label: 'A CI' });
    expect(config.options.scales.y).toMatchObject({ min: 0, max: 100 });
  });

  test('no chart spec, no config; an unknown column is a programming error', () => {
    expect(buildChartConfig(table([], null))).toBeNull();
    expect(() => buildChartConfig(table([], { ...spec, columns: ['zz'] }))).toThrow(/no column zz/);
  });

  test('NaN and Infinity never reach a configuration', () => {
    expect(() => assertFinite({ a: [1, { b: Number.NaN }] })).toThrow(/config.a\[1\].b is NaN/);
    expect(() => assertFinite({ a: Infinity })).toThrow(RangeError);
    const config = buildChartConfig(
      table(
        [
          [
            { kind: 'median', days: 3, n: 5, smallSample: true },
            { kind: 'share', share: 0.5, n: 10 },
          ],
        ],
        spec,
      ),
    )!;
    expect(JSON.stringify(config)).not.toMatch(/NaN|Infinity/);
  });

  test('the configuration is a Chart.js ChartConfiguration (checked by the type-checker)', () => {
    const config: ChartConfig = buildChartConfig(
      table(
        [
          [
            { kind: 'count', n: 5 },
            { kind: 'count', n: 6 },
          ],
        ],
        spec,
      ),
    )!;
    const typed: ChartConfiguration = config;
    expect(typed.type).toBe('bar');
  });
});
