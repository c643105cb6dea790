import type { UnitCarrier } from '../units/schema.ts';

/** The disclosure collections (GLOSSARY: procurement, canteenAccount, studentAid, collectiveAssets, decision). */
export const disclosureKinds = ['procurement', 'canteenAccount', 'studentAid', 'collectiveAssets', 'decision'] as const;
export type DisclosureKind = (typeof disclosureKinds)[number];

/** URL and folder slug of each kind: content/<slug>/, /disclosures/<slug>/, /data/<slug>.json. */
export const kindSlugs: Record<DisclosureKind, string> = {
  procurement: 'procurements',
  canteenAccount: 'canteen-accounts',
  studentAid: 'student-aid',
  collectiveAssets: 'collective-assets',
  decision: 'decisions',
};

/** Which carrier publishes each kind. */
export const kindCarriers: Record<DisclosureKind, UnitCarrier> = {
  procurement: 'school',
  canteenAccount: 'school',
  studentAid: 'school',
  collectiveAssets: 'village',
  decision: 'village',
};

/** The permalink path of a disclosure, whatever its source. */
export const permalink = (kind: DisclosureKind, id: string): string => `/disclosures/${kindSlugs[kind]}/${id}/`;
