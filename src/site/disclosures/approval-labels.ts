import { disclosureKinds, type DisclosureKind } from '../../domain/disclosures/kinds.ts';
import { powerListKind } from '../../domain/units/power-list.ts';
import { t } from '../../i18n/t.ts';

/** The labels of the approval step's lists (issue 12): the change a submission makes and its state. */
export const changeLabel: Readonly<Record<'publish' | 'correction' | 'withdrawal' | 'progress', string>> = {
  publish: t('approval.change.publish'),
  correction: t('approval.change.correction'),
  withdrawal: t('approval.change.withdrawal'),
  progress: t('approval.change.progress'),
};

export const stateLabel: Readonly<Record<'submitted' | 'approved' | 'rejected', string>> = {
  submitted: t('approval.state.submitted'),
  approved: t('approval.state.approved'),
  rejected: t('approval.state.rejected'),
};

/** A stored kind name as a `DisclosureKind` (the store keeps it as text), or undefined. */
export const asKind = (kind: string): DisclosureKind | undefined => disclosureKinds.find((k) => k === kind);

/** The kind's name (a disclosure kind or a unit's power list), or the stored text itself for a kind this build does not know. */
export const kindName = (kind: string): string => {
  if (kind === powerListKind) return t('powers.kindName');
  const k = asKind(kind);
  return k ? t(`disclosures.kind.${k}`) : kind;
};
