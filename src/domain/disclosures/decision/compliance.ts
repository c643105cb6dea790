import { daysBetween } from '../../calendar/dates.ts';
import type { CheckResult } from '../common.ts';
import { BOARD_POSTING_MIN_DAYS, PARTY_PLAN_NOTICE_DAYS } from '../constants.ts';
import {
  meetsFraction,
  requiredCount,
  stageThresholds,
  thresholdProfiles,
  type Fraction,
  type ThresholdProfile,
} from './profiles.ts';
import {
  decisionStages,
  type Decision,
  type DecisionStage,
  type DecisionStageRecord,
  type MeetingStageRecord,
  type PostingStageRecord,
} from './schema.ts';

/**
 * The compliance verdict of a 4+2 procedure record (DOMAIN.md §1.5 validation list): order,
 * quorum, pass threshold, notice periods, posting ≥ 5 days, result disclosed. Each check gives
 * its state and the reason, so the page can explain every failure.
 */

const stageOf = <S extends DecisionStage>(d: Decision, stage: S) =>
  d.stages.find((s) => s.stage === stage) as Extract<DecisionStageRecord, { stage: S }> | undefined;

const dateOf = (s: DecisionStageRecord): string => ('postedOn' in s ? s.postedOn : s.date);

/** The stages a record must have before the result: stage 2 may be merged into 1 under one-shoulder leadership. */
export function requiredStages(d: Decision): DecisionStage[] {
  return [
    'partyProposal',
    ...(d.secretaryIsDirector ? [] : (['committeesDeliberation'] as const)),
    'partyMeetingReview',
    'villagersResolution',
    'resolutionDisclosure',
  ];
}

export function checkOrder(d: Decision): CheckResult {
  const missing = requiredStages(d).find((s) => !stageOf(d, s));
  if (missing)
    return { key: 'order', state: 'fail', reason: 'disclosures.reason.stageMissing', vars: { stage: missing } };
  const present = decisionStages.map((s) => stageOf(d, s)).filter((s): s is DecisionStageRecord => s !== undefined);
  for (let i = 1; i < present.length; i += 1) {
    if (dateOf(present[i]!) < dateOf(present[i - 1]!)) {
      return {
        key: 'order',
        state: 'fail',
        reason: 'disclosures.reason.stageOutOfOrder',
        vars: { stage: present[i]!.stage, previousStage: present[i - 1]!.stage },
      };
    }
  }
  return { key: 'order', state: 'pass', reason: 'disclosures.reason.orderOk' };
}

const base = (s: MeetingStageRecord, f: Fraction) => (f.of === 'expected' ? s.expected : s.present);

function meetingThresholds(
  d: Decision,
  stage: 'partyMeetingReview' | 'villagersResolution' | 'committeesDeliberation',
): Pick<ThresholdProfile, 'quorum' | 'pass'> {
  return stage === 'villagersResolution' ? thresholdProfiles[d.profile] : stageThresholds[stage];
}

/** The meetings whose attendance and votes are judged, in order. */
const judgedMeetings = (d: Decision) =>
  (['committeesDeliberation', 'partyMeetingReview', 'villagersResolution'] as const).filter(
    (s) => !(s === 'committeesDeliberation' && d.secretaryIsDirector && !stageOf(d, s)),
  );

export function checkQuorum(d: Decision): CheckResult {
  for (const stage of judgedMeetings(d)) {
    const s = stageOf(d, stage);
    if (!s) return { key: 'quorum', state: 'fail', reason: 'disclosures.reason.meetingNotHeld', vars: { stage } };
    const alternatives = meetingThresholds(d, stage).quorum;
    const met = alternatives.some((q) => {
      if (q.count === 'households') {
        return (
          s.stage === 'villagersResolution' &&
          s.households !== undefined &&
          meetsFraction(s.households.represented, s.households.expected, q)
        );
      }
      return meetsFraction(s.present, base(s, q), q);
    });
    if (!met) {
      const q = alternatives[0]!;
      return {
        key: 'quorum',
        state: 'fail',
        reason: 'disclosures.reason.quorumMissed',
        vars: { stage, present: s.present, expected: s.expected, required: requiredCount(base(s, q), q) },
      };
    }
  }
  return { key: 'quorum', state: 'pass', reason: 'disclosures.reason.quorumMet' };
}

export function checkPassThreshold(d: Decision): CheckResult {
  for (const stage of judgedMeetings(d)) {
    const s = stageOf(d, stage);
    if (!s)
      return { key: 'passThreshold', state: 'fail', reason: 'disclosures.reason.meetingNotHeld', vars: { stage } };
    const pass = meetingThresholds(d, stage).pass;
    if (!meetsFraction(s.for, base(s, pass), pass)) {
      return {
        key: 'passThreshold',
        state: 'fail',
        reason: 'disclosures.reason.notPassed',
        vars: { stage, votes: s.for, required: requiredCount(base(s, pass), pass) },
      };
    }
  }
  return { key: 'passThreshold', state: 'pass', reason: 'disclosures.reason.passed', vars: { profile: d.profile } };
}

export function checkNoticePeriods(d: Decision): CheckResult {
  const review = stageOf(d, 'partyMeetingReview');
  const resolution = stageOf(d, 'villagersResolution');
  const noticeDays = thresholdProfiles[d.profile].noticeDays;
  const cases: [DecisionStage, MeetingStageRecord | undefined, string | undefined, number][] = [
    ['partyMeetingReview', review, review?.planSentOn, PARTY_PLAN_NOTICE_DAYS],
    ['villagersResolution', resolution, resolution?.noticeOn, noticeDays],
  ];
  for (const [stage, s, noticeOn, days] of cases) {
    if (!s)
      return { key: 'noticePeriods', state: 'fail', reason: 'disclosures.reason.meetingNotHeld', vars: { stage } };
    if (!noticeOn)
      return { key: 'noticePeriods', state: 'fail', reason: 'disclosures.reason.noticeNotRecorded', vars: { stage } };
    const given = daysBetween(noticeOn, s.date);
    if (given < days)
      return {
        key: 'noticePeriods',
        state: 'fail',
        reason: 'disclosures.reason.noticeTooShort',
        vars: { stage, given, days },
      };
  }
  return {
    key: 'noticePeriods',
    state: 'pass',
    reason: 'disclosures.reason.noticeOk',
    vars: { party: PARTY_PLAN_NOTICE_DAYS, days: noticeDays },
  };
}

/** Days a posting has been (or was) on the board, counting both ends, as of `today`. */
export function postedDays(s: PostingStageRecord, today: string): number {
  return daysBetween(s.postedOn, s.postedUntil ?? today) + 1;
}

export function checkPosting(d: Decision, today: string): CheckResult {
  const postings = (['resolutionDisclosure', 'resultDisclosure'] as const)
    .map((stage) => stageOf(d, stage))
    .filter((s): s is PostingStageRecord => s !== undefined);
  if (postings.length === 0)
    return {
      key: 'posting',
      state: 'fail',
      reason: 'disclosures.reason.meetingNotHeld',
      vars: { stage: 'resolutionDisclosure' },
    };
  for (const s of postings) {
    const days = postedDays(s, today);
    if (days >= BOARD_POSTING_MIN_DAYS) continue;
    if (!s.postedUntil && s.postedOn <= today) {
      return {
        key: 'posting',
        state: 'pending',
        reason: 'disclosures.reason.stillPosted',
        vars: { stage: s.stage, days: Math.max(0, days), min: BOARD_POSTING_MIN_DAYS },
      };
    }
    return {
      key: 'posting',
      state: 'fail',
      reason: 'disclosures.reason.postedTooShort',
      vars: { stage: s.stage, days, min: BOARD_POSTING_MIN_DAYS },
    };
  }
  return {
    key: 'posting',
    state: 'pass',
    reason: 'disclosures.reason.postedLongEnough',
    vars: { min: BOARD_POSTING_MIN_DAYS },
  };
}

export function checkResultDisclosed(d: Decision): CheckResult {
  const result = stageOf(d, 'resultDisclosure');
  if (result)
    return {
      key: 'resultDisclosed',
      state: 'pass',
      reason: 'disclosures.reason.resultPosted',
      vars: { date: result.postedOn },
    };
  if (d.completedOn)
    return {
      key: 'resultDisclosed',
      state: 'fail',
      reason: 'disclosures.reason.resultMissing',
      vars: { date: d.completedOn },
    };
  return { key: 'resultDisclosed', state: 'pending', reason: 'disclosures.reason.resultAwaited' };
}

/** Every check, in the order the page lists them. */
export function decisionChecks(d: Decision, today: string): CheckResult[] {
  return [
    checkOrder(d),
    checkQuorum(d),
    checkPassThreshold(d),
    checkNoticePeriods(d),
    checkPosting(d, today),
    checkResultDisclosed(d),
  ];
}

/** The resolution date, when the villagers (or members) decided. */
export const resolutionDate = (d: Decision): string | undefined => stageOf(d, 'villagersResolution')?.date;

/** The year a decision is filed under: its resolution, else its first stage. */
export function decisionYear(d: Decision): number {
  const first = d.stages.map(dateOf).toSorted()[0]!;
  return Number((resolutionDate(d) ?? first).slice(0, 4));
}
