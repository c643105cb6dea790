import { t } from '../../i18n/t.ts';
import { formatPercent } from '../../i18n/format.ts';
import type { Cell } from '../../domain/statistics/cells.ts';

/** A year-on-year percentage as published: two decimals, a real minus sign, a plus for increases. */
export function formatChange(percent: number): string {
  const fixed = Math.abs(percent).toFixed(2);
  if (percent < 0) return `\u2212${fixed}%`;
  if (percent > 0) return `+${fixed}%`;
  return '0.00%';
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
