import { DecisionStageRecord, type Decision, type DecisionStage } from './schema.ts';

/**
 * A 4+2 record drafted stage by stage (issue 12, the plain HTML form): which stage may be recorded next, in the
 * required order (GLOSSARY: decision), and which fields each stage has. Stages 1 and 2 may be one merged meeting
 * (`proposalAndDeliberation`) only under one-shoulder leadership (DOMAIN.md §1.1), so a new record offers it only then.
 */

const separateOrder: readonly DecisionStage[] = [
  'partyProposal',
  'committeesDeliberation',
  'partyMeetingReview',
  'villagersResolution',
  'resolutionDisclosure',
  'resultDisclosure',
];
const mergedOrder: readonly DecisionStage[] = [
  'proposalAndDeliberation',
  'partyMeetingReview',
  'villagersResolution',
  'resolutionDisclosure',
  'resultDisclosure',
];

/** The stages a new record may start with: stage 1, or the merged meeting when the secretary is also the director. */
export function firstStages(secretaryIsDirector: boolean): DecisionStage[] {
  return secretaryIsDirector ? ['partyProposal', 'proposalAndDeliberation'] : ['partyProposal'];
}

/**
 * The one stage a recorded decision may add next: the first stage of its order that it lacks (so a gap is filled
 * before anything later); undefined once every stage is recorded.
 */
export function nextStage(d: Pick<Decision, 'stages'>): DecisionStage | undefined {
  const recorded = new Set(d.stages.map((s) => s.stage));
  const order = recorded.has('proposalAndDeliberation') ? mergedOrder : separateOrder;
  return order.find((s) => !recorded.has(s));
}

const stageShapes = new Map(DecisionStageRecord.options.map((o) => [o.shape.stage.value, Object.keys(o.shape)]));

/** The top-level fields a stage's record has (besides `stage`), exactly as DecisionStageRecord defines them. */
export function stageFields(stage: DecisionStage): string[] {
  return (stageShapes.get(stage) ?? []).filter((k) => k !== 'stage');
}

/** The stages `after` records that `before` did not (what a progress version added). */
export function addedStages(before: Pick<Decision, 'stages'>, after: Pick<Decision, 'stages'>): DecisionStage[] {
  const had = new Set(before.stages.map((s) => s.stage));
  return after.stages.map((s) => s.stage).filter((s) => !had.has(s));
}
