import { toCsv } from '../../lib/csv.ts';
import { toXlsx } from '../../lib/xlsx.ts';
import { t } from '../../i18n/t.ts';
import type { Scorecard } from '../../domain/scoring/scorecard.ts';
import type { CarrierPassRate } from '../../domain/scoring/ranking.ts';
import type { Standard } from '../../domain/scoring/standard.ts';
import type { UnitScorecard, YearReport } from '../../services/scoring.ts';

/**
 * Public output of scorecards (STYLE.md rule 5): fields picked one by one. Scorecards hold no personal data by
 * construction (evaluator notes and veto sources are public texts); the evaluator's identity is not included.
 */
export function toPublicScorecard(c: UnitScorecard, rank: number | null, tooFew = false) {
  return {
    unitId: c.unitId,
    unitName: c.unitName,
    carrier: c.carrier,
    township: c.townshipId,
    year: c.year,
    total: c.total,
    max: c.max,
    grade: c.grade,
    gradeReason: c.gradeReason,
    rank,
    /** Why there is no rank: the scorecard's own reason, or too few ranked units of its carrier. */
    unranked: c.unranked ?? (tooFew ? 'tooFew' : null),
    complete: c.complete,
    satisfaction: c.satisfaction,
    vetoes: c.vetoes.map((v) => ({
      key: v.key,
      name: v.name,
      origin: v.origin,
      occurredOn: v.occurredOn,
      source: v.source,
      note: v.note,
    })),
    indicators: c.indicators.map((i) => ({
      key: i.key,
      name: i.name,
      group: i.group,
      points: i.points,
      max: i.max,
      status: i.status,
      measured: i.measured,
      rule: i.rule,
      deductions: i.deductions.map((d) => ({
        key: d.key,
        label: d.label,
        count: d.count,
        points: d.cents / 100,
        note: d.note ?? null,
      })),
      note: i.note,
      evidence: i.evidence,
    })),
    bonus: c.bonus,
    subtotal: c.subtotal,
  };
}

export const toPublicPassRate = (p: CarrierPassRate) => ({ ...p });

/** The year as JSON: pass rates, then every scorecard with its rank. */
export function yearJson(r: YearReport) {
  return {
    year: r.standard.year,
    title: r.standard.title,
    passRates: r.passRates.map(toPublicPassRate),
    scorecards: r.ranking.map(({ card, rank, tooFew }) => toPublicScorecard(card, rank, tooFew)),
  };
}

/** Every indicator of a standard in display order (common, then each carrier's): key and name. */
function indicatorColumns(s: Standard): { key: string; name: string }[] {
  return [...s.common, ...s.carriers.flatMap((c) => s.individual[c] ?? [])].map((i) => ({ key: i.key, name: i.name }));
}

/**
 * The year as a table for people: one row per unit, Chinese headers, names instead of codes (carrier,
 * grade, why a unit is not ranked), one column per indicator headed "key name" (empty where it does not
 * apply or is unscored). The JSON keeps the machine fields.
 */
export function yearTable(r: YearReport): (string | number)[][] {
  const indicators = indicatorColumns(r.standard);
  const header = [
    t('scoring.export.unitId'),
    t('scoring.year.unit'),
    t('scoring.year.carrier'),
    t('scoring.export.township'),
    t('scoring.export.year'),
    t('scoring.year.total'),
    t('scoring.year.grade'),
    t('scoring.year.rank'),
    t('scoring.year.notes'),
    t('scoring.year.vetoed'),
    t('scoring.export.bonus'),
    ...indicators.map((i) => `${i.key} ${i.name}`),
  ];
  const rows = r.ranking.map(({ card, rank, tooFew }) => {
    const byKey = new Map(card.indicators.map((i) => [i.key, i.points]));
    return [
      card.unitId,
      card.unitName,
      t(`carrier.${card.carrier}`),
      card.townshipId,
      card.year,
      card.total,
      t(`scoring.grade.${card.grade}`),
      rank ?? '',
      card.unranked ? t(`scoring.year.unranked.${card.unranked}`) : tooFew ? t('scoring.year.unranked.tooFew') : '',
      card.vetoes.map((v) => v.name).join('；'),
      card.bonus.counted,
      ...indicators.map((i) => byKey.get(i.key) ?? ''),
    ];
  });
  return [header, ...rows];
}

/** Pass rates per carrier as a table for people (the year page's first table). */
function passRateTable(r: YearReport): (string | number)[][] {
  return [
    [
      t('scoring.year.carrier'),
      t('scoring.year.units'),
      t('scoring.year.assessed'),
      t('scoring.year.passed'),
      t('scoring.year.model'),
      t('scoring.year.vetoed'),
      t('scoring.year.pending'),
      t('scoring.year.insufficient'),
      t('scoring.export.passRatePercent'),
    ],
    ...r.passRates.map((p) => [
      t(`carrier.${p.carrier}`),
      p.units,
      p.assessed,
      p.passed,
      p.model,
      p.vetoed,
      p.pending,
      p.insufficient,
      p.passRate === null ? '' : Math.round(p.passRate * 1000) / 10,
    ]),
  ];
}

/** The year as CSV (UTF-8 with BOM): the scorecard table, one row per unit. */
export const yearCsv = (r: YearReport): string => toCsv(yearTable(r));

/** The year as .xlsx: the scorecards (one row per unit), then the pass rates per carrier. */
export const yearXlsx = (r: YearReport): Promise<Uint8Array<ArrayBuffer>> =>
  toXlsx([
    { name: t('scoring.export.scorecardsSheet', { year: r.standard.year }), rows: yearTable(r) },
    { name: t('scoring.year.passRates'), rows: passRateTable(r) },
  ]);

/** Scorecard points as shares of their maxima, for the per-indicator chart and its table. */
export function indicatorShares(
  c: Scorecard,
): { key: string; name: string; points: number | null; max: number; percent: number | null }[] {
  return c.indicators.map((i) => ({
    key: i.key,
    name: i.name,
    points: i.points,
    max: i.max,
    percent: i.points === null ? null : Math.round((i.points / i.max) * 1000) / 10,
  }));
}
