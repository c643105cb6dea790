import { describe, expect, test } from 'vitest';
import { addedStages, firstStages, nextStage, stageFields } from '../../src/domain/disclosures/decision/progress.ts';
import type { DecisionStage } from '../../src/domain/disclosures/decision/schema.ts';

/** A 4+2 record drafted stage by stage (issue 12): the required order and each stage's own fields. */
const rec = (...stages: DecisionStage[]) => ({ stages: stages.map((stage) => ({ stage })) }) as never;

describe('the required order', () => {
  test('a new record starts with stage 1; the merged meeting only under one-shoulder leadership', () => {
    expect(firstStages(false)).toEqual(['partyProposal']);
    expect(firstStages(true)).toEqual(['partyProposal', 'proposalAndDeliberation']);
  });

  test('each next stage in order, separate or merged, then none', () => {
    expect(nextStage(rec('partyProposal'))).toBe('committeesDeliberation');
    expect(nextStage(rec('partyProposal', 'committeesDeliberation'))).toBe('partyMeetingReview');
    expect(nextStage(rec('proposalAndDeliberation'))).toBe('partyMeetingReview');
    expect(nextStage(rec('proposalAndDeliberation', 'partyMeetingReview', 'villagersResolution'))).toBe(
      'resolutionDisclosure',
    );
    expect(
      nextStage(
        rec(
          'partyProposal',
          'committeesDeliberation',
          'partyMeetingReview',
          'villagersResolution',
          'resolutionDisclosure',
        ),
      ),
    ).toBe('resultDisclosure');
    expect(
      nextStage(
        rec(
          'proposalAndDeliberation',
          'partyMeetingReview',
          'villagersResolution',
          'resolutionDisclosure',
          'resultDisclosure',
        ),
      ),
    ).toBeUndefined();
  });

  test('a gap (an uploaded record missing a stage) is filled before anything later', () => {
    expect(nextStage(rec('partyProposal', 'partyMeetingReview'))).toBe('committeesDeliberation');
  });

  test('the stages a version added', () => {
    expect(addedStages(rec('partyProposal'), rec('partyProposal', 'committeesDeliberation'))).toEqual([
      'committeesDeliberation',
    ]);
    expect(addedStages(rec('partyProposal'), rec('partyProposal'))).toEqual([]);
  });
});

describe('each stage’s fields, as DecisionStageRecord defines them', () => {
  test('meetings, the party meeting, the resolution and the postings', () => {
    const meeting = ['date', 'form', 'expected', 'present', 'for', 'against', 'abstain', 'summary', 'minutes'];
    expect(stageFields('partyProposal')).toEqual(meeting);
    expect(stageFields('proposalAndDeliberation')).toEqual(meeting);
    expect(stageFields('partyMeetingReview')).toEqual([...meeting, 'planSentOn']);
    expect(stageFields('villagersResolution')).toEqual([
      ...meeting,
      'noticeOn',
      'households',
      'fullCapacity',
      'authorisation',
    ]);
    expect(stageFields('resultDisclosure')).toEqual(['postedOn', 'postedUntil', 'channel', 'supervisorOpinion']);
  });
});
