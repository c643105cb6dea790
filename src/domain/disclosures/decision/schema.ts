import { z } from 'zod';
import { DocumentLink, Fen, IsoDate, Line, Paragraph, disclosureBase } from '../common.ts';
import { thresholdProfileKeys } from './profiles.ts';

/**
 * The stages of the procedure in their required order (GLOSSARY: decision). `proposalAndDeliberation` is stages 1
 * and 2 held as one meeting, which the procedure allows only under one-shoulder leadership (the party secretary is also the committee
 * director, DOMAIN.md §1.1): a record has either it or both of `partyProposal` and `committeesDeliberation`.
 */
export const decisionStages = [
  'proposalAndDeliberation',
  'partyProposal',
  'committeesDeliberation',
  'partyMeetingReview',
  'villagersResolution',
  'resolutionDisclosure',
  'resultDisclosure',
] as const;
export type DecisionStage = (typeof decisionStages)[number];

/**
 * Matter categories: the nine items of the Villagers Committee Organisation Law art. 24, then
 * typical local additions (DOMAIN.md §1.3).
 */
export const decisionCategories = [
  'allowanceRecipients',
  'collectiveIncomeUse',
  'publicWelfareProjects',
  'landContractingPlan',
  'collectiveProjects',
  'homesteadPlan',
  'expropriationCompensation',
  'propertyDisposal',
  'otherDesignated',
  'villageRules',
  'landForestTransfer',
  'assetPurchaseOrBorrowing',
  'welfareImplementation',
  'disasterRelief',
] as const;

/** Who moved the matter (the same on every form of one matter). */
export const decisionInitiators = ['partyMembersAndVillagers', 'villageCadres', 'higherAuthorities'] as const;

const count = z.number().int().min(0).max(100_000);

/** Attendance and votes of one meeting (expected / present, for / against / abstain). */
const meeting = {
  date: IsoDate,
  /** How the meeting was held, e.g. on-site, with township officials present. */
  form: Line(60).optional(),
  expected: count,
  present: count,
  for: count,
  against: count,
  abstain: count,
  /** Summary of what was decided. */
  summary: Paragraph(300).optional(),
  minutes: DocumentLink.optional(),
};

/** A posting on the village notice board (or another channel). */
const posting = {
  /** First day on the board. */
  postedOn: IsoDate,
  /** Last day on the board (inclusive); absent while it is still posted. */
  postedUntil: IsoDate.optional(),
  /** Where it was posted. */
  channel: Line(60),
  /** The supervisory committee's opinion on it. */
  supervisorOpinion: Paragraph(300).optional(),
};

export const DecisionStageRecord = z.discriminatedUnion('stage', [
  z.strictObject({ stage: z.literal('proposalAndDeliberation'), ...meeting }),
  z.strictObject({ stage: z.literal('partyProposal'), ...meeting }),
  z.strictObject({ stage: z.literal('committeesDeliberation'), ...meeting }),
  z.strictObject({
    stage: z.literal('partyMeetingReview'),
    ...meeting,
    /** The day the plan went to every party member. */
    planSentOn: IsoDate.optional(),
  }),
  z.strictObject({
    stage: z.literal('villagersResolution'),
    ...meeting,
    /** The day the meeting was announced. */
    noticeOn: IsoDate.optional(),
    /** Households represented, for the villagers' meeting alternative quorum (2/3 of households). */
    households: z.strictObject({ expected: count, represented: count }).optional(),
    /**
     * Collective economic organisation assembly: members with full civil capacity, the base of its quorum (≥ 2/3
     * of them present); `expected` stays all members, the base of its approval (≥ 2/3 of all members; Rural
     * Collective Economic Organisations Law art. 27, DOMAIN.md §1.2).
     */
    fullCapacity: count.optional(),
    /**
     * Villagers' representatives meeting: the villagers' meeting's authorisation to decide this kind of matter
     * (Organisation Law arts. 23–24).
     */
    authorisation: z
      .strictObject({
        /** The day the villagers' meeting granted it. */
        date: IsoDate,
        /** What it covers, as minuted (e.g. the representatives may decide leases of collective assets). */
        scope: Line(120),
        document: DocumentLink.optional(),
      })
      .optional(),
  }),
  z.strictObject({ stage: z.literal('resolutionDisclosure'), ...posting }),
  z.strictObject({ stage: z.literal('resultDisclosure'), ...posting }),
]);
export type DecisionStageRecord = z.infer<typeof DecisionStageRecord>;
export type MeetingStageRecord = Extract<DecisionStageRecord, { expected: number }>;
export type PostingStageRecord = Extract<DecisionStageRecord, { postedOn: string }>;

/** One village major matter and its 4+2 procedure record (DOMAIN.md §1.5). */
export const Decision = z.strictObject({
  ...disclosureBase,
  /** The matter, e.g. "contracting out the collective tea garden". */
  title: Line(80),
  category: z.enum(decisionCategories),
  /** Money involved, in fen, when there is any. */
  amountFen: Fen.optional(),
  /** Which body decides, and so which quorum and pass threshold apply. */
  profile: z.enum(thresholdProfileKeys),
  initiatedBy: z.enum(decisionInitiators),
  /** The party secretary is also the committee director (one-shoulder leadership), so stages 1 and 2 may be merged. */
  secretaryIsDirector: z.boolean().default(false),
  /** What happened after the vote (decide-first-then-implement is checked on these): the contract signed … */
  contractSignedOn: IsoDate.optional(),
  /** … works (or the service) started … */
  worksStartedOn: IsoDate.optional(),
  /**
   * … and when implementation finished (or is planned to: a date after today is pending); the result must then be
   * disclosed, on or after this day.
   */
  completedOn: IsoDate.optional(),
  stages: z.array(DecisionStageRecord).min(1).max(12),
});
export type Decision = z.infer<typeof Decision>;
