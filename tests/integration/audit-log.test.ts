import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshDatabase } from '../support/db.ts';
import { testChannel } from '../support/channel.ts';
import { submitFeedback, runStaffCommand } from '../../src/services/feedback.ts';
import { auditStatement } from '../../src/db/audit-repo.ts';
import { currentCheckpoint, readChain, verifyChain } from '../../src/db/audit-chain.ts';
import { checkpointForBuild } from '../../src/app-context.ts';
import type { Database } from '../../src/db/client.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let env: Awaited<ReturnType<typeof freshDatabase>>;
let database: Database;

beforeAll(async () => {
  env = await freshDatabase({ demoChannel: true });
  database = env.database;
}, 60_000);
afterAll(() => env.dispose());

function verifyCli(args: string[] = []) {
  const r = spawnSync(process.execPath, [join(ROOT, 'src/cli/audit-verify.ts'), ...args], {
    env: { ...process.env, DATABASE_URL: `file:${env.file}`, NODE_ENV: 'development' },
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

  test('the build checkpoint reads the database in DATABASE_URL, and says so when there is none', async () => {
    const published = await checkpointForBuild(new Date('2026-03-01T00:00:00Z'), {
      DATABASE_URL: `file:${env.file}`,
      NODE_ENV: 'production',
    });
    expect(published).toMatchObject({ available: true, algorithm: 'sha256-chain-v1', at: '2026-03-01T00:00:00.000Z' });
    expect(published.available && published.count).toBeGreaterThan(20);
    expect(
      await checkpointForBuild(new Date(), { DATABASE_URL: `file:${join(dirname(env.file), 'missing.db')}` }),
    ).toMatchObject({ available: false });
  });
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
