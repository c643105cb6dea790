import type { AstroGlobal } from 'astro';
import { t } from '../i18n/t.ts';
import type { Database } from '../services/context.ts';
import type { Standard } from '../domain/scoring/standard.ts';
import type { Carrier } from '../domain/units/schema.ts';
import { storeAttachment, type AttachmentStore } from '../services/attachments.ts';
import {
  answerUnitAppeal,
  itemKeysOf,
  lodgeAppeal,
  recordTeamMark,
  signOffUnit,
  teamView,
} from '../services/evaluation-team.ts';
import type { WriteOutcome } from '../services/scoring.ts';
import { formatDate } from '../i18n/format.ts';
import { beijingDate } from '../domain/calendar/dates.ts';
import { readForm, readMultipartForm } from './read.ts';
import { marksFromForm } from './evaluation-form.ts';
import { failureErrors, formStatus, messagesFor, readErrors, summaryOf, type SummaryItem } from './errors.ts';

/**
 * The evaluation team's forms (issue 17), all without JavaScript: an evaluator's mark of one item with its
 * evidence (multipart: `item`, the mark fields of src/components/scoring/IndicatorFields.astro — `m.<KEY>.…`,
 * `b.<KEY>` for a bonus item — and `files`), the lead's sign-off (`choice.<KEY>`: an evaluator mark's id or `set`, with the mark fields; `reason.<KEY>`), a unit's
 * appeal (`evaluation` = `<year>:<unit>`, `itemKey`, `reason`) and the lead's answer (`appeal`, `outcome`,
 * `answer`, `remark` plus the mark fields of the appealed item).
 */
export interface TeamFormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  summary: SummaryItem[];
  status: number;
  /** The item whose mark was just saved, or the form that succeeded. */
  saved: string | null;
}

const blank: TeamFormState = { values: {}, errors: {}, summary: [], status: 200, saved: null };

const firstValues = (entries: readonly [string, string][]) => {
  const values: Record<string, string> = {};
  for (const [k, v] of entries) if (!(k in values)) values[k] = v;
  return values;
};

/** A failed outcome as the page shows it: messages per field (prefixed into the form's names), the summary, the status. */
function failed(
  astro: Pick<AstroGlobal, 'response'>,
  values: Record<string, string>,
  result: Exclude<WriteOutcome, { ok: true }>,
  prefix: string,
  anchor: string,
  extra: Record<string, string> = {},
): TeamFormState {
  const fields = failureErrors(astro, result);
  const named = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k === '_' ? k : `${prefix}${k}`, v]));
  const messages = { ...messagesFor(named), ...extra };
  return {
    values,
    errors: messages,
    summary: summaryOf(
      messages,
      Object.keys(messages).filter((k) => k !== '_'),
      anchor,
    ),
    status: formStatus[result.code],
    saved: null,
  };
}

const unreadable = (status: number, messages: Record<string, string>, anchor: string): TeamFormState => ({
  ...blank,
  status,
  errors: messages,
  summary: summaryOf(messages, [], anchor),
});

/** An evaluator's mark of one item, with files: they are stored (checked, re-encoded) before the mark is written. */
export async function handleTeamMarkForm(
  astro: AstroGlobal,
  database: Database,
  store: AttachmentStore,
  standard: Standard,
  unit: { id: string; carrier: Carrier },
  actor: string,
): Promise<{ redirect: string } | TeamFormState> {
  if (astro.request.method !== 'POST') {
    const saved = astro.url.searchParams.get('saved');
    return { ...blank, saved: saved && itemKeysOf(standard, unit).includes(saved) ? saved : null };
  }
  const read = await readMultipartForm(astro.request);
  if (!read.ok) return unreadable(read.status, readErrors(read), '#items');
  const values = firstValues(read.entries);
  const itemKey = values.item ?? '';
  if (!itemKeysOf(standard, unit).includes(itemKey)) return unreadable(400, { _: t('form.unreadable') }, '#items');
  const anchor = `#item-${itemKey}`;
  const evidence: string[] = [];
  for (const bytes of read.files) {
    const stored = await storeAttachment(store, bytes, actor, astro.locals.staff?.now() ?? new Date(0));
    if (!stored.ok) {
      const messages = { [`files.${itemKey}`]: t(stored.code) };
      return {
        values,
        errors: messages,
        summary: summaryOf(messages, [`files.${itemKey}`], anchor),
        status: stored.status,
        saved: null,
      };
    }
    evidence.push(stored.attachment.sha256);
  }
  const raw = (marksFromForm(standard, unit.carrier, values).find(
    (m) => (m as { itemKey: string }).itemKey === itemKey,
  ) ?? {
    itemKey,
  }) as Record<string, unknown>;
  raw.note = values[`m.${itemKey}.note`]?.trim() || null;
  const now = astro.locals.staff?.now() ?? new Date(0);
  const result = await recordTeamMark(database, standard, unit.id, raw, evidence, actor, now);
  if (result.ok)
    return { redirect: `/staff/evaluation/${standard.year}/${unit.id}/team/?saved=${itemKey}#item-${itemKey}` };
  return failed(astro, values, result, `m.${itemKey}.`, anchor);
}

/** The lead's sign-off of a unit's year. */
export async function handleSignoffForm(
  astro: AstroGlobal,
  database: Database,
  standard: Standard,
  unit: { id: string; carrier: Carrier },
  actor: string,
): Promise<{ redirect: string } | TeamFormState> {
  if (astro.request.method !== 'POST')
    return { ...blank, saved: astro.url.searchParams.get('saved') === 'signoff' ? 'signoff' : null };
  const read = await readForm(astro.request);
  if (!read.ok) return unreadable(read.status, readErrors(read), '#signoff');
  const values = firstValues(read.entries);
  if (values.action !== 'signoff') return unreadable(400, { _: t('form.unreadable') }, '#signoff');
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(values)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  const now = astro.locals.staff?.now() ?? new Date(0);
  const choices = pick('choice.');
  // A mark the lead sets is read from the same fields as an evaluator's (`m.<KEY>.…`).
  const marks = marksFromForm(standard, unit.carrier, values) as { itemKey: string }[];
  const set = Object.fromEntries(
    Object.keys(choices)
      .filter((k) => choices[k] === 'set')
      .map((k) => [k, marks.find((m) => m.itemKey === k) ?? {}]),
  );
  const result = await signOffUnit(database, standard, unit.id, { choices, reasons: pick('reason.'), set }, actor, now);
  if (result.ok) return { redirect: `/staff/evaluation/${standard.year}/${unit.id}/signoff/?saved=signoff` };
  return failed(astro, values, result, '', '#signoff');
}

/** A responder's appeal, or the lead's answer to one (the `action` field says which). */
export async function handleAppealForm(
  astro: AstroGlobal,
  database: Database,
  standards: readonly Standard[],
  account: { role: string; unitIds: readonly string[] },
  actor: string,
): Promise<{ redirect: string } | TeamFormState> {
  if (astro.request.method !== 'POST') {
    const saved = astro.url.searchParams.get('saved');
    return { ...blank, saved: saved === 'lodged' || saved === 'answered' ? saved : null };
  }
  const read = await readForm(astro.request);
  if (!read.ok) return unreadable(read.status, readErrors(read), '#lodge');
  const values = firstValues(read.entries);
  const now = astro.locals.staff?.now() ?? new Date(0);
  if (values.action === 'lodge' && account.role === 'responder') {
    const [year, unitId] = (values.evaluation ?? '').split(':');
    const standard = standards.find((s) => s.year === Number(year));
    if (!standard || !unitId)
      return failed(
        astro,
        values,
        { ok: false, code: 'invalid', fields: { evaluation: ['scoring.appeal.notSignedOff'] } },
        '',
        '#lodge',
      );
    const input = { unitId, itemKey: values.itemKey ?? '', reason: values.reason ?? '' };
    const result = await lodgeAppeal(database, standard, account, input, actor, now);
    if (result.ok) return { redirect: '/staff/appeals/?saved=lodged' };
    if (result.code === 'deadline_passed') {
      // The window's end is part of the message: the days from the standard, the day from the sign-off.
      const until = (await teamView(database, standard, unitId))?.appealUntil;
      const text = t('scoring.appeal.windowClosed', {
        days: standard.appeal.days,
        until: until ? formatDate(beijingDate(until)) : '',
      });
      return failed(astro, values, { ok: false, code: 'deadline_passed', fields: {} }, '', '#lodge', {
        evaluation: text,
      });
    }
    return failed(astro, values, result, '', '#lodge');
  }
  if (values.action === 'answer' && account.role === 'lead') {
    const appealId = values.appeal ?? '';
    const itemKey = values.itemKey ?? '';
    const standard = standards.find((s) => s.year === Number(values.year));
    const carrier = values.carrier as Carrier;
    const mark =
      values.remark === 'on' && standard
        ? marksFromForm(standard, carrier, values).find((m) => (m as { itemKey: string }).itemKey === itemKey)
        : undefined;
    const input = { answer: values.answer ?? '', outcome: values.outcome ?? '', ...(mark ? { mark } : {}) };
    const result = await answerUnitAppeal(database, standards, appealId, input, actor, now);
    if (result.ok) return { redirect: '/staff/appeals/?saved=answered' };
    return failed(astro, values, result, '', '#answer');
  }
  return unreadable(400, { _: t('form.unreadable') }, '#lodge');
}
