import { expect, test } from 'vitest';
import { startTestServer } from '../support/server.ts';
import { openAppDatabase } from '../../src/app-context.ts';
import { testConfig } from '../support/db.ts';
import { generalItem } from '../support/channel-fixtures.ts';
import { checkpointNote, currentCheckpoint } from '../../src/db/audit-chain.ts';
import { listCheckpoints } from '../../src/db/audit-checkpoint-repo.ts';
import { verifyEd25519 } from '../../src/lib/crypto.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The real server writes signed audit checkpoints and serves them live (issue 13): one at start for what the
 * seed wrote, and one at shutdown covering every row written since.
 */
test('the server publishes signed checkpoints with their history at /data/audit-checkpoint.json, live', async () => {
  const server = await startTestServer();
  try {
    const fetchPublished = async () => {
      const res = await fetch(`${server.url}/data/audit-checkpoint.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      return (await res.json()) as {
        available: boolean;
        count: number;
        publicKey: string;
        history: { count: number; headId: number | null; headHash: string; at: string; signature: string }[];
      };
    };
    let published = await fetchPublished();
    await waitFor(async () => (published = await fetchPublished()).available, 'the start-up checkpoint');
    expect(published.count).toBeGreaterThan(0);
    const key = Buffer.from(published.publicKey, 'base64');
    for (const c of published.history)
      expect(verifyEd25519(key, checkpointNote({ algorithm: 'sha256-chain-v1', ...c }), c.signature)).toBe(true);

    const res = await fetch(`${server.url}/api/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(generalItem()),
    });
    expect(res.status).toBe(201);
    expect(await server.stop('SIGTERM')).toBe(0);

    const database = await openAppDatabase(testConfig({ DATABASE_URL: `file:${server.dbFile}` }), {
      checkDurability: false,
    });
    try {
      const stored = await listCheckpoints(database);
      const head = await currentCheckpoint(database.client, new Date());
      // The shutdown checkpoint covers the submission's audit row: nothing is left unprotected.
      expect(stored.at(-1)).toMatchObject({ count: head.count, headHash: head.headHash });
      expect(head.count).toBeGreaterThan(published.count);
    } finally {
      database.close();
    }
  } finally {
    await server.stop('SIGKILL');
    server.cleanup();
  }
});
