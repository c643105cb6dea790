import { Procurement } from '../../src/domain/disclosures/procurement/schema.ts';
import { CanteenAccount } from '../../src/domain/disclosures/canteen-account/schema.ts';
import { StudentAid } from '../../src/domain/disclosures/student-aid/schema.ts';
import { CollectiveAssets } from '../../src/domain/disclosures/collective-assets/schema.ts';
import { Decision } from '../../src/domain/disclosures/decision/schema.ts';
import { Matter } from '../../src/domain/disclosures/matter/schema.ts';

/**
 * One valid record of each disclosure kind, built fresh on every call so a test can change it.
 * Each passes every validity rule and every compliance check (tests/unit/disclosures-*.test.ts
 * assert that first), so a test that breaks one field sees exactly one rule fail.
 */
export const sampleProcurement = () =>
  Procurement.parse({
    unit: 'school-a',
    title: 'Uniforms 2026',
    category: 'uniform',
    itemDescription: 'summer set',
    method: 'competitiveConsultation',
    methodRationale: 'below the open-tender threshold',
    budgetFen: 18_000_000,
    parentCommittee: { participated: true, representatives: 3, consentPercent: 86 },
    voluntaryPurchase: 'voluntary',
    tenderPeriod: { start: '2026-05-11', end: '2026-05-22' },
    bidders: [
      { name: 'Alpha Garments', bidFen: 17_280_000 },
      { name: 'Beta Weaving', bidFen: 17_760_000 },
      { name: 'Gamma Uniforms', bidFen: 17_940_000 },
    ],
    award: {
      supplier: 'Alpha Garments',
      date: '2026-05-27',
      amountFen: 17_280_000,
      unitPriceFen: 14_400,
      quantity: 1200,
      unitName: 'set',
    },
    publicity: { start: '2026-05-28', end: '2026-06-05' },
    contract: { signedOn: '2026-06-10' },
    documents: [
      { kind: 'tenderNotice', title: 'notice', url: '/docs/notice.pdf', date: '2026-05-11' },
      { kind: 'awardNotice', title: 'award', url: 'https://example.org/award.pdf' },
      { kind: 'contractSigned', title: 'contract' },
      { kind: 'parentsMinutes', title: 'minutes' },
    ],
    publishedOn: '2026-05-28',
  });

export const sampleCanteenAccount = (month = '2026-03', openingFen = 100_000) => {
  const income = [
    { category: 'mealFees', amountFen: 1_000_000 },
    { category: 'subsidy', amountFen: 400_000 },
  ];
  const expense = [
    { category: 'ingredients', amountFen: 1_050_000 },
    { category: 'fuel', amountFen: 60_000 },
    { category: 'labour', amountFen: 280_000 },
  ];
  const closingFen = openingFen + 1_400_000 - 1_390_000;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return CanteenAccount.parse({
    unit: 'school-a',
    month,
    publishedOn: `${next}-08`,
    openingFen,
    income,
    expense,
    closingFen,
    mealsServed: 9000,
    servingDays: 20,
    accompaniedMeals: {
      leaderDays: 20,
      parentSessions: 3,
      suggestions: [{ summary: 'less salt', status: 'handled', response: 'done' }],
    },
  });
};

export const sampleStudentAid = () =>
  StudentAid.parse({
    unit: 'school-a',
    title: 'Boarding allowance',
    programme: 'boardingAllowance',
    schoolYear: 2026,
    semester: 'autumn',
    publicity: { start: '2026-11-23', end: '2026-11-27' },
    objectionChannel: 'aid office, room 105',
    recipients: [
      { grade: 'g7', class: 'c1', name: '\u5f20*', amountFen: 62_500, tier: 'difficult' },
      { grade: 'g8', class: 'c2', name: '\u6b27\u9633**', amountFen: 62_500 },
    ],
    publishedOn: '2026-11-23',
  });

export const sampleCollectiveAssets = () =>
  CollectiveAssets.parse({
    unit: 'village-a',
    year: 2026,
    publishedOn: '2026-11-10',
    majorMatterThresholdFen: 5_000_000,
    funds: [
      {
        month: '2026-01',
        openingFen: 1_000_000,
        lines: [
          {
            date: '2026-01-05',
            voucher: '01-001',
            summary: 'rent',
            kind: 'income',
            category: 'contracting',
            amountFen: 500_000,
            balanceFen: 1_500_000,
          },
          {
            date: '2026-01-20',
            voucher: '01-002',
            summary: 'allowances',
            kind: 'expense',
            category: 'allowances',
            amountFen: 300_000,
            balanceFen: 1_200_000,
          },
        ],
        closingFen: 1_200_000,
      },
      {
        month: '2026-02',
        openingFen: 1_200_000,
        lines: [
          {
            date: '2026-02-03',
            voucher: '02-001',
            summary: 'lights',
            kind: 'expense',
            category: 'publicWelfare',
            amountFen: 20_000,
            balanceFen: 1_180_000,
          },
        ],
        closingFen: 1_180_000,
      },
    ],
    assets: [
      {
        code: 'A-001',
        name: 'office',
        category: 'buildings',
        originalValueFen: 80_000_000,
        location: 'village hall',
        status: 'selfUse',
      },
      {
        code: 'A-002',
        name: 'tractor',
        category: 'machinery',
        originalValueFen: 3_000_000,
        location: 'shed',
        status: 'leased',
        contract: 'C-2',
      },
    ],
    resources: [
      { code: 'R-001', landClass: 'garden', location: 'hill', areaMu: 120.5, mode: 'contracted', contract: 'C-1' },
    ],
    contracts: [
      {
        code: 'C-1',
        subject: 'R-001',
        counterparty: 'Tea Co.',
        counterpartyKind: 'organisation',
        signedOn: '2026-01-02',
        term: { start: '2026-01-02', end: '2035-12-31' },
        priceFen: 36_000_000,
        decision: 'village-a-tea',
      },
      {
        code: 'C-2',
        subject: 'A-002',
        counterparty: '\u738b*',
        counterpartyKind: 'person',
        signedOn: '2026-03-01',
        term: { start: '2026-03-01', end: '2026-12-31' },
        priceFen: 1_200_000,
      },
    ],
  });

export const sampleDecision = () =>
  Decision.parse({
    unit: 'village-a',
    title: 'Tea garden contract',
    category: 'propertyDisposal',
    amountFen: 36_000_000,
    profile: 'villagersRepresentatives',
    initiatedBy: 'villageCadres',
    contractSignedOn: '2025-11-28',
    completedOn: '2025-12-28',
    stages: [
      { stage: 'partyProposal', date: '2025-11-03', expected: 5, present: 5, for: 5, against: 0, abstain: 0 },
      { stage: 'committeesDeliberation', date: '2025-11-06', expected: 9, present: 9, for: 9, against: 0, abstain: 0 },
      {
        stage: 'partyMeetingReview',
        date: '2025-11-14',
        planSentOn: '2025-11-10',
        expected: 30,
        present: 20,
        for: 16,
        against: 2,
        abstain: 2,
      },
      {
        stage: 'villagersResolution',
        date: '2025-11-25',
        noticeOn: '2025-11-20',
        expected: 45,
        present: 30,
        for: 16,
        against: 10,
        abstain: 4,
        authorisation: { date: '2025-03-10', scope: 'the villagers meeting authorises leases of collective assets' },
      },
      { stage: 'resolutionDisclosure', postedOn: '2025-11-26', postedUntil: '2025-11-30', channel: 'board' },
      { stage: 'resultDisclosure', postedOn: '2025-12-30', postedUntil: '2026-01-09', channel: 'board' },
    ],
    publishedOn: '2025-11-26',
  });

/** Problems as `path: message` lines, for compact expectations. */
export const problemLines = (problems: readonly { path: readonly (string | number)[]; message: string }[]): string[] =>
  problems.map((p) => `${p.path.join('.')}: ${p.message}`);

/** A fresh sample with one change applied. */
export function changed<T>(sample: () => T, change: (value: T) => unknown): T {
  const value = sample();
  change(value);
  return value;
}

/** A matter of `agency-a` (whose power list holds "Licence approval"), its publicity over. */
export const sampleMatter = () =>
  Matter.parse({
    unit: 'agency-a',
    power: 'Licence approval',
    title: 'Licence granted to a bakery',
    decidedOn: '2026-03-02',
    publicity: { start: '2026-03-03', end: '2026-03-09' },
    amountFen: 120_000,
    text: 'The bureau granted the licence.\nObjections go to the bureau office.',
    documents: [{ title: 'Licence', date: '2026-03-02' }],
    publishedOn: '2026-03-03',
  });
