import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProviderRequest {
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A loopback test double of an SMS provider's HTTP API (the shape `httpSms` speaks: JSON POST with
 * `Idempotency-Key` and a bearer token), a real node:http server in the test process. Like a provider
 * that honours idempotency keys, a repeated key is answered 200 without sending again: `texts` holds what
 * would reach phones (one per key), `requests` every attempt. `failNext` answers the next requests with a
 * status; `onAccept` runs after a text was accepted and before the answer is written (a test kills the
 * portal there: sent, but never told).
 */
export async function startSmsProvider(opts: { token?: string } = {}) {
  const requests: ProviderRequest[] = [];
  const texts = new Map<string, { to: string; text: string }>();
  let failures: { left: number; status: number } = { left: 0, status: 0 };
  let onAccept: ((key: string) => Promise<'answer' | 'drop'> | 'answer' | 'drop') | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const key = req.headers['idempotency-key'];
        const idempotencyKey = Array.isArray(key) ? key[0] : key;
        const answer = await handle(idempotencyKey, req.headers.authorization, Buffer.concat(chunks));
        if (answer === 'drop') {
          res.socket?.destroy();
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.json));
      })();
    });
  });
  const parse = (raw: Buffer): unknown => {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return null;
    }
  };
  async function handle(
    idempotencyKey: string | undefined,
    authorization: string | undefined,
    raw: Buffer,
  ): Promise<{ status: number; json: unknown } | 'drop'> {
    const body = parse(raw);
    requests.push({ idempotencyKey, authorization, body });
    if (opts.token && authorization !== `Bearer ${opts.token}`) return { status: 401, json: { error: 'auth' } };
    if (failures.left > 0) {
      failures.left--;
      return { status: failures.status, json: { error: 'unavailable' } };
    }
    const msg = body as { to?: unknown; text?: unknown } | null;
    if (!idempotencyKey || typeof msg?.to !== 'string' || typeof msg.text !== 'string')
      return { status: 400, json: { error: 'bad request' } };
    if (texts.has(idempotencyKey)) return { status: 200, json: { id: idempotencyKey, duplicate: true } };
    texts.set(idempotencyKey, { to: msg.to, text: msg.text });
    if (onAccept && (await onAccept(idempotencyKey)) === 'drop') return 'drop';
    return { status: 200, json: { id: idempotencyKey, duplicate: false } };
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/sms`,
    requests,
    texts,
    failNext(times: number, status: number) {
      failures = { left: times, status };
    },
    setOnAccept(fn: typeof onAccept) {
      onAccept = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
