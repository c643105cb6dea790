import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { createClient } from '@libsql/client';
import { asc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { isEmbedded } from './client.ts';
import { attachments, disclosureAttachments, disclosureVersions } from './schema.ts';

/** One approved version as the site build reads it (src/content/store.ts). */
export interface ApprovedVersion {
  disclosureId: string;
  version: number;
  kind: string;
  unitId: string;
  change: 'publish' | 'correction' | 'withdrawal' | 'progress';
  data: unknown;
  reason: string | null;
  approvedAt: Date;
  /** Set once the names of an expired aid list were blanked (in every version). */
  scrubbedAt: Date | null;
  /** The village supervisory committee's review recorded with the approval of a village affairs kind. */
  supervision: { reviewedOn: string; opinion: string } | null;
  /** The files sent with the approved submission, in order (migration 0013; none before it). */
  attachments: { sha256: string; name: string; mime: 'application/pdf' | 'image/jpeg' | 'image/png'; size: number }[];
}

/** The path of an embedded database's file, or undefined for `:memory:` and remote databases. */
function embeddedPath(url: string): string | undefined {
  if (!isEmbedded(url) || !url.startsWith('file:')) return undefined;
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  return path && path !== ':memory:' ? path : undefined;
}

/**
 * Every approved version in the disclosure store, ordered by disclosure and version, for the site build
 * (issue 12). Opened on a connection of its own, read-only (`PRAGMA query_only`), for one short read: the
 * running server keeps its own connection and write queue. A database file that is absent or empty, or a
 * database without the store's tables (before migration 0010), has no stored disclosures: the build then
 * publishes content/ alone, as the demo and the tests do.
 */
export async function readApprovedVersions(opts: {
  url: string;
  authToken?: string | undefined;
}): Promise<ApprovedVersion[]> {
  const path = embeddedPath(opts.url);
  if (isEmbedded(opts.url)) {
    // Opening a missing file would create it: look first.
    if (path === undefined) return [];
    const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    if (size === 0) return [];
  }
  const client = createClient({
    url: opts.url,
    ...(opts.authToken ? { authToken: opts.authToken } : {}),
    ...(isEmbedded(opts.url) ? { concurrency: 1, timeout: 5000 } : {}),
  });
  try {
    if (isEmbedded(opts.url)) await client.execute('PRAGMA query_only = ON');
    const table = await client.execute({
      sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
      args: ['disclosure_versions'],
    });
    if (table.rows.length === 0) return [];
    const db = drizzle(client);
    const rows = await db
      .select()
      .from(disclosureVersions)
      .orderBy(asc(disclosureVersions.disclosureId), asc(disclosureVersions.version));
    const linkTable = await client.execute({
      sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
      args: ['disclosure_attachments'],
    });
    const links =
      linkTable.rows.length === 0
        ? []
        : await db
            .select({
              submissionId: disclosureAttachments.submissionId,
              sha256: disclosureAttachments.sha256,
              name: disclosureAttachments.name,
              mime: attachments.mime,
              size: attachments.size,
            })
            .from(disclosureAttachments)
            .innerJoin(attachments, eq(attachments.sha256, disclosureAttachments.sha256))
            .innerJoin(disclosureVersions, eq(disclosureVersions.submissionId, disclosureAttachments.submissionId))
            .orderBy(asc(disclosureAttachments.submissionId), asc(disclosureAttachments.position));
    const filesOf = new Map<string, ApprovedVersion['attachments']>();
    for (const { submissionId, ...a } of links) filesOf.set(submissionId, [...(filesOf.get(submissionId) ?? []), a]);
    return rows.map((r) => ({
      disclosureId: r.disclosureId,
      version: r.version,
      kind: r.kind,
      unitId: r.unitId,
      change: r.change,
      data: r.data,
      reason: r.reason,
      approvedAt: r.approvedAt,
      scrubbedAt: r.scrubbedAt,
      supervision: r.supervision ?? null,
      attachments: filesOf.get(r.submissionId) ?? [],
    }));
  } finally {
    client.close();
  }
}

/**
 * What the build stamp (src/build/stamp.ts) records of the store: a hash over every approved version's
 * disclosure id, version and scrub time, so a build made before an approval (or a nightly scrub) is stale
 * after it. The empty string when the database has no stored versions, so a site built from content/ alone
 * keeps the stamp it always had.
 */
export async function storeSignature(opts: { url: string; authToken?: string | undefined }): Promise<string> {
  const versions = await readApprovedVersions(opts);
  if (versions.length === 0) return '';
  const hash = createHash('sha256');
  for (const v of versions) hash.update(`${v.disclosureId}\0${v.version}\0${v.scrubbedAt?.toISOString() ?? ''}\n`);
  return hash.digest('hex');
}
