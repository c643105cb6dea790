import net from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Every byte the server sent after the blank line that ends the headers. */
  rest: Buffer;
}

/**
 * One request over a fresh socket with `Connection: close`, returning the bytes exactly as sent.
 * fetch() and node:http both discard whatever follows a HEAD response's headers, so only a raw
 * socket can show that a HEAD answer really has no body.
 */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const { hostname, port, pathname, search } = new URL(url);
  const lines = [
    `${opts.method ?? 'GET'} ${pathname}${search} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Connection: close',
    ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(opts.timeoutMs ?? 5_000, () =>
      socket.destroy(new Error(`no end of response from ${url} in time`)),
    );
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      if (split < 0) {
        reject(new Error(`incomplete response head from ${url}: ${JSON.stringify(all.toString('latin1'))}`));
        return;
      }
      const [statusLine = '', ...headerLines] = all.subarray(0, split).toString('latin1').split('\r\n');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
      if (!status) {
        reject(new Error(`bad status line from ${url}: ${statusLine}`));
        return;
      }
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        headers[name] = name in headers ? `${headers[name]!}, ${value}` : value;
      }
      resolve({ status: Number(status[1]), headers, rest: all.subarray(split + 4) });
    });
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

/** A Content-Security-Policy header as directive → sources. */
export function parseCsp(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}
