import type { CanteenAccount } from '../disclosures/canteen-account/schema.ts';
import { canteenChecks } from '../disclosures/canteen-account/rules.ts';
import type { Decision } from '../disclosures/decision/schema.ts';
import { decisionChecks, decisionYear } from '../disclosures/decision/compliance.ts';
import { verdictOf } from '../disclosures/common.ts';
import type { Evidence, Ratio } from './interpret.ts';
import { permalink } from '../disclosures/kinds.ts';

/**
 * Rates the scoring engine reads from content/ (the disclosures clerks publish), per unit and year:
 * - disclosureOnTime: disclosures with a publication deadline (canteen accounts: by the 15th of the next month)
 *   published on time ÷ all of them;
 * - decisionCompliance: village decision-procedure records judged compliant ÷ those with a final verdict (pending ones wait).
 * Every failing record is an evidence link. The same checks as the disclosure pages, so a scorecard and a
 * permalink never disagree.
 */
export type ContentRatios = Map<string, { disclosureOnTime?: Ratio; decisionCompliance?: Ratio }>;

export interface ContentEntries {
  canteenAccount: readonly { id: string; data: CanteenAccount }[];
  decision: readonly { id: string; data: Decision }[];
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
