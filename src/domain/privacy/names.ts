import { z } from 'zod';

/**
 * Names of natural persons on public notices are masked to the surname (DOMAIN.md §7.3 portal
 * defaults): one or two Han characters followed by one to three asterisks, e.g. `Zhang*` written
 * with the Han surname. Full-width asterisks are accepted because clerks type them.
 */
const MASKED_NAME = /^\p{Script=Han}{1,2}[*\uFF0A]{1,3}$/u;

export function isMaskedName(value: string): boolean {
  return MASKED_NAME.test(value);
}

/**
 * Mask a full name the portal's way: keep the surname (two characters for a known compound
 * surname) and replace every other character with one asterisk.
 */
export function maskName(fullName: string, compoundSurnames: readonly string[] = []): string {
  // Code points, so that a character outside the BMP counts as one.
  const name = Array.from(fullName.trim());
  const keep = compoundSurnames.some((s) => fullName.startsWith(s)) ? 2 : 1;
  return name.slice(0, keep).join('') + '*'.repeat(Math.max(1, Math.min(3, name.length - keep)));
}

/** A person's name as it may appear on a notice: masked, never in full. */
export const MaskedName = z.string().trim().refine(isMaskedName, 'disclosures.name.notMasked');
