import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/server.ts';
import { openAppDatabase } from '../../src/app-context.ts';
import { testConfig } from '../support/db.ts';
import { upsertUnits } from '../../src/db/units-repo.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The production process over its life: a restart keeps the database, and SIGTERM under load lets
 * accepted requests finish and exits 0 (RELIABILITY.md §6 "SIGTERM mid-load", §9 target 6).
 */
const Health = z.object({
  status: z.literal('ok'),
  database: z.object({
    reachable: z.literal(true),
    migrations: z.object({ applied: z.number().int().min(1), latest: z.number().nullable() }),
  }),
});
const Units = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string() })),
  total: z.number().int(),
});

async function getJson<T>(url: string, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return schema.parse(await res.json());
}

/** Stop the server and wait for its exit code, killing it outright if it hangs. */
async function stopWithin(server: TestServer, ms: number): Promise<number | null | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), ms);
  });
  const result = await Promise.race([server.stop('SIGTERM'), hung]);
  clearTimeout(timer);
  if (result === 'hung') await server.stop('SIGKILL');
  return result;
}

describe('restart', () => {
  test('a restart on the same database keeps its rows, unit count and schema version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-e2e-restart-'));
    const marker = {
      id: 'e2e-restart-marker',
      name: 'e2e restart marker',
      carrier: 'agency',
      townshipId: 'dongling',
      leadDepartment: 'e2e',
      demo: true,
    } as const;
    try {
      const first = await startTestServer({ dbDir: dir });
      let before: { total: number; ids: string[]; applied: number };
      try {
        const seeded = await getJson(`${first.url}/api/units?pageSize=100`, Units);
        expect(seeded.items.map((u) => u.id)).not.toContain(marker.id);
        // A row the registry does not have, written by another process while the server runs:
        // only the database file can carry it across the restart.
        const database = await openAppDatabase(testConfig({ DATABASE_URL: `file:${first.dbFile}` }));
        try {
          await upsertUnits(database, { townships: [], units: [marker] }, new Date('2026-01-01T00:00:00Z'));
        } finally {
          database.close();
        }
        const units = await getJson(`${first.url}/api/units?pageSize=100`, Units);
        expect(units.total).toBe(seeded.total + 1);
        const health = await getJson(`${first.url}/api/health`, Health);
        before = {
          total: units.total,
          ids: units.items.map((u) => u.id).sort(),
          applied: health.database.migrations.applied,
        };
      } finally {
        expect(await stopWithin(first, 15_000)).toBe(0);
      }
      expect(first.output.join('')).toContain('"signal":"SIGTERM"');
      expect(existsSync(first.dbFile) && statSync(first.dbFile).size > 0).toBe(true);

      // startTestServer migrates and seeds again, as `npm start` does: both must be idempotent.
      const second = await startTestServer({ dbDir: dir });
      try {
        expect(second.dbFile).toBe(first.dbFile);
        const health = await getJson(`${second.url}/api/health`, Health);
        expect(health.database.migrations.applied).toBe(before.applied);
        const units = await getJson(`${second.url}/api/units?pageSize=100`, Units);
        expect(units.total).toBe(before.total);
        expect(units.items.map((u) => u.id).sort()).toEqual(before.ids);
        expect(units.items.find((u) => u.id === marker.id)?.name).toBe(marker.name);
      } finally {
        expect(await stopWithin(second, 15_000)).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SIGTERM', () => {
  const TOTAL = 400;
  const CONCURRENCY = 32;
  const SIGTERM_AFTER = 100;
  const PATHS = ['/api/health', '/units/', '/api/units', '/status/'] as const;
  /** Failures that happen before any response byte: the only acceptable way to lose a request. */
  const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

  type Outcome =
    | { kind: 'ok'; path: string; afterSigterm: boolean }
    | { kind: 'connection'; path: string; code: string; afterSigterm: boolean }
    | { kind: 'bad'; path: string; detail: string; afterSigterm: boolean };

  /** The innermost error code (fetch wraps socket errors in `TypeError: fetch failed`). */
  function errorCode(e: unknown): string {
    let err = e as { code?: unknown; name?: unknown; cause?: unknown } | undefined;
    let code = 'unknown';
    while (err && typeof err === 'object') {
      if (typeof err.code === 'string') code = err.code;
      else if (code === 'unknown' && typeof err.name === 'string') code = err.name;
      err = err.cause as typeof err;
    }
    return code;
  }

  test('under load (400 requests, 32 at a time): every answer is complete, the rest are refused cleanly, exit 0', async () => {
    const server = await startTestServer();
    const started = Date.now();
    try {
      // What complete answers look like, fetched before the load.
      const unitsPage = await (await fetch(`${server.url}/units/`)).text();
      expect(unitsPage.trimEnd().endsWith('</html>')).toBe(true);
      const unitsTotal = (await getJson(`${server.url}/api/units`, Units)).total;

      const validate = (path: string, body: string): string | null => {
        switch (path) {
          case '/units/':
            return body === unitsPage
              ? null
              : `HTML differs from the full page (${body.length} vs ${unitsPage.length} chars)`;
          case '/status/':
            return body.trimEnd().endsWith('</html>') && body.includes('<h1>')
              ? null
              : `incomplete HTML (${body.length} chars)`;
          case '/api/health':
            return Health.safeParse(JSON.parse(body)).success ? null : `unexpected health body ${body}`;
          case '/api/units': {
            const parsed = Units.safeParse(JSON.parse(body));
            return parsed.success && parsed.data.total === unitsTotal
              ? null
              : `unexpected units body ${body.slice(0, 200)}`;
          }
          default:
            return `unexpected path ${path}`;
        }
      };

      let sigtermSent = false;
      let exited: Promise<number | null | 'hung'> | null = null;
      const outcomes: Outcome[] = [];
      let next = 0;
      let ok = 0;

      const one = async (path: string): Promise<Outcome> => {
        const afterSigterm = sigtermSent;
        let res: Response;
        try {
          res = await fetch(server.url + path, { signal: AbortSignal.timeout(10_000) });
        } catch (e) {
          const code = errorCode(e);
          return CONNECTION_ERRORS.has(code)
            ? { kind: 'connection', path, code, afterSigterm }
            : { kind: 'bad', path, detail: `no response: ${code}`, afterSigterm };
        }
        let body: string;
        try {
          body = await res.text();
        } catch (e) {
          return {
            kind: 'bad',
            path,
            detail: `status ${res.status}, then the body was cut off: ${errorCode(e)}`,
            afterSigterm,
          };
        }
        if (res.status !== 200)
          return { kind: 'bad', path, detail: `status ${res.status}: ${body.slice(0, 200)}`, afterSigterm };
        let problem: string | null;
        try {
          problem = validate(path, body);
        } catch (e) {
          problem = `unparseable body (${String(e)}): ${body.slice(0, 200)}`;
        }
        return problem ? { kind: 'bad', path, detail: problem, afterSigterm } : { kind: 'ok', path, afterSigterm };
      };

      const worker = async () => {
        while (next < TOTAL) {
          const path = PATHS[next++ % PATHS.length]!;
          const outcome = await one(path);
          outcomes.push(outcome);
          if (outcome.kind === 'ok' && ++ok === SIGTERM_AFTER) {
            sigtermSent = true;
            exited = stopWithin(server, 15_000);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      expect(exited, `SIGTERM was sent (only ${ok} requests succeeded)`).not.toBeNull();
      const code = await exited!;
      const elapsed = Date.now() - started;

      const summary = {
        elapsedMs: elapsed,
        ok: outcomes.filter((o) => o.kind === 'ok').length,
        okAfterSigterm: outcomes.filter((o) => o.kind === 'ok' && o.afterSigterm).length,
        connectionErrors: Object.fromEntries(
          [...new Set(outcomes.flatMap((o) => (o.kind === 'connection' ? [o.code] : [])))].map((c) => [
            c,
            outcomes.filter((o) => o.kind === 'connection' && o.code === c).length,
          ]),
        ),
        bad: outcomes.filter((o) => o.kind === 'bad').slice(0, 10),
      };
      const report = JSON.stringify(summary, null, 2);

      expect(code, `exit code\n${report}\n${server.output.join('').slice(-2000)}`).toBe(0);
      expect(outcomes.length).toBe(TOTAL);
      expect(summary.bad, report).toEqual([]);
      expect(summary.ok, report).toBeGreaterThanOrEqual(SIGTERM_AFTER);
      // The load really overlapped the shutdown: requests were still being sent after SIGTERM.
      expect(outcomes.filter((o) => o.afterSigterm).length, report).toBeGreaterThan(0);
      // Once the process is gone the port refuses at once rather than hanging.
      const late = await one('/api/health');
      expect(late.kind === 'connection' && late.code, JSON.stringify(late)).toBe('ECONNREFUSED');
      expect(elapsed, report).toBeLessThan(20_000);
      expect(server.output.join('')).toContain('"signal":"SIGTERM"');
    } finally {
      await server.stop('SIGKILL');
      server.cleanup();
    }
  });
  test('a request still uploading its body when SIGTERM arrives gets its complete answer before the exit', async () => {
    const server = await startTestServer();
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    try {
      await once(socket, 'connect');
      let received = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
      });
      const ended = once(socket, 'end');
      const body = JSON.stringify({ probe: 'in flight during SIGTERM' });
      // `Expect: 100-continue` makes Node answer "100 Continue" the moment it has the request's
      // headers, so the test knows the request is in flight without sleeping.
      socket.write(
        [
          'POST /api/health HTTP/1.1',
          `Host: 127.0.0.1:${server.port}`,
          'Content-Type: application/json',
          `Content-Length: ${Buffer.byteLength(body)}`,
          'Expect: 100-continue',
          '',
          '',
        ].join('\r\n'),
      );
      await waitFor(() => received.includes('HTTP/1.1 100 Continue'), 'the server to accept the request headers');

      const exited = server.stop('SIGTERM');
      await waitFor(() => server.output.join('').includes('"signal":"SIGTERM"'), 'the server to log the SIGTERM');
      // The server has stopped accepting: a new connection is refused...
      await waitFor(
        () =>
          new Promise<boolean>((resolve) => {
            const probe = net.connect({ host: '127.0.0.1', port: server.port });
            probe.once('connect', () => {
              probe.destroy();
              resolve(false);
            });
            probe.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
          }),
        'new connections to be refused',
      );
      // ...but the process waits for the request it had already accepted.
      expect(server.process.exitCode).toBeNull();
      socket.write(body);
      await ended;

      const text = received.toString('utf8');
      const head = /HTTP\/1\.1 (\d{3}) [^\r]*\r\n((?:[^\r]+\r\n)*)\r\n/g;
      const responses = [...text.matchAll(head)];
      expect(
        responses.map((m) => m[1]),
        text,
      ).toEqual(['100', '404']);
      const final = responses[1]!;
      const headers = Object.fromEntries(
        final[2]!
          .trim()
          .split('\r\n')
          .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      const payload = text.slice(final.index + final[0].length);
      // The server closed the connection after answering (`ended` above) and told the client so.
      expect(headers['connection']).toBe('close');
      expect(headers['content-type']).toMatch(/^application\/json/);
      expect(Buffer.byteLength(payload)).toBe(Number(headers['content-length']));
      expect(JSON.parse(payload)).toMatchObject({ error: { code: 'not_found' } });
      expect(await exited).toBe(0);
    } finally {
      socket.destroy();
      await server.stop('SIGKILL');
      server.cleanup();
    }
  });
});
