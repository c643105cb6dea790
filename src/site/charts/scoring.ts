import type { ChartConfiguration } from 'chart.js';

/** One bar: an indicator's points as a percentage of its maximum (null when not scored yet). */
export interface ShareRow {
  key: string;
  percent: number | null;
}

/**
 * The per-indicator chart ("weak and strong points at a glance"): one horizontal bar per indicator, 0–100 % of its maximum.
 * Pure, so it is unit-tested; the scorecard page's script (src/scripts/scoring-chart.ts) draws it from the numbers of
 * the table printed under it. The statistics charts are built next to it, in statistics.ts.
 */
export function buildIndicatorChart(
  rows: readonly ShareRow[],
  seriesLabel: string,
): ChartConfiguration<'bar', (number | null)[], string> {
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.key),
      datasets: [
        {
          label: seriesLabel,
          data: rows.map((r) => r.percent),
          // Short bars (weak points) stand out in a darker colour; colour is never the only cue (the table has the numbers).
          backgroundColor: rows.map((r) => (r.percent !== null && r.percent < 80 ? '#b10e1e' : '#1d70b8')),
        },
      ],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { min: 0, max: 100, ticks: { stepSize: 20 } } },
      plugins: {},
    },
  };
}
