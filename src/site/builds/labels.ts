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

type BuildState = keyof typeof states;

export const buildReasonLabel = (reason: string): string =>
  reason in reasons ? reasons[reason as keyof typeof reasons]() : reason;

export const buildStateLabel = (state: BuildState): string => states[state]();

/** The steps of the progress page: queued, building, then live or failed; which are done and which is current. */
export function buildSteps(state: BuildState): { state: BuildState; done: boolean; current: boolean }[] {
  const order: BuildState[] = ['queued', 'building', state === 'failed' ? 'failed' : 'live'];
  const at = order.indexOf(state);
  return order.map((s, i) => ({
    state: s,
    done: i < at || (i === at && (s === 'live' || s === 'failed')),
    current: i === at,
  }));
}
