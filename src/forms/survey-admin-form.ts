import type { AstroGlobal } from 'astro';
import { t } from '../i18n/t.ts';
import type { StandardSummary } from '../domain/surveys/lifecycle.ts';
import type { ChannelContext } from '../services/context.ts';
import type { Failure } from '../services/outcome.ts';
import { advanceSurvey, createSurvey, issueBatch } from '../services/survey-admin.ts';
import { formToInput, readForm } from './read.ts';
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
 * The survey console's forms (admin; the guard and CSRF checks ran before this). The create form:
 * `carrier`, `unitIds` (repeated checkbox, none = every unit), `year`, `periodLabel`, `opensOn`, `closesOn`;
 * the survey page: `action` = `batch` (with `unitId`, `size`, `label`), `close` or `publish`.
 */
export interface SurveyFormState {
  values: Record<string, string>;
  unitIds: string[];
  errors: Record<string, string>;
  summary: SummaryItem[];
  status: number;
  /** Where to go after a successful post (post/redirect/get). */
  redirect: string | null;
}

export const CREATE_ORDER = ['carrier', 'unitIds', 'year', 'periodLabel', 'opensOn', 'closesOn'];
export const BATCH_ORDER = ['unitId', 'size', 'label'];

const empty = (): SurveyFormState => ({
  values: {},
  unitIds: [],
  errors: {},
  summary: [],
  status: 200,
  redirect: null,
});

function labels(): Record<string, string> {
  return {
    carrier: t('staff.surveys.carrier'),
    unitIds: t('staff.surveys.units'),
    year: t('staff.surveys.year'),
    periodLabel: t('staff.surveys.periodLabel'),
    opensOn: t('staff.surveys.opensOn'),
    closesOn: t('staff.surveys.closesOn'),
    unitId: t('staff.surveys.batchUnit'),
    size: t('staff.surveys.batchSize'),
    label: t('staff.surveys.batchLabel'),
  };
}

function failed(
  astro: Pick<AstroGlobal, 'response'>,
  state: SurveyFormState,
  f: Failure,
  order: string[],
): SurveyFormState {
  const errors = namedMessages(messagesFor(failureErrors(astro, f)), labels());
  return { ...state, errors, summary: summaryOf(errors, order, '#main'), status: formStatus[f.code] };
}

async function read(astro: AstroGlobal) {
  const r = await readForm(astro.request);
  if (!r.ok) return null;
  const input = formToInput(r.entries);
  const values = Object.fromEntries(
    Object.entries(input).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '_csrf'),
  );
  const unitIds = r.entries.filter(([k, v]) => k === 'unitIds' && v !== '').map(([, v]) => v);
  return { values, unitIds };
}

const unreadable = (state: SurveyFormState): SurveyFormState => {
  const errors = readErrors({ ok: false, status: 400 });
  return { ...state, status: 400, errors, summary: summaryOf(errors, [], '#main') };
};

export async function handleCreateSurvey(
  astro: AstroGlobal,
  ctx: ChannelContext,
  standards: readonly StandardSummary[],
  actor: string,
): Promise<SurveyFormState> {
  const state = empty();
  if (astro.request.method !== 'POST') return state;
  const r = await read(astro);
  if (!r) return unreadable(state);
  const { carrier, year, periodLabel, opensOn, closesOn } = r.values;
  const created = await createSurvey(
    ctx,
    { carrier, year, periodLabel, opensOn, closesOn, unitIds: r.unitIds },
    standards,
    actor,
  );
  const values = Object.fromEntries(
    Object.entries({ carrier, year, periodLabel, opensOn, closesOn }).filter(
      (e): e is [string, string] => e[1] !== undefined,
    ),
  );
  if (!created.ok) return failed(astro, { ...state, values, unitIds: r.unitIds }, created, CREATE_ORDER);
  return { ...state, redirect: `/staff/surveys/${created.id}/` };
}

export async function handleSurveyAction(
  astro: AstroGlobal,
  ctx: ChannelContext,
  surveyId: string,
  actor: string,
): Promise<SurveyFormState> {
  const state = empty();
  if (astro.request.method !== 'POST') return state;
  const r = await read(astro);
  if (!r) return unreadable(state);
  const here = `/staff/surveys/${surveyId}/`;
  switch (r.values.action) {
    case 'batch': {
      const { unitId, size, label } = r.values;
      const issued = await issueBatch(ctx, surveyId, { unitId, size, label }, actor);
      const values = Object.fromEntries(
        Object.entries({ unitId, size, label }).filter((e): e is [string, string] => e[1] !== undefined),
      );
      if (!issued.ok) return failed(astro, { ...state, values }, issued, BATCH_ORDER);
      return { ...state, redirect: `${here}?issued=${issued.size}` };
    }
    case 'close':
    case 'publish': {
      const done = await advanceSurvey(ctx, surveyId, r.values.action, actor);
      if (!done.ok) return failed(astro, state, done, []);
      return { ...state, redirect: `${here}?done=${r.values.action}` };
    }
    case undefined:
    default:
      return unreadable(state);
  }
}
