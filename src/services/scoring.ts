import type { Database } from '../db/client.ts';
import { satisfactionCounts, replyTimeliness } from '../db/scoring-inputs-repo.ts';
import {
  gradeHistory,
  insertGradeRecords,
  insertVetoEvent,
  latestGrades,
  listScoredUnits,
  marksOfYear,
  saveMarks,
  vetoEventsByUnit,
  type NewGradeRecord,
  type ScoredUnit,
} from '../db/scoring-repo.ts';
import { isOverdue, type DeadlineFacts, type FeedbackRules } from '../domain/feedback/deadlines.ts';
import type { Mark, Ratio } from '../domain/scoring/interpret.ts';
import { MarkInput, VetoEventInput } from '../domain/scoring/inputs.ts';
import { downgradesAfterVeto } from '../domain/scoring/history.ts';
import { passRates, rankScorecards, type CarrierPassRate } from '../domain/scoring/ranking.ts';
import { scoreUnit, type Scorecard, type UnitInputs } from '../domain/scoring/scorecard.ts';
import { indicatorsFor, type RatioSource, type Standard } from '../domain/scoring/standard.ts';
import { unitCarriers } from '../domain/units/schema.ts';
import { contentRatiosOf, type ContentRatios } from '../domain/scoring/content-facts.ts';
import { parseInput } from './fields.ts';
import { conflict, invalid, notFound, type Failure } from './outcome.ts';
import { signoffsOf } from '../db/evaluation-team-repo.ts';

/**
 * Scoring use cases shared by pages, the JSON/CSV exports, the seed and the evaluator forms: gather the
 * inputs (portal aggregates, content rates, marks, veto events), interpret the standard, rank, and record
 * marks, veto events and grades.
 */
export interface ScoringSources {
  /** Every standard in content/standards (adopted and draft). */
  standards: readonly Standard[];
  /** Rates from content/ (src/domain/scoring/content-facts.ts). */
  content: ContentRatios;
  now: Date;
  rules: FeedbackRules;
}

export type UnitScorecard = Scorecard & { unitName: string; townshipId: string };

export const adoptedStandards = (s: ScoringSources): Standard[] =>
  s.standards.filter((x) => x.status === 'adopted').toSorted((a, b) => a.year - b.year);
export const standardOf = (s: ScoringSources, year: number): Standard | undefined =>
  adoptedStandards(s).find((x) => x.year === year);

/** The portal rates of every unit for a year: satisfaction and on-time replies from the database, the rest from content. */
async function portalRatios(
  database: Database,
  year: number,
  sources: ScoringSources,
): Promise<Map<string, Partial<Record<RatioSource, Ratio>>>> {
  const [sat, reply] = await Promise.all([satisfactionCounts(database, year), replyTimeliness(database, year)]);
  const out = new Map<string, Partial<Record<RatioSource, Ratio>>>();
  const slot = (unit: string) => out.get(unit) ?? (out.set(unit, {}), out.get(unit)!);
  for (const [unit, c] of sat)
    slot(unit).satisfaction = {
      numerator: c.positive,
      denominator: c.n,
      evidence: [{ label: 'scoring.evidence.surveys', href: '/surveys/' }],
    };
  const units = new Set([...reply.answered.keys(), ...reply.open.keys()]);
  // Unanswered items count once their due day has ended (the same rule as the unit page's on-time rate), decided
  // once per distinct set of deadline facts (the repository shares one object per set across units).
  const decided = new Map<DeadlineFacts, boolean>();
  const overdue = (f: DeadlineFacts) => {
    let d = decided.get(f);
    if (d === undefined) decided.set(f, (d = isOverdue(f, sources.now, sources.rules)));
    return d;
  };
  for (const unit of units) {
    const a = reply.answered.get(unit) ?? { due: 0, onTime: 0 };
    let overdueItems = 0;
    for (const g of reply.open.get(unit) ?? []) if (overdue(g.facts)) overdueItems += g.n;
    slot(unit).replyOnTime = {
      numerator: a.onTime,
      denominator: a.due + overdueItems,
      evidence: [{ label: 'scoring.evidence.feedback', href: `/units/${unit}/feedback/` }],
    };
  }
  return out;
}

/** The inputs of every unit (or one) for a year. */
export async function yearInputs(
  database: Database,
  year: number,
  sources: ScoringSources,
  unitId?: string,
): Promise<{ unit: ScoredUnit; input: UnitInputs }[]> {
  const [unitList, ratios, marks, vetoes] = await Promise.all([
    listScoredUnits(database),
    portalRatios(database, year, sources),
    marksOfYear(database, year, unitId),
    vetoEventsByUnit(database, unitId),
  ]);
  return unitList
    .filter((u) => !unitId || u.id === unitId)
    .map((unit) => ({
      unit,
      input: {
        unitId: unit.id,
        carrier: unit.carrier,
        ratios: { ...ratios.get(unit.id), ...contentRatiosOf(sources.content, unit.id, year) },
        marks: marks.get(unit.id) ?? {},
        vetoEvents: vetoes.get(unit.id) ?? [],
      },
    }));
}

/** Every unit's scorecard for a standard's year. */
export async function scoreYear(
  database: Database,
  standard: Standard,
  sources: ScoringSources,
  unitId?: string,
): Promise<UnitScorecard[]> {
  const rows = await yearInputs(database, standard.year, sources, unitId);
  // The fresh scorecard gets the unit's name and township (appended, as a spread would, without copying it).
  return rows.map(({ unit, input }) =>
    Object.assign(scoreUnit(standard, input), { unitName: unit.name, townshipId: unit.townshipId }),
  );
}

export interface YearReport {
  standard: Standard;
  cards: UnitScorecard[];
  /** Per carrier; `tooFew` when fewer than two of the carrier's units could be ranked. */
  ranking: { card: UnitScorecard; rank: number | null; tooFew: boolean }[];
  passRates: CarrierPassRate[];
}

/** A year's scorecards, ranking (per carrier) and pass rates. */
export async function yearReport(database: Database, standard: Standard, sources: ScoringSources): Promise<YearReport> {
  const cards = await scoreYear(database, standard, sources);
  const ranking = unitCarriers.flatMap((c) => rankScorecards(cards.filter((x) => x.carrier === c)));
  return { standard, cards, ranking, passRates: passRates(standard.year, cards, unitCarriers) };
}

/**
 * Pass rates per carrier per assessed year: { assessed, passed, model, insufficient, … } for every adopted
 * standard. The statistics pages reuse this (issue 7).
 */
export async function carrierPassRatesByYear(database: Database, sources: ScoringSources): Promise<CarrierPassRate[]> {
  const out: CarrierPassRate[] = [];
  for (const standard of adoptedStandards(sources))
    out.push(...passRates(standard.year, await scoreYear(database, standard, sources), unitCarriers));
  return out;
}

/** One unit's scorecard for a year, with its grade history. */
export async function unitScorecard(database: Database, standard: Standard, sources: ScoringSources, unitId: string) {
  const [card] = await scoreYear(database, standard, sources, unitId);
  if (!card) return null;
  const history = (await gradeHistory(database, unitId)).filter((h) => h.year === standard.year);
  return { card, history };
}

export type WriteOutcome = { ok: true } | Failure;

/** Field errors of one mark against the year's standard and the unit's carrier, keyed as in MarkInput; null when valid. */
export function markErrors(standard: Standard, unit: ScoredUnit, m: MarkInput): Record<string, string[]> | null {
  const indicator = indicatorsFor(standard, unit.carrier).find((i) => i.indicator.key === m.itemKey)?.indicator;
  const bonus = standard.positiveList.items.find((b) => b.key === m.itemKey);
  if (!indicator && !bonus) return { itemKey: ['scoring.mark.itemKey.unknown'] };
  if (!indicator) return null;
  const unknown = m.deductions.findIndex((d) => !indicator.deductions.some((x) => x.key === d.key));
  if (unknown >= 0) return { [`deductions.${unknown}.key`]: ['scoring.mark.deduction.unknown'] };
  if (m.points !== null && m.points > indicator.points) return { points: ['scoring.mark.points.tooHigh'] };
  const kind = indicator.measure.kind;
  if (kind === 'boolean' && typeof m.value !== 'boolean') return { value: ['scoring.mark.value.boolean'] };
  const items = indicator.measure.kind === 'count' ? indicator.measure.items : undefined;
  if (kind === 'count' && !items && typeof m.value !== 'number') return { value: ['scoring.mark.value.count'] };
  if (items) {
    const v = m.value;
    const counts = typeof v === 'object' && v !== null ? v : null;
    const missing = items.find((i) => typeof counts?.[i.key] !== 'number');
    if (missing) return { [`c.${missing.key}`]: ['scoring.mark.value.count'] };
    const extra = Object.keys(counts ?? {}).find((k) => !items.some((i) => i.key === k));
    if (extra) return { [`c.${extra}`]: ['scoring.mark.itemKey.unknown'] };
  }
  return null;
}

/** Record (or replace) an evaluator's mark, checked against the year's standard. */
export async function recordMark(
  database: Database,
  standard: Standard,
  unitId: string,
  raw: unknown,
  actor: string,
  now: Date,
): Promise<WriteOutcome> {
  return recordMarks(database, standard, unitId, [raw], actor, now);
}

/**
 * Record several marks of one unit (the evaluator form): every mark is checked first, then all are written
 * in one batch with one audit row each, or none is (field errors are keyed `<itemKey>.<field>`).
 */
export async function recordMarks(
  database: Database,
  standard: Standard,
  unitId: string,
  raws: readonly unknown[],
  actor: string,
  now: Date,
): Promise<WriteOutcome> {
  const unit = (await listScoredUnits(database)).find((u) => u.id === unitId);
  if (!unit) return notFound;
  const marks: MarkInput[] = [];
  const errors: Record<string, string[]> = {};
  const single = raws.length === 1;
  for (const raw of raws) {
    const parsed = parseInput(MarkInput, raw);
    const itemKey = (raw as { itemKey?: unknown } | null)?.itemKey;
    const prefix = single ? '' : `${typeof itemKey === 'string' || typeof itemKey === 'number' ? itemKey : '?'}.`;
    if (!parsed.ok) {
      if (single || !('fields' in parsed)) return parsed;
      for (const [k, v] of Object.entries(parsed.fields)) errors[`${prefix}${k}`] = v;
      continue;
    }
    const problems = markErrors(standard, unit, parsed.data);
    if (problems) for (const [k, v] of Object.entries(problems)) errors[`${prefix}${k}`] = v;
    else marks.push(parsed.data);
  }
  if (Object.keys(errors).length) return invalid(errors);
  // Once the evaluation team signed the year off, its marks are locked (the database refuses it too).
  if ((await signoffsOf(database, unitId, standard.year)).length > 0)
    return conflict({ _: ['scoring.signoff.locked'] });
  await saveMarks(database, unitId, standard.year, marks, actor, now);
  return { ok: true };
}

/**
 * Record a veto event. Every assessed year whose recorded grade it changes gets a new grade record in the
 * same batch (dynamic downgrade): the history keeps the earlier grade visible.
 */
export async function recordVeto(
  database: Database,
  sources: ScoringSources,
  unitId: string,
  raw: unknown,
  actor: string,
  demo = false,
): Promise<WriteOutcome> {
  const unit = (await listScoredUnits(database)).find((u) => u.id === unitId);
  if (!unit) return notFound;
  const parsed = parseInput(VetoEventInput, raw);
  if (!parsed.ok) return parsed;
  const e = parsed.data;
  const known = adoptedStandards(sources).some((s) =>
    s.negativeList.items.some(
      (v) => v.key === e.vetoKey && (v.carriers === 'all' || v.carriers.includes(unit.carrier)),
    ),
  );
  if (!known) return invalid({ vetoKey: ['scoring.veto.key.unknown'] });
  const latest = await latestGrades(database);
  const mine = new Map(
    [...latest].filter(([k]) => k.startsWith(`${unitId}|`)).map(([k, v]) => [Number(k.split('|')[1]), v]),
  );
  const current: NewGradeRecord[] = [];
  for (const standard of adoptedStandards(sources)) {
    if (!mine.has(standard.year)) continue;
    const [row] = await yearInputs(database, standard.year, sources, unitId);
    if (!row) continue;
    const card = scoreUnit(standard, {
      ...row.input,
      vetoEvents: [
        ...row.input.vetoEvents,
        { key: e.vetoKey, occurredOn: e.occurredOn, source: e.source, note: e.note },
      ],
    });
    current.push({ unitId, year: standard.year, grade: card.grade, total: card.total });
  }
  const changes = downgradesAfterVeto(mine, current).map((c) => ({ unitId, ...c }));
  await insertVetoEvent(database, { ...e, unitId }, changes, actor, sources.now, demo);
  return { ok: true };
}

/** Record the current grade of every unit for a year (only where it differs from the latest record). */
export async function recordGrades(
  database: Database,
  standard: Standard,
  sources: ScoringSources,
  actor: string,
  demo = false,
): Promise<number> {
  const [cards, latest] = await Promise.all([
    scoreYear(database, standard, sources),
    latestGrades(database, standard.year),
  ]);
  const records = cards
    .filter((c) => c.grade !== 'pending')
    .filter((c) => {
      const last = latest.get(`${c.unitId}|${standard.year}`);
      return !last || last.grade !== c.grade || last.total !== c.total;
    })
    .map((c) => ({ unitId: c.unitId, year: standard.year, grade: c.grade, total: c.total }));
  return insertGradeRecords(database, records, actor, sources.now, demo);
}

/** The marks stored for one unit and year, by item key (what the evaluator's form shows). */
export async function unitMarks(database: Database, year: number, unitId: string): Promise<Record<string, Mark>> {
  return (await marksOfYear(database, year, unitId)).get(unitId) ?? {};
}
