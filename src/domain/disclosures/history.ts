import { z } from 'zod';
import { IsoDate } from '../calendar/dates.ts';
import { Slug } from '../units/schema.ts';
import { DisclosureAttachment } from './attachments.ts';
import { disclosureKinds } from './kinds.ts';

/**
 * The public history of a disclosure kept in the disclosure store (issue 12): every approved version with
 * its change (first publication, correction, withdrawal, or progress: a 4+2 record's next stage, which is not a
 * correction and never makes the page say corrected), when it was approved, the reason (already passed
 * through the identifier detector: a reason that carries an identifier comes out masked) and the labels of
 * the fields that changed from the version before. Disclosures from content/ have no history entry.
 */
export const disclosureChanges = ['publish', 'correction', 'withdrawal', 'progress'] as const;
export type DisclosureChange = (typeof disclosureChanges)[number];

export const HistoryVersion = z.strictObject({
  version: z.number().int().min(1),
  change: z.enum(disclosureChanges),
  /** The approval's instant (ISO 8601, UTC). */
  approvedAt: z.iso.datetime(),
  /** The approval's date in Beijing. */
  approvedOn: IsoDate,
  reason: z.string().nullable(),
  /** Where each changed field sits in the template (sheet, row, column); empty for a publication or a withdrawal. */
  changedFields: z.array(z.string()),
  /** The village supervisory committee's review date and opinion (DOMAIN.md §2.3), for village affairs kinds; null otherwise. */
  supervision: z.strictObject({ reviewedOn: IsoDate, opinion: z.string() }).nullable(),
});
export type HistoryVersion = z.infer<typeof HistoryVersion>;

export const DisclosureHistory = z.strictObject({
  kind: z.enum(disclosureKinds),
  unit: Slug,
  /** Oldest first; the last one is the current state. */
  versions: z.array(HistoryVersion).min(1),
  /** The files in force (`attachmentsInForce`: none once withdrawn), listed on the page and in the open data. */
  attachments: z.array(DisclosureAttachment),
});
export type DisclosureHistory = z.infer<typeof DisclosureHistory>;

/** The version in force (the last approved one). */
export const currentVersion = (h: DisclosureHistory): HistoryVersion => h.versions[h.versions.length - 1]!;

/** A withdrawn disclosure: its last version is a withdrawal. */
export const isWithdrawn = (h: DisclosureHistory): boolean => currentVersion(h).change === 'withdrawal';

/** A corrected disclosure: still published, with at least one correction approved after its publication. */
export const isCorrected = (h: DisclosureHistory): boolean =>
  !isWithdrawn(h) && h.versions.some((v) => v.change === 'correction');

/** The last correction of a disclosure (what its corrected note dates), or undefined. */
export const lastCorrection = (h: DisclosureHistory): HistoryVersion | undefined =>
  h.versions.findLast((v) => v.change === 'correction');

/** A stored record that progressed after its publication (a 4+2 record's later stages), still published. */
export const hasProgress = (h: DisclosureHistory): boolean =>
  !isWithdrawn(h) && h.versions.some((v) => v.change === 'progress');
