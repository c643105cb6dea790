import type { Database } from '../db/client.ts';
import { CHECKPOINT_NOTE, checkpointNote, type Checkpoint, type SignedCheckpoint } from '../db/audit-chain.ts';
import { appendCheckpoint, listCheckpoints } from '../db/audit-checkpoint-repo.ts';
import { ed25519FromSeed, signEd25519 } from '../lib/crypto.ts';

/**
 * Signed checkpoints of the audit chain (issue 13; RELIABILITY.md §4 step 4; the design and what it
 * proves: src/staff/README.md "Audit log"). The server writes one hourly and after every 1,000 sealed rows,
 * at start (what was written while it was down) and at shutdown; each is stored with the others in
 * audit_checkpoints and the whole history is served live at /data/audit-checkpoint.json.
 *
 * Why no scheduling library (croner was suggested): both triggers are relative — "an hour after the last
 * one" is one unref'd timer, "after 1,000 rows" a counter fed by the seal — and neither needs calendar
 * expressions, time zones or catch-up rules. A wall-clock schedule ("every day at 03:00 Beijing time")
 * would be the point to take croner.
 */
export interface CheckpointSigner {
  keyId: string;
  /** The raw Ed25519 public key, base64. */
  publicKey: string;
  sign(c: Checkpoint): SignedCheckpoint;
}

export function checkpointSigner(seed: Uint8Array): CheckpointSigner {
  const key = ed25519FromSeed(seed);
  return {
    keyId: key.keyId,
    publicKey: key.publicKey.toString('base64'),
    sign: (c) => ({ ...c, keyId: key.keyId, signature: signEd25519(key.privateKey, checkpointNote(c)) }),
  };
}

/** Write a checkpoint now if the chain moved since the last one. */
export const writeCheckpoint = (
  database: Database,
  signer: CheckpointSigner,
  now: Date,
  opts: { always?: boolean } = {},
): Promise<SignedCheckpoint | null> => appendCheckpoint(database, now, (c) => signer.sign(c), opts);

export interface CheckpointSchedule {
  /** Write one now (if the chain moved); resolves when it is stored. */
  flush(): Promise<SignedCheckpoint | null>;
  /** Stop the timer and the row counter; resolves once a checkpoint being written is stored. */
  stop(): Promise<void>;
}

export const CHECKPOINT_EVERY_MS = 3_600_000;
export const CHECKPOINT_EVERY_ROWS = 1_000;

export function scheduleCheckpoints(
  database: Database,
  signer: CheckpointSigner,
  opts: { now: () => Date; everyMs?: number; everyRows?: number; onError?: (e: unknown) => void },
): CheckpointSchedule {
  const everyRows = opts.everyRows ?? CHECKPOINT_EVERY_ROWS;
  let sealedSinceLast = 0;
  let last: Promise<SignedCheckpoint | null> = Promise.resolve(null);
  const flush = () => {
    sealedSinceLast = 0;
    const run = last
      .catch(() => null)
      .then(() => writeCheckpoint(database, signer, opts.now()))
      .catch((e: unknown) => {
        opts.onError?.(e);
        return null;
      });
    last = run;
    return run;
  };
  const unsubscribe = database.onSealed((n) => {
    sealedSinceLast += n;
    if (sealedSinceLast >= everyRows) void flush();
  });
  const timer = setInterval(() => void flush(), opts.everyMs ?? CHECKPOINT_EVERY_MS);
  timer.unref();
  void flush();
  return {
    flush,
    async stop() {
      clearInterval(timer);
      unsubscribe();
      await last;
    },
  };
}

/** What /data/audit-checkpoint.json serves: the newest checkpoint at the top level, and every one. */
export type PublishedCheckpoints =
  | { available: false; at: string }
  | (SignedCheckpoint & {
      available: true;
      /** The raw Ed25519 public key (base64): compare it with the one published outside this server. */
      publicKey: string;
      /** How the signed text is made (src/db/audit-chain.ts `checkpointNote`). */
      note: string;
      history: SignedCheckpoint[];
    });

export async function publishedCheckpoints(
  database: Database | undefined,
  key: Pick<CheckpointSigner, 'publicKey'> | undefined,
  now: Date,
): Promise<PublishedCheckpoints> {
  if (!database || !key) return { available: false, at: now.toISOString() };
  const history = await listCheckpoints(database);
  const latest = history.at(-1);
  if (!latest) return { available: false, at: now.toISOString() };
  return { ...latest, available: true, publicKey: key.publicKey, note: CHECKPOINT_NOTE, history };
}
