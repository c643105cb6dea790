import type { WorkingDayCalendar } from '../../calendar/working-days.ts';
import { problem, type CheckResult, type Problem, yuan } from '../common.ts';
import { MIN_COMPETING_BIDDERS, PUBLICITY_MIN_WORKING_DAYS } from '../constants.ts';
import { checkPublicityWindow } from '../publicity.ts';
import { parentFacingCategories, type Procurement } from './schema.ts';

/**
 * Validity rules: a procurement file that breaks one is wrong as written (inconsistent numbers,
 * a missing mandatory statement, a window shorter than the rule) and fails the build.
 */

/** A method other than an open tender needs its rationale on the notice (OCDS procurementMethodRationale). */
export function checkMethodRationale(p: Procurement): Problem[] {
  return p.method !== 'openTender' && !p.methodRationale
    ? [problem(['methodRationale'], 'disclosures.procurement.rationaleMissing')]
    : [];
}

/** The winner must be one of the listed bidders. */
export function checkSupplierIsBidder(p: Procurement): Problem[] {
  return p.bidders.some((b) => b.name === p.award.supplier)
    ? []
    : [problem(['award', 'supplier'], 'disclosures.procurement.supplierNotBidder', { supplier: p.award.supplier })];
}

/** Award value = unit price × quantity, to the fen. */
export function checkAwardArithmetic(p: Procurement): Problem[] {
  const expected = p.award.unitPriceFen * p.award.quantity;
  return expected === p.award.amountFen
    ? []
    : [
        problem(['award', 'amountFen'], 'disclosures.procurement.amountMismatch', {
          expected: yuan(expected),
          actual: yuan(p.award.amountFen),
        }),
      ];
}

/** Uniforms and teaching materials are bought voluntarily, and the notice says so. */
export function checkVoluntaryStatement(p: Procurement): Problem[] {
  return parentFacingCategories.includes(p.category) && !p.voluntaryPurchase
    ? [problem(['voluntaryPurchase'], 'disclosures.procurement.voluntaryMissing')]
    : [];
}

/** Publicity of the award: after the award decision, at least 5 working days. */
export function checkAwardPublicity(p: Procurement, calendar: WorkingDayCalendar): Problem[] {
  const out = checkPublicityWindow(p.publicity, calendar, PUBLICITY_MIN_WORKING_DAYS, ['publicity']);
  if (p.publicity.start < p.award.date)
    out.push(problem(['publicity', 'start'], 'disclosures.procurement.publicityBeforeAward', { award: p.award.date }));
  return out;
}

/** The tender period ends before the award is decided. */
export function checkTenderPeriod(p: Procurement): Problem[] {
  if (!p.tenderPeriod) return [];
  if (p.tenderPeriod.end < p.tenderPeriod.start)
    return [problem(['tenderPeriod', 'end'], 'disclosures.publicity.endBeforeStart')];
  return p.tenderPeriod.end > p.award.date
    ? [problem(['award', 'date'], 'disclosures.procurement.awardBeforeTenderEnd', { end: p.tenderPeriod.end })]
    : [];
}

export function validateProcurement(p: Procurement, calendar: WorkingDayCalendar): Problem[] {
  return [
    ...checkMethodRationale(p),
    ...checkSupplierIsBidder(p),
    ...checkAwardArithmetic(p),
    ...checkVoluntaryStatement(p),
    ...checkAwardPublicity(p, calendar),
    ...checkTenderPeriod(p),
  ];
}

/**
 * Compliance checks shown as badges: what happened, judged against the rules (DOMAIN.md §3.4).
 * A failed check does not hide the notice; the page explains it.
 */
export function procurementChecks(p: Procurement, today: string): CheckResult[] {
  const parentFacing = parentFacingCategories.includes(p.category);
  const competitive = p.method !== 'singleSource';
  return [
    !parentFacing
      ? { key: 'parentCommittee', state: 'notApplicable', reason: 'disclosures.reason.parentsNotRequired' }
      : p.parentCommittee.participated
        ? {
            key: 'parentCommittee',
            state: 'pass',
            reason: 'disclosures.reason.parentsTookPart',
            vars: { count: p.parentCommittee.representatives },
          }
        : { key: 'parentCommittee', state: 'fail', reason: 'disclosures.reason.parentsMissing' },
    !competitive
      ? { key: 'competition', state: 'notApplicable', reason: 'disclosures.reason.singleSource' }
      : p.bidders.length >= MIN_COMPETING_BIDDERS
        ? {
            key: 'competition',
            state: 'pass',
            reason: 'disclosures.reason.enoughBidders',
            vars: { count: p.bidders.length, min: MIN_COMPETING_BIDDERS },
          }
        : {
            key: 'competition',
            state: 'fail',
            reason: 'disclosures.reason.tooFewBidders',
            vars: { count: p.bidders.length, min: MIN_COMPETING_BIDDERS },
          },
    p.award.amountFen <= p.budgetFen
      ? {
          key: 'withinBudget',
          state: 'pass',
          reason: 'disclosures.reason.withinBudget',
          vars: { award: yuan(p.award.amountFen), budget: yuan(p.budgetFen) },
        }
      : {
          key: 'withinBudget',
          state: 'fail',
          reason: 'disclosures.reason.overBudget',
          vars: { award: yuan(p.award.amountFen), budget: yuan(p.budgetFen) },
        },
    !p.contract
      ? today <= p.publicity.end
        ? {
            key: 'signedAfterPublicity',
            state: 'pending',
            reason: 'disclosures.reason.publicityRunning',
            vars: { end: p.publicity.end },
          }
        : { key: 'signedAfterPublicity', state: 'pending', reason: 'disclosures.reason.contractNotYetSigned' }
      : p.contract.signedOn > p.publicity.end
        ? {
            key: 'signedAfterPublicity',
            state: 'pass',
            reason: 'disclosures.reason.signedAfter',
            vars: { signed: p.contract.signedOn, end: p.publicity.end },
          }
        : {
            key: 'signedAfterPublicity',
            state: 'fail',
            reason: 'disclosures.reason.signedDuring',
            vars: { signed: p.contract.signedOn, end: p.publicity.end },
          },
  ];
}

/** The year a procurement is filed under: the year of its award. */
export const procurementYear = (p: Procurement): number => Number(p.award.date.slice(0, 4));
