import type { AstroGlobal } from 'astro';
import { t } from '../i18n/t.ts';
import type { Database } from '../services/context.ts';
import { indicatorsFor, type Standard } from '../domain/scoring/standard.ts';
import type { Carrier } from '../domain/units/schema.ts';
import { recordMarks, recordVeto, type ScoringSources } from '../services/scoring.ts';
import type { FieldErrors } from '../services/fields.ts';
import { readForm } from './read.ts';
import {
  failureErrors,
  formStatus,
  messagesFor,
  namedMessages,
  readErrors,
  summaryOf,
  type SummaryItem,
} from './errors.ts';

/**
 * The evaluator's form for one unit and year (staff only; the guard and CSRF checks ran before this).
 * Field names: `m.<KEY>.value` (boolean "true"/"false" or a count), `m.<KEY>.c.<item>` (one count per item of a
 * count with several items), `m.<KEY>.points` (a rate with too small a
 * sample), `m.<KEY>.d.<deduction>` (occurrences), `m.<KEY>.note`, `b.<bonus>` (checkbox); the veto form:
 * `vetoKey`, `occurredOn`, `source`, `note`. `action` says which form was sent.
 */
export interface EvaluationFormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  summary: SummaryItem[];
  status: number;
  saved: 'marks' | 'veto' | null;
}

const num = (v: string | undefined): number | null | string =>
  v === undefined || v.trim() === '' ? null : /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : v;

/** The marks a posted form describes: every on-site indicator (submitting the form assesses it), rates and findings only when filled in. */
export function marksFromForm(standard: Standard, carrier: Carrier, values: Record<string, string>): unknown[] {
  const out: unknown[] = [];
  for (const { indicator } of indicatorsFor(standard, carrier)) {
    const k = `m.${indicator.key}`;
    const note = values[`${k}.note`]?.trim() || null;
    const deductions = indicator.deductions.flatMap((d) => {
      const n = num(values[`${k}.d.${d.key}`]);
      return n === null || n === 0 ? [] : [{ key: d.key, count: n }];
    });
    const m = indicator.measure;
    const raw = values[`${k}.value`];
    switch (m.kind) {
      case 'mark':
        out.push({ itemKey: indicator.key, deductions, note });
        break;
      case 'boolean':
        if (raw === 'true' || raw === 'false')
          out.push({ itemKey: indicator.key, value: raw === 'true', deductions, note });
        break;
      case 'count':
        if (m.items) {
          // One field per counted item: `m.<KEY>.c.<item>`; the mark is sent once any of them is filled in.
          const counts = Object.fromEntries(m.items.map((i) => [i.key, num(values[`${k}.c.${i.key}`])]));
          if (Object.values(counts).some((v) => v !== null))
            out.push({ itemKey: indicator.key, value: counts, deductions, note });
        } else if (raw !== undefined && raw.trim() !== '')
          out.push({ itemKey: indicator.key, value: num(raw), deductions, note });
        break;
      case 'ratio':
      case 'bands': {
        const points = num(values[`${k}.points`]);
        if (points !== null || note || deductions.length)
          out.push({ itemKey: indicator.key, points, deductions, note });
        break;
      }
    }
  }
  for (const b of standard.positiveList.items)
    out.push({ itemKey: b.key, value: values[`b.${b.key}`] === 'on', note: null });
  return out;
}

export async function handleEvaluationForm(
  astro: AstroGlobal,
  database: Database,
  sources: ScoringSources,
  standard: Standard,
  unit: { id: string; carrier: Carrier },
  actor: string,
): Promise<{ redirect: string } | EvaluationFormState> {
  const blank: EvaluationFormState = { values: {}, errors: {}, summary: [], status: 200, saved: null };
  if (astro.request.method !== 'POST') {
    const saved = astro.url.searchParams.get('saved');
    return { ...blank, saved: saved === 'marks' || saved === 'veto' ? saved : null };
  }
  const read = await readForm(astro.request);
  if (!read.ok) {
    const messages = readErrors(read);
    return { ...blank, status: read.status, errors: messages, summary: summaryOf(messages, [], '#marks') };
  }
  const values: Record<string, string> = {};
  for (const [k, v] of read.entries) if (!(k in values)) values[k] = v;
  const here = `/staff/evaluation/${standard.year}/${unit.id}/`;
  if (values.action !== 'veto' && values.action !== 'marks') {
    // Only the two forms of the page post here: anything else changes nothing.
    const messages = { _: t('form.unreadable') };
    return { ...blank, status: 400, errors: messages, summary: summaryOf(messages, [], '#marks') };
  }
  let result;
  if (values.action === 'veto') {
    result = await recordVeto(
      database,
      sources,
      unit.id,
      {
        vetoKey: values.vetoKey ?? '',
        occurredOn: values.occurredOn ?? '',
        source: values.source ?? '',
        note: values.note?.trim() || null,
      },
      actor,
    );
    if (result.ok) return { redirect: `${here}?saved=veto#vetoes` };
  } else {
    result = await recordMarks(
      database,
      standard,
      unit.id,
      marksFromForm(standard, unit.carrier, values),
      actor,
      sources.now,
    );
    if (result.ok) return { redirect: `${here}?saved=marks` };
  }
  const errors = failureErrors(astro, result);
  // Marks are checked per item (`C1.value`), veto fields by their own names.
  const fields = values.action === 'veto' || !('fields' in result) ? errors : prefixed(errors);
  // "Invalid format" alone does not say where: every mark error names its indicator, every veto error its field.
  const messages = namedMessages(messagesFor(fields), fieldLabels(standard, unit.carrier, Object.keys(fields)));
  return {
    values,
    errors: messages,
    summary: summaryOf(
      messages,
      Object.keys(messages).filter((k) =>
        /^(?:m\.[A-Z0-9]+\.(?:value|points|note|c\.[a-zA-Z0-9]+)|vetoKey|occurredOn|source|note)$/.test(k),
      ),
      values.action === 'veto' ? '#veto-form' : '#marks',
    ),
    status: formStatus[result.code],
    saved: null,
  };
}

/** The name of the field each error path belongs to: `m.C1.…` → "C1 <indicator name>", the veto form's fields. */
function fieldLabels(standard: Standard, carrier: Carrier, paths: readonly string[]): Record<string, string> {
  const names = new Map(indicatorsFor(standard, carrier).map(({ indicator }) => [indicator.key, indicator.name]));
  for (const b of standard.positiveList.items) names.set(b.key, b.name);
  const veto: Record<string, string> = {
    vetoKey: t('scoring.staff.vetoKey'),
    occurredOn: t('scoring.staff.occurredOn'),
    source: t('scoring.staff.source'),
    note: t('scoring.staff.vetoNote'),
  };
  const out: Record<string, string> = {};
  for (const p of paths) {
    const key = /^m\.([^.]+)/.exec(p)?.[1];
    const label = key === undefined ? veto[p] : names.has(key) ? `${key} ${names.get(key) ?? ''}` : undefined;
    if (label) out[p] = label;
  }
  return out;
}

/** `C1.value` → `m.C1.value`, so errors sit next to their fields. */
const prefixed = (f: FieldErrors): FieldErrors => Object.fromEntries(Object.entries(f).map(([k, v]) => [`m.${k}`, v]));
