import { POWERS_MAX } from '../domain/units/power-list.ts';
import type { Power } from '../domain/units/schema.ts';
import type { IssueProblem } from '../domain/text/issues.ts';
import { explain } from '../i18n/format.ts';

/**
 * The power list form of /staff/powers/ (issue 12), without JavaScript and without a draft table: the form carries
 * the whole list, every entry's fields (`powers.<i>.title`, `.decidedBy`, `.steps` one step per line,
 * `.disclosedAt`, `.remove` a checkbox), plus one blank entry to add. Each post reads the list back, drops the
 * entries ticked for removal and the blank ones, and either shows it again ("update", nothing stored) or submits it
 * for approval. Values are kept as typed, so a refused post shows the publisher exactly what they sent.
 */

/**
 * The body cap of the power list form: a full list (60 entries of 20 steps) percent-encoded, a Han character
 * taking nine bytes, stays under it.
 */
export const POWER_FORM_BODY_LIMIT = 2 * 1024 * 1024;

/** An entry as typed: texts as they came, steps as the textarea's text. */
export interface TypedPower {
  title: string;
  decidedBy: string;
  steps: string;
  disclosedAt: string;
}

export const powerFields = ['title', 'decidedBy', 'steps', 'disclosedAt'] as const;
type PowerField = (typeof powerFields)[number];

export type PowerFormRead =
  | { ok: true; unit: string; action: 'update' | 'submit'; entries: TypedPower[]; reason: string }
  | { ok: false; status: 400; field: string };

const ENTRY = /^powers\.(\d{1,3})\.(title|decidedBy|steps|disclosedAt|remove)$/;

/** Reads the posted fields strictly: a field the form does not have, a repeated one or an index past the cap → 400. */
export function readPowerForm(entries: readonly [string, string][]): PowerFormRead {
  const single = new Map<string, string>();
  const byIndex = new Map<number, Partial<Record<PowerField | 'remove', string>>>();
  for (const [k, v] of entries) {
    if (k === '_csrf') continue;
    const m = ENTRY.exec(k);
    if (m) {
      const i = Number(m[1]);
      const field = m[2] as PowerField | 'remove';
      if (i > POWERS_MAX) return { ok: false, status: 400, field: k };
      const entry = byIndex.get(i) ?? {};
      if (entry[field] !== undefined) return { ok: false, status: 400, field: k };
      entry[field] = v;
      byIndex.set(i, entry);
    } else if (k === 'unit' || k === 'action' || k === 'reason') {
      if (single.has(k)) return { ok: false, status: 400, field: k };
      single.set(k, v);
    } else return { ok: false, status: 400, field: k };
  }
  const action = single.get('action');
  if (action !== 'update' && action !== 'submit') return { ok: false, status: 400, field: 'action' };
  const list: TypedPower[] = [...byIndex.entries()]
    .toSorted(([a], [b]) => a - b)
    .filter(([, e]) => e.remove === undefined)
    .map(([, e]) => ({
      title: e.title ?? '',
      decidedBy: e.decidedBy ?? '',
      steps: e.steps ?? '',
      disclosedAt: e.disclosedAt ?? '',
    }))
    .filter((e) => powerFields.some((f) => e[f].trim() !== ''));
  return { ok: true, unit: single.get('unit') ?? '', action, entries: list, reason: single.get('reason') ?? '' };
}

/** The typed entries as the schema takes them: the steps one per line, blank lines left out. */
export const asPowers = (entries: readonly TypedPower[]): unknown[] =>
  entries.map((e) => ({
    title: e.title,
    decidedBy: e.decidedBy,
    steps: e.steps
      .split(/\r\n|\r|\n/)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    disclosedAt: e.disclosedAt,
  }));

/** A list in force as the form shows it. */
export const asTyped = (powers: readonly Power[]): TypedPower[] =>
  powers.map((p) => ({
    title: p.title,
    decidedBy: p.decidedBy,
    steps: p.steps.join('\n'),
    disclosedAt: p.disclosedAt,
  }));

/**
 * Problems as messages per form field: `powers.<i>.<field>` (a step's problem goes to its entry's textarea,
 * with the line named), `reason`, and `_` for the list as a whole.
 */
export function problemsByField(problems: readonly IssueProblem[]): Record<string, string> {
  const out = new Map<string, string[]>();
  for (const p of problems) {
    const [head, i, field, line] = p.path;
    let key = '_';
    let text = explain(p.message, p.vars ?? {});
    if (head === 'reason') key = 'reason';
    else if (head === 'powers' && typeof i === 'number' && typeof field === 'string') {
      key = `powers.${i}.${field}`;
      if (field === 'steps' && typeof line === 'number')
        text = explain('powers.field.stepLine', { line: line + 1, text });
    } else if (head === 'powers' && typeof i === 'number') key = `powers.${i}.title`;
    const list = out.get(key) ?? [];
    if (!list.includes(text)) list.push(text);
    out.set(key, list);
  }
  return Object.fromEntries([...out].map(([k, v]) => [k, v.join('；')]));
}
