/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call --
   toOcdsRelease returns untyped OCDS JSON (validated against the OCDS schema in tests/content/ocds.test.ts);
   these tests read it by path. */
import { describe, expect, test } from 'vitest';
import { chinaCalendar } from '../support/calendar.ts';
import {
  checkAwardArithmetic,
  checkAwardPublicity,
  checkMethodRationale,
  checkSupplierIsBidder,
  checkTenderPeriod,
  checkVoluntaryStatement,
  procurementChecks,
  validateProcurement,
} from '../../src/domain/disclosures/procurement/rules.ts';
import type { Procurement } from '../../src/domain/disclosures/procurement/schema.ts';
import { contentHash, ocidOf, toOcdsRelease } from '../../src/domain/disclosures/procurement/ocds.ts';
import { changed, problemLines, sampleProcurement } from '../support/disclosure-samples.ts';

const withChange = (change: (p: Procurement) => unknown) => changed(sampleProcurement, change);

describe('procurement validity rules', () => {
  test('the sample passes every rule', () => {
    expect(validateProcurement(sampleProcurement(), chinaCalendar)).toEqual([]);
  });

  test.each([
    [
      'rationale required when not an open tender',
      checkMethodRationale,
      (p: Procurement) => delete p.methodRationale,
      'methodRationale: disclosures.procurement.rationaleMissing',
    ],
    [
      'the winner is a bidder',
      checkSupplierIsBidder,
      (p: Procurement) => (p.award.supplier = 'Delta'),
      'award.supplier: disclosures.procurement.supplierNotBidder',
    ],
    [
      'award = unit price × quantity',
      checkAwardArithmetic,
      (p: Procurement) => (p.award.quantity = 1199),
      'award.amountFen: disclosures.procurement.amountMismatch',
    ],
    [
      'voluntary statement for uniforms',
      checkVoluntaryStatement,
      (p: Procurement) => delete p.voluntaryPurchase,
      'voluntaryPurchase: disclosures.procurement.voluntaryMissing',
    ],
    [
      'tender period ends before the award',
      checkTenderPeriod,
      (p: Procurement) => (p.tenderPeriod = { start: '2026-05-11', end: '2026-05-30' }),
      'award.date: disclosures.procurement.awardBeforeTenderEnd',
    ],
    [
      'tender period is a real range',
      checkTenderPeriod,
      (p: Procurement) => (p.tenderPeriod = { start: '2026-05-22', end: '2026-05-11' }),
      'tenderPeriod.end: disclosures.publicity.endBeforeStart',
    ],
  ])('%s', (_label, rule, change, expected) => {
    expect(rule(sampleProcurement())).toEqual([]);
    expect(problemLines(rule(withChange(change)))).toEqual([expected]);
  });

  test('an open tender needs no rationale; canteen supplies need no voluntary statement', () => {
    expect(checkMethodRationale(withChange((p) => ((p.method = 'openTender'), delete p.methodRationale)))).toEqual([]);
    expect(
      checkVoluntaryStatement(withChange((p) => ((p.category = 'canteenSupplies'), delete p.voluntaryPurchase))),
    ).toEqual([]);
  });

  test.each([
    ['5 working days (Mon-Fri)', { start: '2026-03-16', end: '2026-03-20' }, []],
    ['4 working days', { start: '2026-03-16', end: '2026-03-19' }, ['publicity.end: disclosures.publicity.tooShort']],
    [
      '7 calendar days over National Day hold 1 working day',
      { start: '2026-10-01', end: '2026-10-08' },
      ['publicity.end: disclosures.publicity.tooShort'],
    ],
    [
      'publicity before the award decision',
      { start: '2026-05-20', end: '2026-05-29' },
      ['publicity.start: disclosures.procurement.publicityBeforeAward'],
    ],
    [
      'ends before it starts',
      { start: '2026-06-05', end: '2026-05-28' },
      ['publicity.end: disclosures.publicity.endBeforeStart'],
    ],
    // No calendar file for 2027: Monday-Friday, provisionally (the page says so), not a build failure.
    ['a year without a calendar file, long enough on weekdays', { start: '2027-06-01', end: '2027-06-30' }, []],
    [
      'a year without a calendar file, too short even on weekdays',
      { start: '2027-06-01', end: '2027-06-04' },
      ['publicity.end: disclosures.publicity.tooShort'],
    ],
  ])('award publicity: %s', (_label, publicity, expected) => {
    const p = withChange((x) => {
      x.publicity = publicity;
      if (publicity.start < x.award.date && publicity.start.startsWith('2026-03')) x.award.date = '2026-03-13';
    });
    expect(problemLines(checkAwardPublicity(p, chinaCalendar))).toEqual(expected);
  });

  test('the too-short message says how many working days there were', () => {
    const [p] = checkAwardPublicity(
      withChange((x) => ((x.award.date = '2026-03-13'), (x.publicity = { start: '2026-03-16', end: '2026-03-19' }))),
      chinaCalendar,
    );
    expect(p!.vars).toEqual({ days: 4, min: 5 });
  });
});

describe('procurement compliance checks', () => {
  const states = (p: Procurement, today = '2026-11-28') =>
    Object.fromEntries(procurementChecks(p, today).map((c) => [c.key, c.state]));

  test('the sample passes every check', () => {
    expect(states(sampleProcurement())).toEqual({
      parentCommittee: 'pass',
      competition: 'pass',
      withinBudget: 'pass',
      signedAfterPublicity: 'pass',
    });
  });

  test.each([
    [
      'parents absent from a uniform purchase',
      (p: Procurement) => (p.parentCommittee.participated = false),
      'parentCommittee',
      'fail',
    ],
    [
      'parents not required for canteen supplies',
      (p: Procurement) => ((p.category = 'canteenSupplies'), (p.parentCommittee.participated = false)),
      'parentCommittee',
      'notApplicable',
    ],
    ['two bidders in a competitive procedure', (p: Procurement) => p.bidders.pop(), 'competition', 'fail'],
    [
      'single source is not a competition',
      (p: Procurement) => ((p.method = 'singleSource'), p.bidders.splice(1)),
      'competition',
      'notApplicable',
    ],
    ['award above the budget', (p: Procurement) => (p.budgetFen = 17_000_000), 'withinBudget', 'fail'],
    [
      'contract signed during publicity',
      (p: Procurement) => (p.contract = { signedOn: '2026-06-03' }),
      'signedAfterPublicity',
      'fail',
    ],
    ['no contract yet', (p: Procurement) => delete p.contract, 'signedAfterPublicity', 'pending'],
  ])('%s', (_label, change, key, state) => {
    expect(states(withChange(change))[key]).toBe(state);
  });
});

describe('OCDS release', () => {
  const ctx = {
    ocidPrefix: 'ocds-test01',
    siteUrl: 'https://portal.example/',
    unitName: 'School A',
    parentCommitteeName: 'Parents of School A',
    methodLabel: 'consultation',
  };

  test('maps the procurement to tender, award and contract with the local method kept', () => {
    const r = toOcdsRelease('school-a-2026-uniforms', sampleProcurement(), ctx) as Record<string, any>;
    expect(r.ocid).toBe('ocds-test01-school-a-2026-uniforms');
    expect(r.id).toMatch(/^ocds-test01-school-a-2026-uniforms-[0-9a-f]{8}$/);
    expect(r.tag).toEqual(['tender', 'award', 'contract']);
    expect(r.tender.procurementMethod).toBe('selective');
    expect(r.tender.procurementMethodDetails).toBe('consultation');
    expect(r.tender.numberOfTenderers).toBe(3);
    expect(r.awards[0].value).toEqual({ amount: 172_800, currency: 'CNY' });
    expect(r.awards[0].suppliers).toEqual([{ id: 'school-a-2026-uniforms-bidder-1', name: 'Alpha Garments' }]);
    expect(r.contracts[0].awardID).toBe(r.awards[0].id);
    expect(r.parties.map((p: { roles: string[] }) => p.roles)).toEqual([
      ['buyer', 'procuringEntity'],
      ['tenderer', 'supplier'],
      ['tenderer'],
      ['tenderer'],
      ['interestedParty'],
    ]);
    expect(r.tender.documents[0].url).toBe('https://portal.example/docs/notice.pdf');
    expect(r.planning.documents[0].documentType).toBe('needsAssessment');
  });

  test('without a contract the award is pending and there is no contracts section', () => {
    const p = withChange((x) => delete x.contract);
    const r = toOcdsRelease('x', p, ctx) as Record<string, any>;
    expect(r.tag).toEqual(['tender', 'award']);
    expect(r.awards[0].status).toBe('pending');
    expect(r.contracts).toBeUndefined();
  });

  test('the release id changes when any content changes, and only then', () => {
    const a = toOcdsRelease('x', sampleProcurement(), ctx).id;
    expect(toOcdsRelease('x', sampleProcurement(), ctx).id).toBe(a);
    expect(
      toOcdsRelease(
        'x',
        withChange((p) => (p.title = 'Uniforms 2026 (autumn)')),
        ctx,
      ).id,
    ).not.toBe(a);
  });

  test('contentHash is 8 hex digits and deterministic', () => {
    expect(contentHash('abc')).toBe(contentHash('abc'));
    expect(contentHash('abc')).toMatch(/^[0-9a-f]{8}$/);
    expect(contentHash('abc')).not.toBe(contentHash('abd'));
    expect(ocidOf('a', 'ocds-x')).toBe('ocds-x-a');
  });
});
