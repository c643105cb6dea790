import http from 'node:http';
import { describe, expect, test } from 'vitest';
import { startTestServer } from '../support/server.ts';
import { openAppDatabase } from '../../src/app-context.ts';
import { testConfig } from '../support/db.ts';
import { generalItem } from '../support/channel-fixtures.ts';

/**
 * SIGTERM during concurrent writes (issue 13, acceptance 4; RELIABILITY.md §6 "SIGTERM mid-load"): 20
 * keep-alive clients post feedback, SIGTERM arrives mid-load, and every request a client finished
 * writing gets a complete answer. The only acceptable failure is a refused connection (nothing sent).
 * The database is the ledger: every acknowledged item is stored and every stored item was answered.
 */
const RUNS = 5;
const CLIENTS = 20;
/** SIGTERM after this many answers. */
const SIGTERM_AFTER = 60;
/** A cap per run, so a server that never stops cannot keep the test going. */
const MAX_REQUESTS = 1_500;

type Outcome =
  | { kind: 'answered'; status: number; key: string; afterSigterm: boolean }
  | { kind: 'refused'; key: string }
  | { kind: 'failed'; key: string; code: string; written: boolean; afterSigterm: boolean };

function post(agent: http.Agent, port: number, key: string, afterSigterm: () => boolean): Promise<Outcome> {
  const body = JSON.stringify(generalItem({ idempotencyKey: key, body: `关机测试 ${key} 村务公开栏没有更新` }));
  return new Promise((resolve) => {
    let written = false;
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
        res.on('error', (e: NodeJS.ErrnoException) =>
          resolve({ kind: 'failed', key, code: `body: ${e.code ?? e.message}`, written, afterSigterm: afterSigterm() }),
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const complete = res.complete && Buffer.byteLength(text) === Number(res.headers['content-length']);
          let parsed = false;
          try {
            JSON.parse(text);
            parsed = true;
          } catch {
            // reported below
          }
          resolve(
            complete && parsed
              ? { kind: 'answered', status: res.statusCode ?? 0, key, afterSigterm: afterSigterm() }
              : {
                  kind: 'failed',
                  key,
                  code: `incomplete body (${text.length})`,
                  written,
                  afterSigterm: afterSigterm(),
                },
          );
        });
      },
    );
    // 'finish': the whole request was handed to the operating system.
    req.on('finish', () => (written = true));
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve(
        e.code === 'ECONNREFUSED' && !written
          ? { kind: 'refused', key }
          : { kind: 'failed', key, code: e.code ?? e.message, written, afterSigterm: afterSigterm() },
      ),
    );
    req.end(body);
  });
}

async function oneRun(run: number) {
  const server = await startTestServer({
    env: { FEEDBACK_LIMIT_PER_IP: '1000000', FEEDBACK_LIMIT_NO_POW_PER_IP: '1000000', LOG_LEVEL: 'info' },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    // Set inside the workers; declared with `as` so that the checks below are not narrowed to null.
    let sigtermAt = null as number | null;
    let exited = null as Promise<number | null> | null;
    const outcomes: Outcome[] = [];
    let sent = 0;
    let answered = 0;
    const worker = async (w: number) => {
      for (;;) {
        if (sent >= MAX_REQUESTS) return;
        const key = `shutdown-${run}-${w}-${String(sent++).padStart(8, '0')}`;
        const outcome = await post(agent, server.port, key, () => sigtermAt !== null);
        outcomes.push(outcome);
        if (outcome.kind === 'refused' || outcome.kind === 'failed') return;
        if (++answered === SIGTERM_AFTER) {
          sigtermAt = Date.now();
          exited = server.stop('SIGTERM');
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
    const code = await Promise.race([
      exited ?? Promise.resolve('no SIGTERM' as const),
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000)),
    ]);
    const stopMs = sigtermAt === null ? null : Date.now() - sigtermAt;

    const database = await openAppDatabase(testConfig({ DATABASE_URL: `file:${server.dbFile}` }), {
      checkDurability: false,
    });
    let stored: Set<string>;
    try {
      const rs = await database.client.execute(
        "SELECT idempotency_key AS k FROM feedback_items WHERE idempotency_key LIKE 'shutdown-%'",
      );
      stored = new Set(rs.rows.map((r) => String(r.k)));
    } finally {
      database.close();
    }
    const acked = outcomes.filter((o) => o.kind === 'answered' && o.status === 201).map((o) => o.key);
    const answeredKeys = new Set(outcomes.filter((o) => o.kind === 'answered').map((o) => o.key));
    return {
      code,
      stopMs,
      sent: outcomes.length,
      answered: answeredKeys.size,
      answeredAfterSigterm: outcomes.filter((o) => o.kind === 'answered' && o.afterSigterm).length,
      statuses: [...new Set(outcomes.flatMap((o) => (o.kind === 'answered' ? [o.status] : [])))],
      refused: outcomes.filter((o) => o.kind === 'refused').length,
      failed: outcomes.filter((o) => o.kind === 'failed'),
      lostAcks: acked.filter((k) => !stored.has(k)),
      storedUnanswered: [...stored].filter((k) => !answeredKeys.has(k)),
      output: server.output.join('').slice(-1500),
    };
  } finally {
    agent.destroy();
    await server.stop('SIGKILL');
    server.cleanup();
  }
}

describe('SIGTERM during 20-way concurrent posting', () => {
  test(`${RUNS} runs: 0 resets after a request was written, every stored request answered, exit 0`, async () => {
    const summaries = [];
    for (let run = 0; run < RUNS; run++) {
      const r = await oneRun(run);
      const { output, ...summary } = r;
      summaries.push(summary);
      const report = `run ${run}: ${JSON.stringify(summary, null, 2)}\n${output}`;
      expect(r.code, report).toBe(0);
      expect(r.failed, report).toEqual([]);
      expect(r.lostAcks, report).toEqual([]);
      expect(r.storedUnanswered, report).toEqual([]);
      expect(r.statuses, report).toEqual([201]);
      // The load overlapped the shutdown: requests sent after SIGTERM were still answered.
      expect(r.answeredAfterSigterm, report).toBeGreaterThan(0);
      expect(r.stopMs, report).toBeLessThan(15_000);
    }
    console.log(
      JSON.stringify(
        summaries.map(({ failed, lostAcks, storedUnanswered, ...s }) => ({
          ...s,
          failed: failed.length,
          lostAcks: lostAcks.length,
          storedUnanswered: storedUnanswered.length,
        })),
      ),
    );
  }, 240_000);
});
