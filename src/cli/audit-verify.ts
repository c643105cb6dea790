import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig, ConfigError } from '../lib/config.ts';
import { openAppDatabase } from '../app-context.ts';
import { CHAIN_VERSION, readChain, verifyChain, type ChainReport } from '../db/audit-chain.ts';

/**
 * `npm run audit:verify [-- --checkpoint file.json …] [--json]`: check the audit hash chain of the
 * database in DATABASE_URL, and every given checkpoint (copies of /data/audit-checkpoint.json from
 * earlier builds). Read-only. Exit 0 when intact, 2 when tampering is detected, 1 on other errors.
 */
const CheckpointFile = z.object({
  algorithm: z.literal(CHAIN_VERSION),
  count: z.number().int().min(0),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
});

export function describeReport(r: ChainReport): string {
  const lines = [
    `sealed rows: ${r.sealed}`,
    `pending (not yet sealed, at the end): ${r.pending}`,
    `head: #${r.head.id ?? '-'} ${r.head.hash}`,
  ];
  if (r.ok) lines.push('OK: the chain is intact and matches every checkpoint given');
  for (const p of r.problems)
    lines.push(`TAMPERING DETECTED: ${p.kind} at position ${p.index} (row id ${p.id ?? '-'})`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { checkpoint: { type: 'string', multiple: true }, json: { type: 'boolean' } },
    strict: true,
  });
  const checkpoints = (values.checkpoint ?? []).map((file) => {
    const parsed = CheckpointFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new Error(`${file}: not an audit checkpoint (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return parsed.data;
  });
  const config = loadConfig();
  // Only the database: a read-only check needs no secrets, services or durability probe (a write).
  const database = await openAppDatabase(config, { checkDurability: false });
  try {
    const report = verifyChain(await readChain(database.client), checkpoints);
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
