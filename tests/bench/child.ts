import type http from 'node:http';

/**
 * Start a baseline server on a free loopback port, print {"port":N} for the harness, and exit when
 * stdin closes or on SIGTERM, so a child cannot outlive the benchmark process.
 */
export function serveForBench(server: http.Server, onStop: () => void = () => undefined): void {
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
  const stop = () => {
    onStop();
    process.exit(0);
  };
  process.stdin.resume();
  process.stdin.on('end', stop);
  process.once('SIGTERM', stop);
}
