import { t } from '../../i18n/t.ts';

/** Labels of the rebuild console (src/pages/staff/builds/): every key written out, none built from a template. */
const reasons = {
  approval: () => t('staff.builds.reason.approval'),
  correction: () => t('staff.builds.reason.correction'),
  withdrawal: () => t('staff.builds.reason.withdrawal'),
  nightly: () => t('staff.builds.reason.nightly'),
  manual: () => t('staff.builds.reason.manual'),
} as const;

const states = {
  queued: () => t('staff.builds.state.queued'),
  building: () => t('staff.builds.state.building'),
  live: () => t('staff.builds.state.live'),
  failed: () => t('staff.builds.state.failed'),
} as const;

/** The search index step after the pages went live (site_builds.index_state). */
const indexStates = {
  pending: () => t('staff.builds.index.pending'),
  live: () => t('staff.builds.index.live'),
  failed: () => t('staff.builds.index.failed'),
} as const;

type BuildState = keyof typeof states;
type IndexState = keyof typeof indexStates;

export const buildReasonLabel = (reason: string): string =>
  reason in reasons ? reasons[reason as keyof typeof reasons]() : reason;

export const buildStateLabel = (state: BuildState): string => states[state]();

export const indexStateLabel = (state: IndexState): string => indexStates[state]();

/**
 * Whether the progress page is finished (it stops refreshing itself): the build failed, or it is live and its search
 * index step (when it has one) is no longer pending.
 */
export const buildFinished = (state: BuildState, indexState: IndexState | null): boolean =>
  state === 'failed' || (state === 'live' && indexState !== 'pending');

export interface BuildStep {
  /** `queued`, `building`, `live`, `failed`, or `index` (the search index step). */
  step: BuildState | 'index';
  label: string;
  done: boolean;
  current: boolean;
}

/**
 * The steps of the progress page: queued, building, then live or failed; after live, the search index step when the
 * build left its index out (no index state: the index was part of the build, no step of its own). Which are done and
 * which is current.
 */
export function buildSteps(state: BuildState, indexState: IndexState | null = null): BuildStep[] {
  const order: BuildState[] = ['queued', 'building', state === 'failed' ? 'failed' : 'live'];
  const at = order.indexOf(state);
  const withIndex = state === 'live' && indexState !== null;
  const steps: BuildStep[] = order.map((s, i) => ({
    step: s,
    label: buildStateLabel(s),
    done: i < at || (i === at && (s === 'live' || s === 'failed')),
    current: i === at && !withIndex,
  }));
  if (withIndex)
    steps.push({ step: 'index', label: indexStateLabel(indexState), done: indexState !== 'pending', current: true });
  return steps;
}
