/**
 * Threshold profiles: which quorum and pass threshold a decision needs, as data (STYLE.md rule 3).
 * A fraction `{ num, den, strict, of }` means "count ≥ num/den of `of`" (or "more than" when strict).
 */
export interface Fraction {
  readonly num: number;
  readonly den: number;
  /** true: more than the fraction; false: at least the fraction. */
  readonly strict: boolean;
  /**
   * What the fraction is of: those who should attend (all members), those present, or the members with full civil
   * capacity (a collective economic organisation's quorum).
   */
  readonly of: 'expected' | 'present' | 'fullCapacity';
}

export interface ThresholdProfile {
  /** Any one alternative is enough. `households` uses the households represented. */
  readonly quorum: readonly (Fraction & { readonly count?: 'people' | 'households' })[];
  readonly pass: Fraction;
  /** Days between the notice and the meeting. */
  readonly noticeDays: number;
  /** Where the numbers come from. */
  readonly source: string;
}

export const moreThanHalf = (of: Fraction['of']): Fraction => ({ num: 1, den: 2, strict: true, of });
export const twoThirds = (of: Fraction['of']): Fraction => ({ num: 2, den: 3, strict: false, of });

/** The body that takes the resolution (stage 4). */
export const thresholdProfiles = {
  /** Villagers' meeting: Organisation Law arts. 21-22 (notice 10 days; >1/2 of adults or 2/3 of households; >1/2 of those present). */
  villagersMeeting: {
    quorum: [moreThanHalf('expected'), { ...twoThirds('expected'), count: 'households' }],
    pass: moreThanHalf('present'),
    noticeDays: 10,
    source: 'Villagers Committee Organisation Law (2018) arts. 21-22',
  },
  /** Villagers' representatives meeting: art. 26 (2/3 of members; >1/2 of those present); notice 3 days is local practice. */
  villagersRepresentatives: {
    quorum: [twoThirds('expected')],
    pass: moreThanHalf('present'),
    noticeDays: 3,
    source: 'Villagers Committee Organisation Law (2018) art. 26; notice period: local practice',
  },
  /**
   * Collective economic organisation members' (or members' representatives') assembly: quorum ≥ 2/3 of the members
   * with full civil capacity; approval ≥ 2/3 of ALL members — two numbers, not one.
   */
  collectiveMembers: {
    quorum: [twoThirds('fullCapacity')],
    pass: twoThirds('expected'),
    noticeDays: 10,
    source: 'Rural Collective Economic Organisations Law (2024) arts. 27-28',
  },
} as const satisfies Record<string, ThresholdProfile>;

export const thresholdProfileKeys = ['villagersMeeting', 'villagersRepresentatives', 'collectiveMembers'] as const;

/** The meetings before the resolution (party-led stages; local practice, DOMAIN.md §1.1). */
export const stageThresholds = {
  partyProposal: { quorum: [moreThanHalf('expected')], pass: moreThanHalf('present') },
  /** Stages 1 and 2 merged under one-shoulder leadership: judged as the two committees' meeting (majority rule). */
  proposalAndDeliberation: { quorum: [moreThanHalf('expected')], pass: moreThanHalf('present') },
  committeesDeliberation: { quorum: [moreThanHalf('expected')], pass: moreThanHalf('present') },
  /** Party members' meeting: at least 2/3 present; passes with more than half of those who should attend. */
  partyMeetingReview: { quorum: [twoThirds('expected')], pass: moreThanHalf('expected') },
} as const;

/** True when `count` meets the fraction of `base`, in integer arithmetic. */
export function meetsFraction(count: number, base: number, f: Fraction): boolean {
  return f.strict ? count * f.den > base * f.num : count * f.den >= base * f.num;
}

/** The smallest count that meets the fraction of `base`. */
export function requiredCount(base: number, f: Fraction): number {
  const exact = (base * f.num) / f.den;
  return f.strict ? Math.floor(exact) + 1 : Math.ceil(exact);
}
