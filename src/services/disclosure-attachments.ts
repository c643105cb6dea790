import type { Database } from '../db/client.ts';
import {
  attachmentsOfSubmission,
  attachmentsOfSubmissions,
  listVersions,
  submissionsWithFile,
  type SubmissionAttachment,
} from '../db/disclosure-store-repo.ts';
import { attachmentsInForce } from '../domain/disclosures/attachments.ts';
import { findIdentifiers } from '../domain/privacy/identifiers.ts';
import type { MessageKey } from '../i18n/t.ts';
import {
  ATTACHMENT_MAX_BYTES,
  prepareAttachment,
  readStored,
  removeAttachmentFile,
  saveAttachmentFile,
  type AttachmentFailure,
  type AttachmentStore,
  type PreparedAttachment,
  type StoredFile,
} from './attachments.ts';

/**
 * Attachments of disclosure submissions (issue 12 "Attachments"): scanned minutes, contracts, invoices (PDF,
 * JPEG, PNG) sent with a submission from /staff/disclosures/. Every file is checked and cleaned first
 * (`checkAttachments`: count, total size, each file's size and type by content, images re-encoded, the display
 * name through the identifier detector); only when all pass are the files written (`filesWriter`, run by the
 * store right before the batch that records the submission, its links and audit rows), so a refusal stores
 * nothing. Served to the unit's publisher and approver while submitted, and to the public only while they
 * belong to the approved version in force of a disclosure that is not withdrawn.
 */
export const ATTACHMENTS_PER_SUBMISSION = 10;
/** All attachments of one submission together (the staff upload's body cap counts them in). */
export const ATTACHMENTS_TOTAL_BYTES = 3 * ATTACHMENT_MAX_BYTES;
/** The longest display name kept. */
export const ATTACHMENT_NAME_MAX = 120;

/** Kinds whose submissions take no attachments: scans of aid lists carry names and resident IDs. */
const NO_ATTACHMENTS: ReadonlySet<string> = new Set(['studentAid']);

type Code =
  | AttachmentFailure['code']
  | 'attachment.tooMany'
  | 'attachment.totalTooLarge'
  | 'attachment.kind'
  | 'attachment.name'
  | 'attachment.oneRecord';

export interface AttachmentRefusal {
  ok: false;
  code: Code;
  status: 413 | 422;
  /** The file the refusal is about (its name as sent), when it is about one file. */
  file?: string;
}

/** The zh-CN message of each refusal (`{file}`: the file's name; `{max}`: a count or size). */
export const attachmentRefusalMessage: Readonly<Record<Code, MessageKey>> = {
  'attachment.tooLarge': 'sheets.attachment.refusal.tooLarge',
  'attachment.type': 'sheets.attachment.refusal.type',
  'attachment.unreadable': 'sheets.attachment.refusal.unreadable',
  'attachment.empty': 'sheets.attachment.refusal.empty',
  'attachment.tooMany': 'sheets.attachment.refusal.tooMany',
  'attachment.totalTooLarge': 'sheets.attachment.refusal.totalTooLarge',
  'attachment.kind': 'sheets.attachment.refusal.kind',
  'attachment.name': 'sheets.attachment.refusal.name',
  'attachment.oneRecord': 'sheets.attachment.refusal.oneRecord',
};

/** One file as the form sent it. */
export interface SentFile {
  name: string;
  bytes: Uint8Array;
}

export interface CheckedAttachments {
  ok: true;
  files: readonly (SubmissionAttachment & { bytes: Uint8Array })[];
}

/** The display name: the base name as sent, trimmed, at most ATTACHMENT_NAME_MAX characters. */
function displayName(sent: string): string {
  const base = sent.split(/[\\/]/).at(-1) ?? '';
  const name = base.trim();
  return name.length <= ATTACHMENT_NAME_MAX ? name : name.slice(0, ATTACHMENT_NAME_MAX).replace(/[\uD800-\uDBFF]$/, '');
}

/** Checks and cleans every file of a submission (nothing is written); the first refusal names its file. */
export async function checkAttachments(
  kind: string,
  sent: readonly SentFile[],
): Promise<CheckedAttachments | AttachmentRefusal> {
  if (sent.length === 0) return { ok: true, files: [] };
  if (NO_ATTACHMENTS.has(kind)) return { ok: false, code: 'attachment.kind', status: 422 };
  if (sent.length > ATTACHMENTS_PER_SUBMISSION) return { ok: false, code: 'attachment.tooMany', status: 422 };
  const total = sent.reduce((n, f) => n + f.bytes.byteLength, 0);
  if (total > ATTACHMENTS_TOTAL_BYTES) return { ok: false, code: 'attachment.totalTooLarge', status: 413 };
  const files: (SubmissionAttachment & { bytes: Uint8Array })[] = [];
  for (const f of sent) {
    const name = displayName(f.name);
    if (name === '' || findIdentifiers(name).length > 0)
      return { ok: false, code: 'attachment.name', status: 422, file: f.name };
    const checked = await prepareAttachment(f.bytes);
    if (!checked.ok) return { ok: false, code: checked.code, status: checked.status, file: name };
    const p: PreparedAttachment = checked.prepared;
    files.push({ sha256: p.sha256, mime: p.mime, size: p.size, bytes: p.bytes, name });
  }
  return { ok: true, files };
}

/** Writes the checked files when the store calls it (after its refusals), and takes new ones away on failure. */
export function filesWriter(store: AttachmentStore, checked: CheckedAttachments) {
  const written: string[] = [];
  return {
    write: () => {
      for (const f of checked.files) if (saveAttachmentFile(store, f)) written.push(f.sha256);
    },
    undo: () => {
      for (const sha of written) removeAttachmentFile(store, sha);
    },
  };
}

/** What the submission records of each file (the bytes stay with the writer). */
export const attachmentRows = (checked: CheckedAttachments): SubmissionAttachment[] =>
  checked.files.map(({ sha256, mime, size, name }) => ({ sha256, mime, size, name }));

/** The files of one submission, in order (the approver's page lists them). */
export const submissionAttachments = (database: Database, submissionId: string) =>
  attachmentsOfSubmission(database, submissionId);

const SHA256 = /^[0-9a-f]{64}$/;

/** A file for staff: attached to a submission of one of their units, whatever its state. */
export async function staffDisclosureFile(
  store: AttachmentStore,
  sha256: string,
  unitIds: readonly string[],
): Promise<StoredFile | null> {
  if (!SHA256.test(sha256)) return null;
  const uses = await submissionsWithFile(store.database, sha256);
  if (!uses.some((u) => unitIds.includes(u.unitId))) return null;
  return readStored(store, sha256);
}

/**
 * A file for the public: one of the attachments in force of a stored disclosure (its approved version in
 * force, not withdrawn; `attachmentsInForce`); anything else — submitted, returned, replaced by a correction,
 * withdrawn — is not found.
 */
export async function publicDisclosureFile(store: AttachmentStore, sha256: string): Promise<StoredFile | null> {
  if (!SHA256.test(sha256)) return null;
  const disclosures = new Set((await submissionsWithFile(store.database, sha256)).map((u) => u.disclosureId));
  for (const id of disclosures) {
    const versions = await listVersions(store.database, id);
    const files = await attachmentsOfSubmissions(
      store.database,
      versions.map((v) => v.submissionId),
    );
    const inForce = attachmentsInForce(
      versions.map((v) => ({
        change: v.change,
        attachments: files.filter((f) => f.submissionId === v.submissionId),
      })),
    );
    if (inForce.some((f) => f.sha256 === sha256)) return readStored(store, sha256);
  }
  return null;
}
