import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, load } from 'js-yaml';
import type { Database } from '../../src/db/client.ts';
import { approveSubmission, createSubmission, scrubExpiredAidNames } from '../../src/db/disclosure-store-repo.ts';
import type { DisclosureKind } from '../../src/domain/disclosures/kinds.ts';
import { readDisclosureFiles } from '../../src/content/files.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A record of content/ as the YAML reader gives it (`path` under content/), to derive stored records from. */
export const contentRecord = (path: string): Record<string, unknown> =>
  load(readFileSync(join(ROOT, 'content', path), 'utf8'), { schema: CORE_SCHEMA }) as Record<string, unknown>;

/** The ids of every disclosure file in content/ (what the staff page passes as `contentIds`). */
export const contentIds = (): ReadonlySet<string> =>
  new Set(
    Object.values(readDisclosureFiles())
      .flat()
      .map((f) => f.id),
  );

export type Step =
  | { change: 'publish'; kind: DisclosureKind; id: string; data: Record<string, unknown>; at: Date }
  /** A 4+2 record's next stage (the plain form's submission): a new version that is not a correction. */
  | { change: 'progress'; kind: 'decision'; id: string; data: Record<string, unknown>; at: Date }
  | {
      change: 'correction';
      kind: DisclosureKind;
      id: string;
      data: Record<string, unknown>;
      reason: string;
      at: Date;
      /** The village supervisory committee's review, when this approval is its sign-off. */
      supervision?: { reviewedOn: string; opinion: string };
    }
  | { change: 'withdrawal'; kind: DisclosureKind; id: string; unit: string; reason: string; at: Date };

/**
 * Runs each step through the store as the staff pages do: a publisher's submission, then another account's
 * approval (the version, the audit row and the build request in one batch). The re-check is the caller's
 * concern here: every record given is valid with content/.
 */
export async function approveSteps(database: Database, steps: readonly Step[]): Promise<void> {
  const ids = contentIds();
  for (const s of steps) {
    const unitId = s.change === 'withdrawal' ? s.unit : String(s.data.unit);
    const submitted = await createSubmission(
      database,
      {
        kind: s.kind,
        unitId,
        disclosureId: s.id,
        change: s.change,
        data: s.change === 'withdrawal' ? null : s.data,
        sourceFileName: s.change === 'withdrawal' ? null : `${s.id}.xlsx`,
        reason: s.change === 'publish' || s.change === 'progress' ? null : s.reason,
        submittedBy: 'staff:publisher-test',
        at: s.at,
      },
      ids,
    );
    if (!submitted.ok) throw new Error(`${s.id}: ${submitted.code}`);
    const approved = await approveSubmission(
      database,
      {
        submissionId: submitted.id,
        approver: 'staff:approver-test',
        approverUnits: [unitId],
        at: s.at,
        ...(s.change === 'correction' && s.supervision ? { supervision: s.supervision } : {}),
      },
      () => Promise.resolve([]),
    );
    if (!approved.ok) throw new Error(`${s.id}: ${approved.code}`);
  }
}

/** The store's scrub of an aid list whose window has ended (the caller knows it has). */
export const scrubAid = (database: Database, id: string, at: Date) =>
  scrubExpiredAidNames(database, id, () => true, at, 'system:test');
