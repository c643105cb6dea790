import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshDatabase } from '../support/db.ts';
import { TEST_SECRET_ENV, TEST_SECRETS, testChannel } from '../support/channel.ts';
import { submitFeedback, runStaffCommand } from '../../src/services/feedback.ts';
import { auditStatement } from '../../src/db/audit-repo.ts';
import { checkpointNote, currentCheckpoint, readChain, verifyChain } from '../../src/db/audit-chain.ts';
import { listCheckpoints } from '../../src/db/audit-checkpoint-repo.ts';
import {
  checkpointSigner,
  publishedCheckpoints,
  scheduleCheckpoints,
  writeCheckpoint,
} from '../../src/services/audit-checkpoint.ts';
import { verifyEd25519 } from '../../src/lib/crypto.ts';
import { waitFor } from '../support/wait.ts';
import type { Database } from '../../src/db/client.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let env: Awaited<ReturnType<typeof freshDatabase>>;
let database: Database;

beforeAll(async () => {
  env = await freshDatabase({ demoChannel: true });
  database = env.database;
}, 60_000);
afterAll(() => env.dispose());

function verifyCli(args: string[] = [], file = env.file) {
  const r = spawnSync(process.execPath, [join(ROOT, 'src/cli/audit-verify.ts'), ...args], {
    env: { ...process.env, ...TEST_SECRET_ENV, DATABASE_URL: `file:${file}`, NODE_ENV: 'development' },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('audit log hash chain on the real database', () => {
  test('every write is sealed right after it in the write queue; the seed left nothing unsealed', async () => {
    const ctx = testChannel(database);
    const r = await submitFeedback(
      ctx,
      { kind: 'suggestion', unitId: 'hetang-village', body: '建议公开维修工程的验收记录。', publicConsent: false },
      { ip: '192.0.2.9' },
    );
    expect(r.ok).toBe(true);
    await database.seal();
    const report = verifyChain(await readChain(database.client));
    expect(report).toMatchObject({ ok: true, pending: 0 });
    expect(report.sealed).toBeGreaterThan(20);
  });

  test('rows a crash left unsealed are sealed at the next seal (startup), in id order', async () => {
    // Bypass the queue, as a crash between the change's commit and its seal would leave things.
    await database.db.batch([
      auditStatement(database, { at: new Date(), actor: 'test', action: 'x', subjectType: 't', subjectId: '1' }),
      auditStatement(database, { at: new Date(), actor: 'test', action: 'y', subjectType: 't', subjectId: '2' }),
    ]);
    expect(verifyChain(await readChain(database.client))).toMatchObject({ ok: true, pending: 2 });
    expect(await database.seal()).toBe(2);
    expect(verifyChain(await readChain(database.client))).toMatchObject({ ok: true, pending: 0 });
  });

  test('a backlog larger than one sealing statement (1,203 rows) is sealed in full, in id order', async () => {
    const at = new Date();
    await database.db.batch(
      Array.from({ length: 1203 }, (_, i) =>
        auditStatement(database, { at, actor: 'test', action: 'bulk', subjectType: 't', subjectId: String(i) }),
      ) as [ReturnType<typeof auditStatement>, ...ReturnType<typeof auditStatement>[]],
    );
    expect(verifyChain(await readChain(database.client))).toMatchObject({ ok: true, pending: 1203 });
    expect(await database.seal()).toBe(1203);
    expect(verifyChain(await readChain(database.client))).toMatchObject({ ok: true, pending: 0 });
  });

  test('triggers refuse updates and deletes of audit rows (application bugs)', async () => {
    await expect(database.client.execute("UPDATE audit_events SET actor = 'someone' WHERE id = 1")).rejects.toThrow(
      /sealed once and never changed/,
    );
    await expect(database.client.execute('DELETE FROM audit_events WHERE id = 1')).rejects.toThrow(/append-only/);
  });

  test('audit:verify passes, then detects an edit made with file access (triggers dropped), and a truncation against a kept checkpoint', async () => {
    const ok = verifyCli();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('OK: the chain is intact');

    const checkpoint = await currentCheckpoint(database.client, new Date());
    const file = join(dirname(env.file), 'checkpoint.json');
    writeFileSync(file, JSON.stringify(checkpoint));
    expect(verifyCli(['--checkpoint', file]).code).toBe(0);

    await database.client.execute('DROP TRIGGER audit_events_seal_only');
    await database.client.execute('DROP TRIGGER audit_events_no_delete');
    // Truncate the last row: the chain alone still verifies, the kept checkpoint does not.
    const last = Number((await database.client.execute('SELECT max(id) AS id FROM audit_events')).rows[0]!.id);
    await database.client.execute({ sql: 'DELETE FROM audit_events WHERE id = ?', args: [last] });
    expect(verifyCli().code).toBe(0);
    const truncated = verifyCli(['--checkpoint', file]);
    expect(truncated.code).toBe(2);
    expect(truncated.out).toContain('TAMPERING DETECTED: checkpoint');

    // Edit one row's public note in the middle.
    await database.client.execute("UPDATE audit_events SET public_note = 'rewritten' WHERE id = 5");
    const edited = verifyCli();
    expect(edited.code).toBe(2);
    expect(edited.out).toMatch(/TAMPERING DETECTED: content at position 4 \(row id 5\)/);
  }, 120_000);
});

describe('signed checkpoints (issue 13, acceptance 5)', () => {
  let cp: Awaited<ReturnType<typeof freshDatabase>>;
  const signer = checkpointSigner(TEST_SECRETS.auditSigningKey);
  const addRows = async (n: number, tag: string) => {
    for (let i = 0; i < n; i += 200)
      await cp.database.write(() =>
        cp.database.db.batch(
          Array.from({ length: Math.min(200, n - i) }, (_, k) =>
            auditStatement(cp.database, {
              at: new Date('2026-03-01T08:00:00Z'),
              actor: 'test',
              action: tag,
              subjectType: 't',
              subjectId: String(i + k),
            }),
          ) as [ReturnType<typeof auditStatement>, ...ReturnType<typeof auditStatement>[]],
        ),
      );
    await cp.database.seal();
  };
  beforeAll(async () => {
    cp = await freshDatabase();
  });
  afterAll(() => cp.dispose());

  test('checkpoints are signed, written only when the chain moved, and published live with their history', async () => {
    await addRows(5, 'first');
    const first = await writeCheckpoint(cp.database, signer, new Date('2026-03-01T09:00:00Z'));
    expect(first).toMatchObject({ count: 5, keyId: signer.keyId });
    expect(await writeCheckpoint(cp.database, signer, new Date('2026-03-01T10:00:00Z'))).toBeNull();
    await addRows(3, 'second');
    await writeCheckpoint(cp.database, signer, new Date('2026-03-01T11:00:00Z'));
    const published = await publishedCheckpoints(cp.database, signer, new Date());
    if (!published.available) throw new Error('no checkpoint published');
    expect(published).toMatchObject({ count: 8, publicKey: signer.publicKey, note: 'qinglian-audit-checkpoint-v1' });
    expect(published.history.map((c) => c.count)).toEqual([5, 8]);
    const publicKey = Buffer.from(published.publicKey, 'base64');
    for (const c of published.history) expect(verifyEd25519(publicKey, checkpointNote(c), c.signature)).toBe(true);
    expect(await publishedCheckpoints(cp.database, undefined, new Date())).toMatchObject({ available: false });
    // The table is append-only.
    await expect(cp.database.client.execute('DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
    const ok = verifyCli([], cp.file);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('checkpoints: 2 stored');
  });

  test('the schedule writes one after every 1,000 sealed rows and on its timer', async () => {
    const schedule = scheduleCheckpoints(cp.database, signer, { now: () => new Date(), everyMs: 60_000 });
    try {
      await schedule.flush();
      const before = (await listCheckpoints(cp.database)).length;
      await addRows(999, 'bulk');
      await new Promise((r) => setTimeout(r, 50));
      expect((await listCheckpoints(cp.database)).length).toBe(before);
      await addRows(1, 'bulk');
      await waitFor(
        async () => (await listCheckpoints(cp.database)).length === before + 1,
        'a checkpoint after 1,000 rows',
      );
      expect((await listCheckpoints(cp.database)).at(-1)!.count).toBe(1008);
    } finally {
      await schedule.stop();
    }
    const timed = scheduleCheckpoints(cp.database, signer, { now: () => new Date(), everyMs: 100 });
    try {
      const before = (await listCheckpoints(cp.database)).length;
      await addRows(2, 'later');
      await waitFor(
        async () => (await listCheckpoints(cp.database)).length === before + 1,
        'a checkpoint on the timer',
      );
    } finally {
      await timed.stop();
    }
  });

  test('audit:verify reports a truncation of the last rows after a checkpoint, and rejects a forged checkpoint', async () => {
    const saved = join(dirname(cp.file), 'published.json');
    writeFileSync(saved, JSON.stringify(await publishedCheckpoints(cp.database, signer, new Date())));
    expect(verifyCli(['--checkpoint', saved], cp.file).code).toBe(0);

    // Someone with the database file drops the guards and removes the last three rows.
    await cp.database.client.execute('DROP TRIGGER audit_events_no_delete');
    const last = Number((await cp.database.client.execute('SELECT max(id) AS id FROM audit_events')).rows[0]!.id);
    await cp.database.client.execute({ sql: 'DELETE FROM audit_events WHERE id > ?', args: [last - 3] });
    const truncated = verifyCli([], cp.file);
    expect(truncated.code, truncated.out).toBe(2);
    expect(truncated.out).toContain('TAMPERING DETECTED: checkpoint (truncated)');

    // …and covers it with a checkpoint of the shorter log, which they cannot sign: another key's signature.
    const forger = checkpointSigner(Buffer.alloc(32, 66));
    const head = await currentCheckpoint(cp.database.client, new Date());
    const forged = { ...forger.sign(head), keyId: signer.keyId };
    await cp.database.client.execute({
      sql: 'INSERT INTO audit_checkpoints (count, head_id, head_hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)',
      args: [forged.count, forged.headId, forged.headHash, Date.parse(forged.at), forged.keyId, forged.signature],
    });
    const report = verifyCli([], cp.file);
    expect(report.code, report.out).toBe(2);
    expect(report.out).toMatch(/FORGED CHECKPOINT: database, count \d+/);

    // A kept copy whose count was edited (signature left as it was) is rejected too.
    const copy = JSON.parse(readFileSync(saved, 'utf8')) as { history: { count: number }[] };
    copy.history[0]!.count -= 1;
    writeFileSync(saved, JSON.stringify(copy));
    const edited = verifyCli(['--checkpoint', saved], cp.file);
    expect(edited.code).toBe(2);
    expect(edited.out).toContain(`FORGED CHECKPOINT: ${saved}`);
  }, 120_000);
});

test('a staff command records which account acted', async () => {
  const e = await freshDatabase({ demoChannel: true });
  try {
    const ctx = testChannel(e.database);
    const id = String(
      (
        await e.database.client.execute(
          "SELECT id FROM feedback_items WHERE state = 'received' AND routed_to = 'unit' LIMIT 1",
        )
      ).rows[0]!.id,
    );
    const r = await runStaffCommand(ctx, id, { action: 'accept' }, 'staff', { account: 'acc-1' });
    expect(r.ok).toBe(true);
    const row = (
      await e.database.client.execute({
        sql: "SELECT detail FROM audit_events WHERE subject_id = ? AND action = 'accept'",
        args: [id],
      })
    ).rows[0]!;
    expect(JSON.parse(String(row.detail))).toMatchObject({ account: 'acc-1', from: 'received', to: 'accepted' });
  } finally {
    e.dispose();
  }
});
