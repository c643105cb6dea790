import type { Database } from '../db/client.ts';
import {
  approveSubmission,
  createSubmission,
  findSubmission,
  latestVersion,
  listPendingSubmissions,
  listStoredOfUnits,
  listSubmissionsBy,
  rejectSubmission,
  type NewSubmission,
  type StoreResult,
} from '../db/disclosure-store-repo.ts';
import { listAccounts, unitNames } from '../db/staff-repo.ts';
import { needsSupervision, Rejection, StaffReason, supervisionReview } from '../domain/disclosures/approval.ts';
import { disclosureKinds } from '../domain/disclosures/kinds.ts';
import type { FieldErrors } from './fields.ts';
import { parseInput } from './fields.ts';

/**
 * The approval step of the disclosure store (issue 12) as the staff pages use it: the approver's queue, one
 * submission for its approver, approve (with the village supervisory committee's review for a village's village affairs kinds, DOMAIN.md
 * §2.3) and return with a reason, and the publisher's own submissions, corrections and withdrawals. Every
 * reason and opinion typed here passes the identifier detector first: a refusal names the field (422) and
 * nothing is stored.
 */

type Submission = NonNullable<Awaited<ReturnType<typeof findSubmission>>>;

/** Typed input that broke its schema: field → message keys; the page answers 422. */
export interface InputRefusal {
  ok: false;
  code: 'approval.input.invalid';
  status: 422;
  fields: FieldErrors;
}

const refused = (fields: FieldErrors): InputRefusal => ({
  ok: false,
  code: 'approval.input.invalid',
  status: 422,
  fields,
});

/** Display names of staff actors (`staff:<account id>`), for the lists. */
async function actorNames(database: Database): Promise<Map<string, string>> {
  return new Map((await listAccounts(database)).map((a) => [`staff:${a.id}`, a.displayName]));
}

/** The approver's queue: pending submissions of their units, oldest first, with unit and submitter names. */
export async function pendingApprovals(database: Database, unitIds: readonly string[]) {
  const rows = await listPendingSubmissions(database, unitIds);
  const [names, units] = await Promise.all([actorNames(database), unitNames(database, unitIds)]);
  return rows.map((s) => ({
    ...s,
    unitName: units.get(s.unitId) ?? s.unitId,
    submitterName: names.get(s.submittedBy) ?? s.submittedBy,
  }));
}

/**
 * One submission for an approver of its unit (undefined for an unknown id or another unit's, so a foreign
 * id tells nothing), with the latest approved version it corrects or withdraws and the submitter's name.
 */
export async function submissionForApprover(database: Database, id: string, unitIds: readonly string[]) {
  const submission = await findSubmission(database, id);
  if (!submission || !unitIds.includes(submission.unitId)) return undefined;
  const [latest, names, units] = await Promise.all([
    submission.change === 'publish' ? undefined : latestVersion(database, submission.disclosureId),
    actorNames(database),
    unitNames(database, [submission.unitId]),
  ]);
  return {
    submission,
    latest,
    unitName: units.get(submission.unitId) ?? submission.unitId,
    submitterName: names.get(submission.submittedBy) ?? submission.submittedBy,
    needsSupervision: needsSupervision(submission.kind),
  };
}

export interface ApproverDecision {
  submissionId: string;
  approver: string;
  approverUnits: readonly string[];
  at: Date;
}

/**
 * Approve: for a village's village affairs kind the committee's review (`reviewedOn`, `opinion`) is required and recorded;
 * then the store re-checks the record with the current rules (`recheck`) and writes the version, the audit
 * row and the build request in one batch.
 */
export async function approve(
  database: Database,
  d: ApproverDecision & { today: string; review: { reviewedOn?: string; opinion?: string } },
  recheck: (s: Submission) => Promise<readonly unknown[]>,
): Promise<StoreResult<{ versionId: string; version: number; buildRequestId: string }> | InputRefusal> {
  const submission = await findSubmission(database, d.submissionId);
  let supervision = null;
  if (submission && needsSupervision(submission.kind)) {
    const parsed = parseInput(supervisionReview(d.today), {
      reviewedOn: d.review.reviewedOn ?? '',
      opinion: d.review.opinion ?? '',
    });
    if (!parsed.ok) return refused('fields' in parsed ? parsed.fields : {});
    supervision = parsed.data;
  }
  return approveSubmission(
    database,
    { submissionId: d.submissionId, approver: d.approver, approverUnits: d.approverUnits, at: d.at, supervision },
    recheck,
  );
}

/** Return with a reason (required, shown to the publisher, no identifiers). */
export async function reject(
  database: Database,
  d: ApproverDecision & { reason: string },
): Promise<StoreResult<object> | InputRefusal> {
  const parsed = parseInput(Rejection, { reason: d.reason });
  if (!parsed.ok) return refused('fields' in parsed ? parsed.fields : {});
  return rejectSubmission(database, { ...d, reason: parsed.data.reason });
}

/** A publisher's own submissions, newest first, with unit names (their list with states and reasons). */
export async function ownSubmissions(database: Database, submittedBy: string, unitIds: readonly string[]) {
  const [rows, units] = await Promise.all([listSubmissionsBy(database, submittedBy), unitNames(database, unitIds)]);
  return rows.map((s) => ({ ...s, unitName: units.get(s.unitId) ?? s.unitId }));
}

/** The stored disclosures of a publisher's units that are still online (a correction or withdrawal can name them). */
export async function correctableOfUnits(database: Database, unitIds: readonly string[]) {
  // Disclosures only: a unit's power list is changed on /staff/powers/ by submitting a new list.
  const isDisclosure = (kind: string) => (disclosureKinds as readonly string[]).includes(kind);
  return (await listStoredOfUnits(database, unitIds)).filter((v) => v.change !== 'withdrawal' && isDisclosure(v.kind));
}

/**
 * A correction or withdrawal by the publisher: the reason is required and passes the identifier
 * detector, then the store checks that the permalink is a stored disclosure of the same kind and unit.
 */
export async function submitChange(
  database: Database,
  s: NewSubmission & { change: 'correction' | 'withdrawal' },
  contentIds: ReadonlySet<string>,
  files?: Parameters<typeof createSubmission>[3],
): Promise<StoreResult<{ id: string }> | InputRefusal> {
  const parsed = parseInput(StaffReason, s.reason ?? '');
  if (!parsed.ok) return refused({ reason: 'fields' in parsed ? (parsed.fields._ ?? []) : [] });
  return createSubmission(database, { ...s, reason: parsed.data }, contentIds, files);
}
