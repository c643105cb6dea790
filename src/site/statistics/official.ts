import { t } from '../../i18n/t.ts';
import { countCell, shareCells, totalCell, yoyCell, type Cell } from '../../domain/statistics/cells.ts';
import { yearOnYear } from '../../domain/statistics/year-on-year.ts';
import {
  fourForms,
  officialMeasures,
  quarterFigures,
  quartersCovered,
  windowFigure,
  type MeasureCounts,
  type OfficialFiguresYear,
} from '../../domain/statistics/official-figures.ts';
import type { StatTable } from '../../domain/statistics/table.ts';
import type { Dataset } from './model.ts';

/** Builders of the official-figure series (content/official-figures): plain data in, datasets out. */
export interface OfficialInput {
  years: readonly OfficialFiguresYear[];
  townships: readonly { id: string; name: string; order: number }[];
}

const measureLabel = (m: (typeof officialMeasures)[number]) => t(`statistics.measure.${m}`);
const yoyLabel = (m: (typeof officialMeasures)[number]) =>
  t('statistics.column.yoyOf', { measure: t(`statistics.measure.${m}`) });
const quarterLabel = (year: number, quarter: number) => t('statistics.quarter', { year, quarter });

/** The label of a whole year, or of quarters 1–n of a year in progress. */
export function windowLabel(year: number, quarters: readonly number[]): string {
  if (quarters.length === 4) return t('statistics.year', { year });
  return t('statistics.yearToQuarter', { year, from: quarters[0] ?? 1, to: quarters.at(-1) ?? 1 });
}

const sorted = (years: readonly OfficialFiguresYear[]) => years.toSorted((a, b) => a.year - b.year);

function common(input: OfficialInput) {
  const years = sorted(input.years);
  const first = years[0];
  const last = years.at(-1);
  const firstQ = first ? (quartersCovered(first)[0] ?? 1) : 1;
  const lastQ = last ? (quartersCovered(last).at(-1) ?? 4) : 4;
  return {
    years,
    period:
      first && last
        ? t('statistics.periodQuarters', { from: quarterLabel(first.year, firstQ), to: quarterLabel(last.year, lastQ) })
        : t('statistics.noData'),
    updated:
      years
        .map((y) => y.publishedOn)
        .toSorted()
        .at(-1) ?? '',
    source: [...new Set(years.map((y) => y.source))].join('；'),
    demo: years.some((y) => y.demo),
  };
}

const officialNames = {
  'official-yoy': 'officialYoy',
  'official-quarterly': 'officialQuarterly',
  'four-forms': 'fourForms',
  'official-townships': 'officialTownships',
} as const;

function officialDataset(
  key: keyof typeof officialNames,
  c: ReturnType<typeof common>,
  definitions: string[],
  tables: StatTable[],
): Dataset {
  const name = officialNames[key];
  return {
    key,
    title: t(`statistics.${name}.title`),
    lead: t(`statistics.${name}.lead`),
    definitions,
    source: c.source,
    period: c.period,
    updated: c.updated,
    demo: c.demo,
    tables,
  };
}

/** A count column and its year-on-year column for each measure. */
const measureAndYoyColumns = () =>
  officialMeasures.flatMap((m) => [
    { key: m, label: measureLabel(m) },
    { key: `${m}Yoy`, label: yoyLabel(m) },
  ]);

/** Each year against the same window of the year before (DOMAIN.md §5.5). */
export function officialYoyDataset(input: OfficialInput): Dataset {
  const c = common(input);
  const byYear = new Map(c.years.map((y) => [y.year, y]));
  const columns = measureAndYoyColumns();
  const rows = c.years.map((y) => {
    const window = quartersCovered(y);
    const previous = byYear.get(y.year - 1);
    const cells: Cell[] = officialMeasures.flatMap((m) => {
      const now = windowFigure(y, window, m);
      const before = windowFigure(previous, window, m);
      const cur = countCell(now);
      return [cur, yoyCell(cur, countCell(before), yearOnYear(now, before))];
    });
    return { key: String(y.year), label: windowLabel(y.year, window), cells };
  });
  const table: StatTable = {
    key: 'years',
    caption: t('statistics.officialYoy.caption'),
    columns,
    rows,
    chart: {
      type: 'bar',
      columns: officialMeasures.map((m) => `${m}Yoy`),
      yTitle: t('statistics.axis.yoyPercent'),
      xTitle: t('statistics.axis.period'),
      ariaLabel: t('statistics.officialYoy.chartLabel'),
    },
  };
  return officialDataset(
    'official-yoy',
    c,
    [
      t('statistics.def.yoy'),
      t('statistics.def.sameWindow'),
      t('statistics.def.new'),
      t('statistics.def.missing'),
      t('statistics.def.measures'),
    ],
    [table],
  );
}

/** Every published quarter, with the change against the same quarter a year earlier. */
export function officialQuarterlyDataset(input: OfficialInput): Dataset {
  const c = common(input);
  const byYear = new Map(c.years.map((y) => [y.year, y]));
  const columns = [
    ...officialMeasures.map((m) => ({ key: m, label: measureLabel(m) })),
    ...officialMeasures.map((m) => ({ key: `${m}Yoy`, label: yoyLabel(m) })),
  ];
  const row = (key: string, label: string, now: MeasureCounts, before: MeasureCounts | null | undefined) => {
    const counts = officialMeasures.map((m) => countCell(now[m]));
    const changes = officialMeasures.map((m, i) =>
      yoyCell(counts[i]!, countCell(before?.[m]), yearOnYear(now[m], before?.[m])),
    );
    return { key, label, cells: [...counts, ...changes] };
  };
  // Quarters as published, or completed from three published months.
  const rows = c.years.flatMap((y) =>
    [1, 2, 3, 4].flatMap((q) => {
      const now = quarterFigures(y, q);
      if (!now) return [];
      const previous = byYear.get(y.year - 1);
      return [row(`${y.year}-q${q}`, quarterLabel(y.year, q), now, previous && quarterFigures(previous, q))];
    }),
  );
  // Monthly figures, for the years published monthly, against the same month a year earlier (DOMAIN.md §5.5).
  const monthRows = c.years.flatMap((y) =>
    y.months.map((mo) =>
      row(
        `${y.year}-${String(mo.month).padStart(2, '0')}`,
        t('statistics.month', { year: y.year, month: mo.month }),
        mo,
        byYear.get(y.year - 1)?.months.find((p) => p.month === mo.month),
      ),
    ),
  );
  const monthsTable: StatTable[] = monthRows.length
    ? [
        {
          key: 'months',
          caption: t('statistics.officialQuarterly.captionMonths'),
          columns,
          rows: monthRows,
          chart: {
            type: 'line',
            columns: [...officialMeasures],
            yTitle: t('statistics.axis.cases'),
            xTitle: t('statistics.axis.month'),
            ariaLabel: t('statistics.officialQuarterly.chartMonths'),
          },
        },
      ]
    : [];
  return officialDataset(
    'official-quarterly',
    c,
    [
      t('statistics.def.quarterly'),
      t('statistics.def.yoy'),
      t('statistics.def.new'),
      t('statistics.def.missing'),
      t('statistics.def.suppressed'),
      t('statistics.def.measures'),
    ],
    [
      {
        key: 'quarters',
        caption: t('statistics.officialQuarterly.caption'),
        columns,
        rows,
        chart: {
          type: 'line',
          columns: [...officialMeasures],
          yTitle: t('statistics.axis.cases'),
          xTitle: t('statistics.axis.quarter'),
          ariaLabel: t('statistics.officialQuarterly.chartLabel'),
        },
      },
      ...monthsTable,
    ],
  );
}

/** The "four forms": shares of each form per year, suppressed like counts. */
export function fourFormsDataset(input: OfficialInput): Dataset {
  const c = common(input);
  const rows = c.years
    .filter((y) => y.fourForms)
    .map((y) => {
      const counts = fourForms.map((f) => y.fourForms![f]);
      return {
        key: String(y.year),
        label: windowLabel(y.year, quartersCovered(y)),
        cells: [...shareCells(counts), totalCell(counts)],
      };
    });
  return officialDataset(
    'four-forms',
    c,
    [
      t('statistics.def.fourForms'),
      t('statistics.def.share'),
      t('statistics.def.suppressed'),
      t('statistics.def.complementary'),
    ],
    [
      {
        key: 'shares',
        caption: t('statistics.fourForms.caption'),
        columns: [
          ...fourForms.map((f) => ({ key: f, label: t(`statistics.form.${f}`) })),
          { key: 'total', label: t('statistics.column.totalPersons') },
        ],
        rows,
        chart: {
          type: 'bar',
          columns: [...fourForms],
          stacked: true,
          percent: true,
          yTitle: t('statistics.axis.sharePercent'),
          xTitle: t('statistics.axis.period'),
          ariaLabel: t('statistics.fourForms.chartLabel'),
        },
      },
    ],
  );
}

/** Figures per township, one table per year (latest first), each with the change on the year before. */
export function officialTownshipsDataset(input: OfficialInput): Dataset {
  const c = common(input);
  const byYear = new Map(c.years.map((y) => [y.year, y]));
  const townships = input.townships.toSorted((a, b) => a.order - b.order);
  const columns = measureAndYoyColumns();
  const tables: StatTable[] = c.years
    .filter((y) => y.townships.length > 0)
    .toReversed()
    .map((y) => {
      const previous = byYear.get(y.year - 1);
      // Comparable only when last year covered the same quarters (its township figures are for its whole window).
      const comparable =
        previous !== undefined &&
        quartersCovered(previous).join() === quartersCovered(y).join() &&
        previous.townships.length > 0;
      // Township figures do not add up to the published total (city-level cases), so a hidden cell
      // cannot be recovered by subtraction: primary suppression only.
      const rows = townships.map((tw) => {
        const mine = y.townships.find((x) => x.township === tw.id);
        const before = comparable ? previous.townships.find((x) => x.township === tw.id) : undefined;
        const cells = officialMeasures.flatMap((m) => {
          const cur = countCell(mine?.[m]);
          const prev = countCell(before?.[m]);
          return [cur, yoyCell(cur, prev, yearOnYear(mine?.[m], before?.[m]))];
        });
        return { key: tw.id, label: tw.name, cells };
      });
      return {
        key: `township-${y.year}`,
        caption: t('statistics.officialTownships.caption', { window: windowLabel(y.year, quartersCovered(y)) }),
        columns,
        rows,
        chart: {
          type: 'bar',
          columns: [...officialMeasures],
          yTitle: t('statistics.axis.cases'),
          xTitle: t('statistics.axis.township'),
          ariaLabel: t('statistics.officialTownships.chartLabel', { window: windowLabel(y.year, quartersCovered(y)) }),
        },
      } satisfies StatTable;
    });
  return officialDataset(
    'official-townships',
    c,
    [
      t('statistics.def.townships'),
      t('statistics.def.yoy'),
      t('statistics.def.new'),
      t('statistics.def.missing'),
      t('statistics.def.suppressed'),
    ],
    tables,
  );
}
