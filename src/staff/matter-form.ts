import type { AstroGlobal } from 'astro';
import { t } from '../i18n/t.ts';
import { explain } from '../i18n/format.ts';
import type { Database } from '../db/client.ts';
import { formToInput, readForm } from '../forms/read.ts';
import { namedMessages, readErrors, summaryOf, type SummaryItem } from '../forms/errors.ts';
import type { LocatedProblem } from '../domain/disclosures/validate.ts';
import type { UploadContext } from '../publishing/sheets/check.ts';
import { checkRecord } from '../publishing/sheets/record.ts';
import { yuanToFen } from '../publishing/sheets/values.ts';
import { createSubmission, storeRefusalMessage } from '../services/disclosure-store.ts';
import { ATTACHMENT_MAX_BYTES, type AttachmentStore } from '../services/attachments.ts';
import {
  ATTACHMENTS_PER_SUBMISSION,
  ATTACHMENTS_TOTAL_BYTES,
  attachmentRefusalMessage,
  attachmentRows,
  checkAttachments,
  filesWriter,
  type AttachmentRefusal,
  type CheckedAttachments,
  type SentFile,
} from '../services/disclosure-attachments.ts';
import { staffErrorPage } from './guard.ts';

/**
 * The plain HTML form of one matter (/staff/disclosures/matter/, issue 12): a publisher drafts a matter without a
 * spreadsheet. The fields are read strictly (urlencoded, CSRF checked by the middleware), turned into the record
 * the template would give (yuan → fen exactly, as an upload), checked by the same `checkRecord` →
 * `validateDisclosures` as an upload and stored by the same `createSubmission` (awaiting approval). A bad field
 * answers 422 with its message next to it and in the summary; nothing is stored.
 *
 * Attachments (issue 12 "Attachments"): the form is multipart (no JavaScript needed), read once under the upload's
 * cap by the middleware (src/staff/upload.ts, `locals.staffUpload`, its CSRF token checked there). The files go
 * through the upload's own `checkAttachments` (count, total size, type by content, size, the name through the
 * identifier detector) and the same `createSubmission` files path: a refusal names every bad file (4xx) and
 * nothing is stored — no submission, no link, no attachment row, no file. A urlencoded post (no files) is still read.
 */
export const MATTER_FIELDS = [
  'id',
  'unit',
  'power',
  'title',
  'decidedOn',
  'publicityStart',
  'publicityEnd',
  'amount',
  'text',
  'publishedOn',
  'doc1Title',
  'doc1Date',
  'doc1Url',
  'doc2Title',
  'doc2Date',
  'doc2Url',
] as const;
type Field = (typeof MATTER_FIELDS)[number];
/** The file input's name; its errors come after the fields' in the summary. */
export const ATTACHMENTS_FIELD = 'attachments';
const SUMMARY_ORDER: readonly string[] = [...MATTER_FIELDS, ATTACHMENTS_FIELD];
/** How many document rows the form offers (more go through the spreadsheet). */
export const MATTER_FORM_DOCUMENTS = 2;

export interface MatterFormState {
  values: Partial<Record<Field, string>>;
  errors: Record<string, string>;
  summary: SummaryItem[];
  status: number;
}

const labels = (): Record<Field, string> => ({
  id: t('sheets.col.id'),
  unit: t('sheets.col.unit'),
  power: t('sheets.col.power'),
  title: t('sheets.col.title'),
  decidedOn: t('sheets.col.decidedOn'),
  publicityStart: t('sheets.col.publicityStart'),
  publicityEnd: t('sheets.col.publicityEnd'),
  amount: t('sheets.col.matterAmount'),
  text: t('sheets.col.matterText'),
  publishedOn: t('sheets.col.publishedOn'),
  doc1Title: t('sheets.matterForm.docTitle', { n: 1 }),
  doc1Date: t('sheets.matterForm.docDate', { n: 1 }),
  doc1Url: t('sheets.matterForm.docUrl', { n: 1 }),
  doc2Title: t('sheets.matterForm.docTitle', { n: 2 }),
  doc2Date: t('sheets.matterForm.docDate', { n: 2 }),
  doc2Url: t('sheets.matterForm.docUrl', { n: 2 }),
});

const docField = (i: number, key: string): string =>
  `doc${i + 1}${key === 'url' ? 'Url' : key === 'date' ? 'Date' : 'Title'}`;

/** The form field a problem of the record belongs to (`publicity.end` → publicityEnd); `_` for the whole form. */
export function fieldOfPath(path: readonly (string | number)[]): string {
  const [head, second, third] = path;
  if (head === '(file name)') return 'id';
  if (head === 'publicity') return second === 'end' ? 'publicityEnd' : 'publicityStart';
  if (head === 'amountFen') return 'amount';
  if (head === 'documents' && typeof second === 'number' && second < MATTER_FORM_DOCUMENTS)
    return docField(second, typeof third === 'string' ? third : 'title');
  return typeof head === 'string' && (MATTER_FIELDS as readonly string[]).includes(head) ? head : '_';
}

const blank = (v: string | undefined) => v === undefined || v.trim() === '';

function withErrors(state: MatterFormState, errors: Record<string, string>, status: number): MatterFormState {
  const named = namedMessages(errors, labels());
  return { ...state, errors: named, summary: summaryOf(named, SUMMARY_ORDER, '#main'), status };
}

/** The record the fields describe, or the fields that cannot become one (an amount that is not yuan). */
function recordOf(values: MatterFormState['values']) {
  const errors: Record<string, string> = {};
  const data: Record<string, unknown> = {};
  const put = (key: string, v: string | undefined) => {
    if (!blank(v)) data[key] = v!.trim();
  };
  put('unit', values.unit);
  put('power', values.power);
  put('title', values.title);
  put('decidedOn', values.decidedOn);
  put('publishedOn', values.publishedOn);
  put('text', values.text?.replace(/\r\n?/g, '\n'));
  data['publicity'] = {
    ...(blank(values.publicityStart) ? {} : { start: values.publicityStart!.trim() }),
    ...(blank(values.publicityEnd) ? {} : { end: values.publicityEnd!.trim() }),
  };
  if (!blank(values.amount)) {
    const fen = yuanToFen(values.amount!, false);
    if (fen.ok) data['amountFen'] = fen.value;
    else errors['amount'] = explain(fen.code, fen.vars);
  }
  const documents: Record<string, string>[] = [];
  for (let i = 0; i < MATTER_FORM_DOCUMENTS; i++) {
    const [title, date, url] = (['Title', 'Date', 'Url'] as const).map((k) => values[`doc${i + 1}${k}` as Field]);
    if (blank(title) && blank(date) && blank(url)) continue;
    documents.push({
      title: title?.trim() ?? '',
      ...(blank(date) ? {} : { date: date!.trim() }),
      ...(blank(url) ? {} : { url: url!.trim() }),
    });
  }
  data['documents'] = documents;
  return { data, errors };
}

const problemErrors = (problems: readonly LocatedProblem[]) => {
  const errors: Record<string, string> = {};
  for (const p of problems) {
    const field = fieldOfPath(p.path);
    const text = explain(p.message, p.vars);
    errors[field] = errors[field] ? `${errors[field]}\uff1b${text}` : text;
  }
  return errors;
};

export interface MatterFormInput {
  database: Database;
  now: Date;
  /** The signed-in publisher: `staff:<id>` and their units. */
  submittedBy: string;
  /** Built lazily on a POST only: the registry, the calendar and everything published. */
  uploadContext: () => Promise<UploadContext>;
  /** Ids of content/ files (a new matter must not take one). */
  contentIds: () => Promise<ReadonlySet<string>>;
  /** Where checked attachments are written (`locals.attachments`); without it a matter with files answers 503. */
  attachments?: AttachmentStore | undefined;
}

const MB = 1024 * 1024;
const refusalText = (r: AttachmentRefusal) =>
  `${t(attachmentRefusalMessage[r.code], {
    file: r.file ?? '',
    size: ATTACHMENT_MAX_BYTES / MB,
    count: ATTACHMENTS_PER_SUBMISSION,
    total: ATTACHMENTS_TOTAL_BYTES / MB,
  })} (${r.code})`;

type FilesChecked = CheckedAttachments | { ok: false; status: 413 | 422; text: string };

/**
 * The upload's checks over every file at once; when one file is refused, each file is checked on its own too, so
 * the message names every bad file (a refusal of the whole set — too many, too large together — stays one).
 */
async function checkFiles(sent: readonly SentFile[]): Promise<FilesChecked> {
  const all = await checkAttachments('matter', sent);
  if (all.ok) return all;
  if (all.file === undefined) return { ok: false, status: all.status, text: refusalText(all) };
  const refusals: AttachmentRefusal[] = [];
  for (const f of sent) {
    const one = await checkAttachments('matter', [f]);
    if (!one.ok) refusals.push(one);
  }
  return {
    ok: false,
    status: refusals.some((r) => r.status === 413) ? 413 : 422,
    text: refusals.map(refusalText).join('\uff1b'),
  };
}

/** The entries and the files of the post: the middleware's parsed multipart form, or a urlencoded body. */
async function readPost(astro: AstroGlobal) {
  const upload = astro.locals.staffUpload;
  if (!upload) {
    const read = await readForm(astro.request);
    return read.ok ? { ok: true as const, entries: read.entries, files: [] } : read;
  }
  const entries: [string, string][] = [];
  for (const [k, v] of upload.entries()) if (typeof v === 'string') entries.push([k, v]);
  // A browser sends one empty, unnamed part when no file was chosen.
  const chosen = upload
    .getAll(ATTACHMENTS_FIELD)
    .filter((f): f is File => f instanceof File && (f.size > 0 || f.name !== ''));
  const files: SentFile[] = await Promise.all(
    chosen.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
  return { ok: true as const, entries, files };
}

/** Handles a GET (empty form) or a POST of the matter form; on success answers 303 to the page with `submitted`. */
export async function handleMatterForm(
  astro: AstroGlobal,
  input: MatterFormInput,
): Promise<MatterFormState | Response> {
  const state: MatterFormState = { values: {}, errors: {}, summary: [], status: 200 };
  if (astro.request.method !== 'POST') return state;
  const read = await readPost(astro);
  if (!read.ok) {
    const errors = readErrors(read);
    return { ...state, errors, summary: summaryOf(errors, [], '#main'), status: read.status };
  }
  const raw = formToInput(read.entries);
  const values: MatterFormState['values'] = {};
  for (const f of MATTER_FIELDS) if (typeof raw[f] === 'string') values[f] = raw[f];
  const filled = { ...state, values };
  const id = values.id?.trim() ?? '';
  const { data, errors } = recordOf(values);
  if (id === '') errors['id'] = t('sheets.id.missing');
  // The files are checked even when a field is wrong, so the clerk sees every refusal at once.
  const files: FilesChecked = read.files.length > 0 ? await checkFiles(read.files) : { ok: true, files: [] };
  const fileErrors: Record<string, string> = files.ok ? {} : { [ATTACHMENTS_FIELD]: files.text };
  const fileStatus = files.ok ? 422 : files.status;
  if (Object.keys(errors).length) return withErrors(filled, { ...errors, ...fileErrors }, 422);

  const checked = checkRecord('matter', id, data, await input.uploadContext());
  if (!checked.ok) return withErrors(filled, { ...problemErrors(checked.problems), ...fileErrors }, 422);
  if (!files.ok) return withErrors(filled, fileErrors, fileStatus);
  if (files.files.length > 0 && !input.attachments) return staffErrorPage(503);
  const stored = await createSubmission(
    input.database,
    {
      kind: 'matter',
      unitId: checked.data.unit,
      disclosureId: id,
      change: 'publish',
      data: checked.data,
      sourceFileName: null,
      reason: null,
      submittedBy: input.submittedBy,
      at: input.now,
      attachments: attachmentRows(files),
    },
    await input.contentIds(),
    input.attachments && files.files.length > 0 ? filesWriter(input.attachments, files) : undefined,
  );
  if (!stored.ok)
    return withErrors(filled, { id: `${t(storeRefusalMessage[stored.code])} (${stored.code})` }, stored.status);
  return new Response(null, {
    status: 303,
    headers: { location: `/staff/disclosures/matter/?submitted=${encodeURIComponent(id)}` },
  });
}
