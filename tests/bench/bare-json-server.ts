import http from 'node:http';
import { serveForBench } from './child.ts';

/**
 * Baseline for the API benchmark: a bare node:http server that answers every request with a JSON
 * body of the same shape and size as GET /api/health, built per request like the real one is
 * (fresh timestamp, JSON.stringify). No framework, no database, no extra headers.
 * Usage: node tests/bench/bare-json-server.ts <version>; prints {"port":N} on stdout when listening.
 * Exits when its stdin closes, so it cannot outlive the benchmark process.
 */
const version = process.argv[2] ?? '0.0.0';
const latest = 1_700_000_000_000;

const server = http.createServer((_req, res) => {
  const body = JSON.stringify({
    status: 'ok',
    version,
    database: { reachable: true, migrations: { applied: 1, latest } },
    time: new Date().toISOString(),
  });
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});
serveForBench(server);
