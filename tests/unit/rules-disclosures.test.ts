import { describe, expect, test } from 'vitest';
import { chinaCalendar } from '../support/calendar.ts';
import { verdictOf } from '../../src/domain/disclosures/common.ts';
import {
  canteenChecks,
  canteenTotals,
  validateCanteenAccount,
} from '../../src/domain/disclosures/canteen-account/rules.ts';
import { CanteenAccount } from '../../src/domain/disclosures/canteen-account/schema.ts';
import {
  checkContractDecisions,
  contractCheck,
  validateCollectiveAssets,
} from '../../src/domain/disclosures/collective-assets/rules.ts';
import { CollectiveAssets } from '../../src/domain/disclosures/collective-assets/schema.ts';
import { decisionChecks } from '../../src/domain/disclosures/decision/compliance.ts';
import { validateDecision } from '../../src/domain/disclosures/decision/rules.ts';
import { meetsFraction, moreThanHalf, twoThirds } from '../../src/domain/disclosures/decision/profiles.ts';
import type { Decision, DecisionStageRecord } from '../../src/domain/disclosures/decision/schema.ts';
import { aidWindow, publicAidList, validateStudentAid } from '../../src/domain/disclosures/student-aid/rules.ts';
import { StudentAid } from '../../src/domain/disclosures/student-aid/schema.ts';
import { issueProblem } from '../../src/domain/text/issues.ts';
import { explain, formatPercent } from '../../src/i18n/format.ts';
import {
  changed,
  problemLines,
  sampleCanteenAccount,
  sampleCollectiveAssets,
  sampleDecision,
  sampleStudentAid,
} from '../support/disclosure-samples.ts';

/**
 * Issue 14, disclosures: every rule at its boundary, each test titled with its source. One fault, one failed
 * check: every case below asserts the whole list of failed checks, not only the one it is about.
 */

const TODAY = '2026-11-28';
const failed = (d: Decision, today = TODAY) =>
  decisionChecks(d, today)
    .filter((c) => c.state === 'fail')
    .map((c) => c.key);
const states = (d: Decision, today = TODAY) =>
  Object.fromEntries(decisionChecks(d, today).map((c) => [c.key, c.state]));
const stage = <S extends DecisionStageRecord['stage']>(d: Decision, s: S) =>
  d.stages.find((x) => x.stage === s) as Extract<DecisionStageRecord, { stage: S }>;
const decision = (change: (d: Decision) => unknown) => changed(sampleDecision, change);

describe('canteen food-cost share = food purchases ÷ the meal-fee income line only (DOMAIN.md §3.1 食材支出占伙食费收入比例)', () => {
  const account = (mealFees: number, subsidy: number, ingredients: number) => {
    const a = sampleCanteenAccount();
    a.income = [
      { category: 'mealFees', amountFen: mealFees },
      ...(subsidy ? [{ category: 'subsidy' as const, amountFen: subsidy }] : []),
    ];
    a.expense = [{ category: 'ingredients', amountFen: ingredients }];
    a.closingFen = a.openingFen + mealFees + subsidy - ingredients;
    return a;
  };

  test.each([
    ['subsidy is not in the denominator', 1_000_000, 400_000, 1_050_000, '105.00%'],
    ['two decimals, half away from zero: 2/3', 300_000, 0, 200_000, '66.67%'],
    ['exactly three quarters', 1_000_000, 0, 750_000, '75.00%'],
    ['0.005 % rounds up (1 of 20,000)', 2_000_000, 0, 100, '0.01%'],
  ])('DOMAIN.md §3.1: %s', (_l, fees, subsidy, ingredients, text) => {
    const share = canteenTotals(account(fees, subsidy, ingredients)).foodCostShare!;
    expect(share).toEqual({ numerator: ingredients, denominator: fees });
    expect(formatPercent(share)).toBe(text);
  });

  test('DOMAIN.md §3.1: no meal-fee line means no share (never subsidies alone as the base)', () => {
    expect(canteenTotals(account(0, 400_000, 300_000)).foodCostShare).toBeNull();
  });
});

describe('a negative closing balance is a compliance flag, not a validity error (DOMAIN.md §3.1 monthly 收支; issue 14 deficit month)', () => {
  test.each([
    ['closing 0.00 元 is no deficit', 0, 'pass'],
    ['closing −0.01 元 is a deficit month', -1, 'fail'],
    ['closing −15,625.68 元 is a deficit month', -1_562_568, 'fail'],
  ])('DOMAIN.md §3.1: %s, and the month is publishable', (_l, closing, state) => {
    const a = sampleCanteenAccount();
    a.expense[0]!.amountFen += a.closingFen - closing;
    a.closingFen = closing;
    const parsed = CanteenAccount.parse(a);
    expect(validateCanteenAccount(parsed)).toEqual([]);
    expect(canteenChecks(parsed).find((c) => c.key === 'closingBalance')?.state).toBe(state);
  });

  test('DOMAIN.md §3.1: a month opening in deficit (after a deficit month) still parses and balances', () => {
    const a = sampleCanteenAccount('2026-04', -50_000);
    expect(CanteenAccount.safeParse(a).success).toBe(true);
    expect(validateCanteenAccount(a)).toEqual([]);
  });
});

describe('thresholds are inclusive: ≥ 5万元 needs an approving decision (DOMAIN.md §1.3; "以上" includes the number)', () => {
  const withPrice = (priceFen: number, decision?: string) =>
    changed(sampleCollectiveAssets, (a) => {
      a.contracts[1]!.priceFen = priceFen;
      if (decision) a.contracts[1]!.decision = decision;
    });

  test.each([
    ['49,999.99 元 needs none', 4_999_999, [], 'notApplicable'],
    [
      'exactly 50,000.00 元 needs a decision',
      5_000_000,
      ['contracts.1.decision: disclosures.assets.decisionMissing'],
      'fail',
    ],
    ['50,000.01 元 needs a decision', 5_000_001, ['contracts.1.decision: disclosures.assets.decisionMissing'], 'fail'],
  ])('DOMAIN.md §1.3: %s', (_l, price, problems, badge) => {
    const a = withPrice(price);
    expect(problemLines(checkContractDecisions(a))).toEqual(problems);
    expect(contractCheck(a.contracts[1]!, a.majorMatterThresholdFen, undefined).state).toBe(badge);
  });

  test('DOMAIN.md §1.3: exactly 50,000.00 元 with an approving decision dated before signing passes', () => {
    const a = withPrice(5_000_000, 'village-a-tractor');
    expect(checkContractDecisions(a)).toEqual([]);
    expect(
      contractCheck(a.contracts[1]!, a.majorMatterThresholdFen, {
        unit: 'village-a',
        resolvedOn: '2026-02-20',
        verdict: 'compliant',
      }).state,
    ).toBe('pass');
  });

  test.each([
    ['过半数 of 30 present: 15 is not more than half', 15, 30, moreThanHalf('present'), false],
    ['过半数 of 30 present: 16 is', 16, 30, moreThanHalf('present'), true],
    ['三分之二以上 of 30: exactly 20 is enough', 20, 30, twoThirds('expected'), true],
    ['三分之二以上 of 31: 20 is not (20.67 needed)', 20, 31, twoThirds('expected'), false],
  ])('组织法 第22条/第26条, 集体经济组织法 第27条: %s', (_l, count, base, f, ok) => {
    expect(meetsFraction(count, base, f)).toBe(ok);
  });
});

describe('one fault, one failed check; the merged stage is modelled with the 一肩挑 fact (DOMAIN.md §1.1 stage 2, §1.6)', () => {
  const merge = (d: Decision) => {
    const first = stage(d, 'partyProposal');
    d.stages = [
      { ...first, stage: 'proposalAndDeliberation' },
      ...d.stages.filter((s) => s.stage !== 'partyProposal' && s.stage !== 'committeesDeliberation'),
    ];
  };

  test.each([
    ['separate stages 1 and 2 (no merge)', (_d: Decision) => undefined, [], 'notApplicable'],
    ['merged with 一肩挑 → compliant', (d: Decision) => (merge(d), (d.secretaryIsDirector = true)), [], 'pass'],
    ['merged without 一肩挑 → only the merge rule fails', merge, ['merge'], 'fail'],
  ])('DOMAIN.md §1.1: %s', (_l, change, fails, mergeState) => {
    const d = decision(change);
    expect(validateDecision(d)).toEqual([]);
    expect(failed(d)).toEqual(fails);
    expect(states(d).merge).toBe(mergeState);
  });

  test('DOMAIN.md §1.1: stage 2 simply missing (no merged meeting) fails the order check only, even under 一肩挑', () => {
    const d = decision((x) => {
      x.stages = x.stages.filter((s) => s.stage !== 'committeesDeliberation');
      x.secretaryIsDirector = true;
    });
    expect(failed(d)).toEqual(['order']);
  });

  test('DOMAIN.md §1.5: a missing party meeting fails order only (quorum, votes and notices judge what was held)', () => {
    const d = decision((x) => (x.stages = x.stages.filter((s) => s.stage !== 'partyMeetingReview')));
    expect(failed(d)).toEqual(['order']);
  });

  test('DOMAIN.md §1.5: recording the merged meeting and the separate ones is a validity error', () => {
    const d = decision((x) => x.stages.unshift({ ...stage(x, 'partyProposal'), stage: 'proposalAndDeliberation' }));
    expect(problemLines(validateDecision(d))).toEqual(['stages.0.stage: disclosures.decision.mergedAndSeparate']);
  });
});

describe('decision records say what happened after the vote (DOMAIN.md §1.5 "flag any implementation dated before the 决议 date"; §1.1 stage 6)', () => {
  // The sample resolves on 2025-11-25 and completes on 2025-12-28; its result is posted on 2025-12-30.
  test.each([
    ['contract signed the day before the vote → 先实施后补议', { contractSignedOn: '2025-11-24' }, ['implementation']],
    ['contract signed on the day of the vote', { contractSignedOn: '2025-11-25' }, []],
    ['works started the day before the vote', { worksStartedOn: '2025-11-24' }, ['implementation']],
    ['works started the day after the vote', { worksStartedOn: '2025-11-26' }, []],
  ])('DOMAIN.md §1.6 先实施后补议: %s', (_l, facts, fails) => {
    expect(failed(decision((d) => Object.assign(d, facts)))).toEqual(fails);
  });

  test.each([
    [
      'result disclosed the day before completion → fails',
      '2025-12-29',
      '2025-12-28',
      'fail',
      'disclosures.reason.resultBeforeCompletion',
    ],
    ['result disclosed on the completion day', '2025-12-30', '2025-12-30', 'pass', 'disclosures.reason.resultPosted'],
    [
      'result disclosed two days after completion',
      '2025-12-28',
      '2025-12-30',
      'pass',
      'disclosures.reason.resultPosted',
    ],
  ])('DOMAIN.md §1.1 stage 6: %s', (_l, completedOn, postedOn, state, reason) => {
    const d = decision((x) => {
      x.completedOn = completedOn;
      const r = stage(x, 'resultDisclosure');
      r.postedOn = postedOn;
      r.postedUntil = '2026-01-09';
    });
    const check = decisionChecks(d, TODAY).find((c) => c.key === 'resultDisclosed')!;
    expect([check.state, check.reason]).toEqual([state, reason]);
    expect(failed(d)).toEqual(state === 'fail' ? ['resultDisclosed'] : []);
  });

  test.each([
    [
      'a completion dated after today is pending',
      (d: Decision) => (d.stages.pop(), (d.completedOn = '2026-12-01')),
      'disclosures.reason.completionAwaited',
    ],
    [
      'a completion dated today without a result fails',
      (d: Decision) => (d.stages.pop(), (d.completedOn = TODAY)),
      'disclosures.reason.resultMissing',
    ],
    [
      'a result posting dated after today is pending',
      (d: Decision) => (
        (stage(d, 'resultDisclosure').postedOn = '2026-12-01'),
        delete stage(d, 'resultDisclosure').postedUntil
      ),
      'disclosures.reason.resultScheduled',
    ],
  ])('DOMAIN.md §1.1 stage 6: %s', (_l, change, reason) => {
    const d = decision(change);
    expect(decisionChecks(d, TODAY).find((c) => c.key === 'resultDisclosed')!.reason).toBe(reason);
  });

  test('DOMAIN.md §1.4: a posting dated after today is pending, not a failure, and the verdict waits', () => {
    const d = decision((x) => {
      const r = stage(x, 'resultDisclosure');
      r.postedOn = '2026-12-01';
      r.postedUntil = '2026-12-10';
    });
    expect(states(d).posting).toBe('pending');
    expect(failed(d)).toEqual([]);
    expect(verdictOf(decisionChecks(d, TODAY))).toBe('pending');
  });
});

describe('meetings carry their own facts (组织法 第24条 authorisation; 集体经济组织法 第27条 two numbers)', () => {
  test.each([
    ['authorised before the meeting', '2025-03-10', []],
    ['authorised on the meeting day', '2025-11-25', []],
    ['authorised the day after the meeting', '2025-11-26', ['authorisation']],
    ['no authorisation recorded', null, ['authorisation']],
  ])('组织法 第24条 (村民代表会议 decides under the 村民会议 authorisation): %s', (_l, date, fails) => {
    const d = decision((x) => {
      const r = stage(x, 'villagersResolution');
      if (date === null) delete r.authorisation;
      else r.authorisation = { date, scope: 'leases of collective assets' };
    });
    expect(failed(d)).toEqual(fails);
  });

  test('组织法 第24条: a 村民会议 decision needs no authorisation', () => {
    const d = decision((x) => {
      x.profile = 'villagersMeeting';
      delete stage(x, 'villagersResolution').authorisation;
      stage(x, 'villagersResolution').noticeOn = '2025-11-15';
      Object.assign(stage(x, 'villagersResolution'), { expected: 58, present: 30, for: 16 });
    });
    expect(states(d).authorisation).toBe('notApplicable');
    expect(failed(d)).toEqual([]);
  });

  const members = (fullCapacity: number | undefined, present: number, approve: number) =>
    decision((x) => {
      x.profile = 'collectiveMembers';
      const r = stage(x, 'villagersResolution');
      Object.assign(r, { noticeOn: '2025-11-15', expected: 612, present, for: approve, against: 0, abstain: 0 });
      if (fullCapacity === undefined) delete r.fullCapacity;
      else r.fullCapacity = fullCapacity;
    });

  test.each([
    ['quorum 2/3 of 596 full-capacity members = 398 present; 408 of ALL 612 approve', 596, 408, 408, []],
    [
      '397 present misses the quorum over 596 (398), and 397 votes miss 2/3 of all 612',
      596,
      397,
      397,
      ['quorum', 'passThreshold'],
    ],
    ['398 present and 398 approve: quorum met, approval below 2/3 of all 612 (408)', 596, 398, 398, ['passThreshold']],
    [
      '400 present of a 600-capacity assembly, 400 approve: quorum met (400), approval short (408)',
      600,
      400,
      400,
      ['passThreshold'],
    ],
    ['no full-capacity count recorded: the quorum cannot be judged', undefined, 500, 450, ['quorum']],
  ])('集体经济组织法 第27条: %s', (_l, fullCapacity, present, approve, fails) => {
    expect(failed(members(fullCapacity, present, approve))).toEqual(fails);
  });
});

describe('real-world identifiers fit the format (issue 14: widen the format, not the record)', () => {
  const assets = (change: (a: CollectiveAssets) => unknown) => changed(sampleCollectiveAssets, change);

  test.each([
    ['荷塘村〔2024〕3号', true],
    ['荷合字（2025）第12号', true],
    ['C-2026-01', true],
    ['柳湾村 2026/2', false],
    ['〔2024〕3号', false],
  ])('DOMAIN.md §2.5 合同号: %s', (code, ok) => {
    const a = assets((x) => {
      x.contracts[1]!.code = code;
      x.assets[1]!.contract = code;
    });
    expect(CollectiveAssets.safeParse(a).success).toBe(ok);
    if (ok) expect(validateCollectiveAssets(CollectiveAssets.parse(a))).toEqual([]);
  });

  test.each([
    ['a works contract without an asset code', 'works', []],
    ['a purchase contract without an asset code', 'purchase', []],
    ['a lease without its subject', 'lease', ['contracts.2.subject: disclosures.assets.subjectMissing']],
  ])('DOMAIN.md §2.5 合同台账 (标的 only for leases and contracting): %s', (_l, kind, problems) => {
    const a = CollectiveAssets.parse(
      assets((x) =>
        x.contracts.push({
          code: '荷塘村〔2026〕3号',
          kind: kind as 'works',
          counterparty: 'Road Co.',
          counterpartyKind: 'organisation',
          signedOn: '2026-06-20',
          term: { start: '2026-07-01', end: '2026-12-31' },
          priceFen: 4_800_000,
          viaExchange: false,
        }),
      ),
    );
    expect(problemLines(validateCollectiveAssets(a))).toEqual(problems);
  });

  const aid = (change: (a: StudentAid) => unknown) => changed(sampleStudentAid, change);

  test('教财厅函〔2017〕28号 / DOMAIN.md §3.5: rows carry their own aid item; a list without a programme needs one on every row', () => {
    const ok = aid((a) => {
      delete a.programme;
      a.recipients[0]!.item = '寄宿生生活补助';
      a.recipients[1]!.item = '爱心助学金';
    });
    expect(validateStudentAid(ok, chinaCalendar)).toEqual([]);
    const missing = aid((a) => {
      delete a.programme;
      a.recipients[0]!.item = '寄宿生生活补助';
    });
    expect(problemLines(validateStudentAid(missing, chinaCalendar))).toEqual([
      'recipients.1.item: disclosures.aid.itemMissing',
    ]);
  });

  test.each([
    ['Monday start: five working days end on Friday', '2026-11-23', '2026-11-27'],
    ['Friday start: the weekend is skipped', '2026-11-27', '2026-12-03'],
    [
      'National Day: a 2026-09-30 start skips 10-01…10-07, counts the working Saturday 10-10',
      '2026-09-30',
      '2026-10-12',
    ],
  ])('DOMAIN.md §3.5 (≥ 5 working days, window computed when no end is given): %s', (_l, start, end) => {
    const a = aid((x) => (x.publicity = { start }));
    expect(validateStudentAid(a, chinaCalendar)).toEqual([]);
    expect(aidWindow(a, chinaCalendar)).toEqual({ start, end, computed: true, provisional: false });
    expect(publicAidList(a, end, chinaCalendar).status).toBe('active');
    expect(publicAidList(a, addDay(end), chinaCalendar).status).toBe('ended');
  });

  test('DOMAIN.md §3.5: a written end is kept as written', () => {
    expect(aidWindow(sampleStudentAid(), chinaCalendar)).toEqual({
      start: '2026-11-23',
      end: '2026-11-27',
      computed: false,
      provisional: false,
    });
  });
});

describe("every validation message is zh-CN, including zod's own issues (issue 14)", () => {
  test.each([
    ['unknown keys are named', { colour: 1, size: 2 }, '不认识的字段：colour、size（请检查拼写，或删除这些字段）'],
    ['a missing required field', { servingDays: undefined }, '必须填写'],
    ['a wrong type', { servingDays: '20' }, '类型不对（应为 number）'],
  ])('%s', (_l, patch, text) => {
    const raw = { ...sampleCanteenAccount(), ...patch };
    const issues = CanteenAccount.safeParse(raw).error!.issues.map((i) => issueProblem(i));
    expect(issues.map((p) => explain(p.message, p.vars))).toContain(text);
    for (const p of issues) expect(explain(p.message, p.vars)).toMatch(/\p{Script=Han}/u);
  });

  test('a schema message key is kept as it is', () => {
    const raw = { ...sampleCanteenAccount(), openingFen: 1.5 };
    expect(CanteenAccount.safeParse(raw).error!.issues.map((i) => issueProblem(i).message)).toEqual([
      'disclosures.amount.notWholeFen',
    ]);
  });
});

function addDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
