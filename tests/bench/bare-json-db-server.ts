import http from 'node:http';
import { serveForBench } from './child.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, migrationVersion, openDatabase } from '../../src/db/client.ts';

/**
 * Baseline that isolates the framework cost of GET /api/health: bare node:http doing the same
 * database work per request (the same client settings and the same migration-table query) and
 * answering the same JSON shape, with no Hono, no middleware and no extra headers.
 * Usage: node tests/bench/bare-json-db-server.ts <version>; prints {"port":N} when listening.
 */
const version = process.argv[2] ?? '0.0.0';
const dir = mkdtempSync(join(tmpdir(), 'qinglian-bench-db-'));
const database = await openDatabase({ url: `file:${join(dir, 'bench.db')}`, busyTimeoutMs: 5000 });
await migrateDatabase(database);

const server = http.createServer((_req, res) => {
  migrationVersion(database).then(
    (migrations) => {
      const body = JSON.stringify({
        status: 'ok',
        version,
        database: { reachable: true, migrations },
        time: new Date().toISOString(),
      });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    },
    () => {
      res.writeHead(503);
      res.end();
    },
  );
});
serveForBench(server, () => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});
