import { describe, expect, test } from 'vitest';
import {
  checkAttendance,
  checkStageDates,
  checkUniqueStages,
  validateDecision,
} from '../../src/domain/disclosures/decision/rules.ts';
import {
  checkNoticePeriods,
  checkOrder,
  checkPassThreshold,
  checkPosting,
  checkQuorum,
  checkResultDisclosed,
  decisionChecks,
  decisionYear,
  resolutionDate,
} from '../../src/domain/disclosures/decision/compliance.ts';
import {
  meetsFraction,
  requiredCount,
  thresholdProfiles,
  twoThirds,
  moreThanHalf,
} from '../../src/domain/disclosures/decision/profiles.ts';
import type { Decision, DecisionStageRecord } from '../../src/domain/disclosures/decision/schema.ts';
import { verdictOf } from '../../src/domain/disclosures/common.ts';
import { changed, problemLines, sampleDecision } from '../support/disclosure-samples.ts';

const TODAY = '2026-11-28';
const stage = <S extends DecisionStageRecord['stage']>(d: Decision, s: S) =>
  d.stages.find((x) => x.stage === s) as Extract<DecisionStageRecord, { stage: S }>;
const withChange = (change: (d: Decision) => unknown) => changed(sampleDecision, change);

describe('threshold arithmetic', () => {
  test.each([
    [20, 30, twoThirds('expected'), true],
    [19, 30, twoThirds('expected'), false],
    [16, 30, moreThanHalf('present'), true],
    [15, 30, moreThanHalf('present'), false],
    [0, 0, moreThanHalf('present'), false],
  ])('%i of %i meets %o: %s', (count, base, f, ok) => {
    expect(meetsFraction(count, base, f)).toBe(ok);
  });

  test.each([
    [30, twoThirds('expected'), 20],
    [31, twoThirds('expected'), 21],
    [30, moreThanHalf('present'), 16],
    [31, moreThanHalf('present'), 16],
  ])('of %i, %o needs %i', (base, f, needed) => {
    expect(requiredCount(base, f)).toBe(needed);
    expect(meetsFraction(needed, base, f)).toBe(true);
    expect(meetsFraction(needed - 1, base, f)).toBe(false);
  });

  test('the statutory profiles (Organisation Law arts. 21-22 and 26; Collective Economic Organisations Law art. 27)', () => {
    expect(thresholdProfiles.villagersMeeting.noticeDays).toBe(10);
    expect(thresholdProfiles.collectiveMembers.pass).toEqual(twoThirds('expected'));
    expect(thresholdProfiles.villagersRepresentatives.quorum).toEqual([twoThirds('expected')]);
  });
});

describe('decision validity rules', () => {
  test('the sample passes every rule', () => {
    expect(validateDecision(sampleDecision())).toEqual([]);
  });

  test.each([
    [
      'a stage is recorded once',
      checkUniqueStages,
      (d: Decision) => d.stages.push({ ...stage(d, 'partyProposal') }),
      'stages.6.stage: disclosures.decision.duplicateStage',
    ],
    [
      'present ≤ expected',
      checkAttendance,
      (d: Decision) => (stage(d, 'partyProposal').present = 6),
      'stages.0.present: disclosures.decision.presentExceedsExpected',
    ],
    [
      'votes ≤ present',
      checkAttendance,
      (d: Decision) => (stage(d, 'villagersResolution').against = 11),
      'stages.3.for: disclosures.decision.votesExceedPresent',
    ],
    [
      'households represented ≤ households',
      checkAttendance,
      (d: Decision) => (stage(d, 'villagersResolution').households = { expected: 10, represented: 11 }),
      'stages.3.households.represented: disclosures.decision.presentExceedsExpected',
    ],
    [
      'a posting ends after it starts',
      checkStageDates,
      (d: Decision) => (stage(d, 'resolutionDisclosure').postedUntil = '2025-11-25'),
      'stages.4.postedUntil: disclosures.publicity.endBeforeStart',
    ],
    [
      'the plan goes out before the meeting',
      checkStageDates,
      (d: Decision) => (stage(d, 'partyMeetingReview').planSentOn = '2025-11-15'),
      'stages.2.planSentOn: disclosures.decision.noticeAfterMeeting',
    ],
    [
      'the notice comes before the meeting',
      checkStageDates,
      (d: Decision) => (stage(d, 'villagersResolution').noticeOn = '2025-11-26'),
      'stages.3.noticeOn: disclosures.decision.noticeAfterMeeting',
    ],
  ])('%s', (_label, rule, change, expected) => {
    expect(rule(sampleDecision())).toEqual([]);
    expect(problemLines(rule(withChange(change)))).toEqual([expected]);
  });
});

describe('decision compliance verdict', () => {
  test('the sample passes every check at the exact thresholds', () => {
    const checks = decisionChecks(sampleDecision(), TODAY);
    expect(checks.map((c) => [c.key, c.state])).toEqual([
      ['order', 'pass'],
      ['merge', 'notApplicable'],
      ['quorum', 'pass'],
      ['authorisation', 'pass'],
      ['passThreshold', 'pass'],
      ['noticePeriods', 'pass'],
      ['posting', 'pass'],
      ['implementation', 'pass'],
      ['resultDisclosed', 'pass'],
    ]);
    expect(verdictOf(checks)).toBe('compliant');
  });

  test('order: a record filed stage by stage awaits its next stage (pending); a skipped or unfinished one after implementation fails', () => {
    const underWay = (d: Decision) => {
      d.stages = d.stages.filter((s) => s.stage === 'partyProposal' || s.stage === 'committeesDeliberation');
      delete d.contractSignedOn;
      delete d.worksStartedOn;
      delete d.completedOn;
    };
    const pending = checkOrder(withChange(underWay));
    expect(pending).toMatchObject({
      state: 'pending',
      reason: 'disclosures.reason.stageAwaited',
      vars: { stage: 'partyMeetingReview' },
    });
    expect(verdictOf(decisionChecks(withChange(underWay), TODAY))).toBe('pending');
    // The same record with the works already started: implemented before the vote.
    const implemented = withChange((d) => {
      underWay(d);
      d.worksStartedOn = '2025-12-01';
    });
    expect(checkOrder(implemented)).toMatchObject({ state: 'fail', reason: 'disclosures.reason.stageMissing' });
    // A stage skipped before a later one recorded is a failure even with nothing implemented.
    const skipped = withChange((d) => {
      d.stages = d.stages.filter((s) => s.stage !== 'partyMeetingReview');
      delete d.contractSignedOn;
      delete d.worksStartedOn;
      delete d.completedOn;
    });
    expect(checkOrder(skipped)).toMatchObject({
      state: 'fail',
      reason: 'disclosures.reason.stageMissing',
      vars: { stage: 'partyMeetingReview' },
    });
  });

  test.each([
    [
      'order: a required stage is missing',
      checkOrder,
      (d: Decision) => d.stages.splice(2, 1),
      'disclosures.reason.stageMissing',
      { stage: 'partyMeetingReview' },
    ],
    [
      'order: a stage dated before the previous one',
      checkOrder,
      (d: Decision) => (stage(d, 'partyMeetingReview').date = '2025-11-05'),
      'disclosures.reason.stageOutOfOrder',
      { stage: 'partyMeetingReview', previousStage: 'committeesDeliberation' },
    ],
    [
      'order: disclosure before the resolution',
      checkOrder,
      (d: Decision) => (stage(d, 'resolutionDisclosure').postedOn = '2025-11-24'),
      'disclosures.reason.stageOutOfOrder',
      { stage: 'resolutionDisclosure', previousStage: 'villagersResolution' },
    ],
    [
      'quorum: party meeting below 2/3',
      checkQuorum,
      (d: Decision) => ((stage(d, 'partyMeetingReview').present = 19), (stage(d, 'partyMeetingReview').for = 16)),
      'disclosures.reason.quorumMissed',
      { stage: 'partyMeetingReview', present: 19, expected: 30, required: 20 },
    ],
    [
      'quorum: representatives below 2/3',
      checkQuorum,
      (d: Decision) => (stage(d, 'villagersResolution').present = 29),
      'disclosures.reason.quorumMissed',
      { stage: 'villagersResolution', present: 29, expected: 45, required: 30 },
    ],
    [
      'pass: party meeting needs more than half of those who should attend',
      checkPassThreshold,
      (d: Decision) => (stage(d, 'partyMeetingReview').for = 15),
      'disclosures.reason.notPassed',
      { stage: 'partyMeetingReview', votes: 15, required: 16 },
    ],
    [
      'pass: representatives need more than half of those present',
      checkPassThreshold,
      (d: Decision) => (stage(d, 'villagersResolution').for = 15),
      'disclosures.reason.notPassed',
      { stage: 'villagersResolution', votes: 15, required: 16 },
    ],
    [
      'notice: party plan less than 3 days ahead',
      checkNoticePeriods,
      (d: Decision) => (stage(d, 'partyMeetingReview').planSentOn = '2025-11-12'),
      'disclosures.reason.noticeTooShort',
      { stage: 'partyMeetingReview', given: 2, days: 3 },
    ],
    [
      'notice: not recorded',
      checkNoticePeriods,
      (d: Decision) => delete stage(d, 'villagersResolution').noticeOn,
      'disclosures.reason.noticeNotRecorded',
      { stage: 'villagersResolution' },
    ],
    [
      'notice: villagers meeting needs 10 days',
      checkNoticePeriods,
      (d: Decision) => (d.profile = 'villagersMeeting'),
      'disclosures.reason.noticeTooShort',
      { stage: 'villagersResolution', given: 5, days: 10 },
    ],
    [
      'result: implementation finished, result not disclosed',
      (d: Decision) => checkResultDisclosed(d, TODAY),
      (d: Decision) => d.stages.pop(),
      'disclosures.reason.resultMissing',
      { date: '2025-12-28' },
    ],
  ])('%s', (_label, check, change, reason, vars) => {
    expect(check(sampleDecision()).state).toBe('pass');
    const result = check(withChange(change));
    expect(result.state).toBe('fail');
    expect(result.reason).toBe(reason);
    expect(result.vars).toEqual(vars);
  });

  test.each([
    ['posted 5 days', '2025-11-30', undefined, 'pass'],
    ['posted 4 days', '2025-11-29', undefined, 'fail'],
    ['still posted, day 3', undefined, '2025-11-28', 'pending'],
    ['still posted, day 5', undefined, '2025-11-30', 'pass'],
  ])('posting: %s', (_label, postedUntil, today, state) => {
    const d = withChange((x) => {
      const s = stage(x, 'resolutionDisclosure');
      if (postedUntil) s.postedUntil = postedUntil;
      else delete s.postedUntil;
      // The result is posted later (a posting after today is pending): judge the resolution's posting alone.
      x.stages = x.stages.filter((y) => y.stage !== 'resultDisclosure');
    });
    expect(checkPosting(d, today ?? TODAY).state).toBe(state);
  });

  test('a missing stage 2 is a missing meeting (order fails), not a merge', () => {
    const missing = withChange((d) => d.stages.splice(1, 1));
    missing.secretaryIsDirector = true;
    expect(checkOrder(missing)).toMatchObject({ state: 'fail', vars: { stage: 'committeesDeliberation' } });
    expect(checkQuorum(missing).state).toBe('pass');
  });

  test('villagers meeting: two thirds of households is an alternative quorum', () => {
    const d = withChange((x) => {
      x.profile = 'villagersMeeting';
      const s = stage(x, 'villagersResolution');
      Object.assign(s, { expected: 1000, present: 400, for: 300, against: 50, abstain: 10 });
    });
    expect(checkQuorum(d).state).toBe('fail');
    stage(d, 'villagersResolution').households = { expected: 300, represented: 200 };
    expect(checkQuorum(d).state).toBe('pass');
    stage(d, 'villagersResolution').households = { expected: 300, represented: 199 };
    expect(checkQuorum(d).state).toBe('fail');
  });

  test('collective economic organisation: 2/3 of ALL members must approve, not of those present', () => {
    const d = withChange((x) => {
      x.profile = 'collectiveMembers';
      Object.assign(stage(x, 'villagersResolution'), {
        noticeOn: '2025-11-15',
        expected: 600,
        fullCapacity: 590,
        present: 500,
        for: 399,
        against: 80,
        abstain: 21,
      });
    });
    expect(checkPassThreshold(d)).toMatchObject({ state: 'fail', vars: { votes: 399, required: 400 } });
    stage(d, 'villagersResolution').for = 400;
    expect(checkPassThreshold(d).state).toBe('pass');
  });

  test('a result not yet due is pending, which keeps the verdict pending', () => {
    const d = withChange((x) => (x.stages.pop(), delete x.completedOn));
    expect(checkResultDisclosed(d, TODAY).state).toBe('pending');
    expect(verdictOf(decisionChecks(d, TODAY))).toBe('pending');
  });

  test('resolution date and filing year', () => {
    expect(resolutionDate(sampleDecision())).toBe('2025-11-25');
    expect(decisionYear(sampleDecision())).toBe(2025);
    expect(decisionYear(withChange((d) => d.stages.splice(3, 1)))).toBe(2025);
  });
});
