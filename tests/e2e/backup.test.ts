import { loadBuildSettings } from '../../src/lib/config.ts';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, test } from 'vitest';
import { createClient } from '@libsql/client';
import { startTestServer } from '../support/server.ts';
import { TEST_SECRET_ENV } from '../support/channel.ts';
import { generalItem } from '../support/channel-fixtures.ts';

/**
 * Issue 17, acceptance 7: `npm run backup` while 10 clients keep posting feedback to the real server,
 * then `npm run restore` of that copy. The copy passes integrity_check and holds every item the server
 * acknowledged (201) before the backup started; the restore refuses while the server runs.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENTS = 10;
const run = promisify(execFile);

/**
 * The libSQL driver closes a native connection when it is garbage-collected, not at `client.close()`, and
 * an open connection holds the shared lock that makes `restore` refuse. This test process opened the
 * database itself (`startTestServer` migrates it here, `keys()` reads it), so it collects those handles
 * before the restore; a deployment runs `restore` after the server process has exited.
 */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
async function releaseClosedConnections() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
}

function post(agent: http.Agent, port: number, key: string): Promise<number> {
  const body = JSON.stringify(generalItem({ idempotencyKey: key, body: `备份测试 ${key} 村务公开栏没有更新` }));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/feedback',
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Run a CLI as `npm run backup|restore` does (package.json), with the server's DATABASE_URL. */
const cli = (script: string, args: string[], dbFile: string, env: Record<string, string> = {}) =>
  run(process.execPath, [join(ROOT, 'src/cli', script), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      SITE_URL: loadBuildSettings().SITE_URL,
      DATABASE_URL: `file:${dbFile}`,
      ...TEST_SECRET_ENV,
      ...env,
    },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: unknown) => {
      const failed = e as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    },
  );

async function keys(dbFile: string): Promise<{ keys: Set<string>; integrity: string }> {
  const client = createClient({ url: `file:${dbFile}` });
  try {
    const integrity = String((await client.execute('PRAGMA integrity_check')).rows[0]?.[0]);
    const rs = await client.execute(
      "SELECT idempotency_key AS k FROM feedback_items WHERE idempotency_key LIKE 'backup-%'",
    );
    return { keys: new Set(rs.rows.map((r) => String(r.k))), integrity };
  } finally {
    client.close();
  }
}

describe('backup and restore under write load', () => {
  test('the backup holds every write acknowledged before it started; restore checks and refuses while running', async () => {
    const server = await startTestServer({
      env: { FEEDBACK_LIMIT_PER_IP: '1000000', FEEDBACK_LIMIT_NO_POW_PER_IP: '1000000' },
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const backupFile = join(server.dbFile, '..', 'backups', 'copy.db');
    try {
      const acked: { key: string; at: number }[] = [];
      const statuses = new Set<number>();
      let stop = false;
      let sent = 0;
      const worker = async (w: number) => {
        while (!stop) {
          const key = `backup-${w}-${String(sent++).padStart(8, '0')}`;
          const status = await post(agent, server.port, key);
          statuses.add(status);
          if (status === 201) acked.push({ key, at: performance.now() });
        }
      };
      const load = Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
      while (acked.length < 100) await new Promise((r) => setTimeout(r, 20));
      const backupStarted = performance.now();
      const ackedBefore = acked.filter((a) => a.at <= backupStarted).map((a) => a.key);
      const backup = await cli('backup.ts', [backupFile], server.dbFile);
      const backupEnded = performance.now();
      const ackedDuring = acked.filter((a) => a.at > backupStarted && a.at <= backupEnded).length;
      // Keep writing a moment after the backup, then stop the load.
      const total = acked.length;
      while (acked.length < total + 50) await new Promise((r) => setTimeout(r, 20));
      stop = true;
      await load;
      expect(backup.code, backup.stderr).toBe(0);
      expect(JSON.parse(backup.stdout)).toMatchObject({ integrity: 'ok' });
      expect(existsSync(`${backupFile}.partial`), 'no temporary file left behind').toBe(false);
      expect([...statuses]).toEqual([201]);
      // The writes overlapped the backup: the server kept acknowledging while it ran.
      expect(ackedDuring, 'writes acknowledged while the backup ran').toBeGreaterThan(0);

      const copy = await keys(backupFile);
      expect(copy.integrity).toBe('ok');
      expect(ackedBefore.filter((k) => !copy.keys.has(k))).toEqual([]);
      // Writes after the backup are not in it (it is one snapshot, not the live file).
      expect(copy.keys.size).toBeLessThan(acked.length);

      // Restore refuses while the server has the database open, and leaves the file alone.
      const refused = await cli('restore.ts', [backupFile], server.dbFile);
      expect(refused.code, refused.stderr).toBe(3);
      const live = await keys(server.dbFile);
      expect(live.keys.size).toBe(acked.length);

      expect(await server.stop('SIGTERM')).toBe(0);
      await releaseClosedConnections();
      const restored = await cli('restore.ts', [backupFile], server.dbFile);
      expect(restored.code, restored.stderr).toBe(0);
      const out = JSON.parse(restored.stdout) as { previous: string };
      expect(existsSync(out.previous)).toBe(true);
      const after = await keys(server.dbFile);
      expect(after.integrity).toBe('ok');
      expect([...after.keys].sort()).toEqual([...copy.keys].sort());
      // The replaced database was kept whole.
      expect((await keys(out.previous)).keys.size).toBe(acked.length);
      console.log(
        JSON.stringify({ ackedBefore: ackedBefore.length, ackedDuring, inBackup: copy.keys.size, total: acked.length }),
      );
    } finally {
      agent.destroy();
      await server.stop('SIGKILL');
      server.cleanup();
    }
  }, 120_000);

  test('restore refuses a damaged backup (integrity_check) and leaves the database alone', async () => {
    const { mkdtempSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-restore-'));
    try {
      const live = join(dir, 'live.db');
      const c = createClient({ url: `file:${live}` });
      await c.execute('CREATE TABLE t (x TEXT)');
      await c.execute("INSERT INTO t VALUES ('kept')");
      c.close();
      const bad = join(dir, 'bad.db');
      writeFileSync(bad, Buffer.concat([readFileSync(live).subarray(0, 100), Buffer.alloc(4096, 0x5a)]));
      const r = await cli('restore.ts', [bad], live);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/integrity_check|malformed|not a database/);
      const check = createClient({ url: `file:${live}` });
      expect((await check.execute('SELECT x FROM t')).rows.map((row) => row.x)).toEqual(['kept']);
      check.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('the attachment store is copied to <backup>.attachments/ and put back by restore', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { createHash } = await import('node:crypto');
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-backup-files-'));
    try {
      const live = join(dir, 'live.db');
      const c = createClient({ url: `file:${live}` });
      await c.execute('CREATE TABLE t (x TEXT)');
      c.close();
      const store = join(dir, 'files');
      const bytes = Buffer.from('%PDF-1.4 evidence kept across a restore');
      const sha = createHash('sha256').update(bytes).digest('hex');
      mkdirSync(join(store, sha.slice(0, 2)), { recursive: true });
      writeFileSync(join(store, sha.slice(0, 2), sha), bytes);
      const env = { ATTACHMENTS_DIR: store };
      const backupFile = join(dir, 'backups', 'copy.db');
      const backup = await cli('backup.ts', [backupFile], live, env);
      expect(backup.code, backup.stderr).toBe(0);
      expect(JSON.parse(backup.stdout)).toMatchObject({ attachments: `${backupFile}.attachments`, files: 1 });
      expect(readFileSync(join(`${backupFile}.attachments`, sha.slice(0, 2), sha)).equals(bytes)).toBe(true);
      expect(existsSync(`${backupFile}.attachments.partial`)).toBe(false);
      // A second backup to the same name is refused rather than mixed into the first.
      expect((await cli('backup.ts', [backupFile], live, env)).code).toBe(1);

      rmSync(store, { recursive: true, force: true });
      await releaseClosedConnections();
      const restored = await cli('restore.ts', [backupFile], live, env);
      expect(restored.code, restored.stderr).toBe(0);
      expect(JSON.parse(restored.stdout)).toMatchObject({ attachments: 1 });
      expect(readFileSync(join(store, sha.slice(0, 2), sha)).equals(bytes)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
