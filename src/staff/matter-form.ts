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

/**
 * The plain HTML form of one matter (/staff/disclosures/matter/, issue 12): a publisher drafts a matter without a
 * spreadsheet. The fields are read strictly (urlencoded, CSRF checked by the middleware), turned into the record
 * the template would give (yuan → fen exactly, as an upload), checked by the same `checkRecord` →
 * `validateDisclosures` as an upload and stored by the same `createSubmission` (awaiting approval). A bad field
 * answers 422 with its message next to it and in the summary; nothing is stored.
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
  return { ...state, errors: named, summary: summaryOf(named, MATTER_FIELDS, '#main'), status };
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
}

/** Handles a GET (empty form) or a POST of the matter form; on success answers 303 to the page with `submitted`. */
export async function handleMatterForm(
  astro: AstroGlobal,
  input: MatterFormInput,
): Promise<MatterFormState | Response> {
  const state: MatterFormState = { values: {}, errors: {}, summary: [], status: 200 };
  if (astro.request.method !== 'POST') return state;
  const read = await readForm(astro.request);
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
  if (Object.keys(errors).length) return withErrors(filled, errors, 422);

  const checked = checkRecord('matter', id, data, await input.uploadContext());
  if (!checked.ok) return withErrors(filled, problemErrors(checked.problems), 422);
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
    },
    await input.contentIds(),
  );
  if (!stored.ok)
    return withErrors(filled, { id: `${t(storeRefusalMessage[stored.code])} (${stored.code})` }, stored.status);
  return new Response(null, {
    status: 303,
    headers: { location: `/staff/disclosures/matter/?submitted=${encodeURIComponent(id)}` },
  });
}
