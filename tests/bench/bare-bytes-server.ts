import http from 'node:http';
import { readFileSync } from 'node:fs';
import { serveForBench } from './child.ts';

/**
 * Baseline for the cached-read benchmarks: node:http sending one body held in memory (the exact bytes
 * the real server sends for that path, read once at start-up), with its Content-Type, Content-Encoding
 * and Content-Length. Nothing is read per request, so it is the ceiling for a cache answering from memory.
 * Usage: node tests/bench/bare-bytes-server.ts <file> <content-type> [content-encoding]
 * Prints {"port":N} on stdout when listening; exits when its stdin closes.
 */
const [file, contentType = 'application/octet-stream', contentEncoding] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: bare-bytes-server.ts <file> <content-type> [content-encoding]\n');
  process.exit(2);
}
const body = readFileSync(file);
const headers: Record<string, string | number> = { 'Content-Type': contentType, 'Content-Length': body.length };
if (contentEncoding) headers['Content-Encoding'] = contentEncoding;

const server = http.createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
serveForBench(server);
