import { monthOf, nextMonth } from '../../calendar/dates.ts';
import { problem, yuan, type CheckResult, type Problem } from '../common.ts';
import { isMaskedName } from '../../privacy/names.ts';
import {
  contractedStatuses,
  fundIncomeCategories,
  subjectKinds,
  type CollectiveAssets,
  type Contract,
  type FundMonth,
} from './schema.ts';

/**
 * Validity rules of a village's ledgers: balances to the fen, line by line; months in order and
 * continuous; every contract tied to what it leases and, above the village threshold, to the
 * decision that approved it (DOMAIN.md §2.5 cross-checks).
 */

/** Each line's balance = previous balance ± amount; closing = last balance; lines dated in the month, in order. */
export function checkFundMonth(m: FundMonth, index: number): Problem[] {
  const out: Problem[] = [];
  let balance = m.openingFen;
  let lastDate = '';
  m.lines.forEach((l, j) => {
    const at = ['funds', index, 'lines', j] as const;
    if (monthOf(l.date) !== m.month)
      out.push(problem([...at, 'date'], 'disclosures.assets.lineOutsideMonth', { month: m.month }));
    else if (l.date < lastDate)
      out.push(problem([...at, 'date'], 'disclosures.assets.lineOutOfOrder', { previous: lastDate }));
    lastDate = l.date;
    const incomeCategory = (fundIncomeCategories as readonly string[]).includes(l.category);
    if ((l.kind === 'income') !== incomeCategory)
      out.push(problem([...at, 'category'], 'disclosures.assets.categoryKind', { kind: l.kind }));
    balance += l.kind === 'income' ? l.amountFen : -l.amountFen;
    if (l.balanceFen !== balance)
      out.push(
        problem([...at, 'balanceFen'], 'disclosures.assets.lineBalance', {
          expected: yuan(balance),
          actual: yuan(l.balanceFen),
        }),
      );
    // Each line is checked against the line above as written: a wrong amount is reported once
    // (not on every later line); a mistyped balance breaks its own line and the next.
    balance = l.balanceFen;
  });
  if (m.closingFen !== balance)
    out.push(
      problem(['funds', index, 'closingFen'], 'disclosures.assets.closingBalance', {
        expected: yuan(balance),
        actual: yuan(m.closingFen),
      }),
    );
  return out;
}

/** Months belong to the file's year, follow each other, and each opens with the previous closing. */
export function checkFundMonths(a: CollectiveAssets): Problem[] {
  const out: Problem[] = [];
  a.funds.forEach((m, i) => {
    if (!m.month.startsWith(`${a.year}-`))
      out.push(problem(['funds', i, 'month'], 'disclosures.assets.monthOutsideYear', { year: a.year }));
    const prev = a.funds[i - 1];
    if (prev && m.month !== nextMonth(prev.month))
      out.push(problem(['funds', i, 'month'], 'disclosures.assets.monthNotNext', { previous: prev.month }));
    else if (prev && m.openingFen !== prev.closingFen)
      out.push(
        problem(['funds', i, 'openingFen'], 'disclosures.assets.openingBalance', {
          previous: prev.month,
          closing: yuan(prev.closingFen),
        }),
      );
    out.push(...checkFundMonth(m, i));
  });
  return out;
}

/** Codes are unique across assets, resources and contracts; links point at things that exist. */
export function checkLinks(a: CollectiveAssets): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const claim = (code: string, path: (string | number)[]) => {
    if (seen.has(code)) out.push(problem(path, 'disclosures.assets.duplicateCode', { code }));
    seen.add(code);
  };
  a.assets.forEach((x, i) => claim(x.code, ['assets', i, 'code']));
  a.resources.forEach((x, i) => claim(x.code, ['resources', i, 'code']));
  a.contracts.forEach((x, i) => claim(x.code, ['contracts', i, 'code']));
  const contracts = new Set(a.contracts.map((c) => c.code));
  const subjects = new Set([...a.assets.map((x) => x.code), ...a.resources.map((x) => x.code)]);
  const linked = (
    kind: 'assets' | 'resources',
    list: { contract?: string | undefined; mode?: string; status?: string }[],
  ) =>
    list.forEach((x, i) => {
      const needs = contractedStatuses.includes(x.status ?? x.mode ?? '');
      if (needs && !x.contract) out.push(problem([kind, i, 'contract'], 'disclosures.assets.contractMissing'));
      else if (x.contract && !contracts.has(x.contract))
        out.push(problem([kind, i, 'contract'], 'disclosures.assets.unknownContract', { code: x.contract }));
    });
  linked('assets', a.assets);
  linked('resources', a.resources);
  a.contracts.forEach((c, i) => {
    if (c.subject === undefined) {
      if (subjectKinds.includes(c.kind))
        out.push(problem(['contracts', i, 'subject'], 'disclosures.assets.subjectMissing', { kind: c.kind }));
    } else if (!subjects.has(c.subject))
      out.push(problem(['contracts', i, 'subject'], 'disclosures.assets.unknownSubject', { code: c.subject }));
    if (c.term.end < c.term.start)
      out.push(problem(['contracts', i, 'term', 'end'], 'disclosures.publicity.endBeforeStart'));
    if (c.counterpartyKind === 'person' && !isMaskedName(c.counterparty))
      out.push(problem(['contracts', i, 'counterparty'], 'disclosures.name.notMasked'));
  });
  return out;
}

/** A contract at or above the threshold ("or above" includes the number, DOMAIN.md §1.3) names the decision that approved it. */
export function checkContractDecisions(a: CollectiveAssets): Problem[] {
  return a.contracts.flatMap((c, i) =>
    c.priceFen >= a.majorMatterThresholdFen && !c.decision
      ? [
          problem(['contracts', i, 'decision'], 'disclosures.assets.decisionMissing', {
            price: yuan(c.priceFen),
            threshold: yuan(a.majorMatterThresholdFen),
          }),
        ]
      : [],
  );
}

export function validateCollectiveAssets(a: CollectiveAssets): Problem[] {
  return [...checkFundMonths(a), ...checkLinks(a), ...checkContractDecisions(a)];
}

/** What a contract's linked decision looks like, for the cross-file check and the badge. */
export interface LinkedDecision {
  unit: string;
  /** Date of the villagers' (members') resolution, if held. */
  resolvedOn: string | undefined;
  verdict: 'compliant' | 'nonCompliant' | 'pending';
}

/** Cross-file: the decision exists and belongs to the same village. */
export function checkDecisionLinks(a: CollectiveAssets, decisions: ReadonlyMap<string, { unit: string }>): Problem[] {
  return a.contracts.flatMap((c, i) => {
    if (!c.decision) return [];
    const d = decisions.get(c.decision);
    if (!d)
      return [problem(['contracts', i, 'decision'], 'disclosures.assets.unknownDecision', { decision: c.decision })];
    if (d.unit !== a.unit)
      return [problem(['contracts', i, 'decision'], 'disclosures.assets.decisionOtherUnit', { decision: c.decision })];
    return [];
  });
}

/** Badge per contract: decided before signing (no "implement first, decide later"), by a compliant procedure. */
export function contractCheck(c: Contract, threshold: number, decision: LinkedDecision | undefined): CheckResult {
  if (c.priceFen < threshold && !c.decision) {
    return {
      key: 'contractDecision',
      state: 'notApplicable',
      reason: 'disclosures.reason.belowThreshold',
      vars: { threshold: yuan(threshold) },
    };
  }
  if (!decision || !decision.resolvedOn)
    return { key: 'contractDecision', state: 'fail', reason: 'disclosures.reason.noResolution' };
  if (decision.resolvedOn > c.signedOn) {
    return {
      key: 'contractDecision',
      state: 'fail',
      reason: 'disclosures.reason.signedBeforeResolution',
      vars: { signed: c.signedOn, resolved: decision.resolvedOn },
    };
  }
  if (decision.verdict === 'nonCompliant')
    return { key: 'contractDecision', state: 'fail', reason: 'disclosures.reason.decisionNonCompliant' };
  return {
    key: 'contractDecision',
    state: decision.verdict === 'pending' ? 'pending' : 'pass',
    reason: 'disclosures.reason.decidedBeforeSigning',
    vars: { resolved: decision.resolvedOn },
  };
}
