import type { Carrier } from '../units/schema.ts';
import type { Scorecard } from './scorecard.ts';

/**
 * A scorecard may be ranked only when it is complete, its satisfaction rate had a sufficient sample (not
 * insufficient sample), and no veto applies: a league table never compares a small sample or a disqualified unit.
 */
export const isRankable = (c: Scorecard): boolean => c.unranked === null;

/** A ranking needs at least this many ranked units of the class: "ranked first" of one unit says nothing. */
export const MIN_RANKED = 2;

/** `a.localeCompare(b)` (the default locale and options), without looking the collation up on every call. */
const byId = new Intl.Collator().compare;

/**
 * Rank scorecards (of one carrier) by total, highest first; equal totals share a rank (1, 2, 2, 4). Unrankable
 * ones get no rank and follow, by unit id. When fewer than `MIN_RANKED` units may be ranked, nobody gets a rank
 * and the rankable ones say so (`tooFew`).
 */
export function rankScorecards<T extends Scorecard>(
  cards: readonly T[],
): { card: T; rank: number | null; tooFew: boolean }[] {
  const ranked = cards.filter(isRankable).toSorted((a, b) => b.total - a.total || byId(a.unitId, b.unitId));
  const out: { card: T; rank: number | null; tooFew: boolean }[] = [];
  const tooFew = ranked.length < MIN_RANKED;
  if (tooFew) for (const card of ranked) out.push({ card, rank: null, tooFew: true });
  else
    ranked.forEach((card, i) => {
      const prev = out[i - 1];
      out.push({ card, rank: prev && prev.card.total === card.total ? prev.rank : i + 1, tooFew: false });
    });
  for (const card of cards.filter((c) => !isRankable(c)).toSorted((a, b) => byId(a.unitId, b.unitId)))
    out.push({ card, rank: null, tooFew: false });
  return out;
}

/** Pass-rate figures of one carrier in one year. */
export interface CarrierPassRate {
  carrier: Carrier;
  year: number;
  /** Units with a scorecard. */
  units: number;
  /** Graded scorecards (every indicator scored, or vetoed): not pending. */
  assessed: number;
  /** pass or model. */
  passed: number;
  model: number;
  failed: number;
  /** Of them, failed by a veto. */
  vetoed: number;
  /** Still waiting for marks (pending). */
  pending: number;
  /** Scorecards with at least one insufficient sample rate (marked or not). */
  insufficient: number;
  /** passed / assessed, or null when nothing was assessed. */
  passRate: number | null;
}

/** Pass rates per carrier for one year's scorecards (DOMAIN.md §4.3 aggregation 4: pass ÷ assessed). */
export function passRates(
  year: number,
  cards: readonly Scorecard[],
  carrierOrder: readonly Carrier[],
): CarrierPassRate[] {
  return carrierOrder.flatMap((carrier) => {
    const mine = cards.filter((c) => c.carrier === carrier && c.year === year);
    if (mine.length === 0) return [];
    const assessed = mine.filter((c) => c.grade !== 'pending');
    const passed = assessed.filter((c) => c.grade === 'pass' || c.grade === 'model').length;
    return [
      {
        carrier,
        year,
        units: mine.length,
        assessed: assessed.length,
        passed,
        model: assessed.filter((c) => c.grade === 'model').length,
        failed: assessed.filter((c) => c.grade === 'fail').length,
        vetoed: assessed.filter((c) => c.vetoes.length > 0).length,
        pending: mine.length - assessed.length,
        insufficient: mine.filter((c) => c.insufficient.length > 0).length,
        passRate: assessed.length ? passed / assessed.length : null,
      },
    ];
  });
}
