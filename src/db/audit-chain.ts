import { createHash } from 'node:crypto';
import type { Client, Row, Value } from '@libsql/client';

/**
 * The audit log's hash chain (RELIABILITY.md §4 steps 3–4; the design is told in src/staff/README.md).
 *
 *   hash_i = SHA-256("qinglian-audit-v1\n" + hash_{i-1} + "\n" + canonical(row_i))
 *
 * where canonical(row) is JSON with a fixed key order over the stored columns, the row id included,
 * and hash_0 is 64 zeros. Rows are inserted by the change's own batch (auditStatement/auditIfChanged)
 * with a null hash; `sealPending` fills prev_hash and hash in id order right after, as a job of the
 * same serialised write queue (src/db/client.ts), and again at every start for anything a crash left.
 * The hash is computed from the row as read back from the database, so what the driver changes on the
 * way in (RELIABILITY.md finding 2) cannot look like tampering.
 */
export const CHAIN_VERSION = 'sha256-chain-v1';
export const GENESIS = '0'.repeat(64);

export interface ChainRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  /** The stored JSON text of `detail`, exactly as in the column (or null). */
  detail: string | null;
  publicNote: string | null;
  prevHash: string | null;
  hash: string | null;
}

/** The hashed content of a row: every column but the chain's own, in a fixed order. */
export function canonicalRow(r: ChainRow): string {
  return JSON.stringify([r.id, r.at, r.actor, r.action, r.subjectType, r.subjectId, r.detail, r.publicNote]);
}

export function rowHash(prevHash: string, r: ChainRow): string {
  return createHash('sha256')
    .update(`qinglian-audit-v1\n${prevHash}\n${canonicalRow(r)}`)
    .digest('hex');
}

/** Seal rows in order after `prevHash` (pure; used by sealPending and by tests that build logs). */
export function chainRows(rows: readonly ChainRow[], prevHash = GENESIS): ChainRow[] {
  let prev = prevHash;
  return rows.map((r) => {
    const hash = rowHash(prev, r);
    const sealed = { ...r, prevHash: prev, hash };
    prev = hash;
    return sealed;
  });
}

/** A published checkpoint: the number of sealed rows and the hash of the last one, at a time. */
export interface Checkpoint {
  algorithm: typeof CHAIN_VERSION;
  count: number;
  headId: number | null;
  headHash: string;
  at: string;
}

/** A checkpoint as stored and published: signed with the Ed25519 key AUDIT_SIGNING_KEY. */
export interface SignedCheckpoint extends Checkpoint {
  keyId: string;
  /** Base64 Ed25519 signature over `checkpointNote(checkpoint)`. */
  signature: string;
}

export const CHECKPOINT_NOTE = 'qinglian-audit-checkpoint-v1';

/**
 * The exact text a checkpoint's signature covers (UTF-8, lines ending in a newline):
 *
 *     qinglian-audit-checkpoint-v1
 *     algorithm sha256-chain-v1
 *     count 1234
 *     head-id 1240
 *     head-hash 3f…(64 hex digits)
 *     at 2026-03-01T08:00:00.000Z
 *
 * (`head-id -` for an empty log). Anyone with the public key can rebuild and check it.
 */
export function checkpointNote(c: Checkpoint): string {
  return [
    CHECKPOINT_NOTE,
    `algorithm ${c.algorithm}`,
    `count ${c.count}`,
    `head-id ${c.headId ?? '-'}`,
    `head-hash ${c.headHash}`,
    `at ${c.at}`,
    '',
  ].join('\n');
}

export type ChainProblemKind =
  /** A row's content no longer matches its hash (edited). */
  | 'content'
  /** A row does not follow the previous one (a row deleted, inserted or moved before it). */
  | 'link'
  /** Ids not strictly increasing (rows reordered). */
  | 'order'
  /** An unsealed row before sealed ones (inserted behind the chain's back). */
  | 'unsealed'
  /** A published checkpoint does not match: rows removed from the end, or the history recomputed. */
  | 'checkpoint';

/** Why a checkpoint does not match: rows missing at the end, or another row where its head was. */
export type CheckpointMismatch = 'truncated' | 'rewritten';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** For `checkpoint` problems. */
  mismatch?: CheckpointMismatch;
  /** Position in id order (0-based) of the first row where the problem shows. */
  index: number;
  id: number | null;
}

export interface ChainReport {
  ok: boolean;
  /** Sealed rows checked. */
  sealed: number;
  /** Unsealed rows at the end (written, not yet sealed: not an error). */
  pending: number;
  head: { id: number | null; hash: string };
  problems: ChainProblem[];
}

/**
 * Check a log (rows in the order the database returns them by id) and any published checkpoints.
 * Reports the first broken row; a valid chain plus matching checkpoints is `ok`.
 */
export function verifyChain(
  rows: readonly ChainRow[],
  checkpoints: readonly Pick<Checkpoint, 'count' | 'headHash'>[] = [],
): ChainReport {
  const problems: ChainProblem[] = [];
  let prev = GENESIS;
  let lastId = -Infinity;
  let sealed = 0;
  let firstUnsealed = -1;
  for (const [index, r] of rows.entries()) {
    if (r.hash === null) {
      if (firstUnsealed < 0) firstUnsealed = index;
      continue;
    }
    if (firstUnsealed >= 0) {
      problems.push({ kind: 'unsealed', index: firstUnsealed, id: rows[firstUnsealed]!.id });
      break;
    }
    if (!(r.id > lastId)) {
      problems.push({ kind: 'order', index, id: r.id });
      break;
    }
    if (r.prevHash !== prev) {
      problems.push({ kind: 'link', index, id: r.id });
      break;
    }
    if (rowHash(prev, r) !== r.hash) {
      problems.push({ kind: 'content', index, id: r.id });
      break;
    }
    prev = r.hash;
    lastId = r.id;
    sealed++;
  }
  const chainIntact = problems.length === 0;
  if (chainIntact) {
    for (const c of checkpoints) {
      if (c.count === 0) continue;
      const at = rows[c.count - 1];
      if (c.count > sealed || !at || at.hash !== c.headHash) {
        // Truncated: the first missing position; rewritten: the checkpoint's head position.
        const truncated = c.count > sealed;
        problems.push({
          kind: 'checkpoint',
          mismatch: truncated ? 'truncated' : 'rewritten',
          index: truncated ? sealed : c.count - 1,
          id: at?.id ?? null,
        });
        break;
      }
    }
  }
  const headRow = sealed > 0 ? rows[sealed - 1]! : null;
  return {
    ok: problems.length === 0,
    sealed,
    pending: firstUnsealed >= 0 && chainIntact ? rows.length - firstUnsealed : 0,
    head: { id: headRow?.id ?? null, hash: headRow?.hash ?? GENESIS },
    problems,
  };
}

const SELECT_ROWS =
  'SELECT id, at, actor, action, subject_type, subject_id, detail, public_note, prev_hash, hash FROM audit_events';

function toChainRow(r: Row): ChainRow {
  const text = (v: Value | undefined) => (v === null || v === undefined ? null : String(v));
  return {
    id: Number(r.id),
    at: Number(r.at),
    actor: String(r.actor),
    action: String(r.action),
    subjectType: String(r.subject_type),
    subjectId: String(r.subject_id),
    detail: text(r.detail),
    publicNote: text(r.public_note),
    prevHash: text(r.prev_hash),
    hash: text(r.hash),
  };
}

/** Every audit row in id order (for the verifier). */
export async function readChain(client: Client): Promise<ChainRow[]> {
  const rs = await client.execute(`${SELECT_ROWS} ORDER BY id`);
  return rs.rows.map((r) => toChainRow(r));
}

/** Rows sealed by one UPDATE (3 bound values each, well under SQLite's limit of 32,766). */
const SEAL_CHUNK = 500;

/**
 * Seal the rows written since the last sealed one. Deterministic, so two processes sealing at once
 * write the same values (and `hash IS NULL` makes the second a no-op). Returns the number sealed.
 */
export async function sealPending(client: Client): Promise<number> {
  const head = await client.execute(
    'SELECT id, hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1',
  );
  const headRow = head.rows[0];
  const headId = headRow ? Number(headRow.id) : 0;
  const pending = await client.execute({
    sql: `${SELECT_ROWS} WHERE id > ? AND hash IS NULL ORDER BY id`,
    args: [headId],
  });
  if (pending.rows.length === 0) return 0;
  const sealed = chainRows(
    pending.rows.map((r) => toChainRow(r)),
    headRow ? String(headRow.hash) : GENESIS,
  );
  // One statement per chunk of rows, not one per row: each statement is prepared anew (with the table's
  // triggers), which cost more than the update itself when every group commit is followed by a seal.
  const chunks: ChainRow[][] = [];
  for (let i = 0; i < sealed.length; i += SEAL_CHUNK) chunks.push(sealed.slice(i, i + SEAL_CHUNK));
  await client.batch(
    chunks.map((rows) => ({
      sql: `UPDATE audit_events SET prev_hash = v.column2, hash = v.column3
        FROM (VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}) AS v
        WHERE audit_events.id = v.column1 AND audit_events.hash IS NULL`,
      args: rows.flatMap((r) => [r.id, r.prevHash, r.hash]),
    })),
    'write',
  );
  return sealed.length;
}

/** The current checkpoint: sealed rows, head id and hash, at `now`. */
export async function currentCheckpoint(client: Client, now: Date): Promise<Checkpoint> {
  const rs = await client.execute('SELECT count(*) AS n FROM audit_events WHERE hash IS NOT NULL');
  const head = await client.execute(
    'SELECT id, hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1',
  );
  const row = head.rows[0];
  return {
    algorithm: CHAIN_VERSION,
    count: Number(rs.rows[0]?.n ?? 0),
    headId: row ? Number(row.id) : null,
    headHash: row ? String(row.hash) : GENESIS,
    at: now.toISOString(),
  };
}
