/**
 * Rule constants with their provenance (DOMAIN.md §9). Values tagged [R] are the project's own
 * defaults where no national figure was found; change them here, and the tests that pin them.
 */

/** Award (uniforms, teaching materials) and student-aid publicity lasts at least this many working days (Jiangxi uniform rule; aid: Jiaocaiting Han [2017] No. 28 and the secondary-vocational aid guide). */
export const PUBLICITY_MIN_WORKING_DAYS = 5;

/** Canteen accounts for a month are published by this day of the following month (Tongling school table footer; a kindergarten rule). */
export const CANTEEN_PUBLISH_BY_DAY = 15;

/**
 * A village's quarterly disclosures (general village affairs and the three-asset ledger, at least quarterly: Village
 * Committees Organisation Law art. 30) are posted by this day of the quarter's next month (a county disclosure
 * catalogue: "each quarter's first month, the 20th"; DOMAIN.md §2.1–2.2).
 */
export const VILLAGE_QUARTER_PUBLISH_BY_DAY = 20;

/** [R] Monthly canteen surplus or deficit tolerated, as a percentage of meal-fee income (kindergarten example: 2%). */
export const CANTEEN_SURPLUS_TOLERANCE_PERCENT = 2;

/** A village notice stays on the board at least this many days (Shandong village-affairs disclosure regulation, art. 13). */
export const BOARD_POSTING_MIN_DAYS = 5;

/** The plan goes to every party member at least this many days before the party meeting (local practice). */
export const PARTY_PLAN_NOTICE_DAYS = 3;

/** [R] Default village threshold above which a contract needs a four-deliberations decision (one county catalogue: 50,000 yuan). */
export const DEFAULT_MAJOR_MATTER_THRESHOLD_FEN = 5_000_000;

/** Competitive procedures need at least three bidders (Bidding Law art. 28; Government Procurement Law arts. 38 and 40). */
export const MIN_COMPETING_BIDDERS = 3;
