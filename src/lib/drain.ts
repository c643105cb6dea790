import type http from 'node:http';
import net from 'node:net';

/**
 * Graceful shutdown of a node:http server that never resets a request a client has sent (issue 13,
 * RELIABILITY.md §6 "SIGTERM mid-load").
 *
 * Why not `server.close()` + `closeAllConnections()`: the libSQL driver is synchronous, so while a
 * commit blocks the event loop, requests pile up *unread* in the kernel's socket buffers, mostly on
 * keep-alive connections that look idle to Node. `http.Server#close` destroys idle connections at once
 * (Node ≥ 19), and destroying a socket with unread bytes makes the kernel answer with a reset: the
 * client wrote its whole request and gets ECONNRESET, and nothing was stored or answered. Measured
 * before this change: 20 resets per run of tests/e2e/shutdown.test.ts (one per client).
 *
 * The listen backlog has the same problem: while handlers block the loop, libuv accepts about one
 * connection per turn of the event loop, and connections still queued in the kernel when the listener
 * closes are reset, although their clients have sent their requests (measured: up to 9 queued at
 * SIGTERM, a second after 20 clients connected at once).
 *
 * What `close()` does instead:
 * 1. keep accepting until two turns of the event loop in a row accept nothing (the backlog is empty;
 *    at most `backlogMs`), then stop listening — without touching the open connections;
 * 2. from then on every response says `Connection: close`, so each connection serves at most the
 *    request it is in (or the one its client is already sending) and then closes;
 * 3. wait until no request is in flight and none has started or ended for `quietMs`, with the event
 *    loop free, so bytes that were still buffered are read and served as requests;
 * 4. only then end the connections that stayed idle, with a FIN (not a reset), and destroy whatever is
 *    left at the grace deadline.
 * A keep-alive connection idle for `quietMs` whose client sends a request in the very instant it is
 * ended can still lose that request: HTTP/1.1 lets a server close an idle connection at any time and
 * clients retry (RFC 9112 §9.6); this shrinks that window from "always" to that instant.
 */
export interface Drain {
  /** True once `close` began: responses carry `Connection: close`. */
  readonly closing: boolean;
  /** Stop accepting, answer what was received, close the connections; resolves when all are closed. */
  close(graceMs: number): Promise<void>;
}

interface Connection {
  busy: number;
}

export function drainConnections(
  server: http.Server,
  opts: { quietMs?: number; lingerMs?: number; backlogMs?: number } = {},
): Drain {
  const quietMs = opts.quietMs ?? 250;
  const lingerMs = opts.lingerMs ?? 1_000;
  const backlogMs = opts.backlogMs ?? 2_000;
  let accepted = 0;
  const connections = new Map<net.Socket, Connection>();
  const active = new Set<http.ServerResponse>();
  let lastActivity = Date.now();
  let closing = false;
  let closed: Promise<void> | null = null;

  server.on('connection', (socket: net.Socket) => {
    accepted++;
    connections.set(socket, { busy: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  // Before the application's handler, so the header is set before it writes anything.
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const conn = connections.get(req.socket);
    if (conn) conn.busy++;
    active.add(res);
    lastActivity = Date.now();
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      if (conn) conn.busy--;
      active.delete(res);
      lastActivity = Date.now();
    });
  });

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function run(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    // Each await below is one turn of the loop, whose poll phase accepts what the backlog holds. Until the
    // listener closes, responses stay keep-alive, so clients have no reason to open new connections.
    const backlogUntil = Math.min(deadline, Date.now() + backlogMs);
    for (let idleTurns = 0; idleTurns < 2 && Date.now() < backlogUntil;) {
      const before = accepted;
      await new Promise((r) => setImmediate(r));
      idleTurns = accepted === before ? idleTurns + 1 : 0;
    }
    // net.Server's close: stop listening; unlike http.Server's it leaves idle keep-alive sockets open.
    const listenerClosed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    closing = true;
    for (const res of active) if (!res.headersSent) res.setHeader('Connection', 'close');
    while (Date.now() < deadline && (active.size > 0 || Date.now() - lastActivity < quietMs)) await sleep(10);
    for (const [socket, conn] of connections) if (conn.busy === 0 && !socket.writableEnded) socket.end();
    const lingerUntil = Math.min(deadline, Date.now() + lingerMs);
    while (connections.size > 0 && Date.now() < Math.max(lingerUntil, active.size > 0 ? deadline : 0)) await sleep(10);
    for (const socket of connections.keys()) socket.destroy();
    await listenerClosed;
  }

  return {
    get closing() {
      return closing;
    },
    close: (graceMs) => (closed ??= run(graceMs)),
  };
}
