import type { Database } from '../db/client.ts';
import { currentCheckpoint, type Checkpoint } from '../db/audit-chain.ts';

/**
 * The checkpoint a site build publishes at /data/audit-checkpoint.json: sealed rows only. Without a
 * database (e.g. a pure static build on a developer machine) it says `available: false` rather than
 * making one up. The build opens the database in src/app-context.ts (`checkpointForBuild`).
 */
export type PublishedCheckpoint = (Checkpoint & { available: true }) | { available: false; at: string };

export async function publishedCheckpoint(database: Database | null, now: Date): Promise<PublishedCheckpoint> {
  if (!database) return { available: false, at: now.toISOString() };
  try {
    return { ...(await currentCheckpoint(database.client, now)), available: true };
  } catch {
    // No audit table yet (migrations not applied): nothing to publish.
    return { available: false, at: now.toISOString() };
  }
}
