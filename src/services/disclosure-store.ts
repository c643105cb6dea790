import type { MessageKey } from '../i18n/t.ts';
import type { StoreRefusal } from '../db/disclosure-store-repo.ts';

/**
 * The disclosure store as the staff pages reach it (pages go through src/services, never src/db):
 * submissions and their refusals (src/db/disclosure-store-repo.ts).
 */
export { createSubmission, type StoreRefusal } from '../db/disclosure-store-repo.ts';

/** The zh-CN message of each refusal code the store returns. */
export const storeRefusalMessage: Readonly<Record<StoreRefusal['code'], MessageKey>> = {
  'store.disclosureId.inContent': 'sheets.page.store.disclosureId.inContent',
  'store.disclosureId.taken': 'sheets.page.store.disclosureId.taken',
  'store.disclosureId.unknown': 'sheets.page.store.disclosureId.unknown',
  'store.disclosureId.withdrawn': 'sheets.page.store.disclosureId.withdrawn',
  'store.reason.required': 'sheets.page.store.reason.required',
  'store.submission.unknown': 'sheets.page.store.submission.unknown',
  'store.submission.notPending': 'sheets.page.store.submission.notPending',
  'store.submission.ownSubmission': 'sheets.page.store.submission.ownSubmission',
  'store.submission.otherUnit': 'sheets.page.store.submission.otherUnit',
  'store.submission.invalidNow': 'sheets.page.store.submission.invalidNow',
};
