import { buildIndicatorChart, type ShareRow } from '../site/charts/scoring.ts';

/**
 * Enhancement only: draws the per-indicator bar chart above the scorecard's table from the table's own
 * numbers (CSP forbids inline data scripts). Chart.js is loaded lazily, and only the pieces a bar chart needs
 * are registered, so the rest of the library is tree-shaken away.
 */
async function draw(figure: HTMLElement) {
  const table = document.getElementById(figure.dataset.table ?? '');
  const canvas = figure.querySelector('canvas');
  if (!table || !canvas) return;
  const rows: ShareRow[] = [...table.querySelectorAll<HTMLTableRowElement>('tbody tr[data-key]')].map((tr) => {
    const raw = tr.dataset.percent ?? '';
    return { key: tr.dataset.key ?? '', percent: raw === '' ? null : Number(raw) };
  });
  const { Chart, BarController, BarElement, CategoryScale, LinearScale } = await import('chart.js');
  Chart.register(BarController, BarElement, CategoryScale, LinearScale);
  figure.hidden = false;
  new Chart(canvas, buildIndicatorChart(rows, figure.dataset.series ?? ''));
}

for (const figure of document.querySelectorAll<HTMLElement>('[data-score-chart]')) void draw(figure);
