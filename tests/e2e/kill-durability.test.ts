import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createClient } from '@libsql/client';
import { startTestServer } from '../support/server.ts';
import { generalItem } from '../support/channel-fixtures.ts';
import { readChain, verifyChain } from '../../src/db/audit-chain.ts';

/**
 * Group commit under `kill -9` (issue 15, acceptance 3; RELIABILITY.md §0.1): 10 keep-alive clients post
 * feedback to the real server, which is killed with SIGKILL while requests are in flight. Every
 * submission answered 201 must be in the database afterwards, with its audit row (same batch), the
 * file must pass `integrity_check`, and the audit chain must verify. A restart on the same file serves
 * an acknowledged item by its tracking code.
 */
const CLIENTS = 10;
/** SIGKILL after this many acknowledgements. */
const KILL_AFTER = 150;

type Outcome = { kind: 'acked'; key: string; code: string } | { kind: 'other'; key: string; what: string };

function post(agent: http.Agent, port: number, key: string): Promise<Outcome> {
  const body = JSON.stringify(generalItem({ idempotencyKey: key, body: `断电测试 ${key} 村务公开栏没有更新` }));
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/feedback',
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ kind: 'other', key, what: e.code ?? e.message }));
        res.on('end', () => {
          if (res.statusCode !== 201 || !res.complete) {
            resolve({ kind: 'other', key, what: `status ${String(res.statusCode)}` });
            return;
          }
          const { trackingCode } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { trackingCode: string };
          resolve({ kind: 'acked', key, code: trackingCode });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ kind: 'other', key, what: e.code ?? e.message }));
    req.end(body);
  });
}

test(`SIGKILL during ${CLIENTS}-way posting: every 201 is stored with its audit row, the file and the chain check out`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qinglian-kill-'));
  const env = { FEEDBACK_LIMIT_PER_IP: '1000000', FEEDBACK_LIMIT_NO_POW_PER_IP: '1000000' };
  const server = await startTestServer({ dbDir: dir, env });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    const outcomes: Outcome[] = [];
    let sent = 0;
    let acked = 0;
    let killed = false;
    let refusedBeforeKill = null as Outcome | null;
    const exited = new Promise<NodeJS.Signals | null>((r) => server.process.once('exit', (_c, signal) => r(signal)));
    const worker = async (w: number) => {
      while (!killed && !refusedBeforeKill) {
        const outcome = await post(agent, server.port, `kill-test-${w}-${String(sent++).padStart(8, '0')}`);
        outcomes.push(outcome);
        if (outcome.kind === 'other' && acked < KILL_AFTER) refusedBeforeKill = outcome;
        if (outcome.kind === 'acked' && ++acked === KILL_AFTER) {
          killed = true;
          // The other clients' requests are in flight: some are in the open group, some not yet queued.
          server.process.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
    expect(refusedBeforeKill).toBeNull();
    expect(await exited).toBe('SIGKILL');
    // Answers in flight at the kill stop at the client (reset), never a wrong status.
    const others = outcomes.filter((o) => o.kind === 'other');
    expect(others.filter((o) => o.what.startsWith('status'))).toEqual([]);

    const db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
    try {
      expect((await db.execute('PRAGMA integrity_check')).rows[0]?.[0]).toBe('ok');
      const rows = (
        await db.execute(`SELECT f.idempotency_key AS k, f.tracking_code AS code,
            (SELECT count(*) FROM audit_events a
              WHERE a.subject_type = 'feedback' AND a.subject_id = f.id AND a.action = 'received') AS audits
          FROM feedback_items f WHERE f.idempotency_key LIKE 'kill-%'`)
      ).rows;
      const stored = new Map(rows.map((r) => [String(r.k), { code: String(r.code), audits: Number(r.audits) }]));
      const ackedOutcomes = outcomes.flatMap((o) => (o.kind === 'acked' ? [o] : []));
      expect(ackedOutcomes.length).toBeGreaterThanOrEqual(KILL_AFTER);
      const lost = ackedOutcomes.filter((o) => stored.get(o.key)?.code !== o.code.replace(/-/g, ''));
      expect(lost, `${lost.length} of ${ackedOutcomes.length} acknowledged submissions missing`).toEqual([]);
      // Each stored item committed with its audit row, never one without the other.
      expect([...stored.values()].filter((s) => s.audits !== 1)).toEqual([]);
      const chain = verifyChain(await readChain(db));
      expect(chain.problems).toEqual([]);
      expect(chain.ok).toBe(true);
    } finally {
      db.close();
    }

    // A restart on the same file answers for the last acknowledged item.
    const again = await startTestServer({ dbDir: dir, env });
    try {
      const last = outcomes.findLast((o) => o.kind === 'acked');
      const res = await fetch(`${again.url}/api/feedback/${last?.kind === 'acked' ? last.code : ''}`);
      expect(res.status).toBe(200);
    } finally {
      await again.stop();
    }
  } finally {
    agent.destroy();
    await server.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
