import { feedbackCounts, hasDemoFeedback, listTownships, replyFacts } from '../db/statistics-repo.ts';
import { listSurveys } from '../db/surveys-repo.ts';
import type { UnitCarrier } from '../domain/units/schema.ts';
import type { ChannelContext } from './context.ts';
import { surveyResults } from './surveys.ts';

/**
 * The portal-derived figures of the statistics pages (src/site/statistics/load.ts), aggregated in SQL at
 * request time: counts and deadline facts only, never a text, contact or code column.
 */

/** Feedback counts per month of receipt, kind, carrier and township. */
export const countFeedbackByGroup = (ctx: ChannelContext) => feedbackCounts(ctx.database);

/** The deadline facts of every item routed to a unit, with its carrier and month. */
export const listReplyFacts = (ctx: ChannelContext) => replyFacts(ctx.database);

/** The townships of the registry mirror, in their published order. */
export const listStatisticsTownships = (ctx: ChannelContext) => listTownships(ctx.database);

/** True when any demo record is in the database (the figures are then fictional). */
export const hasDemoData = (ctx: ChannelContext) => hasDemoFeedback(ctx.database);

export interface SatisfactionTotal {
  carrier: UnitCarrier;
  periodLabel: string;
  opensOn: string;
  closesOn: string;
  n: number;
  positive: number;
  nExcludingUnsure: number;
}

/** The carrier-wide satisfaction total of every survey that has results. */
export async function listSatisfactionTotals(ctx: ChannelContext): Promise<SatisfactionTotal[]> {
  const totals: SatisfactionTotal[] = [];
  for (const s of await listSurveys(ctx.database)) {
    const r = await surveyResults(ctx, s.id);
    if (!r) continue;
    const c = r.carrierTotal;
    totals.push({
      carrier: s.carrier,
      periodLabel: s.periodLabel,
      opensOn: s.opensOn,
      closesOn: s.closesOn,
      n: c.n,
      positive: c.positive,
      nExcludingUnsure: c.nExcludingUnsure,
    });
  }
  return totals;
}
