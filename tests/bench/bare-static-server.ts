import http from 'node:http';
import { serveForBench } from './child.ts';
import { createReadStream, statSync } from 'node:fs';

/**
 * Baseline for the static-page benchmark: the honest "bare static file server". node:http plus
 * fs.createReadStream of one precompressed file, sent with Content-Encoding and Content-Type and the
 * Content-Length from a single startup stat (a production static server also caches its file list).
 * Usage: node tests/bench/bare-static-server.ts <file> <content-type> <content-encoding>
 * Prints {"port":N} on stdout when listening; exits when its stdin closes.
 */
const [file, contentType = 'application/octet-stream', contentEncoding] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: bare-static-server.ts <file> <content-type> [content-encoding]\n');
  process.exit(2);
}
const size = statSync(file).size;
const headers: Record<string, string | number> = { 'Content-Type': contentType, 'Content-Length': size };
if (contentEncoding) headers['Content-Encoding'] = contentEncoding;

const server = http.createServer((_req, res) => {
  res.writeHead(200, headers);
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
});
serveForBench(server);
