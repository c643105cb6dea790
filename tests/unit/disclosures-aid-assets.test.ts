import { describe, expect, test } from 'vitest';
import { chinaCalendar } from '../support/calendar.ts';
import {
  aidWindow,
  checkAidPublicity,
  checkProgrammeLabel,
  publicAidList,
  validateStudentAid,
} from '../../src/domain/disclosures/student-aid/rules.ts';
import type { StudentAid } from '../../src/domain/disclosures/student-aid/schema.ts';
import { StudentAid as StudentAidSchema } from '../../src/domain/disclosures/student-aid/schema.ts';
import {
  checkContractDecisions,
  checkDecisionLinks,
  checkFundMonth,
  checkFundMonths,
  checkLinks,
  contractCheck,
  validateCollectiveAssets,
} from '../../src/domain/disclosures/collective-assets/rules.ts';
import type { CollectiveAssets } from '../../src/domain/disclosures/collective-assets/schema.ts';
import { publicityStatus } from '../../src/domain/disclosures/publicity.ts';
import { changed, problemLines, sampleCollectiveAssets, sampleStudentAid } from '../support/disclosure-samples.ts';

describe('student aid lists', () => {
  const withChange = (change: (a: StudentAid) => unknown) => changed(sampleStudentAid, change);

  test('the sample passes every rule', () => {
    expect(validateStudentAid(sampleStudentAid(), chinaCalendar)).toEqual([]);
  });

  test.each([
    [
      'publicity of at least 5 working days',
      checkAidPublicity,
      (a: StudentAid) => (a.publicity.end = '2026-11-26'),
      'publicity.end: disclosures.publicity.tooShort',
    ],
    [
      'a programme called other is named',
      checkProgrammeLabel,
      (a: StudentAid) => (a.programme = 'other'),
      'programmeLabel: disclosures.aid.programmeLabelMissing',
    ],
  ])('%s', (_label, rule, change, expected) => {
    expect(rule(sampleStudentAid(), chinaCalendar)).toEqual([]);
    expect(problemLines(rule(withChange(change), chinaCalendar))).toEqual([expected]);
  });

  test.each([
    ['a full name', { name: '\u5f20\u4e09' }, 'disclosures.name.notMasked'],
    ['an extra address field', { address: 'x' }, 'Unrecognized key: "address"'],
    ['an ID number field', { idNumber: '11010519491231002X' }, 'Unrecognized key: "idNumber"'],
  ])('the recipient schema refuses %s', (_label, extra, message) => {
    const raw = {
      ...sampleStudentAid(),
      recipients: [{ grade: 'g7', class: 'c1', name: '\u5f20*', amountFen: 1, ...extra }],
    };
    const r = StudentAidSchema.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toContain(message);
  });

  test.each([
    ['2026-11-22', 'upcoming', 0],
    ['2026-11-23', 'active', 2],
    ['2026-11-27', 'active', 2],
    ['2026-11-28', 'ended', 0],
  ])('on %s the list is %s and shows %i names', (today, status, shown) => {
    const list = publicAidList(sampleStudentAid(), today, chinaCalendar);
    expect(list.status).toBe(status);
    expect(list.recipients).toHaveLength(shown);
    expect(list.count).toBe(2);
    expect(list.totalFen).toBe(125_000);
    expect(publicityStatus(aidWindow(sampleStudentAid(), chinaCalendar), today)).toBe(status);
  });

  test('a list whose names the store blanked is taken down even inside its window: no blank name is shown', () => {
    const a = sampleStudentAid();
    const scrubbed = { ...a, recipients: a.recipients.map((r) => ({ ...r, name: '' })) };
    const list = publicAidList(scrubbed, '2026-11-23', chinaCalendar);
    expect(list).toEqual({ status: 'ended', recipients: [], count: 2, totalFen: 125_000 });
    expect(publicAidList(a, '2026-11-23', chinaCalendar).status).toBe('active');
  });
});

describe('village three-asset ledgers', () => {
  const withChange = (change: (a: CollectiveAssets) => unknown) => changed(sampleCollectiveAssets, change);

  test('the sample passes every rule', () => {
    expect(validateCollectiveAssets(sampleCollectiveAssets())).toEqual([]);
  });

  test.each([
    [
      'each line balance = previous ± amount',
      (a: CollectiveAssets) => (a.funds[0]!.lines[0]!.amountFen += 1),
      ['funds.0.lines.0.balanceFen: disclosures.assets.lineBalance'],
    ],
    [
      'closing = last line balance',
      (a: CollectiveAssets) => ((a.funds[1]!.closingFen -= 1), (a.funds[1]!.openingFen = a.funds[0]!.closingFen)),
      ['funds.1.closingFen: disclosures.assets.closingBalance'],
    ],
    [
      'lines dated inside their month',
      (a: CollectiveAssets) => (a.funds[0]!.lines[1]!.date = '2026-02-01'),
      ['funds.0.lines.1.date: disclosures.assets.lineOutsideMonth'],
    ],
    [
      'lines in date order',
      (a: CollectiveAssets) => (a.funds[0]!.lines[1]!.date = '2026-01-02'),
      ['funds.0.lines.1.date: disclosures.assets.lineOutOfOrder'],
    ],
    [
      'category matches direction',
      (a: CollectiveAssets) => (a.funds[0]!.lines[0]!.category = 'allowances'),
      ['funds.0.lines.0.category: disclosures.assets.categoryKind'],
    ],
    [
      'months inside the ledger year',
      (a: CollectiveAssets) => (a.year = 2025),
      ['funds.0.month: disclosures.assets.monthOutsideYear', 'funds.1.month: disclosures.assets.monthOutsideYear'],
    ],
    [
      'months follow each other',
      (a: CollectiveAssets) => (a.funds[1]!.month = '2026-03'),
      ['funds.1.month: disclosures.assets.monthNotNext', 'funds.1.lines.0.date: disclosures.assets.lineOutsideMonth'],
    ],
    [
      'a month opens with the last closing',
      (a: CollectiveAssets) => (
        (a.funds[1]!.openingFen += 5),
        (a.funds[1]!.lines[0]!.balanceFen += 5),
        (a.funds[1]!.closingFen += 5)
      ),
      ['funds.1.openingFen: disclosures.assets.openingBalance'],
    ],
  ])('funds: %s', (_label, change, expected) => {
    expect(problemLines(checkFundMonths(withChange(change)))).toEqual(expected);
  });

  test('a wrong amount is reported on its line only; a mistyped balance on its line and the next', () => {
    const amount = withChange((x) => (x.funds[0]!.lines[0]!.amountFen = 0));
    expect(problemLines(checkFundMonth(amount.funds[0]!, 0))).toEqual([
      'funds.0.lines.0.balanceFen: disclosures.assets.lineBalance',
    ]);
    const balance = withChange((x) => (x.funds[0]!.lines[0]!.balanceFen = 0));
    expect(problemLines(checkFundMonth(balance.funds[0]!, 0))).toEqual([
      'funds.0.lines.0.balanceFen: disclosures.assets.lineBalance',
      'funds.0.lines.1.balanceFen: disclosures.assets.lineBalance',
    ]);
  });

  test.each([
    [
      'codes are unique',
      (a: CollectiveAssets) => (a.resources[0]!.code = 'A-001'),
      ['resources.0.code: disclosures.assets.duplicateCode', 'contracts.0.subject: disclosures.assets.unknownSubject'],
    ],
    [
      'a leased asset names its contract',
      (a: CollectiveAssets) => delete a.assets[1]!.contract,
      ['assets.1.contract: disclosures.assets.contractMissing'],
    ],
    [
      'a contracted resource names its contract',
      (a: CollectiveAssets) => delete a.resources[0]!.contract,
      ['resources.0.contract: disclosures.assets.contractMissing'],
    ],
    [
      'the named contract exists',
      (a: CollectiveAssets) => (a.assets[1]!.contract = 'C-9'),
      ['assets.1.contract: disclosures.assets.unknownContract'],
    ],
    [
      'a contract is about a listed asset or resource',
      (a: CollectiveAssets) => (a.contracts[1]!.subject = 'A-404'),
      ['contracts.1.subject: disclosures.assets.unknownSubject'],
    ],
    [
      'a contract term is a real range',
      (a: CollectiveAssets) => (a.contracts[1]!.term.end = '2026-01-01'),
      ['contracts.1.term.end: disclosures.publicity.endBeforeStart'],
    ],
    [
      'a natural person is masked',
      (a: CollectiveAssets) => (a.contracts[1]!.counterparty = '\u738b\u5927\u660e'),
      ['contracts.1.counterparty: disclosures.name.notMasked'],
    ],
  ])('links: %s', (_label, change, expected) => {
    expect(problemLines(checkLinks(withChange(change)))).toEqual(expected);
  });

  test('DOMAIN.md §1.3 (≥ 5万元, "以上" includes the number): a contract at or above the village threshold names its decision; one below needs none', () => {
    expect(problemLines(checkContractDecisions(withChange((a) => delete a.contracts[0]!.decision)))).toEqual([
      'contracts.0.decision: disclosures.assets.decisionMissing',
    ]);
    expect(checkContractDecisions(withChange((a) => (a.contracts[1]!.priceFen = 4_999_999)))).toEqual([]);
    expect(problemLines(checkContractDecisions(withChange((a) => (a.contracts[1]!.priceFen = 5_000_000))))).toEqual([
      'contracts.1.decision: disclosures.assets.decisionMissing',
    ]);
  });

  test('cross-file: the decision exists and belongs to the same village', () => {
    const a = sampleCollectiveAssets();
    expect(checkDecisionLinks(a, new Map([['village-a-tea', { unit: 'village-a' }]]))).toEqual([]);
    expect(problemLines(checkDecisionLinks(a, new Map()))).toEqual([
      'contracts.0.decision: disclosures.assets.unknownDecision',
    ]);
    expect(problemLines(checkDecisionLinks(a, new Map([['village-a-tea', { unit: 'village-b' }]])))).toEqual([
      'contracts.0.decision: disclosures.assets.decisionOtherUnit',
    ]);
  });

  test.each([
    ['decided, then signed', { unit: 'v', resolvedOn: '2025-12-20', verdict: 'compliant' as const }, 'pass'],
    ['signed before the resolution', { unit: 'v', resolvedOn: '2026-01-05', verdict: 'compliant' as const }, 'fail'],
    [
      'decided by a non-compliant procedure',
      { unit: 'v', resolvedOn: '2025-12-20', verdict: 'nonCompliant' as const },
      'fail',
    ],
    ['procedure still running', { unit: 'v', resolvedOn: '2025-12-20', verdict: 'pending' as const }, 'pending'],
    ['no resolution held', { unit: 'v', resolvedOn: undefined, verdict: 'nonCompliant' as const }, 'fail'],
    ['no decision found', undefined, 'fail'],
  ])('contract badge: %s', (_label, decision, state) => {
    expect(contractCheck(sampleCollectiveAssets().contracts[0]!, 5_000_000, decision).state).toBe(state);
  });

  test('contract badge: below the threshold the procedure does not apply', () => {
    expect(contractCheck(sampleCollectiveAssets().contracts[1]!, 5_000_000, undefined).state).toBe('notApplicable');
  });
});
