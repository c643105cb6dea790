import { z } from 'zod';
import { DocumentLink, Fen, IsoDate, Line, disclosureBase } from '../common.ts';

/** The longest text of a matter, in characters, and the most paragraphs it may have. */
export const MATTER_TEXT_MAX = 4000;
export const MATTER_PARAGRAPHS_MAX = 30;

/** A matter's text as paragraphs: one per non-empty line (a blank line or a line break starts the next). */
export const paragraphsOf = (text: string): string[] =>
  text
    .split(/\r\n|\r|\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');

/**
 * The text of a matter: what was decided, for whom, on what grounds. Bounded in length and in paragraphs, so a
 * notice stays a notice (a long attachment is a document, not text).
 */
export const MatterText = z
  .string()
  .trim()
  .min(1, 'disclosures.text.empty')
  .max(MATTER_TEXT_MAX, 'disclosures.text.tooLong')
  .refine((s) => paragraphsOf(s).length <= MATTER_PARAGRAPHS_MAX, 'disclosures.matter.tooManyParagraphs');

/**
 * A general matter disclosure: one exercise of a power on the unit's power list, published
 * by any unit carrier — an agency's licence decision, an enterprise's tender, a hospital's drug and consumables
 * purchase, a school's admissions or seating rules, a village's other small powers.
 */
export const Matter = z.strictObject({
  ...disclosureBase,
  /** The power-list item (its title, exactly as in the unit's `powers`) this matter is an exercise of. */
  power: Line(80),
  /** Notice title, e.g. "2026 autumn admissions plan". */
  title: Line(80),
  /** The day the matter was decided. */
  decidedOn: IsoDate,
  /** The publicity window: its first day, and its last day when it has one (inclusive). */
  publicity: z.strictObject({ start: IsoDate, end: IsoDate.optional() }),
  /** The amount involved, in fen, when the matter has one. */
  amountFen: Fen.optional(),
  /** The text, one paragraph per line. */
  text: MatterText,
  /** Documents that back the matter (title, optional link and date). */
  documents: z.array(DocumentLink).max(30).default([]),
});
export type Matter = z.infer<typeof Matter>;
