import { describe, expect, test } from 'vitest';
import { buildIndicatorChart } from '../../src/site/charts/scoring.ts';
import { indicatorShares } from '../../src/site/scoring/export.ts';
import type { Scorecard } from '../../src/domain/scoring/scorecard.ts';

describe('buildIndicatorChart', () => {
  test('one bar per indicator on a 0–100 % axis; weak points (< 80 %) in the warning colour; unscored stay empty', () => {
    const c = buildIndicatorChart(
      [
        { key: 'C1', percent: 100 },
        { key: 'C2', percent: 79.9 },
        { key: 'C3', percent: 80 },
        { key: 'C4', percent: null },
      ],
      'share',
    );
    expect(c.type).toBe('bar');
    expect(c.data.labels).toEqual(['C1', 'C2', 'C3', 'C4']);
    expect(c.data.datasets[0]!.data).toEqual([100, 79.9, 80, null]);
    expect(c.data.datasets[0]!.backgroundColor).toEqual(['#1d70b8', '#b10e1e', '#1d70b8', '#1d70b8']);
    expect(c.options?.indexAxis).toBe('y');
    expect(c.options?.scales?.x).toMatchObject({ min: 0, max: 100 });
  });

  test('indicatorShares gives the same numbers the table prints', () => {
    const card = {
      indicators: [
        { key: 'C1', name: 'a', points: 4, max: 6 },
        { key: 'C2', name: 'b', points: null, max: 5 },
      ],
    } as unknown as Scorecard;
    expect(indicatorShares(card)).toEqual([
      { key: 'C1', name: 'a', points: 4, max: 6, percent: 66.7 },
      { key: 'C2', name: 'b', points: null, max: 5, percent: null },
    ]);
  });
});
