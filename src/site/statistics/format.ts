import { t } from '../../i18n/t.ts';
import { formatPercent } from '../../i18n/format.ts';
import type { Cell } from '../../domain/statistics/cells.ts';

/**
 * A year-on-year percentage as published: two decimals (the domain has already rounded it half away from zero on
 * exact arithmetic; the shared percent formatter prints it without `toFixed`'s binary rounding), a real minus sign,
 * a plus for increases.
 */
export function formatChange(percent: number): string {
  const magnitude = formatPercent(Math.abs(percent) / 100);
  if (magnitude === '0.00%') return magnitude;
  return `${percent < 0 ? '\u2212' : '+'}${magnitude}`;
}

const number = new Intl.NumberFormat('zh-CN');

/** What a table cell shows: its main text and, for rates, the interval, n and the small-sample flag. */
export function formatCell(cell: Cell): { text: string; detail?: string; flag?: string; title?: string } {
  switch (cell.kind) {
    case 'count':
      return { text: number.format(cell.n) };
    case 'suppressed':
      return { text: t('statistics.cell.suppressed'), title: t('statistics.cell.suppressedTitle') };
    case 'missing':
      return { text: t('statistics.cell.missing') };
    case 'none':
      return { text: t('statistics.cell.none') };
    case 'rate':
      return {
        text: formatPercent(cell.rate),
        detail: `${t('statistics.cell.interval', { low: formatPercent(cell.low), high: formatPercent(cell.high) })} ${t('statistics.cell.n', { n: cell.n })}`,
        ...(cell.smallSample ? { flag: t('statistics.cell.smallSample') } : {}),
      };
    case 'median':
      return {
        text: number.format(cell.days),
        detail: t('statistics.cell.n', { n: cell.n }),
        ...(cell.smallSample ? { flag: t('statistics.cell.smallSample') } : {}),
      };
    case 'share':
      return { text: formatPercent(cell.share), detail: t('statistics.cell.n', { n: cell.n }) };
    case 'yoy':
      switch (cell.change.kind) {
        case 'change':
          return { text: formatChange(cell.change.percent) };
        case 'new':
          return { text: t('statistics.cell.new') };
        case 'zeroBoth':
          return { text: t('statistics.cell.zeroBoth') };
        case 'missing':
          return { text: t('statistics.cell.noComparison') };
        case 'suppressed':
          return { text: t('statistics.cell.suppressed'), title: t('statistics.cell.suppressedTitle') };
      }
  }
}
