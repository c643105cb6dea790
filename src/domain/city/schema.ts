import { z } from 'zod';
import { NAME_MAX } from '../units/schema.ts';

/** A public telephone number as printed: digits with optional area-code dash, extension or spaces. */
const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{4,22}[0-9]$/);

/**
 * The city the site serves (content/city.yaml): every page, feed, open-data file, SMS and printed slip
 * names the city from here, never from code or messages (issue 17 "Settings as data").
 */
export const City = z.strictObject({
  /** The city's official name, e.g. the full name of a county-level city. */
  name: z.string().trim().min(2).max(NAME_MAX),
  /** The short name used in the site's name and the SMS signature. */
  shortName: z.string().trim().min(1).max(20),
  /** The discipline inspection and supervision commission that runs the programme (jiwei jianwei). */
  commission: z.strictObject({
    name: z.string().trim().min(2).max(NAME_MAX),
    /** The public contact of the commission's office (shown in every footer). */
    address: z.string().trim().min(4).max(120),
    phone: Phone,
  }),
  /** Who operates the site (the footer's host line), as printed in the footer and as the open-data publisher. */
  operator: z.string().trim().min(2).max(NAME_MAX),
  /**
   * Optional logo shown in the header: a path under public/ (served as is), SVG or PNG. The file's
   * existence is checked where the file system is (src/content/files.ts readCity).
   */
  logo: z
    .string()
    .regex(/^\/(?:[a-z0-9_-]+\/)*[a-z0-9_-]+\.(?:svg|png)$/)
    .optional(),
  /** True for a fictional city (the demo): names and contact are labelled as invented wherever shown. */
  fictional: z.boolean().default(false),
});
export type City = z.infer<typeof City>;
