import { unitCarriers, type UnitCarrier } from '../units/schema.ts';

/**
 * The disclosure collections (GLOSSARY: procurement, canteenAccount, studentAid, collectiveAssets, decision; matter:
 * the general matter disclosure of any unit's power list).
 */
export const disclosureKinds = [
  'procurement',
  'canteenAccount',
  'studentAid',
  'collectiveAssets',
  'decision',
  'matter',
] as const;
export type DisclosureKind = (typeof disclosureKinds)[number];

/** URL and folder slug of each kind: content/<slug>/, /disclosures/<slug>/, /data/<slug>.json. */
export const kindSlugs: Record<DisclosureKind, string> = {
  procurement: 'procurements',
  canteenAccount: 'canteen-accounts',
  studentAid: 'student-aid',
  collectiveAssets: 'collective-assets',
  decision: 'decisions',
  matter: 'matters',
};

/**
 * Which carriers publish each kind: the school and village kinds have one carrier each; a matter is
 * published by every unit carrier, for any item of its power list.
 */
export const kindCarriers: Record<DisclosureKind, readonly UnitCarrier[]> = {
  procurement: ['school'],
  canteenAccount: ['school'],
  studentAid: ['school'],
  collectiveAssets: ['village'],
  decision: ['village'],
  matter: unitCarriers,
};

/** Whether units of a carrier publish a kind. */
export const publishesKind = (kind: DisclosureKind, carrier: string): boolean =>
  (kindCarriers[kind] as readonly string[]).includes(carrier);

/** Every carrier that publishes some kind, in the order of `unitCarriers` (filters, prerendered lists). */
export const publishingCarriers: readonly UnitCarrier[] = unitCarriers.filter((c) =>
  disclosureKinds.some((k) => publishesKind(k, c)),
);

/** The permalink path of a disclosure, whatever its source. */
export const permalink = (kind: DisclosureKind, id: string): string => `/disclosures/${kindSlugs[kind]}/${id}/`;
