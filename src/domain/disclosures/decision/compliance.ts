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
 * The compliance verdict of a 4+2 procedure record (DOMAIN.md §1.5 validation list): order, the merge rule,
 * quorum, authorisation, pass threshold, notice periods, posting ≥ 5 days, implementation after the resolution,
 * result disclosed. Each check gives its state and the reason, so the page can explain every failure.
 *
 * One fault, one failed check: a fault is reported by the check it belongs to and does not cascade. A missing
 * meeting fails `order` only (quorum, votes and notices judge the meetings that were held); merging stages 1 and
 * 2 without one-shoulder leadership fails `merge` only. Dates after `today` (a planned completion, a posting not yet up) are pending.
 */

const stageOf = <S extends DecisionStage>(d: Decision, stage: S) =>
  d.stages.find((s) => s.stage === stage) as Extract<DecisionStageRecord, { stage: S }> | undefined;

const dateOf = (s: DecisionStageRecord): string => ('postedOn' in s ? s.postedOn : s.date);

/** True when stages 1 and 2 were held as one meeting. */
export const isMerged = (d: Decision): boolean => stageOf(d, 'proposalAndDeliberation') !== undefined;

/** The stages a record must have before the result: 1 and 2 (or their merged meeting), 3, 4 and the resolution posting. */
export function requiredStages(d: Decision): DecisionStage[] {
  return [
    ...(isMerged(d) ? (['proposalAndDeliberation'] as const) : (['partyProposal', 'committeesDeliberation'] as const)),
    'partyMeetingReview',
    'villagersResolution',
    'resolutionDisclosure',
  ];
}

/**
 * Stages must all be held, in order. A record still under way (filed stage by stage: every missing stage comes
 * after the last one recorded, and nothing has been implemented yet) awaits them: pending, not a failure. A stage
 * skipped before a later one, or a missing stage once the contract, works or completion are recorded, fails.
 */
export function checkOrder(d: Decision): CheckResult {
  const missing = requiredStages(d).filter((s) => !stageOf(d, s));
  if (missing.length > 0) {
    const last = Math.max(...d.stages.map((s) => decisionStages.indexOf(s.stage)));
    const implemented =
      d.contractSignedOn !== undefined || d.worksStartedOn !== undefined || d.completedOn !== undefined;
    const underWay = !implemented && missing.every((s) => decisionStages.indexOf(s) > last);
    return underWay
      ? { key: 'order', state: 'pending', reason: 'disclosures.reason.stageAwaited', vars: { stage: missing[0]! } }
      : { key: 'order', state: 'fail', reason: 'disclosures.reason.stageMissing', vars: { stage: missing[0]! } };
  }
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

/** Stages 1 and 2 may be one meeting only under one-shoulder leadership (DOMAIN.md §1.1 stage 2; §1.6 "merging steps when there is no one-shoulder leadership"). */
export function checkMerge(d: Decision): CheckResult {
  if (!isMerged(d)) return { key: 'merge', state: 'notApplicable', reason: 'disclosures.reason.notMerged' };
  return d.secretaryIsDirector
    ? { key: 'merge', state: 'pass', reason: 'disclosures.reason.mergedOneShoulder' }
    : { key: 'merge', state: 'fail', reason: 'disclosures.reason.mergedWithoutOneShoulder' };
}

type JudgedStage = 'proposalAndDeliberation' | 'committeesDeliberation' | 'partyMeetingReview' | 'villagersResolution';

function meetingThresholds(d: Decision, stage: JudgedStage): Pick<ThresholdProfile, 'quorum' | 'pass'> {
  return stage === 'villagersResolution' ? thresholdProfiles[d.profile] : stageThresholds[stage];
}

/** The meetings that were held and whose attendance and votes are judged, in order. */
const heldMeetings = (d: Decision): MeetingStageRecord[] => {
  const out: MeetingStageRecord[] = [];
  for (const stage of [
    'proposalAndDeliberation',
    'committeesDeliberation',
    'partyMeetingReview',
    'villagersResolution',
  ] as const) {
    const s = stageOf(d, stage);
    if (s) out.push(s);
  }
  return out;
};

/** The base a fraction is of, or undefined when the record lacks that number. */
function base(s: MeetingStageRecord, f: Fraction): number | undefined {
  if (f.of === 'expected') return s.expected;
  if (f.of === 'present') return s.present;
  return s.stage === 'villagersResolution' ? s.fullCapacity : undefined;
}

export function checkQuorum(d: Decision): CheckResult {
  const held = heldMeetings(d);
  if (held.length === 0) return { key: 'quorum', state: 'notApplicable', reason: 'disclosures.reason.noMeetingHeld' };
  for (const s of held) {
    const alternatives = meetingThresholds(d, s.stage as JudgedStage).quorum;
    const first = alternatives[0]!;
    if (alternatives.every((q) => q.count !== 'households' && base(s, q) === undefined))
      return {
        key: 'quorum',
        state: 'fail',
        reason: 'disclosures.reason.fullCapacityMissing',
        vars: { stage: s.stage },
      };
    const met = alternatives.some((q) => {
      if (q.count === 'households') {
        return (
          s.stage === 'villagersResolution' &&
          s.households !== undefined &&
          meetsFraction(s.households.represented, s.households.expected, q)
        );
      }
      const b = base(s, q);
      return b !== undefined && meetsFraction(s.present, b, q);
    });
    if (!met) {
      const b = base(s, first) ?? s.expected;
      return {
        key: 'quorum',
        state: 'fail',
        reason:
          first.of === 'fullCapacity'
            ? 'disclosures.reason.quorumMissedFullCapacity'
            : 'disclosures.reason.quorumMissed',
        vars: { stage: s.stage, present: s.present, expected: b, required: requiredCount(b, first) },
      };
    }
  }
  return { key: 'quorum', state: 'pass', reason: 'disclosures.reason.quorumMet' };
}

/**
 * A villagers' representatives meeting decides only what the villagers' meeting authorised it to (Organisation
 * Law arts. 23–24): the authorisation is recorded on the resolution and dated on or before it.
 */
export function checkAuthorisation(d: Decision): CheckResult {
  const resolution = stageOf(d, 'villagersResolution');
  if (d.profile !== 'villagersRepresentatives' || !resolution)
    return { key: 'authorisation', state: 'notApplicable', reason: 'disclosures.reason.authorisationNotNeeded' };
  const a = resolution.authorisation;
  if (!a) return { key: 'authorisation', state: 'fail', reason: 'disclosures.reason.authorisationMissing' };
  if (a.date > resolution.date)
    return {
      key: 'authorisation',
      state: 'fail',
      reason: 'disclosures.reason.authorisationAfter',
      vars: { date: a.date, resolved: resolution.date },
    };
  return {
    key: 'authorisation',
    state: 'pass',
    reason: 'disclosures.reason.authorisationRecorded',
    vars: { date: a.date, scope: a.scope },
  };
}

export function checkPassThreshold(d: Decision): CheckResult {
  const held = heldMeetings(d);
  if (held.length === 0)
    return { key: 'passThreshold', state: 'notApplicable', reason: 'disclosures.reason.noMeetingHeld' };
  for (const s of held) {
    const pass = meetingThresholds(d, s.stage as JudgedStage).pass;
    const b = base(s, pass) ?? s.expected;
    if (!meetsFraction(s.for, b, pass)) {
      return {
        key: 'passThreshold',
        state: 'fail',
        reason: 'disclosures.reason.notPassed',
        vars: { stage: s.stage, votes: s.for, required: requiredCount(b, pass) },
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
  const held = cases.filter(([, s]) => s !== undefined);
  if (held.length === 0)
    return { key: 'noticePeriods', state: 'notApplicable', reason: 'disclosures.reason.noMeetingHeld' };
  for (const [stage, s, noticeOn, days] of held) {
    if (!noticeOn)
      return { key: 'noticePeriods', state: 'fail', reason: 'disclosures.reason.noticeNotRecorded', vars: { stage } };
    const given = daysBetween(noticeOn, s!.date);
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
  // A missing resolution posting is the order check's fault; with nothing posted there is no duration to judge.
  if (postings.length === 0)
    return { key: 'posting', state: 'notApplicable', reason: 'disclosures.reason.nothingPosted' };
  for (const s of postings) {
    if (s.postedOn > today)
      return {
        key: 'posting',
        state: 'pending',
        reason: 'disclosures.reason.postingScheduled',
        vars: { stage: s.stage, date: s.postedOn },
      };
    const days = postedDays(s, today);
    if (days >= BOARD_POSTING_MIN_DAYS) continue;
    if (!s.postedUntil) {
      return {
        key: 'posting',
        state: 'pending',
        reason: 'disclosures.reason.stillPosted',
        vars: { stage: s.stage, days: Math.max(0, daysBetween(s.postedOn, today) + 1), min: BOARD_POSTING_MIN_DAYS },
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

/** What happened after the vote, in the record's own words (for decide-first-then-implement). */
const implementationFacts = (d: Decision) =>
  (
    [
      ['contractSigned', d.contractSignedOn],
      ['worksStarted', d.worksStartedOn],
    ] as const
  ).filter((f): f is readonly ['contractSigned' | 'worksStarted', string] => f[1] !== undefined);

/**
 * Decide first, then implement (DOMAIN.md §1.5 "flag any implementation dated before the resolution date"; §1.6), on the record
 * itself: a contract signed or works started before the resolution fails; on the day of the vote or later passes.
 */
export function checkImplementation(d: Decision): CheckResult {
  const facts = implementationFacts(d);
  const resolved = resolutionDate(d);
  if (facts.length === 0)
    return { key: 'implementation', state: 'notApplicable', reason: 'disclosures.reason.noImplementationYet' };
  // Without a resolution the order check has already failed the record; there is nothing to compare with.
  if (!resolved)
    return { key: 'implementation', state: 'notApplicable', reason: 'disclosures.reason.noResolutionToCompare' };
  const early = facts.find(([, date]) => date < resolved);
  if (early)
    return {
      key: 'implementation',
      state: 'fail',
      reason: `disclosures.reason.implementedBeforeResolution.${early[0]}`,
      vars: { date: early[1], resolved },
    };
  return {
    key: 'implementation',
    state: 'pass',
    reason: 'disclosures.reason.implementedAfterResolution',
    vars: { resolved },
  };
}

/**
 * The result is disclosed once implementation finished, never before it (a result posted the day before completion
 * fails); a completion or a posting dated after `today` is pending, not a failure.
 */
export function checkResultDisclosed(d: Decision, today: string): CheckResult {
  const result = stageOf(d, 'resultDisclosure');
  const done = d.completedOn;
  if (result) {
    if (done && result.postedOn < done)
      return {
        key: 'resultDisclosed',
        state: 'fail',
        reason: 'disclosures.reason.resultBeforeCompletion',
        vars: { date: result.postedOn, completed: done },
      };
    if (result.postedOn > today)
      return {
        key: 'resultDisclosed',
        state: 'pending',
        reason: 'disclosures.reason.resultScheduled',
        vars: { date: result.postedOn },
      };
    return {
      key: 'resultDisclosed',
      state: 'pass',
      reason: 'disclosures.reason.resultPosted',
      vars: { date: result.postedOn },
    };
  }
  if (!done) return { key: 'resultDisclosed', state: 'pending', reason: 'disclosures.reason.resultAwaited' };
  if (done > today)
    return {
      key: 'resultDisclosed',
      state: 'pending',
      reason: 'disclosures.reason.completionAwaited',
      vars: { date: done },
    };
  return { key: 'resultDisclosed', state: 'fail', reason: 'disclosures.reason.resultMissing', vars: { date: done } };
}

/** Every check, in the order the page lists them. */
export function decisionChecks(d: Decision, today: string): CheckResult[] {
  return [
    checkOrder(d),
    checkMerge(d),
    checkQuorum(d),
    checkAuthorisation(d),
    checkPassThreshold(d),
    checkNoticePeriods(d),
    checkPosting(d, today),
    checkImplementation(d),
    checkResultDisclosed(d, today),
  ];
}

/** The resolution date, when the villagers (or members) decided. */
export const resolutionDate = (d: Decision): string | undefined => stageOf(d, 'villagersResolution')?.date;

/** The year a decision is filed under: its resolution, else its first stage. */
export function decisionYear(d: Decision): number {
  const first = d.stages.map(dateOf).toSorted()[0]!;
  return Number((resolutionDate(d) ?? first).slice(0, 4));
}
