import { t } from '../../i18n/t.ts';
import {
  breakdownCells,
  countCell,
  medianCell,
  rateCell,
  totalCell,
  yoyCell,
  type Cell,
} from '../../domain/statistics/cells.ts';
import { monthlyYearOnYear, sameMonthLastYear } from '../../domain/statistics/year-on-year.ts';
import type { StatTable } from '../../domain/statistics/table.ts';
import { onTimeReplyRate, type DeadlineFacts, type FeedbackRules } from '../../domain/feedback/deadlines.ts';
import { feedbackKinds, routeOf, type FeedbackKind } from '../../domain/feedback/schema.ts';
import { unitCarriers, type UnitCarrier } from '../../domain/units/schema.ts';
import type { Dataset } from './model.ts';
import type { CarrierPassRate } from '../../domain/scoring/ranking.ts';
import { carriers } from '../../domain/units/schema.ts';

/**
 * Builders of the series derived from the portal's own records. Inputs are aggregates read by
 * src/db/statistics-repo.ts (or content); nothing here touches the database.
 */

/** Kinds that are published in statistics: misconduct reports go to the commission and are not counted here. */
export const publicKinds = feedbackKinds.filter((k) => routeOf(k) === 'unit') as Exclude<
  FeedbackKind,
  'misconductReport'
>[];

export interface FeedbackCount {
  /** Beijing calendar month of receipt, YYYY-MM. */
  month: string;
  kind: FeedbackKind;
  carrier: UnitCarrier;
  townshipId: string;
  n: number;
}

export interface PortalContext {
  /** When the figures were computed (ISO date-time). */
  computedAt: string;
  /** Today's Beijing month, YYYY-MM (the last row of monthly series). */
  currentMonth: string;
  demo: boolean;
}

export const monthLabel = (month: string): string =>
  t('statistics.month', { year: month.slice(0, 4), month: Number(month.slice(5, 7)) });

/** Every month from `from` to `to` inclusive (YYYY-MM). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m === 13) [y, m] = [y + 1, 1];
    if (out.length > 1200) break;
  }
  return out;
}

const kindColumns = () => [
  ...publicKinds.map((k) => ({ key: k, label: t(`feedback.kind.${k}`) })),
  { key: 'total', label: t('statistics.column.total') },
];

/** A breakdown row: its kinds with complementary suppression (the total is published next to them). */
function kindRow(
  key: string,
  label: string,
  counts: Map<string, number>,
): { key: string; label: string; cells: Cell[] } {
  const values = publicKinds.map((k) => counts.get(k) ?? 0);
  return { key, label, cells: [...breakdownCells(values), totalCell(values)] };
}

function feedbackPeriod(counts: readonly FeedbackCount[], ctx: PortalContext) {
  const months = counts
    .filter((c) => publicKinds.includes(c.kind as never))
    .map((c) => c.month)
    .toSorted();
  const first = months[0] ?? ctx.currentMonth;
  return { first, label: t('statistics.periodMonths', { from: monthLabel(first), to: monthLabel(ctx.currentMonth) }) };
}

const feedbackDefinitions = (monthly = false) => [
  t('statistics.def.feedbackKinds'),
  ...(monthly ? [t('statistics.def.monthlyYoy')] : []),
  t('statistics.def.feedbackMonth'),
  t('statistics.def.suppressed'),
  t('statistics.def.complementary'),
  t('statistics.def.selfSelected'),
];

const feedbackNames = {
  'feedback-months': 'feedbackMonths',
  'feedback-carriers': 'feedbackCarriers',
  'feedback-townships': 'feedbackTownships',
} as const;

function feedbackDataset(
  key: keyof typeof feedbackNames,
  table: StatTable,
  counts: readonly FeedbackCount[],
  ctx: PortalContext,
): Dataset {
  const name = feedbackNames[key];
  return {
    key,
    title: t(`statistics.${name}.title`),
    lead: t(`statistics.${name}.lead`),
    definitions: feedbackDefinitions(key === 'feedback-months'),
    source: t('statistics.source.portalFeedback'),
    period: feedbackPeriod(counts, ctx).label,
    updated: ctx.computedAt,
    demo: ctx.demo,
    tables: [table],
  };
}

function tally(counts: readonly FeedbackCount[], by: (c: FeedbackCount) => string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const c of counts) {
    if (!publicKinds.includes(c.kind as never)) continue;
    const row = out.get(by(c)) ?? new Map<string, number>();
    row.set(c.kind, (row.get(c.kind) ?? 0) + c.n);
    out.set(by(c), row);
  }
  return out;
}

export function feedbackMonthsDataset(counts: readonly FeedbackCount[], ctx: PortalContext): Dataset {
  const byMonth = tally(counts, (c) => c.month);
  const range = { first: feedbackPeriod(counts, ctx).first, last: ctx.currentMonth };
  const months = monthsBetween(range.first, range.last);
  const totals = new Map([...byMonth].map(([m, kinds]) => [m, [...kinds.values()].reduce((a, n) => a + n, 0)]));
  const totalOf = (m: string) => totalCell(m < range.first || m > range.last ? [null] : [totals.get(m) ?? 0]);
  const monthRow = (m: string) => {
    const row = kindRow(m, monthLabel(m), byMonth.get(m) ?? new Map<string, number>());
    const yoy = monthlyYearOnYear(totals, range, m, ctx.currentMonth);
    return { ...row, cells: [...row.cells, yoyCell(totalOf(m), totalOf(sameMonthLastYear(m)), yoy)] };
  };
  const table: StatTable = {
    key: 'months',
    caption: t('statistics.feedbackMonths.caption'),
    columns: [...kindColumns(), { key: 'totalYoy', label: t('statistics.column.totalYoy') }],
    rows: months.map(monthRow),
    chart: {
      type: 'bar',
      columns: [...publicKinds],
      stacked: true,
      yTitle: t('statistics.axis.items'),
      xTitle: t('statistics.axis.month'),
      ariaLabel: t('statistics.feedbackMonths.chartLabel'),
    },
  };
  return feedbackDataset('feedback-months', table, counts, ctx);
}

export function feedbackCarriersDataset(counts: readonly FeedbackCount[], ctx: PortalContext): Dataset {
  const byCarrier = tally(counts, (c) => c.carrier);
  const table: StatTable = {
    key: 'carriers',
    caption: t('statistics.feedbackCarriers.caption'),
    columns: kindColumns(),
    rows: unitCarriers.map((c) => kindRow(c, t(`carrier.${c}`), byCarrier.get(c) ?? new Map<string, number>())),
    chart: {
      type: 'bar',
      columns: [...publicKinds],
      stacked: true,
      yTitle: t('statistics.axis.items'),
      xTitle: t('statistics.axis.carrier'),
      ariaLabel: t('statistics.feedbackCarriers.chartLabel'),
    },
  };
  return feedbackDataset('feedback-carriers', table, counts, ctx);
}

export function feedbackTownshipsDataset(
  counts: readonly FeedbackCount[],
  townships: readonly { id: string; name: string; order: number }[],
  ctx: PortalContext,
): Dataset {
  const byTownship = tally(counts, (c) => c.townshipId);
  const table: StatTable = {
    key: 'townships',
    caption: t('statistics.feedbackTownships.caption'),
    columns: kindColumns(),
    rows: townships
      .toSorted((a, b) => a.order - b.order)
      .map((tw) => kindRow(tw.id, tw.name, byTownship.get(tw.id) ?? new Map<string, number>())),
    chart: {
      type: 'bar',
      columns: [...publicKinds],
      stacked: true,
      yTitle: t('statistics.axis.items'),
      xTitle: t('statistics.axis.township'),
      ariaLabel: t('statistics.feedbackTownships.chartLabel'),
    },
  };
  return feedbackDataset('feedback-townships', table, counts, ctx);
}

export interface ReplyFacts extends DeadlineFacts {
  carrier: UnitCarrier;
  /** Beijing month of receipt, YYYY-MM. */
  month: string;
}

const DAY_MS = 86_400_000;

/** Answered count, median days to the first answer, and on-time rate of a group of items. */
function replyCells(items: readonly ReplyFacts[], now: Date, rules: FeedbackRules): Cell[] {
  const days = items
    .filter((f) => f.firstAnsweredAt)
    .map((f) => Math.max(0, (f.firstAnsweredAt!.getTime() - f.receivedAt.getTime()) / DAY_MS));
  const onTime = onTimeReplyRate(items, now, rules);
  return [countCell(items.length), medianCell(days), rateCell(onTime.onTime, onTime.due)];
}

export function replyTimesDataset(
  items: readonly ReplyFacts[],
  ctx: PortalContext & { now: Date; rules: FeedbackRules },
): Dataset {
  const unitItems = items.filter((f) => f.routedTo === 'unit');
  const columns = [
    { key: 'received', label: t('statistics.column.received') },
    { key: 'medianDays', label: t('statistics.column.medianDays') },
    { key: 'onTime', label: t('statistics.column.onTimeRate') },
  ];
  const first = unitItems.map((f) => f.month).toSorted()[0] ?? ctx.currentMonth;
  const months = monthsBetween(first, ctx.currentMonth);
  const range = { first, last: ctx.currentMonth };
  const received = new Map<string, number>();
  for (const f of unitItems) received.set(f.month, (received.get(f.month) ?? 0) + 1);
  const receivedOf = (m: string) => countCell(m < range.first || m > range.last ? null : (received.get(m) ?? 0));
  const byMonth: StatTable = {
    key: 'months',
    caption: t('statistics.replyTimes.captionMonths'),
    columns: [...columns, { key: 'receivedYoy', label: t('statistics.column.receivedYoy') }],
    rows: months.map((m) => ({
      key: m,
      label: monthLabel(m),
      cells: [
        ...replyCells(
          unitItems.filter((f) => f.month === m),
          ctx.now,
          ctx.rules,
        ),
        yoyCell(
          receivedOf(m),
          receivedOf(sameMonthLastYear(m)),
          monthlyYearOnYear(received, range, m, ctx.currentMonth),
        ),
      ],
    })),
    chart: {
      type: 'line',
      columns: ['onTime'],
      percent: true,
      intervals: true,
      intervalLabel: t('statistics.chart.interval'),
      yTitle: t('statistics.axis.ratePercent'),
      xTitle: t('statistics.axis.month'),
      ariaLabel: t('statistics.replyTimes.chartMonths'),
    },
  };
  const byCarrier: StatTable = {
    key: 'carriers',
    caption: t('statistics.replyTimes.captionCarriers'),
    columns,
    rows: [
      ...unitCarriers.map((c) => ({
        key: c,
        label: t(`carrier.${c}`),
        cells: replyCells(
          unitItems.filter((f) => f.carrier === c),
          ctx.now,
          ctx.rules,
        ),
      })),
      { key: 'all', label: t('statistics.row.all'), cells: replyCells(unitItems, ctx.now, ctx.rules) },
    ],
    chart: {
      type: 'bar',
      columns: ['medianDays'],
      yTitle: t('statistics.axis.days'),
      xTitle: t('statistics.axis.carrier'),
      ariaLabel: t('statistics.replyTimes.chartCarriers'),
    },
  };
  return {
    key: 'reply-times',
    title: t('statistics.replyTimes.title'),
    lead: t('statistics.replyTimes.lead'),
    definitions: [
      t('statistics.def.medianDays'),
      t('statistics.def.monthlyYoy'),
      t('statistics.def.onTime', { ack: ctx.rules.acknowledgeDays, handle: ctx.rules.handleDays }),
      t('statistics.def.interval'),
      t('statistics.def.smallSample'),
      t('statistics.def.suppressedRate'),
    ],
    source: t('statistics.source.portalFeedback'),
    period: t('statistics.periodMonths', { from: monthLabel(first), to: monthLabel(ctx.currentMonth) }),
    updated: ctx.computedAt,
    demo: ctx.demo,
    tables: [byMonth, byCarrier],
  };
}

export interface SurveyTotal {
  carrier: UnitCarrier;
  periodLabel: string;
  opensOn: string;
  closesOn: string;
  n: number;
  positive: number;
  nExcludingUnsure: number;
}

export function satisfactionDataset(surveys: readonly SurveyTotal[], ctx: PortalContext): Dataset {
  const rows = surveys
    .toSorted(
      (a, b) => unitCarriers.indexOf(a.carrier) - unitCarriers.indexOf(b.carrier) || a.opensOn.localeCompare(b.opensOn),
    )
    .map((s) => ({
      key: `${s.carrier}-${s.opensOn}`,
      label: t('statistics.satisfaction.rowLabel', { carrier: t(`carrier.${s.carrier}`), period: s.periodLabel }),
      cells: [rateCell(s.positive, s.n), rateCell(s.positive, s.nExcludingUnsure)],
    }));
  const dates = surveys.flatMap((s) => [s.opensOn, s.closesOn]).toSorted();
  return {
    key: 'satisfaction',
    title: t('statistics.satisfaction.title'),
    lead: t('statistics.satisfaction.lead'),
    definitions: [
      t('statistics.def.satisfaction'),
      t('statistics.def.interval'),
      t('statistics.def.smallSample'),
      t('statistics.def.suppressedRate'),
      t('statistics.def.selfSelected'),
    ],
    source: t('statistics.source.portalSurveys'),
    period: dates.length ? t('statistics.periodDates', { from: dates[0]!, to: dates.at(-1)! }) : t('statistics.noData'),
    updated: ctx.computedAt,
    demo: ctx.demo,
    tables: [
      {
        key: 'carriers',
        caption: t('statistics.satisfaction.caption'),
        columns: [
          { key: 'rate', label: t('statistics.column.satisfaction') },
          { key: 'rateExcludingUnsure', label: t('statistics.column.satisfactionExclUnsure') },
        ],
        rows,
        chart: {
          type: 'line',
          columns: ['rate'],
          connect: false,
          percent: true,
          intervals: true,
          intervalLabel: t('statistics.chart.interval'),
          yTitle: t('statistics.axis.ratePercent'),
          xTitle: t('statistics.axis.carrierPeriod'),
          ariaLabel: t('statistics.satisfaction.chartLabel'),
        },
      },
    ],
  };
}

export interface CanteenTimeliness {
  unitId: string;
  unitName: string;
  /** The accounting month, YYYY-MM. */
  month: string;
  publishedOn: string;
  onTime: boolean;
  demo: boolean;
}

const quarterOf = (month: string) => `${month.slice(0, 4)}-q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;

export function disclosuresOnTimeDataset(accounts: readonly CanteenTimeliness[]): Dataset {
  const cells = (xs: readonly CanteenTimeliness[]) => [
    countCell(xs.length),
    rateCell(xs.filter((x) => x.onTime).length, xs.length),
  ];
  const quarters = [...new Set(accounts.map((a) => quarterOf(a.month)))].toSorted();
  const units = [...new Map(accounts.map((a) => [a.unitId, a.unitName])).entries()].toSorted((a, b) =>
    a[0].localeCompare(b[0]),
  );
  const columns = [
    { key: 'published', label: t('statistics.column.published') },
    { key: 'onTime', label: t('statistics.column.onTimeRate') },
  ];
  const months = accounts.map((a) => a.month).toSorted();
  return {
    key: 'disclosures-on-time',
    title: t('statistics.disclosuresOnTime.title'),
    lead: t('statistics.disclosuresOnTime.lead'),
    definitions: [
      t('statistics.def.canteenOnTime'),
      t('statistics.def.interval'),
      t('statistics.def.smallSample'),
      t('statistics.def.suppressedRate'),
    ],
    source: t('statistics.source.disclosures'),
    period: months.length
      ? t('statistics.periodMonths', { from: monthLabel(months[0]!), to: monthLabel(months.at(-1)!) })
      : t('statistics.noData'),
    updated:
      accounts
        .map((a) => a.publishedOn)
        .toSorted()
        .at(-1) ?? '',
    demo: accounts.some((a) => a.demo),
    tables: [
      {
        key: 'quarters',
        caption: t('statistics.disclosuresOnTime.captionQuarters'),
        columns,
        rows: quarters.map((q) => ({
          key: q,
          label: t('statistics.quarter', { year: q.slice(0, 4), quarter: q.slice(6) }),
          cells: cells(accounts.filter((a) => quarterOf(a.month) === q)),
        })),
        chart: {
          type: 'line',
          columns: ['onTime'],
          percent: true,
          intervals: true,
          intervalLabel: t('statistics.chart.interval'),
          yTitle: t('statistics.axis.ratePercent'),
          xTitle: t('statistics.axis.quarter'),
          ariaLabel: t('statistics.disclosuresOnTime.chartQuarters'),
        },
      },
      {
        key: 'units',
        caption: t('statistics.disclosuresOnTime.captionUnits'),
        columns,
        rows: units.map(([id, name]) => ({
          key: id,
          label: name,
          cells: cells(accounts.filter((a) => a.unitId === id)),
        })),
        chart: null,
      },
    ],
  };
}

/**
 * Pass rates per carrier and assessed year, from the scoring engine (carrierPassRatesByYear): pass or
 * model ÷ graded scorecards. Units still waiting for marks are counted apart, never as failures.
 */
export function passRatesDataset(rates: readonly CarrierPassRate[], ctx: PortalContext): Dataset {
  const years = [...new Set(rates.map((r) => r.year))].toSorted();
  const row = (key: string, label: string, rs: readonly CarrierPassRate[]) => {
    const sum = (f: (r: CarrierPassRate) => number) => rs.reduce((a, r) => a + f(r), 0);
    return {
      key,
      label,
      // No 'units' column: units = graded + pending, and with both published a hidden pending count
      // would follow by subtraction.
      cells: [
        countCell(sum((r) => r.assessed)),
        rateCell(
          sum((r) => r.passed),
          sum((r) => r.assessed),
        ),
        countCell(sum((r) => r.model)),
        countCell(sum((r) => r.vetoed)),
        countCell(sum((r) => r.pending)),
      ],
    };
  };
  const rows = [
    ...rates
      .toSorted((a, b) => carriers.indexOf(a.carrier) - carriers.indexOf(b.carrier) || a.year - b.year)
      .map((r) =>
        row(
          `${r.carrier}-${r.year}`,
          t('statistics.passRates.rowLabel', { carrier: t(`carrier.${r.carrier}`), year: r.year }),
          [r],
        ),
      ),
    ...years.map((y) =>
      row(
        `all-${y}`,
        t('statistics.passRates.rowLabel', { carrier: t('statistics.row.all'), year: y }),
        rates.filter((r) => r.year === y),
      ),
    ),
  ];
  return {
    key: 'pass-rates',
    title: t('statistics.passRates.title'),
    lead: t('statistics.passRates.lead'),
    definitions: [
      t('statistics.def.passRate'),
      t('statistics.def.pending'),
      t('statistics.def.interval'),
      t('statistics.def.smallSample'),
      t('statistics.def.suppressedRate'),
      t('statistics.def.suppressed'),
    ],
    source: t('statistics.source.scoring'),
    period: years.length ? t('statistics.periodYears', { from: years[0]!, to: years.at(-1)! }) : t('statistics.noData'),
    updated: ctx.computedAt,
    demo: ctx.demo,
    tables: [
      {
        key: 'carriers',
        caption: t('statistics.passRates.caption'),
        columns: [
          { key: 'assessed', label: t('statistics.column.assessed') },
          { key: 'passRate', label: t('statistics.column.passRate') },
          { key: 'model', label: t('statistics.column.model') },
          { key: 'vetoed', label: t('statistics.column.vetoed') },
          { key: 'pending', label: t('statistics.column.pending') },
        ],
        rows,
        chart: {
          type: 'line',
          columns: ['passRate'],
          connect: false,
          percent: true,
          intervals: true,
          intervalLabel: t('statistics.chart.interval'),
          yTitle: t('statistics.axis.ratePercent'),
          xTitle: t('statistics.axis.carrierYear'),
          ariaLabel: t('statistics.passRates.chartLabel'),
        },
      },
    ],
  };
}
