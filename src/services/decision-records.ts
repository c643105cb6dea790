import type { Database } from '../db/client.ts';
import { hasPendingSubmission, latestVersion, listStoredOfUnits } from '../db/disclosure-store-repo.ts';
import { Decision } from '../domain/disclosures/decision/schema.ts';

/**
 * The stored 4+2 records a village clerk carries forward stage by stage (issue 12, the plain HTML form): the
 * records in force of their units, and one of them with whether a submission for it already awaits approval
 * (a second next stage would be drafted from a stale record).
 */

export interface StoredDecision {
  disclosureId: string;
  unitId: string;
  version: number;
  data: Decision;
  pending: boolean;
}

/** The records in force (latest approved version, not withdrawn) of the clerk's units, by permalink. */
export async function storedDecisions(database: Database, unitIds: readonly string[]): Promise<StoredDecision[]> {
  const latest = (await listStoredOfUnits(database, unitIds)).filter(
    (v) => v.kind === 'decision' && v.change !== 'withdrawal',
  );
  const out: StoredDecision[] = [];
  for (const v of latest) {
    // A stored record that no longer parses (a rule changed) cannot be carried forward here.
    const parsed = Decision.safeParse(v.data);
    if (!parsed.success) continue;
    out.push({
      disclosureId: v.disclosureId,
      unitId: v.unitId,
      version: v.version,
      data: parsed.data,
      pending: await hasPendingSubmission(database, v.disclosureId),
    });
  }
  return out;
}

/** One record in force of the clerk's units, or undefined (unknown, another unit's, withdrawn, not a decision). */
export async function storedDecision(
  database: Database,
  disclosureId: string,
  unitIds: readonly string[],
): Promise<StoredDecision | undefined> {
  const v = await latestVersion(database, disclosureId);
  if (!v || v.kind !== 'decision' || v.change === 'withdrawal' || !unitIds.includes(v.unitId)) return undefined;
  const parsed = Decision.safeParse(v.data);
  if (!parsed.success) return undefined;
  return {
    disclosureId: v.disclosureId,
    unitId: v.unitId,
    version: v.version,
    data: parsed.data,
    pending: await hasPendingSubmission(database, v.disclosureId),
  };
}
