import type { Client } from '@libsql/client';
import { nativeReader, type NativeReader } from './statement-cache.ts';

/**
 * Which cached public areas each table feeds (the response cache, src/lib/response-cache.ts).
 *
 * Every table in src/db/schema.ts is either in TABLE_AREAS (its rows reach public pages: a trigger of
 * migration 0008_data_versions bumps its row of `data_versions` on every INSERT, UPDATE and DELETE) or in
 * NON_PUBLIC_TABLES (nothing public reads it). `tests/unit/data-versions.test.ts` fails for a table in
 * neither, and `tests/integration/data-versions.test.ts` for a mapped table without its three triggers:
 * a table added later must be placed here, with its triggers in its migration, before anything ships.
 *
 * An area's version is the sum of its tables' versions (each only grows), so a commit to any of them
 * changes it. A cached read records the versions of the areas its route declares
 * (src/lib/cache-routes.ts) before it renders; a later commit to one of them makes it stale.
 */
export const AREAS = ['units', 'feedback', 'surveys', 'scoring', 'consultation', 'audit'] as const;
export type Area = (typeof AREAS)[number];

export const TABLE_AREAS: Readonly<Record<string, readonly Area[]>> = {
  townships: ['units'],
  units: ['units'],
  feedback_items: ['feedback'],
  // Reply-timeliness counters kept by triggers on feedback_items (migration 0012_scoring_aggregates).
  reply_tallies: ['feedback'],
  feedback_redactions: ['feedback'],
  // Staff notes are not shown publicly today; mapped so that a public use later cannot go stale.
  feedback_notes: ['feedback'],
  // Public notes of an item's events appear in its public timeline; checkpoints at /data/.
  audit_events: ['feedback', 'audit'],
  audit_checkpoints: ['audit'],
  surveys: ['surveys'],
  invitation_batches: ['surveys'],
  invitation_codes: ['surveys'],
  survey_responses: ['surveys'],
  survey_answers: ['surveys'],
  survey_tallies: ['surveys'],
  evaluation_marks: ['scoring'],
  veto_events: ['scoring'],
  grade_records: ['scoring'],
  // The evaluation team (migration 0007): a scorecard shows its sign-off, the evidence of its marks (notes and
  // files of the signed-off evaluators' marks) and that an appeal was lodged and answered.
  evaluator_marks: ['scoring'],
  mark_evidence: ['scoring'],
  attachments: ['scoring'],
  evaluation_signoffs: ['scoring'],
  evaluation_appeals: ['scoring'],
  consultation_comments: ['consultation'],
};

/** Tables no public page, JSON, CSV or feed reads: writes to them leave every cached read valid. */
export const NON_PUBLIC_TABLES: ReadonlySet<string> = new Set([
  'feedback_contacts',
  // The rebuild queue (issue 12): staff see a build's progress; nothing public reads it.
  'site_builds',
  // The disclosure store (issue 12): read by the static build (the content loader), not by a cached
  // on-demand read; an approval queues the rebuild (site_builds) in its own batch instead.
  'disclosure_submissions',
  'disclosure_versions',
  // Attachments of submissions (migration 0013): the public file route (/disclosures/files/) reads it on demand,
  // uncached; the build reads it with the versions.
  'disclosure_attachments',
  'rate_limits',
  'altcha_used',
  'otp_challenges',
  'staff_accounts',
  'staff_account_units',
  'staff_sessions',
  'staff_logins',
  'outbox',
  'data_versions',
]);

export type AreaVersions = Readonly<Record<Area, number>>;

/** The current version of every area (one small query: a row per public table). */
export async function readAreaVersions(client: Client): Promise<AreaVersions> {
  const rs = await client.execute('SELECT name, version FROM data_versions');
  const versions = Object.fromEntries(AREAS.map((a) => [a, 0])) as Record<Area, number>;
  for (const row of rs.rows) {
    for (const area of TABLE_AREAS[String(row.name)] ?? []) versions[area] += Number(row.version);
  }
  return versions;
}

/** `PRAGMA data_version`: changes when another connection (another process) committed. */
export async function readCommitCounter(client: Client): Promise<number> {
  const rs = await client.execute('PRAGMA data_version');
  const row = rs.rows[0];
  return row ? Number(Object.values(row)[0]) : 0;
}

/** `PRAGMA data_version` read synchronously on the client's own connection (embedded only; null otherwise). */
export function commitCounterReader(client: Client): Promise<NativeReader | null> {
  return nativeReader(client, 'PRAGMA data_version');
}
