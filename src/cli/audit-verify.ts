import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig, ConfigError } from '../lib/config.ts';
import { resolveSecrets } from '../lib/secrets.ts';
import { ed25519FromSeed, ed25519KeyId, verifyEd25519 } from '../lib/crypto.ts';
import { openAppDatabase } from '../app-context.ts';
import {
  CHAIN_VERSION,
  checkpointNote,
  readChain,
  verifyChain,
  type ChainReport,
  type Checkpoint,
} from '../db/audit-chain.ts';
import { listCheckpoints } from '../db/audit-checkpoint-repo.ts';

/**
 * `npm run audit:verify [-- --checkpoint file.json …] [--public-key <base64>] [--json]`: check the audit
 * hash chain of the database in DATABASE_URL against every signed checkpoint the server stored, and
 * against copies kept elsewhere (saved /data/audit-checkpoint.json files, with their history). Each
 * signature is checked with the public key (`--public-key`, as published outside this server; by default
 * the one of AUDIT_SIGNING_KEY). Read-only. Exit 0 when intact, 2 when tampering or a forged checkpoint
 * is detected, 1 on other errors.
 */
const CheckpointEntry = z.object({
  algorithm: z.literal(CHAIN_VERSION),
  count: z.number().int().min(0),
  headId: z.number().int().nullable().optional(),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
  keyId: z.string().optional(),
  signature: z.string().optional(),
});
type CheckpointEntry = z.infer<typeof CheckpointEntry>;
/** A saved /data/audit-checkpoint.json (the newest at the top level, `history` with every one), or one entry. */
const CheckpointFile = CheckpointEntry.extend({ history: z.array(CheckpointEntry).optional() });

export interface CheckpointProblem {
  /** `signature`: not signed by the key (forged or altered); `missing`: a signed checkpoint kept elsewhere
   * is not in the database's history (checkpoints removed). */
  kind: 'signature' | 'missing';
  source: string;
  count: number;
  at: string;
}

export interface VerifyReport {
  chain: ChainReport;
  keyId: string;
  checkpoints: { stored: number; external: number; unsigned: number };
  latest: { count: number; at: string } | null;
  /** Sealed rows after the newest valid checkpoint: what a checkpoint does not yet protect. */
  unprotectedRows: number;
  problems: CheckpointProblem[];
  ok: boolean;
}

const asCheckpoint = (e: CheckpointEntry): Checkpoint => ({
  algorithm: e.algorithm,
  count: e.count,
  headId: e.headId ?? null,
  headHash: e.headHash,
  at: e.at,
});

/** Check signatures, then the chain against every checkpoint whose signature holds (pure but for crypto). */
export function verifyAudit(
  rows: Parameters<typeof verifyChain>[0],
  stored: readonly CheckpointEntry[],
  external: readonly { source: string; entries: readonly CheckpointEntry[] }[],
  publicKey: Uint8Array,
): VerifyReport {
  const keyId = ed25519KeyId(publicKey);
  const problems: CheckpointProblem[] = [];
  const valid: CheckpointEntry[] = [];
  let unsigned = 0;
  const check = (e: CheckpointEntry, source: string) => {
    if (e.signature === undefined) {
      // A copy from before checkpoints were signed: compared with the chain, but it proves nothing itself.
      unsigned++;
      valid.push(e);
    } else if (e.keyId === keyId && verifyEd25519(publicKey, checkpointNote(asCheckpoint(e)), e.signature))
      valid.push(e);
    else problems.push({ kind: 'signature', source, count: e.count, at: e.at });
  };
  for (const e of stored) check(e, 'database');
  for (const f of external) for (const e of f.entries) check(e, f.source);
  const storedKeys = new Set(stored.map((e) => `${e.count}:${e.headHash}:${e.signature ?? ''}`));
  for (const f of external)
    for (const e of f.entries)
      if (e.signature !== undefined && valid.includes(e) && !storedKeys.has(`${e.count}:${e.headHash}:${e.signature}`))
        problems.push({ kind: 'missing', source: f.source, count: e.count, at: e.at });
  const chain = verifyChain(rows, valid);
  const newest = valid.reduce<CheckpointEntry | null>((a, e) => (!a || e.count > a.count ? e : a), null);
  return {
    chain,
    keyId,
    checkpoints: { stored: stored.length, external: external.reduce((n, f) => n + f.entries.length, 0), unsigned },
    latest: newest ? { count: newest.count, at: newest.at } : null,
    unprotectedRows: Math.max(0, chain.sealed - (newest?.count ?? 0)),
    problems,
    ok: chain.ok && problems.length === 0,
  };
}

export function describeReport(r: VerifyReport): string {
  const c = r.chain;
  const lines = [
    `sealed rows: ${c.sealed}`,
    `pending (not yet sealed, at the end): ${c.pending}`,
    `head: #${c.head.id ?? '-'} ${c.head.hash}`,
    `signing key: ${r.keyId}`,
    `checkpoints: ${r.checkpoints.stored} stored, ${r.checkpoints.external} from files (${r.checkpoints.unsigned} unsigned)`,
    r.latest
      ? `newest checkpoint: ${r.latest.count} rows at ${r.latest.at}; ${r.unprotectedRows} rows written since are not yet covered`
      : 'no checkpoint yet: truncating or rewriting the log would not be detected',
  ];
  if (r.ok) lines.push('OK: the chain is intact and matches every checkpoint; every signature holds');
  for (const p of r.problems)
    lines.push(
      p.kind === 'signature'
        ? `FORGED CHECKPOINT: ${p.source}, count ${p.count} at ${p.at}: the signature does not hold for key ${r.keyId}`
        : `TAMPERING DETECTED: ${p.source} has the signed checkpoint of ${p.count} rows at ${p.at}, the database's history does not (checkpoints removed)`,
    );
  for (const p of c.problems)
    lines.push(
      p.kind === 'checkpoint' && p.mismatch === 'truncated'
        ? `TAMPERING DETECTED: checkpoint (truncated): a signed checkpoint covers more rows than the log has (it ends at position ${p.index})`
        : `TAMPERING DETECTED: ${p.kind}${p.mismatch ? ` (${p.mismatch})` : ''} at position ${p.index} (row id ${p.id ?? '-'})`,
    );
  return lines.join('\n');
}

function readCheckpointFile(file: string): CheckpointEntry[] {
  const parsed = CheckpointFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file}: not an audit checkpoint (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const { history, ...latest } = parsed.data;
  return history?.length ? history : [latest];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      checkpoint: { type: 'string', multiple: true },
      'public-key': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const external = (values.checkpoint ?? []).map((file) => ({ source: file, entries: readCheckpointFile(file) }));
  const config = loadConfig();
  const publicKey = values['public-key']
    ? Buffer.from(values['public-key'], 'base64')
    : ed25519FromSeed(resolveSecrets(config).auditSigningKey).publicKey;
  if (publicKey.length !== 32) throw new Error('--public-key: an Ed25519 public key is 32 bytes (base64)');
  // Only the database: a read-only check needs no services or durability probe (a write).
  const database = await openAppDatabase(config, { checkDurability: false });
  try {
    const report = verifyAudit(await readChain(database.client), await listCheckpoints(database), external, publicKey);
    process.stdout.write(`${values.json ? JSON.stringify(report) : describeReport(report)}\n`);
    return report.ok ? 0 : 2;
  } finally {
    database.close();
  }
}

if (import.meta.main) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
