import { stringify } from 'csv-stringify/sync';
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

/** Every indicator key of a standard in display order (common, then each carrier's). */
function indicatorColumns(s: Standard): string[] {
  return [...s.common.map((i) => i.key), ...s.carriers.flatMap((c) => (s.individual[c] ?? []).map((i) => i.key))];
}

/** The year as CSV: one row per unit, one column per indicator (empty where it does not apply or is unscored). */
export function yearCsv(r: YearReport): string {
  const keys = indicatorColumns(r.standard);
  const header = [
    'unit_id',
    'unit_name',
    'carrier',
    'township',
    'year',
    'total',
    'grade',
    'rank',
    'unranked',
    'vetoes',
    'bonus',
    ...keys,
  ];
  const rows = r.ranking.map(({ card, rank, tooFew }) => {
    const byKey = new Map(card.indicators.map((i) => [i.key, i.points]));
    return [
      card.unitId,
      card.unitName,
      card.carrier,
      card.townshipId,
      card.year,
      card.total,
      card.grade,
      rank ?? '',
      card.unranked ?? (tooFew ? 'tooFew' : ''),
      card.vetoes.map((v) => v.key).join(' '),
      card.bonus.counted,
      ...keys.map((k) => byKey.get(k) ?? ''),
    ];
  });
  return stringify([header, ...rows]);
}

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
