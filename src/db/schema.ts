import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey, check } from 'drizzle-orm/sqlite-core';
import { unitCarriers } from '../domain/units/schema.ts';
import { feedbackKinds, routes, satisfactionAnswers } from '../domain/feedback/schema.ts';
import { feedbackStates, visibilities } from '../domain/feedback/states.ts';
import type { MealDetails } from '../domain/feedback/public.ts';
import { questionIds, type QuestionId } from '../domain/surveys/questions.ts';
import { respondentRelations } from '../domain/surveys/schema.ts';
import { grades } from '../domain/scoring/scorecard.ts';
import { gradeRecordReasons } from '../domain/scoring/history.ts';
import { staffRoles } from '../domain/staff/roles.ts';
import { notificationChannels, notificationEvents } from '../domain/notifications/events.ts';

/**
 * Units mirrored from content/units so that feedback, ratings and scores can reference them with
 * foreign keys. content/ stays the source of truth; the seed upserts this table from it.
 */
export const townships = sqliteTable('townships', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  order: integer('display_order').notNull().default(0),
});

export const units = sqliteTable(
  'units',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    carrier: text('carrier', { enum: unitCarriers }).notNull(),
    townshipId: text('township_id')
      .notNull()
      .references(() => townships.id),
    leadDepartment: text('lead_department').notNull(),
    demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [index('units_carrier_township').on(t.carrier, t.townshipId)],
);

/*
 * Feedback channel (issue 4): feedback items, their encrypted contacts, audit events, satisfaction
 * surveys with invitation codes and responses, and the anti-abuse state (rate-limit counters, used
 * proof-of-work challenges, phone one-time codes). Vocabularies come from src/domain.
 */

/** A supervision feedback item. Contact details live in `feedback_contacts`, never here. */
export const feedbackItems = sqliteTable(
  'feedback_items',
  {
    id: text('id').primaryKey(),
    trackingCode: text('tracking_code').notNull().unique(),
    /** SHA-256 of the query secret; the secret itself is never stored. */
    secretHash: text('secret_hash').notNull(),
    /** A retried submission with the same key returns the same item (and secret). */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    /** SHA-256 of the canonical submission, to tell a retry from a different body under the same key. */
    payloadHash: text('payload_hash').notNull(),
    kind: text('kind', { enum: feedbackKinds }).notNull(),
    routedTo: text('routed_to', { enum: routes }).notNull(),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    disclosureId: text('disclosure_id'),
    body: text('body'),
    /** The accompanied-meal details as JSON (date, meal, dishes, four ratings). */
    meal: text('meal', { mode: 'json' }).$type<MealDetails>(),
    suggestion: text('suggestion'),
    publicConsent: integer('public_consent', { mode: 'boolean' }).notNull().default(false),
    hasContact: integer('has_contact', { mode: 'boolean' }).notNull().default(false),
    state: text('state', { enum: feedbackStates }).notNull(),
    visibility: text('visibility', { enum: visibilities }).notNull().default('pending'),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    acceptedAt: integer('accepted_at', { mode: 'timestamp_ms' }),
    extensionDays: integer('extension_days'),
    extensionReason: text('extension_reason'),
    repliedAt: integer('replied_at', { mode: 'timestamp_ms' }),
    replyBody: text('reply_body'),
    firstAnsweredAt: integer('first_answered_at', { mode: 'timestamp_ms' }),
    firstAnswerDueAt: integer('first_answer_due_at', { mode: 'timestamp_ms' }),
    closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
    closeReason: text('close_reason'),
    reopenedAt: integer('reopened_at', { mode: 'timestamp_ms' }),
    reopenCount: integer('reopen_count').notNull().default(0),
    reopenReason: text('reopen_reason'),
    rating: text('rating', { enum: satisfactionAnswers }),
    ratedAt: integer('rated_at', { mode: 'timestamp_ms' }),
    demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
    /** Optimistic-concurrency guard: every change bumps it, and a change names the version it read. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('feedback_unit_visibility').on(t.unitId, t.visibility, t.receivedAt),
    index('feedback_unit_route').on(t.unitId, t.routedTo),
    // The items of units not answered yet, with every deadline fact (a covering partial index): yearly scoring
    // reads them without visiting the table (src/db/scoring-inputs-repo.ts replyTimeliness repeats this WHERE and
    // these expressions word for word). Keyed by the Beijing year of receipt (as reply_tallies counts it), then
    // in the order of the scoring query's GROUP BY (unit, state, the Beijing days of receipt, acceptance and
    // reopening, the extension), so that a year's groups stream out of the index without a sort.
    index('feedback_unit_unanswered_by_year')
      .on(
        sql`CAST(strftime('%Y', (received_at + 28800000) / 1000, 'unixepoch') AS INTEGER)`,
        t.unitId,
        t.state,
        sql`(received_at + 28800000) / 86400000`,
        sql`(accepted_at + 28800000) / 86400000`,
        t.extensionDays,
        sql`(reopened_at + 28800000) / 86400000`,
        // Only for SQLite to see the index covers the query (the expressions' columns) and the WHERE (it does not
        // drop the index's own terms).
        t.receivedAt,
        t.acceptedAt,
        t.reopenedAt,
        t.routedTo,
        t.firstAnsweredAt,
        t.firstAnswerDueAt,
      )
      .where(sql`routed_to = 'unit' AND (first_answered_at IS NULL OR first_answer_due_at IS NULL)`),
  ],
);

/**
 * Answered items routed to a unit per (unit, Beijing year of receipt): how many, and how many were first answered
 * on or before their due day. Kept by triggers on feedback_items (migration 0012_scoring_aggregates), in the same
 * statement as every change of the facts, so that yearly scoring reads one counter per unit instead of scanning
 * every item (bench: 1,000,000 items). feedback_items stays the record; a row whose `due` fell back to 0 is kept.
 */
export const replyTallies = sqliteTable(
  'reply_tallies',
  {
    unitId: text('unit_id').notNull(),
    year: integer('year').notNull(),
    due: integer('due').notNull(),
    onTime: integer('on_time').notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.year] })],
);

/** The optional phone, AES-256-GCM encrypted with CONTACT_KEY (bound to the item id). */
export const feedbackContacts = sqliteTable('feedback_contacts', {
  feedbackId: text('feedback_id')
    .primaryKey()
    .references(() => feedbackItems.id),
  sealed: text('sealed').notNull(),
  /** The submitter asked to be told by text when the reply is published (purged with the contact). */
  notify: integer('notify', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Append-only audit trail of every state change, written in the same batch as the change (STYLE.md §5):
 * if this insert fails, the change fails. `detail` holds no personal data; `public_note` is what the
 * tracking page may show.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    publicNote: text('public_note'),
    /**
     * The hash chain (src/db/audit-chain.ts): SHA-256 over the canonical JSON of this row (id included)
     * and the previous row's hash. Null only between the insert and the seal that follows it in the
     * write queue (or at the next start, after a crash in between).
     */
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [index('audit_subject').on(t.subjectType, t.subjectId, t.id)],
);

/**
 * Signed checkpoints of the audit chain (src/services/audit-checkpoint.ts): the number of sealed rows and
 * the head's id and hash at a time, signed with the Ed25519 key AUDIT_SIGNING_KEY. Written by the server
 * hourly and after every 1,000 rows, published with their history at /data/audit-checkpoint.json.
 * Append-only (triggers in migration 0004).
 */
export const auditCheckpoints = sqliteTable('audit_checkpoints', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  count: integer('count').notNull(),
  headId: integer('head_id'),
  headHash: text('head_hash').notNull(),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  /** The signing key's id (first 16 hex digits of the SHA-256 of its raw public key). */
  keyId: text('key_id').notNull(),
  /** Base64 Ed25519 signature over the checkpoint's note text (src/lib/audit-note.ts). */
  signature: text('signature').notNull(),
});

/** A satisfaction survey: one carrier, one period, questions as data. */
export const surveys = sqliteTable('surveys', {
  id: text('id').primaryKey(),
  carrier: text('carrier', { enum: unitCarriers }).notNull(),
  periodLabel: text('period_label').notNull(),
  opensOn: text('opens_on').notNull(),
  closesOn: text('closes_on').notNull(),
  questionIds: text('question_ids', { mode: 'json' }).notNull().$type<QuestionId[]>(),
  /** The units surveyed (ids of the carrier); null: every unit of the carrier. */
  unitIds: text('unit_ids', { mode: 'json' }).$type<string[]>(),
  /** The year of the standard whose satisfaction indicator the survey feeds (null: demo and older rows). */
  standardYear: integer('standard_year'),
  /** Closed early by the commission: no responses from then on, whatever `closes_on` says. */
  closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
  /** Results are public only from this moment (src/services/surveys.ts surveyResults). */
  publishedAt: integer('published_at', { mode: 'timestamp_ms' }),
  demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/** A printed batch of invitation codes for one unit (a parents' or villagers' meeting). */
export const invitationBatches = sqliteTable('invitation_batches', {
  id: text('id').primaryKey(),
  surveyId: text('survey_id')
    .notNull()
    .references(() => surveys.id),
  unitId: text('unit_id')
    .notNull()
    .references(() => units.id),
  label: text('label').notNull(),
  /** HMAC of the token that opens the printable sheet. */
  tokenHash: text('token_hash').notNull().unique(),
  size: integer('size').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Single-use invitation codes: looked up by HMAC, sealed (encrypted) only so the sheet can be reprinted. */
export const invitationCodes = sqliteTable(
  'invitation_codes',
  {
    id: text('id').primaryKey(),
    batchId: text('batch_id')
      .notNull()
      .references(() => invitationBatches.id),
    surveyId: text('survey_id')
      .notNull()
      .references(() => surveys.id),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    codeHash: text('code_hash').notNull().unique(),
    sealed: text('sealed').notNull(),
    position: integer('position').notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('invitation_batch_position').on(t.batchId, t.position)],
);

/**
 * One response per (survey, person) is this table's UNIQUE index, not an application check
 * (RELIABILITY.md §0.6). `voter_key` is an HMAC of the invitation code id or of the phone and survey,
 * so the person cannot be re-identified without the server secret. The day only is kept (not the time),
 * so responses cannot be matched to web-server logs.
 */
export const surveyResponses = sqliteTable(
  'survey_responses',
  {
    id: text('id').primaryKey(),
    surveyId: text('survey_id')
      .notNull()
      .references(() => surveys.id),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    voterKey: text('voter_key').notNull(),
    via: text('via', { enum: ['invitation', 'otp'] }).notNull(),
    relation: text('relation', { enum: respondentRelations }).notNull(),
    submittedOn: text('submitted_on').notNull(),
  },
  (t) => [
    uniqueIndex('survey_responses_one_per_person').on(t.surveyId, t.voterKey),
    index('survey_responses_unit').on(t.surveyId, t.unitId),
  ],
);

export const surveyAnswersTable = sqliteTable(
  'survey_answers',
  {
    responseId: text('response_id')
      .notNull()
      .references(() => surveyResponses.id),
    questionId: text('question_id', { enum: questionIds }).notNull(),
    answer: text('answer', { enum: satisfactionAnswers }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.responseId, t.questionId] })],
);

/**
 * Answer counts per (survey, unit, question, answer, relation), kept in the same batch as each response
 * (src/db/surveys-repo.ts insertResponse), so that yearly scoring reads a few thousand counters instead of
 * joining every answer to its response (bench: 1,000,000 answers). The answers table stays the record.
 */
export const surveyTallies = sqliteTable(
  'survey_tallies',
  {
    surveyId: text('survey_id')
      .notNull()
      .references(() => surveys.id),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    questionId: text('question_id', { enum: questionIds }).notNull(),
    answer: text('answer', { enum: satisfactionAnswers }).notNull(),
    relation: text('relation', { enum: respondentRelations }).notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.unitId, t.questionId, t.answer, t.relation] })],
);

/**
 * Fixed-window rate-limit counters shared by every instance (ARCHITECTURE.md scale path). The CHECK
 * makes an over-limit hit fail the batch it is part of, so a submission and its counters commit together.
 */
export const rateLimits = sqliteTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    windowStart: integer('window_start').notNull(),
    count: integer('count').notNull(),
    maxCount: integer('max_count').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [check('rate_limit_within', sql`${t.count} <= ${t.maxCount}`), index('rate_limits_expiry').on(t.expiresAt)],
);

/** ALTCHA challenges already redeemed: each is single use (CVE-2025-68113). */
export const altchaUsed = sqliteTable(
  'altcha_used',
  {
    id: text('id').primaryKey(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('altcha_used_expiry').on(t.expiresAt)],
);

/** Phone one-time codes for survey eligibility: only hashes are stored. */
export const otpChallenges = sqliteTable('otp_challenges', {
  id: text('id').primaryKey(),
  surveyId: text('survey_id')
    .notNull()
    .references(() => surveys.id),
  phoneKey: text('phone_key').notNull(),
  codeHash: text('code_hash').notNull(),
  attempts: integer('attempts').notNull().default(0),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
});

/*
 * Scoring (issue 6): the evaluators' marks, negative-list events, the history of recorded grades and the
 * comments on a draft standard. The standards themselves are content (content/standards/<year>.yaml).
 */

/** What a mark says, in the final marks and in each evaluator's own (the same columns in both tables). */
const markColumns = () => ({
  /** boolean finding or count (JSON), or null. */
  value: text('value', { mode: 'json' }).$type<boolean | number | Record<string, number> | null>(),
  /** Points given when a portal rate had too small a sample. */
  points: real('points'),
  /** Itemised deductions: [{ key, count, note }]. */
  deductions: text('deductions', { mode: 'json' })
    .notNull()
    .$type<{ key: string; count: number; note?: string | undefined }[]>(),
});

/**
 * A mark as the JSON text of `[value, points, deductions, note]` without its brackets, in SQL: the expression of the
 * index `evaluation_marks_year_text`, which a query must spell exactly so (SQLite then reads the text from the index).
 * Points are printed with 17 significant digits (`%!.17g`), so that they read back exactly as stored (JSON's own 15
 * did not).
 */
export const markTextSql =
  "coalesce(value, 'null') || ',' || CASE WHEN points IS NULL THEN 'null' ELSE printf('%!.17g', points) END || ',' || " +
  "deductions || ',' || CASE WHEN note IS NULL THEN 'null' ELSE json_quote(note) END";

/** What the evaluators recorded for one indicator or bonus item of one unit and year (one row, updated in place; the audit log keeps every version). */
export const evaluationMarks = sqliteTable(
  'evaluation_marks',
  {
    id: text('id').primaryKey(),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    year: integer('year').notNull(),
    /** An indicator key (`C1`) or a positive-list item key. */
    itemKey: text('item_key').notNull(),
    ...markColumns(),
    /** The evaluators' evidence note (public on the scorecard; no personal data). */
    note: text('note'),
    evaluator: text('evaluator').notNull(),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
    /**
     * Set when the unit and year are signed off (the team lead's reconciled mark, or legacy data from before
     * the evaluation team): a trigger of migration 0007 then refuses any UPDATE or DELETE of the row, except
     * the re-sign-off of an upheld appeal, which raises `signoffVersion` to a recorded sign-off.
     */
    signedOffAt: integer('signed_off_at', { mode: 'timestamp_ms' }),
    signoffVersion: integer('signoff_version').notNull().default(0),
    /** The lead's reason where the evaluators differed or the lead set the mark (public: no personal data). */
    reconcileReason: text('reconcile_reason'),
    demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('evaluation_marks_item').on(t.unitId, t.year, t.itemKey),
    index('evaluation_marks_year').on(t.year),
    // Yearly scoring reads every mark of a year as this text (src/db/scoring-repo.ts marksOfYear): from the index,
    // where SQLite keeps it built at write time, in unit order, instead of building 136,000 texts per read (bench).
    index('evaluation_marks_year_text').on(t.year, t.unitId, t.itemKey, sql.raw(`(${markTextSql})`)),
  ],
);

/**
 * Stored files (issue 17): content-addressed by the sha256 of the bytes served (images re-encoded without
 * metadata first). The bytes live in ATTACHMENTS_DIR (src/services/attachments.ts), not in the database.
 */
export const attachments = sqliteTable('attachments', {
  sha256: text('sha256').primaryKey(),
  /** Checked by content (magic bytes), never by the name or the declared type. */
  mime: text('mime', { enum: ['application/pdf', 'image/jpeg', 'image/png'] }).notNull(),
  size: integer('size').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  createdBy: text('created_by').notNull(),
});

/**
 * One evaluator's own mark of one item for a unit and year (the evaluation team, issue 17): a deduction
 * count per item, or points given directly with a reason. Updated by its evaluator until the sign-off;
 * then a trigger of migration 0007 refuses any UPDATE or DELETE.
 */
export const evaluatorMarks = sqliteTable(
  'evaluator_marks',
  {
    id: text('id').primaryKey(),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    year: integer('year').notNull(),
    itemKey: text('item_key').notNull(),
    /** `staff:<account id>`. */
    evaluator: text('evaluator').notNull(),
    ...markColumns(),
    /** The evidence note, the mandatory reason (public once signed off; checked by the identifier detector). */
    note: text('note').notNull(),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
    signedOffAt: integer('signed_off_at', { mode: 'timestamp_ms' }),
    demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('evaluator_marks_item').on(t.evaluator, t.unitId, t.year, t.itemKey),
    index('evaluator_marks_unit_year').on(t.unitId, t.year),
  ],
);

/** The files attached to an evaluator's mark as evidence. */
export const markEvidence = sqliteTable(
  'mark_evidence',
  {
    markId: text('mark_id')
      .notNull()
      .references(() => evaluatorMarks.id),
    sha256: text('sha256')
      .notNull()
      .references(() => attachments.sha256),
    addedAt: integer('added_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.markId, t.sha256] }), index('mark_evidence_sha').on(t.sha256)],
);

/** Every sign-off of a unit and year: version 1 by the lead; a higher one only as the re-sign-off of an upheld appeal. */
export const evaluationSignoffs = sqliteTable(
  'evaluation_signoffs',
  {
    id: text('id').primaryKey(),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    year: integer('year').notNull(),
    version: integer('version').notNull(),
    signedAt: integer('signed_at', { mode: 'timestamp_ms' }).notNull(),
    signedBy: text('signed_by').notNull(),
    /** The upheld appeal a re-sign-off answers; null for the first sign-off. */
    appealId: text('appeal_id'),
    demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [uniqueIndex('evaluation_signoffs_version').on(t.unitId, t.year, t.version)],
);

export const appealOutcomes = ['upheld', 'rejected'] as const;

/** A unit's appeal against a signed-off evaluation, and the commission's answer. */
export const evaluationAppeals = sqliteTable(
  'evaluation_appeals',
  {
    id: text('id').primaryKey(),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    year: integer('year').notNull(),
    itemKey: text('item_key').notNull(),
    /** The unit's reason (staff only; checked by the identifier detector). */
    reason: text('reason').notNull(),
    lodgedBy: text('lodged_by').notNull(),
    lodgedAt: integer('lodged_at', { mode: 'timestamp_ms' }).notNull(),
    answer: text('answer'),
    outcome: text('outcome', { enum: appealOutcomes }),
    answeredBy: text('answered_by'),
    answeredAt: integer('answered_at', { mode: 'timestamp_ms' }),
    demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('evaluation_appeals_unit_year').on(t.unitId, t.year)],
);

/** A negative-list event (date, type, source). It vetoes every assessment year whose look-back window holds the date. */
export const vetoEvents = sqliteTable(
  'veto_events',
  {
    id: text('id').primaryKey(),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    /** The negative-list item key. */
    vetoKey: text('veto_key').notNull(),
    occurredOn: text('occurred_on').notNull(),
    /** Where it is documented (a decision number, a court case, a notice): public. */
    source: text('source').notNull(),
    note: text('note'),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
    demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('veto_events_unit').on(t.unitId, t.occurredOn)],
);

/** Append-only: every grade recorded for a unit and year, so a downgrade after a later veto stays visible. */
export const gradeRecords = sqliteTable(
  'grade_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    year: integer('year').notNull(),
    grade: text('grade', { enum: grades }).notNull(),
    total: real('total').notNull(),
    /** Why it was recorded: `graded` (the evaluators' decision) or `veto` (a later veto event). */
    reason: text('reason', { enum: gradeRecordReasons }).notNull(),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
    actor: text('actor').notNull(),
    demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('grade_records_unit_year').on(t.unitId, t.year, t.id)],
);

/** A comment on one indicator of a draft standard (consultation). Never public one by one: the public sees counts. */
export const consultationComments = sqliteTable(
  'consultation_comments',
  {
    id: text('id').primaryKey(),
    year: integer('year').notNull(),
    /** An indicator key of that year's draft, or `general`. */
    indicatorKey: text('indicator_key').notNull(),
    body: text('body').notNull(),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('consultation_comments_year').on(t.year, t.indicatorKey)],
);

/*
 * Staff console (issue 5): accounts, their units, server-side sessions, the login log, internal notes on
 * feedback items and the originals of redacted texts. Notes are read by the commission admin and the
 * responders of the item's unit, redaction originals by the commission admin only (`loadItem` in
 * src/staff/feedback.ts); responders never read contacts or hashes (the allow-list view in
 * src/domain/staff/feedback-views.ts).
 */

export const staffAccounts = sqliteTable('staff_accounts', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: staffRoles }).notNull(),
  /** Argon2id PHC string (@node-rs/argon2). */
  passwordHash: text('password_hash').notNull(),
  /** The TOTP secret, AES-256-GCM sealed with a key derived from APP_SECRET (bound to the account id). */
  totpSealed: text('totp_sealed').notNull(),
  /** The last TOTP time step accepted: a code is good once (RFC 6238 §5.2). */
  totpLastStep: integer('totp_last_step').notNull().default(0),
  /**
   * The TOTP secret has not been confirmed yet (an account made in the console, or a reset enrolment):
   * the user signs in with the password at /staff/enrol/, scans the QR code and confirms one code.
   */
  totpPending: integer('totp_pending', { mode: 'boolean' }).notNull().default(false),
  /** The password was set by an admin (shown once): the user chooses their own at enrolment. */
  passwordChange: integer('password_change', { mode: 'boolean' }).notNull().default(false),
  disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
  /** Where notifications reach the account (src/services/notifications.ts); both optional. */
  email: text('email'),
  phone: text('phone'),
  demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/** The units a responder answers for. */
export const staffAccountUnits = sqliteTable(
  'staff_account_units',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => staffAccounts.id),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.unitId] })],
);

/** Server-side sessions; the cookie holds a random token, the table only its SHA-256. */
export const staffSessions = sqliteTable(
  'staff_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => staffAccounts.id),
    /** Synchronizer token for the session's forms (CSRF). */
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('staff_sessions_account').on(t.accountId)],
);

export const loginOutcomes = [
  'ok',
  'unknown',
  'password',
  'code',
  'replayed',
  'locked',
  'disabled',
  'throttled',
  'delayed',
] as const;

/** Every login attempt (MLPS 2.0 security audit; ASVS V16.3.1). The client address is an HMAC pseudonym. */
export const staffLogins = sqliteTable(
  'staff_logins',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    accountId: text('account_id').references(() => staffAccounts.id),
    outcome: text('outcome', { enum: loginOutcomes }).notNull(),
    ipKey: text('ip_key').notNull(),
    /**
     * HMAC pseudonym of the username as typed (normalised), known or not: the login limits count per
     * username, so unknown usernames are limited exactly like real ones (src/domain/staff/login-limits.ts).
     * Null on rows written before migration 0004.
     */
    subjectKey: text('subject_key'),
  },
  (t) => [
    index('staff_logins_account_at').on(t.accountId, t.at),
    index('staff_logins_ip_at').on(t.ipKey, t.at),
    index('staff_logins_subject_at').on(t.subjectKey, t.at),
  ],
);

/** Internal notes on a feedback item: staff only, never on the tracking page. */
export const feedbackNotes = sqliteTable(
  'feedback_notes',
  {
    id: text('id').primaryKey(),
    feedbackId: text('feedback_id')
      .notNull()
      .references(() => feedbackItems.id),
    accountId: text('account_id')
      .notNull()
      .references(() => staffAccounts.id),
    body: text('body').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('feedback_notes_item').on(t.feedbackId, t.at)],
);

/** The original of a text a moderator redacted: kept for the commission, never shown to responders or the public. */
export const feedbackRedactions = sqliteTable(
  'feedback_redactions',
  {
    id: text('id').primaryKey(),
    feedbackId: text('feedback_id')
      .notNull()
      .references(() => feedbackItems.id),
    /** The text replaced: `dishes` is the accompanied-meal record's dishes. */
    field: text('field', { enum: ['body', 'suggestion', 'dishes'] }).notNull(),
    original: text('original').notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => staffAccounts.id),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('feedback_redactions_item').on(t.feedbackId)],
);

/**
 * Notifications (issue 17): the transactional outbox. A row is written in the same batch as the change it
 * announces and names its recipient by reference (a staff account, or the submitter of an item), never by
 * address: the address is read at delivery time, so a purged contact is never texted. The row id is the
 * idempotency key every channel passes on (src/services/notifications.ts).
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    event: text('event', { enum: notificationEvents }).notNull(),
    /** The feedback item the event is about. */
    subjectId: text('subject_id').notNull(),
    recipientKind: text('recipient_kind', { enum: ['staff', 'submitter'] }).notNull(),
    /** A staff account id, or the feedback item id for its submitter. */
    recipientId: text('recipient_id').notNull(),
    channel: text('channel', { enum: notificationChannels }).notNull(),
    /** Set for events that must be enqueued once only (deadline reminders). */
    dedupeKey: text('dedupe_key').unique(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
    /** Given up after the last attempt, or nothing to deliver to (no address any more). */
    failedAt: integer('failed_at', { mode: 'timestamp_ms' }),
    /** A short failure code, never an address or a provider's free text. */
    lastError: text('last_error'),
  },
  (t) => [index('outbox_pending').on(t.deliveredAt, t.failedAt, t.nextAttemptAt)],
);

/**
 * One row per table whose rows public pages show: its version, bumped by a trigger on every INSERT,
 * UPDATE and DELETE (migration 0008_data_versions, hand-written SQL at its end). The response cache
 * (src/lib/response-cache.ts) reads it to know which public reads a commit made stale; the map from
 * tables to the cached areas is src/db/data-versions.ts.
 */
export const dataVersions = sqliteTable('data_versions', {
  name: text('name').primaryKey(),
  version: integer('version').notNull().default(0),
});

export const siteBuildStates = ['queued', 'building', 'live', 'failed'] as const;
/**
 * The search index step of a build that went live before its index (live before search): `pending` while it runs,
 * `live` once the new index was swapped in, `failed` when it failed or timed out (the previous index stays served).
 * Null: the build wrote its own index (or never went live), so there is no separate step.
 */
export const siteBuildIndexStates = ['pending', 'live', 'failed'] as const;

/**
 * The rebuild queue of the public site (issue 12 "Live without restart"). An approval, a correction, a
 * withdrawal or the nightly schedule inserts a `queued` row (in the same batch as the change that needs
 * it: src/db/site-builds-repo.ts); the builder takes every queued row at once (coalesced into one build,
 * `build_id` naming the build that covered them), builds into a fresh folder and swaps it in.
 */
export const siteBuilds = sqliteTable(
  'site_builds',
  {
    id: text('id').primaryKey(),
    /** What asked for it: `approval`, `correction`, `withdrawal`, `nightly`, `manual`. */
    reason: text('reason').notNull(),
    /** The staff account that asked for it (null for the schedule). */
    requestedBy: text('requested_by'),
    requestedAt: integer('requested_at', { mode: 'timestamp_ms' }).notNull(),
    state: text('state', { enum: siteBuildStates }).notNull().default('queued'),
    /** The build that covered this request (its own id when it ran it; another's when coalesced). */
    buildId: text('build_id'),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
    /** Why a build failed, in the build's words (no personal data: file paths and rule codes). */
    error: text('error'),
    /** The content file or stored disclosure the failure names, when the build named one. */
    errorSubject: text('error_subject'),
    /** The search index step after the pages went live (siteBuildIndexStates); null when the build wrote its own. */
    indexState: text('index_state', { enum: siteBuildIndexStates }),
    /** When the index step ended (swapped in or failed). */
    indexFinishedAt: integer('index_finished_at', { mode: 'timestamp_ms' }),
    /** Why the index step failed, masked like `error` (no personal data). */
    indexError: text('index_error'),
  },
  (t) => [index('site_builds_state').on(t.state, t.requestedAt)],
);

/** The village supervisory committee's sign-off of a village affairs disclosure: review date (YYYY-MM-DD) and opinion. */
export interface SupervisionRecord {
  reviewedOn: string;
  opinion: string;
}

export const disclosureSubmissionStates = ['submitted', 'approved', 'rejected'] as const;
export const disclosureChanges = ['publish', 'correction', 'withdrawal', 'progress'] as const;

/**
 * A disclosure a publisher submitted for approval (issue 12 "the disclosure store"): the records exactly as
 * `checkUpload` (src/publishing/sheets/check.ts) produced them, as JSON. `kind` is any `DisclosureKind`
 * (text, not an enum: kinds are added without a migration). Rows move submitted → approved or rejected.
 */
export const disclosureSubmissions = sqliteTable(
  'disclosure_submissions',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    unitId: text('unit_id').notNull(),
    /** The permalink slug of the disclosure this submission publishes, corrects or withdraws. */
    disclosureId: text('disclosure_id').notNull(),
    change: text('change', { enum: disclosureChanges }).notNull(),
    /** The record as checkUpload produced it; null for a withdrawal. */
    data: text('data', { mode: 'json' }).$type<unknown>(),
    sourceFileName: text('source_file_name'),
    /** Why: required for a correction or a withdrawal. */
    reason: text('reason'),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: integer('submitted_at', { mode: 'timestamp_ms' }).notNull(),
    state: text('state', { enum: disclosureSubmissionStates }).notNull().default('submitted'),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
    rejectionReason: text('rejection_reason'),
    /** The village supervisory committee's review recorded with the approval of a village's village affairs kind (DOMAIN.md §2.3). */
    supervision: text('supervision', { mode: 'json' }).$type<SupervisionRecord>(),
  },
  (t) => [
    index('disclosure_submissions_unit_state').on(t.unitId, t.state),
    index('disclosure_submissions_disclosure').on(t.disclosureId),
  ],
);

/**
 * The files attached to a disclosure submission (issue 12 "Attachments"): scanned minutes, contracts,
 * invoices, stored content-addressed in `attachments`. Written in the same batch as the submission and its
 * audit row; an approved version's attachments are its submission's. `name` is the original file name,
 * trimmed and checked by the identifier detector (it is public once approved).
 */
export const disclosureAttachments = sqliteTable(
  'disclosure_attachments',
  {
    submissionId: text('submission_id')
      .notNull()
      .references(() => disclosureSubmissions.id),
    position: integer('position').notNull(),
    sha256: text('sha256')
      .notNull()
      .references(() => attachments.sha256),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.position] }), index('disclosure_attachments_sha').on(t.sha256)],
);

/**
 * The approved versions of stored disclosures, one series per disclosure id (the permalink slug), whatever
 * its source. Append-only (triggers of its migration), with one exception: once a student-aid list's
 * publicity window has ended, the recipients' names are blanked in every version (`scrubbed_at` set once;
 * the trigger allows exactly that change and nothing else).
 */
export const disclosureVersions = sqliteTable(
  'disclosure_versions',
  {
    id: text('id').primaryKey(),
    disclosureId: text('disclosure_id').notNull(),
    version: integer('version').notNull(),
    kind: text('kind').notNull(),
    unitId: text('unit_id').notNull(),
    change: text('change', { enum: disclosureChanges }).notNull(),
    /** The record (null for a withdrawal: the notice shows the reason, not the data). */
    data: text('data', { mode: 'json' }).$type<unknown>(),
    reason: text('reason'),
    submissionId: text('submission_id').notNull(),
    approvedBy: text('approved_by').notNull(),
    approvedAt: integer('approved_at', { mode: 'timestamp_ms' }).notNull(),
    /** The village supervisory committee's review (date and opinion) when the approval was its sign-off; null otherwise. */
    supervision: text('supervision', { mode: 'json' }).$type<SupervisionRecord>(),
    /** When the expired aid recipients' names were removed (the one allowed update). */
    scrubbedAt: integer('scrubbed_at', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('disclosure_versions_series').on(t.disclosureId, t.version)],
);
