import { problem, type Problem } from '../common.ts';
import type { PublicityStatus } from '../publicity.ts';
import type { Matter } from './schema.ts';

/**
 * Validity rules of a matter (src/domain/disclosures/README.md): the power it names must be on its unit's power list,
 * and its publicity cannot end before it starts. A matter has no compliance checks: what it discloses is judged by
 * the reader (and by the scoring's timeliness), not by a rule of the portal.
 */

/** The matter's power is an item of its unit's power list (the title exactly as listed). */
export function checkPower(m: Pick<Matter, 'power'>, powers: readonly { title: string }[] | undefined): Problem[] {
  const titles = (powers ?? []).map((p) => p.title);
  if (titles.includes(m.power)) return [];
  return titles.length === 0
    ? [problem(['power'], 'disclosures.matter.noPowers', { power: m.power })]
    : [problem(['power'], 'disclosures.matter.unknownPower', { power: m.power, powers: titles.join('\u3001') })];
}

/** The publicity ends on or after its first day. */
export function validateMatter(m: Matter): Problem[] {
  return m.publicity.end !== undefined && m.publicity.end < m.publicity.start
    ? [problem(['publicity', 'end'], 'disclosures.publicity.endBeforeStart')]
    : [];
}

/** Where a matter's publicity stands on `today`: a window without an end stays active once it has started. */
export function matterPublicity(m: Pick<Matter, 'publicity'>, today: string): PublicityStatus {
  if (today < m.publicity.start) return 'upcoming';
  if (m.publicity.end !== undefined && today > m.publicity.end) return 'ended';
  return 'active';
}

/** The facts lists, feeds and exports show of a matter: its year and sort key (the decision date), title, status. */
export function matterFacts(m: Matter, today: string) {
  return {
    year: Number(m.decidedOn.slice(0, 4)),
    sortKey: m.decidedOn,
    title: m.title,
    publicity: matterPublicity(m, today),
  };
}
