import { problem, type Problem } from '../common.ts';
import type { Decision } from './schema.ts';

/**
 * Validity rules of a decision record: numbers that cannot be true as written. (Whether the
 * procedure was followed is a compliance question, answered in compliance.ts and shown on the page.)
 */

/** Each stage is recorded once. */
export function checkUniqueStages(d: Decision): Problem[] {
  const seen = new Set<string>();
  return d.stages.flatMap((s, i) => {
    if (seen.has(s.stage))
      return [problem(['stages', i, 'stage'], 'disclosures.decision.duplicateStage', { stage: s.stage })];
    seen.add(s.stage);
    return [];
  });
}

/** Stages 1 and 2 are recorded either as one merged meeting or as two meetings, never both. */
export function checkMergedStage(d: Decision): Problem[] {
  const merged = d.stages.findIndex((s) => s.stage === 'proposalAndDeliberation');
  if (merged < 0) return [];
  return d.stages.some((s) => s.stage === 'partyProposal' || s.stage === 'committeesDeliberation')
    ? [problem(['stages', merged, 'stage'], 'disclosures.decision.mergedAndSeparate')]
    : [];
}

/** present ≤ expected and for + against + abstain ≤ present (padding shows up here). */
export function checkAttendance(d: Decision): Problem[] {
  return d.stages.flatMap((s, i) => {
    if (!('expected' in s)) return [];
    const out: Problem[] = [];
    if (s.present > s.expected)
      out.push(
        problem(['stages', i, 'present'], 'disclosures.decision.presentExceedsExpected', {
          present: s.present,
          expected: s.expected,
        }),
      );
    const votes = s.for + s.against + s.abstain;
    if (votes > s.present)
      out.push(problem(['stages', i, 'for'], 'disclosures.decision.votesExceedPresent', { votes, present: s.present }));
    if (s.stage === 'villagersResolution' && s.fullCapacity !== undefined && s.fullCapacity > s.expected)
      out.push(
        problem(['stages', i, 'fullCapacity'], 'disclosures.decision.fullCapacityExceedsMembers', {
          fullCapacity: s.fullCapacity,
          expected: s.expected,
        }),
      );
    if (s.stage === 'villagersResolution' && s.households && s.households.represented > s.households.expected) {
      out.push(
        problem(['stages', i, 'households', 'represented'], 'disclosures.decision.presentExceedsExpected', {
          present: s.households.represented,
          expected: s.households.expected,
        }),
      );
    }
    return out;
  });
}

/** A posting ends on or after the day it went up; notices come before their meeting. */
export function checkStageDates(d: Decision): Problem[] {
  return d.stages.flatMap((s, i) => {
    if ('postedOn' in s && s.postedUntil && s.postedUntil < s.postedOn)
      return [problem(['stages', i, 'postedUntil'], 'disclosures.publicity.endBeforeStart')];
    if (s.stage === 'partyMeetingReview' && s.planSentOn && s.planSentOn > s.date)
      return [problem(['stages', i, 'planSentOn'], 'disclosures.decision.noticeAfterMeeting')];
    if (s.stage === 'villagersResolution' && s.noticeOn && s.noticeOn > s.date)
      return [problem(['stages', i, 'noticeOn'], 'disclosures.decision.noticeAfterMeeting')];
    return [];
  });
}

export function validateDecision(d: Decision): Problem[] {
  return [...checkUniqueStages(d), ...checkMergedStage(d), ...checkAttendance(d), ...checkStageDates(d)];
}
