import { z } from 'zod';
import { findIdentifiers } from '../privacy/identifiers.ts';
import { issueProblem, type IssueProblem } from '../text/issues.ts';
import { Power, Slug } from './schema.ts';

/**
 * A unit's power list kept in the disclosure store (issue 12 "Every carrier publishes"): the unit's publisher
 * submits the whole list, the unit's head approves it like a disclosure, and the approved version replaces the
 * `powers` of the unit's file in content/units when the site is built. It is a store kind of its own, not a
 * disclosure collection (src/domain/disclosures/kinds.ts lists those): no list pages, no open data.
 */
export const powerListKind = 'powerList';

/** The store's permalink slug of a unit's power list: one series of versions per unit. */
export const powerListId = (unitId: string): string => `powers-${unitId}`;

/** As many entries as a unit file may list (src/domain/units/schema.ts, `Unit.powers`). */
export const POWERS_MAX = 60;

const textFields = ['title', 'decidedBy', 'disclosedAt'] as const;

/**
 * One entry as a publisher submits it: exactly the content schema (`Power`), and no identifier (a phone, an ID
 * or a bank number found by the one detector) in any of its texts: `decidedBy` names a body or a post, never a
 * person's contact.
 */
const CheckedPower = Power.superRefine((p, ctx) => {
  for (const field of textFields)
    if (findIdentifiers(p[field]).length > 0)
      ctx.addIssue({ code: 'custom', path: [field], message: 'powers.field.identifier' });
  p.steps.forEach((s, i) => {
    if (findIdentifiers(s).length > 0)
      ctx.addIssue({ code: 'custom', path: ['steps', i], message: 'powers.field.identifier' });
  });
});

/**
 * The stored record of a power list: the unit and its entries, titles unique within the list (a matter
 * disclosure names the power it belongs to by its title).
 */
export const PowerListRecord = z
  .strictObject({
    unit: Slug,
    powers: z.array(CheckedPower).max(POWERS_MAX),
  })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.powers.forEach((p, i) => {
      if (seen.has(p.title))
        ctx.addIssue({ code: 'custom', path: ['powers', i, 'title'], message: 'powers.title.duplicate' });
      seen.add(p.title);
    });
  });
export type PowerListRecord = z.infer<typeof PowerListRecord>;

/** A record checked by the build's rules: the parsed list, or every problem (path, message key, values). */
export function checkPowerList(
  raw: unknown,
): { ok: true; data: PowerListRecord } | { ok: false; problems: IssueProblem[] } {
  const r = PowerListRecord.safeParse(raw);
  return r.success ? { ok: true, data: r.data } : { ok: false, problems: r.error.issues.map(issueProblem) };
}

export interface PowerChanges {
  added: Power[];
  changed: { before: Power; after: Power }[];
  removed: Power[];
}

const same = (a: Power, b: Power): boolean =>
  a.decidedBy === b.decidedBy &&
  a.disclosedAt === b.disclosedAt &&
  a.steps.length === b.steps.length &&
  a.steps.every((s, i) => s === b.steps[i]);

/**
 * What a new list changes against the one in force, entry by entry, matched by title (the title is how
 * other records name a power): a renamed entry is one removed and one added.
 */
export function powerChanges(before: readonly Power[], after: readonly Power[]): PowerChanges {
  const old = new Map(before.map((p) => [p.title, p]));
  const now = new Set(after.map((p) => p.title));
  const out: PowerChanges = { added: [], changed: [], removed: [] };
  for (const p of after) {
    const was = old.get(p.title);
    if (!was) out.added.push(p);
    else if (!same(was, p)) out.changed.push({ before: was, after: p });
  }
  for (const p of before) if (!now.has(p.title)) out.removed.push(p);
  return out;
}

export const hasChanges = (c: PowerChanges): boolean => c.added.length + c.changed.length + c.removed.length > 0;

/**
 * The public history of a unit's stored power list: every approved version with its date, its reason
 * (masked by the identifier detector) and the titles it added, changed and removed.
 */
export const PowerListVersion = z.strictObject({
  version: z.number().int().min(1),
  /** The approval's date in Beijing. */
  approvedOn: z.iso.date(),
  reason: z.string().nullable(),
  added: z.array(z.string()),
  changed: z.array(z.string()),
  removed: z.array(z.string()),
});
export type PowerListVersion = z.infer<typeof PowerListVersion>;

export const PowerListHistory = z.strictObject({
  unit: Slug,
  /** Oldest first; the last one is in force. */
  versions: z.array(PowerListVersion).min(1),
});
export type PowerListHistory = z.infer<typeof PowerListHistory>;
