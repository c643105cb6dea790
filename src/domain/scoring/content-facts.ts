import type { CanteenAccount } from '../disclosures/canteen-account/schema.ts';
import { canteenChecks } from '../disclosures/canteen-account/rules.ts';
import type { Decision } from '../disclosures/decision/schema.ts';
import { decisionChecks, decisionYear } from '../disclosures/decision/compliance.ts';
import { verdictOf } from '../disclosures/common.ts';
import type { Evidence, Ratio } from './interpret.ts';
import { permalink } from '../disclosures/kinds.ts';
import type { CollectiveAssets } from '../disclosures/collective-assets/schema.ts';
import { filedQuarters, overdueEntries, periodYear, type OwingUnit } from '../disclosures/due.ts';

/**
 * Rates the scoring engine reads from content/ (the disclosures clerks publish), per unit and year:
 * - disclosureOnTime: the periods of every periodic kind (src/domain/disclosures/due.ts) published on time ÷ all
 *   periods filed or owed: a canteen month filed after the 15th of the next month is late, a ledger quarter filed
 *   counts as on time (a village's yearly file carries one publication date, so a quarter cannot be dated), and a
 *   period owed and not filed by its deadline is not on time from the day after (shown as overdue, not published);
 * - decisionCompliance: village decision-procedure records judged compliant ÷ those with a final verdict (pending ones wait).
 * Every failing record is an evidence link. The same checks as the disclosure pages, so a scorecard and a
 * permalink never disagree.
 */
export type ContentRatios = Map<string, { disclosureOnTime?: Ratio; decisionCompliance?: Ratio }>;

export interface ContentEntries {
  canteenAccount: readonly { id: string; data: CanteenAccount }[];
  collectiveAssets: readonly { id: string; data: CollectiveAssets }[];
  decision: readonly { id: string; data: Decision }[];
  /** Carriers and configured first owed periods (content/units). */
  units: readonly OwingUnit[];
}

const key = (unit: string, year: number) => `${unit}|${year}`;

export function contentRatios(entries: ContentEntries, today: string): ContentRatios {
  const out: ContentRatios = new Map();
  const bump = (
    unit: string,
    year: number,
    source: 'disclosureOnTime' | 'decisionCompliance',
    ok: boolean,
    evidence: Evidence | null,
  ) => {
    const k = key(unit, year);
    const slot = out.get(k) ?? {};
    const r = slot[source] ?? { numerator: 0, denominator: 0, evidence: [] };
    r.denominator += 1;
    if (ok) r.numerator += 1;
    if (evidence) r.evidence!.push(evidence);
    slot[source] = r;
    out.set(k, slot);
  };
  for (const e of [...entries.canteenAccount].sort((a, b) => a.id.localeCompare(b.id))) {
    const check = canteenChecks(e.data).find((c) => c.key === 'publishedOnTime');
    if (!check || (check.state !== 'pass' && check.state !== 'fail')) continue;
    const ok = check.state === 'pass';
    bump(
      e.data.unit,
      Number(e.data.month.slice(0, 4)),
      'disclosureOnTime',
      ok,
      ok
        ? null
        : {
            label: 'scoring.evidence.lateDisclosure',
            vars: { period: e.data.month },
            href: permalink('canteenAccount', e.id),
          },
    );
  }
  const ledgers = Map.groupBy(
    entries.collectiveAssets.toSorted((a, b) => a.id.localeCompare(b.id)),
    (e) => e.data.unit,
  );
  for (const [unit, list] of ledgers) {
    for (const quarter of [...filedQuarters(list.map((e) => e.data))].toSorted())
      bump(unit, periodYear(quarter), 'disclosureOnTime', true, null);
  }
  for (const o of overdueEntries(entries, today)) {
    bump(o.unit, periodYear(o.period), 'disclosureOnTime', false, {
      label: 'scoring.evidence.overdueDisclosure',
      vars: { period: o.period, days: o.daysOverdue },
      href: `/units/${o.unit}/#overdue`,
    });
  }
  for (const e of [...entries.decision].sort((a, b) => a.id.localeCompare(b.id))) {
    const verdict = verdictOf(decisionChecks(e.data, today));
    if (verdict === 'pending') continue;
    const ok = verdict === 'compliant';
    bump(
      e.data.unit,
      decisionYear(e.data),
      'decisionCompliance',
      ok,
      ok
        ? null
        : {
            label: 'scoring.evidence.nonCompliantDecision',
            vars: { title: e.data.title },
            href: permalink('decision', e.id),
          },
    );
  }
  return out;
}

/** The content rates of one unit and year. */
export const contentRatiosOf = (all: ContentRatios, unit: string, year: number) => all.get(key(unit, year)) ?? {};
