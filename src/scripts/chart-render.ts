import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

// Only what the statistics charts use (src/site/charts/statistics.ts), so the bundler drops
// the rest of Chart.js: bar and line charts, category × linear axes, legend and tooltips.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);
Chart.defaults.font.family =
  'system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

/** Draw the configuration stored in the figure's data attribute on its canvas. */
export function drawChart(figure: HTMLElement): void {
  const canvas = figure.querySelector('canvas');
  const raw = figure.dataset.chart;
  if (!canvas || !raw || figure.dataset.drawn) return;
  new Chart(canvas, JSON.parse(raw) as ChartConfiguration);
  figure.dataset.drawn = 'true';
}
