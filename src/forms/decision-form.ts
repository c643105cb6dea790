import { verdictOf, type CheckResult } from '../domain/disclosures/common.ts';
import { decisionChecks } from '../domain/disclosures/decision/compliance.ts';
import { firstStages, nextStage, stageFields } from '../domain/disclosures/decision/progress.ts';
import { decisionStages, type Decision, type DecisionStage } from '../domain/disclosures/decision/schema.ts';
import { explain } from '../i18n/format.ts';
import { columnLabel, type UploadContext } from '../publishing/sheets/check.ts';
import { kindLayouts, type Column } from '../publishing/sheets/layouts.ts';
import { checkRecord } from '../publishing/sheets/recheck.ts';
import { convertCell, valueLabel } from '../publishing/sheets/values.ts';
import type { Database } from '../services/context.ts';
import type { StoredDecision } from '../services/decision-records.ts';
import { createSubmission, storeRefusalMessage } from '../services/disclosure-store.ts';
import { fieldId } from './read.ts';

/**
 * The plain HTML form of a 4+2 record (issue 12: a village clerk records a decision as it happens, stage by
 * stage, without a spreadsheet and without JavaScript). Field names and value rules are the decision template's
 * own columns (src/publishing/sheets/layouts.ts: the same labels, yuan → fen digit by digit, dates, drop-down
 * codes), so a value means here what it means in an upload; the record is then checked by exactly the build's
 * rules (`checkRecord`: validateDisclosures with everything published, the identifier detector included) and
 * every problem is named on its field. Two forms:
 *
 * - a new record (`mode: 'new'`): the record's fields and its first stage (stage 1, or the merged stages 1+2 when
 *   the secretary is also the director);
 * - the next stage of a stored record of the clerk's units (`mode: 'stage'`): the record in force, its
 *   implementation dates (editable), and the one stage the required order allows next; stored as `progress`.
 *
 * `action=preview` stores nothing; `action=submit` checks again and stores a submission awaiting the approver
 * (for a village: the village supervisory committee's sign-off). Nothing is stored while any problem remains.
 */

/** The record's own fields on a new record, in the template's order (the id column is `id`). */
const mainColumns = kindLayouts.decision.sheets[0]!.columns;
const stageColumns = kindLayouts.decision.sheets[1]!.columns.filter((c) => c.path !== '' && c.path !== 'stage');

/** On the next-stage form only the facts after the vote may change with the stage; the rest is the record in force. */
const progressFields = ['contractSignedOn', 'worksStartedOn', 'completedOn'] as const;

export const fieldOf = (c: Column): string => (c.path === '' ? 'id' : c.path);
export const stageField = (path: string) => `stage.${path}`;

/** The columns of one stage's fields, exactly as DecisionStageRecord defines that stage. */
export function stageColumnsOf(stage: DecisionStage): Column[] {
  const keys = new Set(stageFields(stage));
  return stageColumns.filter((c) => keys.has(c.path.split('.')[0]!));
}

/** The main fields a form shows: every one on a new record, the implementation dates on the next-stage form. */
export function mainColumnsOf(mode: 'new' | 'stage'): readonly Column[] {
  return mode === 'new'
    ? mainColumns
    : mainColumns.filter((c) => (progressFields as readonly string[]).includes(c.path));
}

/** A form field's column (the template's). */
export type FormColumn = Column;

/** The label of a form field, as the template's column header. */
export const fieldLabel = (c: Column): string => columnLabel(c);

/** A drop-down's choices: the clerk's villages for the unit, the codes with their labels for an enumeration. */
export function fieldOptions(c: Column, units: readonly { id: string; name: string }[]) {
  if (c.type === 'unit') return units.map((u) => ({ value: u.id, label: u.name }));
  if (c.type === 'enum') return (c.values ?? []).map((v) => ({ value: v, label: valueLabel(c, v) }));
  return undefined;
}

/** The schema's length limits of the text fields, as the inputs' maxlength (the server checks them anyway). */
const textLimits: Record<string, number> = {
  title: 80,
  form: 60,
  summary: 300,
  'minutes.title': 120,
  'authorisation.scope': 120,
  channel: 60,
  supervisorOpinion: 300,
};
export const fieldMaxLength = (c: Column): number =>
  textLimits[c.path] ?? (c.type === 'text' || c.type === 'id' ? 300 : 40);

export interface FormProblem {
  /** The form field (`title`, `stage.present`), or `_` for the record as a whole. */
  field: string;
  /** Stable code: the rule's message key. */
  code: string;
  /** The sentence in Chinese, naming the field. */
  text: string;
}

export type DecisionFormResult =
  | { ok: false; status: 400 | 403 | 404 | 409 | 422; problems: FormProblem[] }
  | {
      ok: true;
      id: string;
      data: Decision;
      stage: DecisionStage;
      checks: CheckResult[];
      verdict: 'compliant' | 'nonCompliant' | 'pending';
      /** Set when the record was stored as a submission awaiting approval. */
      submissionId?: string;
    };

export interface DecisionFormInput {
  mode: 'new' | 'stage';
  /** The body's fields as read by `readForm` (the CSRF token already checked and ignored here). */
  entries: readonly (readonly [string, string])[];
  /** The record in force, for `mode: 'stage'`. */
  record?: StoredDecision | undefined;
  ctx: UploadContext;
}

const FORM_FIELDS = new Set(['_csrf', 'action', 'record', 'stage']);

/** The text of a problem on a field: the field label in quotes, then the reason. */
function named(field: string, label: string | undefined, code: string, vars?: Record<string, string | number>) {
  const reason = explain(code, vars);
  return {
    field,
    code,
    text: label ? explain('decisionForm.at.field', { field: label, reason }) : reason,
  };
}

/** The stages the form may record now: the first stage(s) of a new record, or the one next stage of a stored one. */
export function allowedStages(mode: 'new' | 'stage', secretaryIsDirector: boolean, record?: StoredDecision) {
  if (mode === 'new') return firstStages(secretaryIsDirector);
  const next = record ? nextStage(record.data) : undefined;
  return next ? [next] : [];
}

/** Reads and checks a post of either form. Never throws on any body: a bad one is a 4xx with named fields. */
export function checkDecisionForm(input: DecisionFormInput): DecisionFormResult {
  const { mode, record, ctx } = input;
  if (mode === 'stage' && !record)
    return { ok: false, status: 404, problems: [named('_', undefined, 'decisionForm.record.unknown')] };
  const values = new Map<string, string>();
  const problems: FormProblem[] = [];
  const main = mainColumnsOf(mode);
  const labels = new Map<string, string>([['stage', explain('decisionForm.stage.label')]]);
  for (const c of main) labels.set(fieldOf(c), fieldLabel(c));
  for (const c of stageColumns) labels.set(stageField(c.path), fieldLabel(c));
  for (const [k, v] of input.entries) {
    if (!FORM_FIELDS.has(k) && !labels.has(k)) {
      problems.push(named('_', undefined, 'decisionForm.field.unknown', { field: k.slice(0, 40) }));
      continue;
    }
    if (values.has(k)) {
      problems.push(named(k, labels.get(k), 'decisionForm.field.repeated'));
      continue;
    }
    values.set(k, v);
  }
  if (problems.length) return { ok: false, status: 400, problems };

  const data: Record<string, unknown> = mode === 'stage' ? structuredClone(record!.data) : { stages: [] as unknown[] };
  const set = (target: Record<string, unknown>, path: string, value: unknown) => {
    const parts = path.split('.');
    let at: Record<string, unknown> | undefined = target;
    // An empty field leaves its object out (an empty minutes link is no link), or clears a value in force.
    for (const p of parts.slice(0, -1))
      at =
        value === undefined
          ? (at?.[p] as Record<string, unknown> | undefined)
          : ((at![p] ??= {}) as Record<string, unknown>);
    if (!at) return;
    if (value === undefined) Reflect.deleteProperty(at, parts.at(-1)!);
    else at[parts.at(-1)!] = value;
  };
  const convert = (field: string, c: Column, target: Record<string, unknown>) => {
    const text = values.get(field) ?? '';
    // A checkbox: ticked sends "on" (or "true"), unticked sends nothing ("no").
    const cell = c.type !== 'bool' ? text : text === '' ? 'false' : text === 'on' ? 'true' : text;
    const converted = convertCell({ kind: 'text', text: cell }, c, ctx);
    if (!converted.ok) problems.push(named(field, labels.get(field), converted.code, converted.vars));
    else if (c.path !== '') set(target, c.path, converted.value);
    return converted.ok ? converted.value : undefined;
  };

  let id = record?.disclosureId ?? '';
  for (const c of main) {
    const value = convert(fieldOf(c), c, data);
    if (c.path === '') id = typeof value === 'string' ? value : '';
  }
  if (mode === 'new' && id === '') problems.push(named('id', labels.get('id'), 'sheets.id.missing'));
  const unit = data['unit'];
  if (mode === 'new' && typeof unit === 'string' && ctx.allowedUnits && !ctx.allowedUnits.includes(unit))
    problems.push(
      named('unit', labels.get('unit'), 'sheets.unit.outOfScope', {
        unit: ctx.units.find((u) => u.id === unit)?.name ?? unit,
      }),
    );

  // The stage: only one the required order allows now (a crafted body asking for another is refused).
  const allowed = allowedStages(mode, data['secretaryIsDirector'] === true, record);
  const asked = values.get('stage') ?? '';
  const stage = decisionStages.find((s) => s === asked);
  if (allowed.length === 0) problems.push(named('stage', labels.get('stage'), 'decisionForm.stage.complete'));
  else if (!stage) problems.push(named('stage', labels.get('stage'), 'decisionForm.stage.required'));
  else if (!allowed.includes(stage))
    problems.push(
      named('stage', labels.get('stage'), 'decisionForm.stage.notNext', {
        stage: explain(`disclosures.stage.${stage}`),
        allowed: allowed.map((s) => explain(`disclosures.stage.${s}`)).join(explain('decisionForm.or')),
      }),
    );
  const stageRecord: Record<string, unknown> = { stage: stage ?? asked };
  const own = stage ? stageColumnsOf(stage) : [];
  for (const c of stageColumns) {
    const field = stageField(c.path);
    if (own.includes(c)) convert(field, c, stageRecord);
    else if ((values.get(field) ?? '').trim() !== '')
      problems.push(named(field, labels.get(field), 'decisionForm.field.notForStage'));
  }
  if (problems.length) return { ok: false, status: 422, problems };

  if (ctx.demo) data['demo'] = true;
  const stages = data['stages'] as unknown[];
  const index = stages.length;
  stages.push(stageRecord);

  const checked = checkRecord('decision', id, data, ctx);
  if (!checked.data) {
    const shown = new Set([...main.map(fieldOf), ...own.map((c) => stageField(c.path))]);
    return {
      ok: false,
      status: 422,
      problems: dedupe(checked.problems.map((p) => located(p, index, shown, labels))),
    };
  }
  const checks = decisionChecks(checked.data, ctx.today);
  return { ok: true, id, data: checked.data, stage: stage!, checks, verdict: verdictOf(checks) };
}

/** A problem of the build's rules on the form field it concerns (the record as a whole when no field shows it). */
function located(
  p: { path: readonly (string | number)[]; message: string; vars?: Record<string, string | number> },
  stageIndex: number,
  shown: ReadonlySet<string>,
  labels: ReadonlyMap<string, string>,
): FormProblem {
  const path = p.path;
  let field: string | undefined;
  if (path[0] === '(file name)') field = 'id';
  else if (path[0] === 'stages' && path[1] === stageIndex) {
    const rest = path.slice(2).map(String);
    for (let n = rest.length; n > 0 && !field; n--) {
      const f = stageField(rest.slice(0, n).join('.'));
      if (shown.has(f)) field = f;
    }
    if (!field && rest[0] === 'stage') field = 'stage';
  } else if (path[0] !== 'stages') {
    const joined = path.map(String);
    for (let n = joined.length; n > 0 && !field; n--) {
      const f = joined.slice(0, n).join('.');
      if (shown.has(f)) field = f;
    }
  }
  return field ? named(field, labels.get(field), p.message, p.vars) : named('_', undefined, p.message, p.vars);
}

function dedupe(list: FormProblem[]): FormProblem[] {
  const seen = new Set<string>();
  return list.filter((p) => (seen.has(`${p.field}|${p.text}`) ? false : (seen.add(`${p.field}|${p.text}`), true)));
}

export interface SubmitDeps {
  database: Database;
  /** The ids of content/'s files (a stored record never takes a file's permalink). */
  contentIds: ReadonlySet<string>;
  submittedBy: string;
  at: Date;
}

/**
 * The form's `submit` action: the same check, then, only when the record is valid, a submission awaiting
 * approval (`publish` for a new record, `progress` for the next stage of a stored one) with its audit row.
 * A record whose next stage already awaits approval is refused (409): the next one is drafted once it is decided.
 */
export async function submitDecisionForm(input: DecisionFormInput, deps: SubmitDeps): Promise<DecisionFormResult> {
  if (input.mode === 'stage' && input.record?.pending)
    return { ok: false, status: 409, problems: [named('_', undefined, 'decisionForm.record.pending')] };
  const checked = checkDecisionForm(input);
  if (!checked.ok) return checked;
  const stored = await createSubmission(
    deps.database,
    {
      kind: 'decision',
      unitId: checked.data.unit,
      disclosureId: checked.id,
      change: input.mode === 'new' ? 'publish' : 'progress',
      data: checked.data,
      sourceFileName: null,
      reason: null,
      submittedBy: deps.submittedBy,
      at: deps.at,
    },
    deps.contentIds,
  );
  if (!stored.ok) {
    const field = stored.code.startsWith('store.disclosureId') && input.mode === 'new' ? 'id' : '_';
    const text = `${explain(storeRefusalMessage[stored.code])} (${stored.code})`;
    return {
      ok: false,
      status: stored.status === 400 ? 422 : stored.status,
      problems: [{ field, code: stored.code, text }],
    };
  }
  return { ...checked, submissionId: stored.id };
}

/** The error summary's links: each problem to its field (`#f-…`), the record's own problems to the summary. */
export const summaryItems = (problems: readonly FormProblem[]) =>
  problems.map((p) => ({ href: p.field === '_' ? '#decision-form' : `#${fieldId(p.field)}`, text: p.text }));
