import { existsSync } from 'node:fs';
import { loadDatabaseConfig } from '../lib/config.ts';
import { isEmbedded, openDatabase } from './client.ts';
import { currentCheckpoint, type Checkpoint } from './audit-chain.ts';

/**
 * The checkpoint a site build publishes at /data/audit-checkpoint.json: read from the database the
 * server uses (DATABASE_URL), sealed rows only. A build without a database (e.g. a pure static build
 * on a developer machine) publishes `available: false` rather than a made-up checkpoint.
 */
export type PublishedCheckpoint = (Checkpoint & { available: true }) | { available: false; at: string };

export async function checkpointForBuild(
  now: Date,
  env: Record<string, string | undefined> = process.env,
): Promise<PublishedCheckpoint> {
  const config = loadDatabaseConfig(env);
  const url = config.DATABASE_URL;
  if (isEmbedded(url) && !existsSync(url.slice('file:'.length).split('?')[0] ?? ''))
    return { available: false, at: now.toISOString() };
  const database = await openDatabase({
    url,
    authToken: config.DATABASE_AUTH_TOKEN,
    busyTimeoutMs: config.DATABASE_BUSY_TIMEOUT_MS,
  });
  try {
    return { ...(await currentCheckpoint(database.client, now)), available: true };
  } catch {
    // No audit table yet (migrations not applied): nothing to publish.
    return { available: false, at: now.toISOString() };
  } finally {
    database.close();
  }
}
