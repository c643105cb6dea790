import { z } from 'zod';
import { YearMonth, YearQuarter } from '../calendar/dates.ts';

/** The six carriers of the programme (GLOSSARY: carrier). */
export const carriers = ['agency', 'school', 'village', 'enterprise', 'hospital', 'family'] as const;
export type Carrier = (typeof carriers)[number];

/**
 * Carriers that have individual public unit pages. Families are only ever shown as aggregate
 * figures (DOMAIN.md programme summary; PIPL art. 25): a household is never a public page.
 */
export const unitCarriers = ['agency', 'school', 'village', 'enterprise', 'hospital'] as const;
export type UnitCarrier = (typeof unitCarriers)[number];

export const NAME_MAX = 60;

/** Ids appear in permalinks, so they are short lowercase ASCII slugs that never change. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'units.slug.invalid')
  .max(64, 'units.slug.tooLong');

/** A township or street office. */
export const Township = z.strictObject({
  /** Permanent slug used in filter URLs, e.g. `xixi`. */
  id: Slug,
  /** Official name as printed on notices. */
  name: z.string().trim().min(2).max(NAME_MAX),
  /** Display order on filters. */
  order: z.number().int().min(0).default(0),
});
export type Township = z.infer<typeof Township>;

/**
 * One entry of a unit's power list (GLOSSARY: powerList): what the power is, who decides, the steps it
 * follows and where its exercise is disclosed.
 */
export const Power = z.strictObject({
  /** The power, e.g. uniform procurement. */
  title: z.string().trim().min(2).max(80),
  /** Who decides (a body or post, never a person's name or phone), e.g. school council + parents' committee. */
  decidedBy: z.string().trim().min(2).max(80),
  /** The procedure in order. */
  steps: z.array(z.string().trim().min(2).max(120)).min(1).max(20),
  /** Where the exercise of the power is disclosed, e.g. the notice board and this site. */
  disclosedAt: z.string().trim().min(2).max(80),
});
export type Power = z.infer<typeof Power>;

/** A unit evaluated under the programme (everything but families). */
export const Unit = z
  .strictObject({
    /** Permanent slug; the file name without extension is used when absent. */
    id: Slug.optional(),
    /** Full official name. */
    name: z.string().trim().min(2).max(NAME_MAX),
    /** Which carrier the unit is evaluated as. */
    carrier: z.enum(unitCarriers),
    /** The township id (see content/townships). */
    township: Slug,
    /** The lead department (GLOSSARY: leadDepartment) responsible for the carrier. */
    leadDepartment: z.string().trim().min(2).max(NAME_MAX),
    /** A short public description (no personal data). */
    summary: z.string().trim().max(400).optional(),
    /** The unit's power list. */
    powers: z.array(Power).max(60).default([]),
    /** True for the fictional demo city (demo data). */
    demo: z.boolean().default(false),
    /**
     * The first period of each periodic disclosure the unit owes (src/domain/disclosures/README.md, "What is due"):
     * a school with a canteen owes monthly canteen accounts, a village its quarterly three-asset ledger. Absent: the
     * unit owes from its first filed period, and a unit that never filed is not known to owe the kind.
     */
    dueFrom: z
      .strictObject({
        /** The first month of canteen accounts owed (`2025-09`); schools with a canteen only. */
        canteenAccount: YearMonth.optional(),
        /** The first quarter of the three-asset ledger owed (`2026-Q1`); villages only. */
        collectiveAssets: YearQuarter.optional(),
      })
      .optional(),
  })
  .superRefine((u, ctx) => {
    // The carrier that publishes each periodic kind (src/domain/disclosures/kinds.ts, kindCarriers).
    const owner = { canteenAccount: 'school', collectiveAssets: 'village' } as const;
    for (const kind of ['canteenAccount', 'collectiveAssets'] as const) {
      if (u.dueFrom?.[kind] !== undefined && u.carrier !== owner[kind])
        ctx.addIssue({ code: 'custom', path: ['dueFrom', kind], message: 'units.dueFrom.notForCarrier' });
    }
  });
export type Unit = z.infer<typeof Unit>;

/** Yearly aggregate of family-carrier activity for one township: families are never listed one by one. */
export const FamilyAggregate = z
  .strictObject({
    /** Row id, e.g. `xixi-2025`. */
    id: Slug.optional(),
    township: Slug,
    year: z.number().int().min(2000).max(2100),
    /** Households that took part that year. */
    households: z.number().int().min(0),
    /** Households recognised that year. */
    recognised: z.number().int().min(0),
    demo: z.boolean().default(false),
  })
  .refine((a) => a.recognised <= a.households, {
    error: 'families.recognised.exceedsHouseholds',
    path: ['recognised'],
  });
export type FamilyAggregate = z.infer<typeof FamilyAggregate>;
