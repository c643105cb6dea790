import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from './client.ts';
import { auditStatement } from './audit-repo.ts';
import { attachmentStatements, type AttachmentRow } from './attachments-repo.ts';
import {
  attachments,
  disclosureAttachments,
  disclosureSubmissions,
  disclosureVersions,
  type SupervisionRecord,
} from './schema.ts';
import { siteBuildRequestStatement } from './site-builds-repo.ts';

/**
 * The disclosure store (issue 12): submissions awaiting approval and the immutable approved versions.
 * Every write carries its audit row in the same batch; an approval also queues the site rebuild.
 */

type Change = (typeof disclosureSubmissions.$inferSelect)['change'];

export interface NewSubmission {
  kind: string;
  unitId: string;
  disclosureId: string;
  change: Change;
  data: unknown;
  sourceFileName: string | null;
  reason: string | null;
  submittedBy: string;
  at: Date;
  /** Files attached to the submission, in order (already checked, cleaned and named; none for a withdrawal). */
  attachments?: readonly SubmissionAttachment[];
}

/** One attached file as the submission records it (the bytes are in the attachment store). */
export interface SubmissionAttachment extends AttachmentRow {
  /** The display name: the original file name, trimmed, checked by the identifier detector. */
  name: string;
}

/** Stable refusal codes; `status` is the HTTP status a page answers with. */
export type StoreRefusal =
  | { code: 'store.disclosureId.inContent'; status: 409 }
  | { code: 'store.disclosureId.taken'; status: 409 }
  | { code: 'store.disclosureId.unknown'; status: 404 }
  | { code: 'store.disclosureId.withdrawn'; status: 409 }
  | { code: 'store.reason.required'; status: 400 }
  | { code: 'store.submission.unknown'; status: 404 }
  | { code: 'store.submission.notPending'; status: 409 }
  | { code: 'store.submission.ownSubmission'; status: 403 }
  | { code: 'store.submission.otherUnit'; status: 403 }
  | { code: 'store.submission.invalidNow'; status: 422; problems: readonly unknown[] };

export type StoreResult<T> = ({ ok: true } & T) | ({ ok: false } & StoreRefusal);

/** The latest approved version of a stored disclosure, or undefined. */
export async function latestVersion(database: Database, disclosureId: string) {
  const [row] = await database.db
    .select()
    .from(disclosureVersions)
    .where(eq(disclosureVersions.disclosureId, disclosureId))
    .orderBy(desc(disclosureVersions.version))
    .limit(1);
  return row;
}

/** Every version of one disclosure, oldest first (the public version list). */
export async function listVersions(database: Database, disclosureId: string) {
  return database.db
    .select()
    .from(disclosureVersions)
    .where(eq(disclosureVersions.disclosureId, disclosureId))
    .orderBy(asc(disclosureVersions.version));
}

/**
 * Stores a submission. `contentIds` are the ids of the disclosures in content/ (a stored disclosure must
 * never take a file's permalink). A publish needs a new id; a correction, withdrawal or progress an existing,
 * not withdrawn one of the same kind and unit, and a correction or withdrawal a reason.
 */
export async function createSubmission(
  database: Database,
  s: NewSubmission,
  contentIds: ReadonlySet<string>,
  /**
   * Runs once every refusal is past, right before the batch (the attachment store writes the files here, so a
   * refused submission leaves no file); `undo` runs when the batch then fails.
   */
  files?: { write: () => void; undo: () => void },
): Promise<StoreResult<{ id: string }>> {
  if (contentIds.has(s.disclosureId)) return { ok: false, code: 'store.disclosureId.inContent', status: 409 };
  // A correction or withdrawal says why; progress (a decision's next stage) is its own reason.
  if ((s.change === 'correction' || s.change === 'withdrawal') && !s.reason?.trim())
    return { ok: false, code: 'store.reason.required', status: 400 };
  const id = randomUUID();
  return database.write(async () => {
    const latest = await latestVersion(database, s.disclosureId);
    if (s.change === 'publish' && latest) return { ok: false, code: 'store.disclosureId.taken', status: 409 } as const;
    if (s.change !== 'publish') {
      if (!latest || latest.kind !== s.kind || latest.unitId !== s.unitId)
        return { ok: false, code: 'store.disclosureId.unknown', status: 404 } as const;
      if (latest.change === 'withdrawal')
        return { ok: false, code: 'store.disclosureId.withdrawn', status: 409 } as const;
    }
    const attached = s.change === 'withdrawal' ? [] : (s.attachments ?? []);
    const fileStatements = (
      await Promise.all(attached.map((a) => attachmentStatements(database, a, s.submittedBy, s.at)))
    ).flat();
    const links = attached.map((a, position) =>
      database.db.insert(disclosureAttachments).values({ submissionId: id, position, sha256: a.sha256, name: a.name }),
    );
    files?.write();
    try {
      await database.db.batch([
        database.db.insert(disclosureSubmissions).values({
          id,
          kind: s.kind,
          unitId: s.unitId,
          disclosureId: s.disclosureId,
          change: s.change,
          data: s.change === 'withdrawal' ? null : s.data,
          sourceFileName: s.sourceFileName,
          reason: s.reason,
          submittedBy: s.submittedBy,
          submittedAt: s.at,
          state: 'submitted',
        }),
        auditStatement(database, {
          at: s.at,
          actor: s.submittedBy,
          action: 'disclosure.submitted',
          subjectType: 'disclosure',
          subjectId: s.disclosureId,
          detail: {
            submission: id,
            kind: s.kind,
            unit: s.unitId,
            change: s.change,
            ...(attached.length ? { attachments: attached.map((a) => a.sha256) } : {}),
          },
        }),
        ...fileStatements,
        ...links,
      ]);
    } catch (e) {
      files?.undo();
      throw e;
    }
    return { ok: true, id } as const;
  });
}

/** One submission by id, or undefined. */
export async function findSubmission(database: Database, id: string) {
  const [row] = await database.db.select().from(disclosureSubmissions).where(eq(disclosureSubmissions.id, id));
  return row;
}

/** The submissions one publisher made, newest first (their list with each one's state). */
export async function listSubmissionsBy(database: Database, submittedBy: string, limit = 50) {
  return database.db
    .select()
    .from(disclosureSubmissions)
    .where(eq(disclosureSubmissions.submittedBy, submittedBy))
    .orderBy(desc(disclosureSubmissions.submittedAt))
    .limit(limit);
}

/** The latest version of every stored disclosure of the given units (what a publisher may correct or withdraw). */
export async function listStoredOfUnits(database: Database, unitIds: readonly string[]) {
  if (unitIds.length === 0) return [];
  const rows = await database.db
    .select()
    .from(disclosureVersions)
    .where(inArray(disclosureVersions.unitId, [...unitIds]))
    .orderBy(asc(disclosureVersions.disclosureId), desc(disclosureVersions.version));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(r.disclosureId)) latest.set(r.disclosureId, r);
  return [...latest.values()];
}

/** Whether a submission for this permalink is awaiting approval. */
export async function hasPendingSubmission(database: Database, disclosureId: string): Promise<boolean> {
  const rows = await database.db
    .select({ id: disclosureSubmissions.id })
    .from(disclosureSubmissions)
    .where(and(eq(disclosureSubmissions.disclosureId, disclosureId), eq(disclosureSubmissions.state, 'submitted')))
    .limit(1);
  return rows.length > 0;
}

/** Pending submissions of the given units, oldest first (the approver's list). */
export async function listPendingSubmissions(database: Database, unitIds: readonly string[]) {
  if (unitIds.length === 0) return [];
  return database.db
    .select()
    .from(disclosureSubmissions)
    .where(and(inArray(disclosureSubmissions.unitId, [...unitIds]), eq(disclosureSubmissions.state, 'submitted')))
    .orderBy(asc(disclosureSubmissions.submittedAt));
}

export interface Decision {
  submissionId: string;
  approver: string;
  /** The units the approver is bound to. */
  approverUnits: readonly string[];
  at: Date;
}

type Submission = typeof disclosureSubmissions.$inferSelect;

async function pending(database: Database, d: Decision): Promise<StoreResult<{ submission: Submission }>> {
  const [submission] = await database.db
    .select()
    .from(disclosureSubmissions)
    .where(eq(disclosureSubmissions.id, d.submissionId));
  if (!submission) return { ok: false, code: 'store.submission.unknown', status: 404 };
  if (!d.approverUnits.includes(submission.unitId))
    return { ok: false, code: 'store.submission.otherUnit', status: 403 };
  if (submission.submittedBy === d.approver) return { ok: false, code: 'store.submission.ownSubmission', status: 403 };
  if (submission.state !== 'submitted') return { ok: false, code: 'store.submission.notPending', status: 409 };
  return { ok: true, submission };
}

/**
 * Approves a submission: the next version, the submission's state, the audit row and the site build
 * request in ONE batch. `recheck` runs the current rules over the submission together with everything
 * published now and returns its problems (something published meanwhile can change the verdict).
 * `supervision` is the village supervisory committee's review when this approval is its sign-off (the caller decides
 * when it is required and validates it); it is recorded on the submission, the version and the audit row.
 */
export async function approveSubmission(
  database: Database,
  d: Decision & { supervision?: SupervisionRecord | null },
  recheck: (s: Submission) => Promise<readonly unknown[]>,
): Promise<StoreResult<{ versionId: string; version: number; buildRequestId: string }>> {
  // The re-check reads every published disclosure: it runs before the write, so the group commit is not
  // held across it; the write then checks again that the submission is still pending.
  const first = await pending(database, d);
  if (!first.ok) return first;
  const problems = await recheck(first.submission);
  if (problems.length > 0) return { ok: false, code: 'store.submission.invalidNow', status: 422, problems } as const;
  return database.write(async () => {
    const p = await pending(database, d);
    if (!p.ok) return p;
    const s = p.submission;
    const latest = await latestVersion(database, s.disclosureId);
    if (s.change === 'publish' && latest) return { ok: false, code: 'store.disclosureId.taken', status: 409 } as const;
    if (s.change !== 'publish' && (!latest || latest.change === 'withdrawal'))
      return { ok: false, code: 'store.disclosureId.unknown', status: 404 } as const;
    const version = (latest?.version ?? 0) + 1;
    const versionId = randomUUID();
    const build = siteBuildRequestStatement(database, {
      reason: s.change === 'publish' || s.change === 'progress' ? 'approval' : s.change,
      requestedBy: d.approver,
      requestedAt: d.at,
    });
    await database.db.batch([
      database.db.insert(disclosureVersions).values({
        id: versionId,
        disclosureId: s.disclosureId,
        version,
        kind: s.kind,
        unitId: s.unitId,
        change: s.change,
        data: s.change === 'withdrawal' ? null : s.data,
        reason: s.reason,
        submissionId: s.id,
        approvedBy: d.approver,
        approvedAt: d.at,
        supervision: d.supervision ?? null,
      }),
      database.db
        .update(disclosureSubmissions)
        .set({ state: 'approved', decidedBy: d.approver, decidedAt: d.at, supervision: d.supervision ?? null })
        .where(and(eq(disclosureSubmissions.id, s.id), eq(disclosureSubmissions.state, 'submitted'))),
      auditStatement(database, {
        at: d.at,
        actor: d.approver,
        action: `disclosure.${s.change === 'publish' ? 'approved' : s.change}`,
        subjectType: 'disclosure',
        subjectId: s.disclosureId,
        detail: {
          submission: s.id,
          version,
          build: build.id,
          ...(d.supervision ? { supervision: d.supervision } : {}),
        },
        publicNote: s.reason,
      }),
      build.statement,
    ]);
    return { ok: true, versionId, version, buildRequestId: build.id } as const;
  });
}

/** Rejects a submission with a reason (shown to the publisher), with its audit row. */
export async function rejectSubmission(
  database: Database,
  d: Decision & { reason: string },
): Promise<StoreResult<object>> {
  if (!d.reason.trim()) return { ok: false, code: 'store.reason.required', status: 400 };
  return database.write(async () => {
    const p = await pending(database, d);
    if (!p.ok) return p;
    await database.db.batch([
      database.db
        .update(disclosureSubmissions)
        .set({ state: 'rejected', decidedBy: d.approver, decidedAt: d.at, rejectionReason: d.reason })
        .where(and(eq(disclosureSubmissions.id, d.submissionId), eq(disclosureSubmissions.state, 'submitted'))),
      auditStatement(database, {
        at: d.at,
        actor: d.approver,
        action: 'disclosure.rejected',
        subjectType: 'disclosure',
        subjectId: p.submission.disclosureId,
        detail: { submission: d.submissionId },
      }),
    ]);
    return { ok: true } as const;
  });
}

/** The permalinks of every stored student-aid list (the nightly scrub walks them). */
export async function storedAidListIds(database: Database): Promise<string[]> {
  const rows = await database.db
    .selectDistinct({ id: disclosureVersions.disclosureId })
    .from(disclosureVersions)
    .where(eq(disclosureVersions.kind, 'studentAid'))
    .orderBy(asc(disclosureVersions.disclosureId));
  return rows.map((r) => r.id);
}

/**
 * The one exception to immutability: blanks the recipients' names in every version of a student-aid list
 * whose publicity window has ended, with an audit row, in one batch. `windowEnded` decides from the latest
 * version's record (the caller applies the domain's window rule, `aidWindow`, with the calendar); nothing
 * happens before. Returns how many versions it scrubbed.
 */
export async function scrubExpiredAidNames(
  database: Database,
  disclosureId: string,
  windowEnded: (latestData: unknown) => boolean,
  at: Date,
  actor: string,
): Promise<number> {
  return database.write(async () => {
    const latest = await latestVersion(database, disclosureId);
    if (!latest || latest.kind !== 'studentAid') return 0;
    const withData = (await listVersions(database, disclosureId)).filter((v) => v.data !== null);
    const lastData = withData.at(-1)?.data;
    if (lastData === undefined || !windowEnded(lastData)) return 0;
    const statements = [];
    for (const v of withData) {
      if (v.scrubbedAt !== null) continue;
      const data = v.data as { recipients: Record<string, unknown>[] };
      const scrubbed = { ...data, recipients: data.recipients.map((x) => ({ ...x, name: '' })) };
      statements.push(
        database.db
          .update(disclosureVersions)
          .set({ data: scrubbed, scrubbedAt: at })
          .where(and(eq(disclosureVersions.id, v.id), isNull(disclosureVersions.scrubbedAt))),
      );
    }
    if (statements.length === 0) return 0;
    await database.db.batch([
      auditStatement(database, {
        at,
        actor,
        action: 'disclosure.aidNamesRemoved',
        subjectType: 'disclosure',
        subjectId: disclosureId,
        detail: { versions: statements.length },
      }),
      ...statements,
    ]);
    return statements.length;
  });
}

/** The files attached to one submission, in order. */
export async function attachmentsOfSubmission(database: Database, submissionId: string) {
  return database.db
    .select({
      sha256: disclosureAttachments.sha256,
      name: disclosureAttachments.name,
      mime: attachments.mime,
      size: attachments.size,
    })
    .from(disclosureAttachments)
    .innerJoin(attachments, eq(attachments.sha256, disclosureAttachments.sha256))
    .where(eq(disclosureAttachments.submissionId, submissionId))
    .orderBy(asc(disclosureAttachments.position));
}

/** The submissions (with their unit and disclosure) a file is attached to. */
export async function submissionsWithFile(database: Database, sha256: string) {
  return database.db
    .select({
      submissionId: disclosureSubmissions.id,
      unitId: disclosureSubmissions.unitId,
      disclosureId: disclosureSubmissions.disclosureId,
    })
    .from(disclosureAttachments)
    .innerJoin(disclosureSubmissions, eq(disclosureSubmissions.id, disclosureAttachments.submissionId))
    .where(eq(disclosureAttachments.sha256, sha256));
}

/** The file list of every submission of the given ids (the versions of one disclosure). */
export async function attachmentsOfSubmissions(database: Database, submissionIds: readonly string[]) {
  if (submissionIds.length === 0) return [];
  return database.db
    .select({
      submissionId: disclosureAttachments.submissionId,
      sha256: disclosureAttachments.sha256,
      name: disclosureAttachments.name,
      mime: attachments.mime,
      size: attachments.size,
    })
    .from(disclosureAttachments)
    .innerJoin(attachments, eq(attachments.sha256, disclosureAttachments.sha256))
    .where(inArray(disclosureAttachments.submissionId, [...submissionIds]))
    .orderBy(asc(disclosureAttachments.submissionId), asc(disclosureAttachments.position));
}
