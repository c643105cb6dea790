import { asc, desc } from 'drizzle-orm';
import type { Database } from './client.ts';
import { CHAIN_VERSION, currentCheckpoint, type Checkpoint, type SignedCheckpoint } from './audit-chain.ts';
import { auditCheckpoints } from './schema.ts';

/** The stored checkpoints of the audit chain (table audit_checkpoints, append-only). */
type Row = typeof auditCheckpoints.$inferSelect;

const toCheckpoint = (r: Row): SignedCheckpoint => ({
  algorithm: CHAIN_VERSION,
  count: r.count,
  headId: r.headId,
  headHash: r.headHash,
  at: r.at.toISOString(),
  keyId: r.keyId,
  signature: r.signature,
});

/** Every stored checkpoint, oldest first. */
export async function listCheckpoints(database: Database): Promise<SignedCheckpoint[]> {
  const rows = await database.db.select().from(auditCheckpoints).orderBy(asc(auditCheckpoints.id));
  return rows.map(toCheckpoint);
}

export async function latestCheckpoint(database: Database): Promise<SignedCheckpoint | null> {
  const [row] = await database.db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
  return row ? toCheckpoint(row) : null;
}

/**
 * In the write queue, after the seal that precedes it: read the chain's head, and when it differs from the
 * newest stored checkpoint (or `always`), store the checkpoint `sign` makes of it. Returns it, or null.
 */
export async function appendCheckpoint(
  database: Database,
  now: Date,
  sign: (c: Checkpoint) => SignedCheckpoint,
  opts: { always?: boolean } = {},
): Promise<SignedCheckpoint | null> {
  await database.seal();
  return database.write(async () => {
    const head = await currentCheckpoint(database.client, now);
    const last = await latestCheckpoint(database);
    if (!opts.always && last && last.count === head.count && last.headHash === head.headHash) return null;
    const signed = sign(head);
    await database.db.insert(auditCheckpoints).values({
      count: signed.count,
      headId: signed.headId,
      headHash: signed.headHash,
      at: new Date(signed.at),
      keyId: signed.keyId,
      signature: signed.signature,
    });
    return signed;
  });
}
