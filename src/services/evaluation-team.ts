import type { Database } from '../db/client.ts';
import { listScoredUnits, type ScoredUnit } from '../db/scoring-repo.ts';
import {
  answerAppeal,
  appealsOf,
  awaitingSignoff,
  findAppeal,
  insertAppeal,
  listAppeals,
  saveTeamMark,
  signOff,
  signoffsOf,
  teamMarks,
  type Appeal,
  type AppealOutcome,
  type FinalMark,
  type Signoff,
  type TeamMark,
} from '../db/evaluation-team-repo.ts';
import { MarkInput, NOTE_MAX } from '../domain/scoring/inputs.ts';
import { indicatorsFor, type Standard } from '../domain/scoring/standard.ts';
import type { Carrier } from '../domain/units/schema.ts';
import { findIdentifiers } from '../domain/privacy/identifiers.ts';
import { markErrors, unitMarks, type WriteOutcome } from './scoring.ts';
import { parseInput } from './fields.ts';
import { conflict, deadlinePassed, invalid, notFound, type Failure } from './outcome.ts';

/**
 * The evaluation team (issue 17). Evaluators record their own marks of a unit and year, each with a reason
 * (the evidence note) and files; the lead (`lead` role) sees them side by side, reconciles where they differ
 * (choosing one evaluator's mark, with a reason) and signs the unit's year off: the reconciled marks become the
 * `evaluation_marks` the scoring engine reads, locked from then on. The unit's responders may appeal within the
 * standard's `appeal.days`; the lead answers, and an upheld appeal changes a mark only by a re-sign-off.
 * Every free text here is checked by the one identifier detector: a note or reason with an ID, phone or bank
 * number is refused, never stored (the notes become public with the sign-off).
 */

export type { Appeal, AppealOutcome, Signoff, TeamMark };

export const APPEAL_REASON_MIN = 5;
export const APPEAL_TEXT_MAX = 1000;
const DAY_MS = 86_400_000;

const hasIdentifier = (text: string) => findIdentifiers(text).length > 0;

async function scoredUnit(database: Database, unitId: string): Promise<ScoredUnit | undefined> {
  return (await listScoredUnits(database)).find((u) => u.id === unitId);
}

/** The standard's item keys of a unit, in the standard's order (indicators, then bonus items). */
export function itemKeysOf(standard: Standard, unit: { carrier: Carrier }): string[] {
  return [
    ...indicatorsFor(standard, unit.carrier).map(({ indicator }) => indicator.key),
    ...standard.positiveList.items.map((b) => b.key),
  ];
}

/** The message keys of a free-text field: required, too long, holds an identifier. */
type TextKeys = readonly [required: string, tooLong: string, identifier: string];
// prettier-ignore
const NOTE_KEYS: TextKeys = ['scoring.mark.note.required', 'scoring.mark.note.tooLong', 'scoring.mark.note.identifier'];
// prettier-ignore
const REASON_KEYS: TextKeys = ['scoring.signoff.reason.required', 'scoring.signoff.reason.tooLong', 'scoring.signoff.reason.identifier'];
// prettier-ignore
const APPEAL_KEYS: TextKeys = ['scoring.appeal.reason.required', 'scoring.appeal.reason.tooLong', 'scoring.appeal.reason.identifier'];
// prettier-ignore
const ANSWER_KEYS: TextKeys = ['scoring.appeal.answer.required', 'scoring.appeal.answer.tooLong', 'scoring.appeal.answer.identifier'];

/** Checks a reason or evidence note: required, bounded, and free of identifiers (the message key, or null). */
function textErrors(text: string | null | undefined, keys: TextKeys, min = 1, max = NOTE_MAX): string | null {
  const v = text?.trim() ?? '';
  if (v.length < min) return keys[0];
  if (v.length > max) return keys[1];
  if (hasIdentifier(v)) return keys[2];
  return null;
}

const lockedFailure = (): Failure => conflict({ _: ['scoring.signoff.locked'] });

/**
 * Record (or replace, until the sign-off) one evaluator's mark of one item with its evidence files (hashes
 * from the attachment store). The note is the mandatory reason: a deduction's grounds or why points are given.
 */
export async function recordTeamMark(
  database: Database,
  standard: Standard,
  unitId: string,
  raw: unknown,
  evidence: readonly string[],
  evaluator: string,
  now: Date,
  demo = false,
): Promise<WriteOutcome> {
  const unit = await scoredUnit(database, unitId);
  if (!unit) return notFound;
  if ((await signoffsOf(database, unitId, standard.year)).length > 0) return lockedFailure();
  const parsed = parseInput(MarkInput, raw);
  if (!parsed.ok) return parsed;
  const problems = markErrors(standard, unit, parsed.data);
  if (problems) return invalid(problems);
  const noteError = textErrors(parsed.data.note, NOTE_KEYS);
  if (noteError) return invalid({ note: [noteError] });
  const saved = await saveTeamMark(
    database,
    { ...parsed.data, unitId, year: standard.year, evaluator, note: parsed.data.note!.trim() },
    evidence,
    now,
    demo,
  );
  return saved.ok ? { ok: true } : lockedFailure();
}

const sameMark = (a: TeamMark, b: TeamMark) =>
  JSON.stringify([a.value, a.points, a.deductions.toSorted((x, y) => x.key.localeCompare(y.key))]) ===
  JSON.stringify([b.value, b.points, b.deductions.toSorted((x, y) => x.key.localeCompare(y.key))]);

export interface TeamItem {
  itemKey: string;
  marks: TeamMark[];
  /** Every evaluator gave the same mark (value, points and deductions): no choice needed. */
  agreed: boolean;
}

export interface TeamView {
  unit: ScoredUnit;
  items: TeamItem[];
  evaluators: string[];
  signoffs: Signoff[];
  appeals: Appeal[];
  /** The last day (inclusive, as an instant) an appeal may be lodged; null before the sign-off. */
  appealUntil: Date | null;
}

/** Every evaluator's marks of a unit and year, grouped by item in the standard's order, with the sign-offs. */
export async function teamView(database: Database, standard: Standard, unitId: string): Promise<TeamView | null> {
  const unit = await scoredUnit(database, unitId);
  if (!unit) return null;
  const [marks, signoffs, appeals] = await Promise.all([
    teamMarks(database, unitId, standard.year),
    signoffsOf(database, unitId, standard.year),
    appealsOf(database, unitId, standard.year),
  ]);
  const order = itemKeysOf(standard, unit);
  const items = order
    .map((itemKey) => {
      const mine = marks.filter((m) => m.itemKey === itemKey);
      return { itemKey, marks: mine, agreed: mine.every((m) => sameMark(m, mine[0]!)) };
    })
    .filter((i) => i.marks.length > 0);
  const last = signoffs.at(-1);
  return {
    unit,
    items,
    evaluators: [...new Set(marks.map((m) => m.evaluator))].toSorted(),
    signoffs,
    appeals,
    appealUntil: last ? new Date(last.signedAt.getTime() + standard.appeal.days * DAY_MS) : null,
  };
}

/** The lead's work list: units and years with evaluator marks not yet signed off. */
export const unitsAwaitingSignoff = (database: Database) => awaitingSignoff(database);

const finalOf = (m: TeamMark, reason: string | null): FinalMark => ({
  itemKey: m.itemKey,
  value: m.value,
  points: m.points,
  deductions: m.deductions,
  note: m.note,
  reason,
  chosen: m.id,
});

/** The lead's decisions on the items where the evaluators differ. */
export interface SignoffDecisions {
  /** Per item: the id of the evaluator mark taken, or `set` for the lead's own mark in `set`. */
  choices: Readonly<Record<string, string>>;
  /** Per item: why (required wherever the evaluators differ). */
  reasons: Readonly<Record<string, string>>;
  /** Per item chosen as `set`: the lead's mark (MarkInput without the item key). */
  set?: Readonly<Record<string, unknown>>;
}

/**
 * Sign a unit's year off. Where the evaluators agree their mark is taken; where they differ the lead takes
 * one evaluator's mark or sets one (`choices`, `set`), with a reason. Errors are keyed `choice.<item>`,
 * `reason.<item>` and, for a mark the lead set, `m.<item>.<field>`.
 */
export async function signOffUnit(
  database: Database,
  standard: Standard,
  unitId: string,
  decisions: SignoffDecisions,
  lead: string,
  now: Date,
  demo = false,
): Promise<WriteOutcome> {
  const view = await teamView(database, standard, unitId);
  if (!view) return notFound;
  if (view.signoffs.length > 0) return lockedFailure();
  if (view.items.length === 0) return conflict({ _: ['scoring.signoff.nothing'] });
  const errors: Record<string, string[]> = {};
  const finals: FinalMark[] = [];
  for (const item of view.items) {
    if (item.agreed) {
      finals.push(finalOf(item.marks[0]!, null));
      continue;
    }
    const key = item.itemKey;
    const reasonError = textErrors(decisions.reasons[key], REASON_KEYS);
    if (reasonError) errors[`reason.${key}`] = [reasonError];
    const reason = decisions.reasons[key]?.trim() ?? '';
    if (decisions.choices[key] === 'set') {
      const parsed = parseInput(MarkInput, {
        ...(decisions.set?.[key] as object | undefined),
        itemKey: key,
        note: null,
      });
      const problems = parsed.ok
        ? markErrors(standard, view.unit, parsed.data)
        : 'fields' in parsed
          ? parsed.fields
          : {};
      for (const [k, v] of Object.entries(problems ?? {})) errors[`m.${key}.${k}`] = v;
      if (parsed.ok && !problems && !reasonError)
        finals.push({
          itemKey: key,
          value: parsed.data.value,
          points: parsed.data.points,
          deductions: parsed.data.deductions.map((d) => ({ key: d.key, count: d.count })),
          note: reason,
          reason,
          chosen: null,
        });
      continue;
    }
    const chosen = item.marks.find((m) => m.id === decisions.choices[key]);
    if (!chosen) errors[`choice.${key}`] = ['scoring.signoff.choice.required'];
    if (chosen && !reasonError) finals.push(finalOf(chosen, reason));
  }
  if (Object.keys(errors).length) return invalid(errors);
  const r = await signOff(database, unitId, standard.year, finals, lead, now, demo);
  return r.ok ? { ok: true } : lockedFailure();
}

/** The public view of a unit's evaluation: the sign-off and its evidence, the appeals without their texts. */
export interface PublicEvaluation {
  signedOffAt: Date | null;
  version: number;
  /** The latest re-sign-off (an upheld appeal), or null. */
  resignedAt: Date | null;
  /** Evidence per item: each signed-off evaluator mark's note and files. */
  evidence: Record<string, { note: string; files: string[] }[]>;
  appeals: { itemKey: string; lodgedAt: Date; answeredAt: Date | null; outcome: AppealOutcome | null }[];
}

export async function publicEvaluation(
  database: Database,
  standard: Standard,
  unitId: string,
): Promise<PublicEvaluation | null> {
  const view = await teamView(database, standard, unitId);
  if (!view || view.signoffs.length === 0) return null;
  const evidence: PublicEvaluation['evidence'] = {};
  for (const item of view.items)
    evidence[item.itemKey] = item.marks
      .filter((m) => m.signedOffAt !== null)
      .map((m) => ({ note: m.note, files: m.evidence }));
  return {
    signedOffAt: view.signoffs[0]!.signedAt,
    version: view.signoffs.at(-1)!.version,
    resignedAt: view.signoffs.length > 1 ? view.signoffs.at(-1)!.signedAt : null,
    evidence,
    // Allow-list: which item, when, and the outcome; never who lodged it, the reason or the answer's text.
    appeals: view.appeals.map((a) => ({
      itemKey: a.itemKey,
      lodgedAt: a.lodgedAt,
      answeredAt: a.answeredAt,
      outcome: a.outcome,
    })),
  };
}

export interface AppealInput {
  unitId: string;
  itemKey: string;
  reason: string;
}

/**
 * A unit's responder lodges an appeal against one item of a signed-off evaluation, within the standard's
 * `appeal.days` calendar days of the latest sign-off. `unitIds` are the account's own units.
 */
export async function lodgeAppeal(
  database: Database,
  standard: Standard,
  account: { unitIds: readonly string[] },
  input: AppealInput,
  actor: string,
  now: Date,
): Promise<WriteOutcome> {
  if (!account.unitIds.includes(input.unitId)) return notFound;
  const view = await teamView(database, standard, input.unitId);
  if (!view) return notFound;
  if (!view.appealUntil) return conflict({ unitId: ['scoring.appeal.notSignedOff'] });
  if (now.getTime() > view.appealUntil.getTime()) return deadlinePassed({ _: ['scoring.appeal.windowClosed'] });
  const errors: Record<string, string[]> = {};
  if (!itemKeysOf(standard, view.unit).includes(input.itemKey)) errors.itemKey = ['scoring.appeal.itemKey.unknown'];
  const reasonError = textErrors(input.reason, APPEAL_KEYS, APPEAL_REASON_MIN, APPEAL_TEXT_MAX);
  if (reasonError) errors.reason = [reasonError];
  if (Object.keys(errors).length) return invalid(errors);
  await insertAppeal(
    database,
    { unitId: input.unitId, year: standard.year, itemKey: input.itemKey, reason: input.reason.trim() },
    actor,
    now,
  );
  return { ok: true };
}

/** Appeals a session may see: a responder's own units', or every unit's for the lead. */
export const appealsFor = (database: Database, unitIds?: readonly string[]) => listAppeals(database, unitIds);

export interface AppealAnswerInput {
  answer: string;
  outcome: string;
  /** For an upheld appeal that changes the mark: the new mark of the appealed item (MarkInput). */
  mark?: unknown;
}

/**
 * The lead answers an appeal once. `upheld` with a new mark re-signs the unit's year off (the next version,
 * naming the appeal) with that mark, in the same batch as the answer; `rejected` (or upheld without a mark)
 * changes no mark.
 */
export async function answerUnitAppeal(
  database: Database,
  standards: readonly Standard[],
  appealId: string,
  input: AppealAnswerInput,
  lead: string,
  now: Date,
): Promise<WriteOutcome> {
  const appeal = await findAppeal(database, appealId);
  if (!appeal) return notFound;
  const standard = standards.find((s) => s.year === appeal.year);
  const unit = await scoredUnit(database, appeal.unitId);
  if (!standard || !unit) return notFound;
  if (appeal.answeredAt) return conflict({ _: ['scoring.appeal.answered'] });
  const errors: Record<string, string[]> = {};
  const outcome = input.outcome === 'upheld' || input.outcome === 'rejected' ? input.outcome : null;
  if (!outcome) errors.outcome = ['scoring.appeal.outcome.required'];
  const answerError = textErrors(input.answer, ANSWER_KEYS, 1, APPEAL_TEXT_MAX);
  if (answerError) errors.answer = [answerError];
  let resign: { version: number; mark: FinalMark } | null = null;
  if (outcome === 'upheld' && input.mark !== undefined) {
    const parsed = parseInput(MarkInput, { ...(input.mark as object), itemKey: appeal.itemKey });
    if (!parsed.ok) return parsed;
    const problems = markErrors(standard, unit, parsed.data);
    if (problems) for (const [k, v] of Object.entries(problems)) errors[`mark.${k}`] = v;
    const signoffs = await signoffsOf(database, appeal.unitId, appeal.year);
    const m = parsed.data;
    resign = {
      version: (signoffs.at(-1)?.version ?? 0) + 1,
      mark: {
        itemKey: appeal.itemKey,
        value: m.value,
        points: m.points,
        deductions: m.deductions.map((d) => ({ key: d.key, count: d.count })),
        // The evidence note of the mark it replaces stays; the answer is the reason of the change.
        note: (await unitMarks(database, appeal.year, appeal.unitId))[appeal.itemKey]?.note ?? null,
        reason: input.answer.trim(),
        chosen: null,
      },
    };
  }
  if (Object.keys(errors).length || !outcome) return invalid(errors);
  const r = await answerAppeal(database, appeal, { text: input.answer.trim(), outcome }, resign, lead, now);
  if (r.ok) return { ok: true };
  return r.reason === 'answered' ? conflict({ _: ['scoring.appeal.answered'] }) : lockedFailure();
}
