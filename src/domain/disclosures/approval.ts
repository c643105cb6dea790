import { z } from 'zod';
import { findIdentifiers } from '../privacy/identifiers.ts';
import { plainText } from '../text/safety.ts';
import type { DisclosureKind } from './kinds.ts';

/**
 * The approval step of a stored disclosure (issue 12): what staff type when they approve, return, correct
 * or withdraw one. Everything typed here is shown to other staff and, for corrections, withdrawals and the
 * committee's opinion, to the public: the one identifier detector (domain/privacy) refuses an ID, phone or
 * bank number in it, with a code naming the field.
 */

export const REASON_MAX = 500;
export const OPINION_MAX = 200;

/**
 * The village affairs kinds (village affairs): their approval is the village supervisory committee's review-and-seal step (DOMAIN.md §2.3), so
 * it records the committee's review date and opinion.
 */
export const villageAffairsKinds: readonly DisclosureKind[] = ['decision', 'collectiveAssets'];

export const needsSupervision = (kind: string): boolean => (villageAffairsKinds as readonly string[]).includes(kind);

const noIdentifier = (s: string) => findIdentifiers(s).length === 0;

/** A reason typed by staff: a rejection's, a correction's or a withdrawal's. */
export const StaffReason = plainText(
  { required: 'approval.reason.required', tooLong: 'approval.reason.tooLong' },
  1,
  REASON_MAX,
).refine(noIdentifier, 'approval.reason.identifier');

export const Rejection = z.strictObject({ reason: StaffReason });

/**
 * The committee's review as the approver records it: the date of the review (not after today in Beijing)
 * and its opinion (e.g. "agreed to publish").
 */
export function supervisionReview(today: string) {
  return z.strictObject({
    reviewedOn: z
      .string('approval.reviewedOn.required')
      .trim()
      .min(1, 'approval.reviewedOn.required')
      .pipe(z.iso.date('approval.reviewedOn.invalid'))
      // Only a well-formed date is compared (a malformed one has its own message already).
      .refine((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || d <= today, 'approval.reviewedOn.future'),
    opinion: plainText(
      { required: 'approval.opinion.required', tooLong: 'approval.opinion.tooLong' },
      1,
      OPINION_MAX,
    ).refine(noIdentifier, 'approval.opinion.identifier'),
  });
}
