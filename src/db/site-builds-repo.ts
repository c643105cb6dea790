import { randomUUID } from 'node:crypto';
import type { Database } from './client.ts';
import { siteBuilds } from './schema.ts';

export interface SiteBuildRequest {
  reason: 'approval' | 'correction' | 'withdrawal' | 'nightly' | 'manual';
  requestedBy: string | null;
  requestedAt: Date;
}

/**
 * The insert that asks for a rebuild of the public site, to put in the same batch as the change that
 * needs it (an approval and its audit row): the request exists exactly when the change committed.
 * Returns the statement and the request's id (the progress page is keyed by it).
 */
export function siteBuildRequestStatement(database: Database, r: SiteBuildRequest) {
  const id = randomUUID();
  return {
    id,
    statement: database.db
      .insert(siteBuilds)
      .values({ id, reason: r.reason, requestedBy: r.requestedBy, requestedAt: r.requestedAt, state: 'queued' }),
  };
}
