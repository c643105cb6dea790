import type http from 'node:http';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Database } from '../db/client.ts';
import { readAreaVersions, readCommitCounter, type AreaVersions } from '../db/data-versions.ts';
import { cacheRouteFor, type CacheRoute } from './cache-routes.ts';

/**
 * The response cache for public on-demand reads (README "Response cache").
 *
 * Key: http/https, the path and the route's allowed query parameters in sorted order. An entry records
 * the versions of the areas its route reads, taken *before* the response was computed; it is served
 * while those versions are unchanged (a commit in between makes it stale at once) and for at most
 * `maxAgeMs` (pages that count days against the clock: deadlines, the month in progress).
 *
 * Versions: the `data_versions` table (triggers bump a table's row on every change). It is re-read when
 * this process's client changed something (`QueueClient.changes`, bumped after every commit of the write
 * queue) or `PRAGMA data_version` moved (another process committed to the file): one PRAGMA per turn of
 * the event loop, shared by the requests read in that turn. With a libSQL server there is no such pragma: the versions are re-read at most every
 * `remoteTtlMs` (1 s), so another instance's write shows within that time; this instance's own writes
 * show at once.
 *
 * Never cached: a path outside the allow-list (src/lib/cache-routes.ts), any method but GET/HEAD, a
 * request with a Cookie or Authorization header, a Range request, a response other than 200, one that
 * sets a cookie or says private/no-store. Bodies are compressed once per version (brotli and gzip, on
 * the libuv pool); the identity body serves until they are ready. ETags are weak (one per body, shared
 * by its encodings); If-None-Match is compared weakly over the whole list, `*` included.
 * Memory: least recently used entries go first past `maxBytes` (all encodings counted).
 *
 * Concurrent misses: while one request renders a key at a given stamp, the others that miss the same
 * key at the same stamp wait for that render and are answered from its entry (`X-Cache: coalesced`),
 * so N concurrent readers of a stale page cost one render. When that render is not kept (an error, a
 * status other than 200, a private answer, the client gone before the end), each waiter renders for
 * itself as if it had never waited.
 */
export interface ResponseCacheOptions {
  maxBytes?: number;
  maxAgeMs?: number;
  remoteTtlMs?: number;
  /** Bodies above this are not kept. */
  maxBodyBytes?: number;
  brotliQuality?: number;
  gzipLevel?: number;
  now?: () => number;
}

interface Entry {
  key: string;
  stamp: string;
  storedAt: number;
  status: number;
  headers: [string, string | string[]][];
  etag: string;
  identity: Buffer;
  br: Buffer | null;
  gzip: Buffer | null;
  bytes: number;
  /** Header objects per encoding and label, built on first use. */
  headerSets: Map<string, http.OutgoingHttpHeaders>;
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Headers of a captured response that are not replayed (computed per response or per request). */
const DROP = new Set([
  'content-length',
  'content-encoding',
  'etag',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'x-request-id',
]);

/** Weak comparison (RFC 9110 §13.1.2): does If-None-Match name this ETag? */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  const want = opaque(etag);
  return header.split(',').some((t) => t.trim() === '*' || opaque(t) === want);
}

/** Pick the encoding: br over gzip when the client accepts it (q=0 refuses). */
export function acceptedEncoding(header: string | undefined): 'br' | 'gzip' | null {
  if (!header) return null;
  const ok = (name: string) =>
    header.split(',').some((part) => {
      const [token, ...params] = part.trim().split(';');
      if (token?.trim().toLowerCase() !== name) return false;
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return !q || Number(q.slice(2)) > 0;
    });
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

export function createResponseCache(database: Database, opts: ResponseCacheOptions = {}) {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const maxAgeMs = opts.maxAgeMs ?? 60_000;
  const remoteTtlMs = opts.remoteTtlMs ?? 1_000;
  const maxBodyBytes = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const brotliQuality = opts.brotliQuality ?? 9;
  const gzipLevel = opts.gzipLevel ?? 9;
  const now = opts.now ?? Date.now;
  const client = database.client;
  const embedded = database.url.startsWith('file:') || database.url === ':memory:';

  const entries = new Map<string, Entry>();
  let total = 0;
  /** Bumped by `clear()`: part of every stamp. */
  let generation = 0;
  const stats = { hits: 0, misses: 0, coalesced: 0, notModified: 0, bypass: 0, evicted: 0 };
  /** Renders under way, per key: the stamp they were started at and their entry (null: not kept). */
  const pending = new Map<string, { stamp: string; done: Promise<Entry | null> }>();

  let versions: AreaVersions | null = null;
  let seenChanges = -1;
  let seenCounter = -1;
  let readAt = 0;
  let reading: Promise<AreaVersions> | null = null;

  const readEmbedded = async (): Promise<AreaVersions> => {
    const counter = await readCommitCounter(client);
    if (versions && counter === seenCounter && client.changes === seenChanges) return versions;
    const changes = client.changes;
    const v = await readAreaVersions(client);
    versions = v;
    seenCounter = counter;
    seenChanges = changes;
    return v;
  };
  // One PRAGMA per turn of the event loop, not per request: the requests read in this turn's poll
  // phase share a check that runs after them (setImmediate), so it sees every commit that finished
  // before any of them arrived. A request read later starts the next check.
  let check: Promise<AreaVersions> | null = null;
  const currentVersions = async (): Promise<AreaVersions> => {
    if (embedded)
      return (check ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        check = null;
        return readEmbedded();
      }));
    if (versions && client.changes === seenChanges && now() - readAt < remoteTtlMs) return versions;
    reading ??= (async () => {
      const changes = client.changes;
      const at = now();
      try {
        const v = await readAreaVersions(client);
        versions = v;
        seenChanges = changes;
        readAt = at;
        return v;
      } finally {
        reading = null;
      }
    })();
    return reading;
  };

  const stampOf = (route: CacheRoute, v: AreaVersions) => route.areas.map((a) => `${a}${String(v[a])}`).join('.');

  const remove = (e: Entry) => {
    if (entries.get(e.key) === e) {
      entries.delete(e.key);
      total -= e.bytes;
    }
  };
  const insert = (e: Entry) => {
    const old = entries.get(e.key);
    if (old) remove(old);
    entries.set(e.key, e);
    total += e.bytes;
    for (const victim of entries.values()) {
      if (total <= maxBytes) break;
      remove(victim);
      stats.evicted += 1;
    }
  };

  /** The full header set of an entry's answer in one encoding, built once (writeHead with one object). */
  type Label = 'hit' | 'miss' | 'coalesced';
  const headersOf = (e: Entry, enc: 'br' | 'gzip' | null, label: Label): http.OutgoingHttpHeaders => {
    const key = `${enc ?? 'identity'} ${label}`;
    const known = e.headerSets.get(key);
    if (known) return known;
    const body = enc === 'br' ? e.br : enc === 'gzip' ? e.gzip : e.identity;
    const h: http.OutgoingHttpHeaders = Object.fromEntries(e.headers);
    h.ETag = e.etag;
    h.Vary = 'Accept-Encoding';
    h['X-Cache'] = label;
    if (enc) h['Content-Encoding'] = enc;
    h['Content-Length'] = body?.length ?? 0;
    e.headerSets.set(key, h);
    return h;
  };

  const send = (req: http.IncomingMessage, res: http.ServerResponse, e: Entry, label: Label) => {
    if (ifNoneMatchMatches(req.headers['if-none-match'], e.etag)) {
      stats.notModified += 1;
      const h = { ...headersOf(e, null, label) };
      delete h['Content-Length'];
      delete h['Content-Type'];
      res.writeHead(304, h);
      res.end();
      return;
    }
    const wanted = acceptedEncoding(req.headers['accept-encoding']);
    const enc = wanted === 'br' && e.br ? 'br' : wanted === 'gzip' && e.gzip ? 'gzip' : null;
    const body = enc === 'br' ? e.br! : enc === 'gzip' ? e.gzip! : e.identity;
    res.writeHead(e.status, headersOf(e, enc, label));
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  /** Compress once, off the main thread; the entry serves identity until then. */
  const compress = (e: Entry) => {
    void Promise.all([
      brotli(e.identity, {
        params: {
          [zlib.BROTLI_PARAM_QUALITY]: brotliQuality,
          [zlib.BROTLI_PARAM_SIZE_HINT]: e.identity.length,
        },
      }),
      gz(e.identity, { level: gzipLevel }),
    ]).then(
      ([br, gzipped]) => {
        if (entries.get(e.key) !== e) return;
        const extra =
          (br.length < e.identity.length ? br.length : 0) + (gzipped.length < e.identity.length ? gzipped.length : 0);
        e.br = br.length < e.identity.length ? br : null;
        e.gzip = gzipped.length < e.identity.length ? gzipped : null;
        e.bytes += extra;
        total += extra;
        insert(e);
      },
      () => undefined,
    );
  };

  /**
   * Capture what `downstream` writes into `res`, then answer from the captured body (with an ETag) and
   * keep it when it may be kept. The downstream sees no Accept-Encoding, so it sends identity.
   */
  const capture = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    key: string,
    stamp: string,
    downstream: () => unknown,
    settle: (entry: Entry | null) => void,
  ) => {
    const chunks: Buffer[] = [];
    // The client gone before the end: the waiters must not wait for an answer that may never come.
    res.once('close', () => settle(null));
    let status = 200;
    // The overrides below are own properties: deleting them uncovers ServerResponse's methods again.
    const restore = () => {
      for (const name of ['writeHead', 'write', 'end']) Reflect.deleteProperty(res, name);
    };
    const collect = (chunk: unknown, encoding?: unknown) => {
      if (chunk == null || typeof chunk === 'function') return;
      chunks.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : typeof chunk === 'string'
            ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
            : Buffer.from(chunk as Uint8Array),
      );
    };
    res.writeHead = function (this: http.ServerResponse, code: number, ...rest: unknown[]) {
      status = code;
      const headers = rest.find((r) => typeof r === 'object' && r !== null) as
        http.OutgoingHttpHeaders | [string, string][] | undefined;
      if (Array.isArray(headers)) for (const [k, v] of headers) res.setHeader(k, v);
      else if (headers) for (const [k, v] of Object.entries(headers)) if (v !== undefined) res.setHeader(k, v);
      return res;
    };
    res.write = function (chunk: unknown, encoding?: unknown, cb?: unknown) {
      collect(chunk, encoding);
      const callback = [encoding, cb].find((f) => typeof f === 'function') as (() => void) | undefined;
      if (callback) queueMicrotask(callback);
      return true;
    } as typeof res.write;
    res.end = function (chunk?: unknown, encoding?: unknown, cb?: unknown) {
      collect(chunk, encoding);
      restore();
      const body = Buffer.concat(chunks);
      const statusCode = status !== 200 ? status : res.statusCode;
      const setCookie = res.hasHeader('set-cookie');
      const cacheControl = String(res.getHeader('cache-control') ?? '');
      const keep =
        statusCode === 200 &&
        !setCookie &&
        /\bpublic\b/i.test(cacheControl) &&
        !/private|no-store|no-cache/i.test(cacheControl) &&
        body.length <= maxBodyBytes &&
        !res.getHeader('content-encoding');
      if (!keep) {
        res.setHeader('X-Cache', 'bypass');
        res.statusCode = statusCode;
        if (!res.hasHeader('content-length') && !res.getHeader('transfer-encoding'))
          res.setHeader('Content-Length', body.length);
        settle(null);
        res.end(req.method === 'HEAD' ? undefined : body);
        const callback = [chunk, encoding, cb].find((f) => typeof f === 'function') as (() => void) | undefined;
        if (callback) queueMicrotask(callback);
        return res;
      }
      const headers = Object.entries(res.getHeaders())
        .filter(([k]) => !DROP.has(k.toLowerCase()))
        .map(([k, v]) => [k, Array.isArray(v) ? v : String(v)] as [string, string | string[]]);
      const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      const entry: Entry = {
        key,
        stamp,
        storedAt: now(),
        status: 200,
        headers,
        etag,
        identity: body,
        br: null,
        gzip: null,
        bytes: body.length + key.length,
        headerSets: new Map(),
      };
      insert(entry);
      compress(entry);
      settle(entry);
      res.removeHeader('content-length');
      send(req, res, entry, 'miss');
      const callback = [chunk, encoding, cb].find((f) => typeof f === 'function') as (() => void) | undefined;
      if (callback) queueMicrotask(callback);
      return res;
    } as typeof res.end;
    delete req.headers['accept-encoding'];
    try {
      const r = downstream();
      if (r instanceof Promise)
        r.catch(() => {
          restore();
          settle(null);
        });
    } catch (e) {
      restore();
      settle(null);
      throw e;
    }
  };

  /**
   * False when `req` may not be cached (the caller serves it as usual). Otherwise true: the request is
   * answered from the cache, or by `downstream` with its answer captured and kept when it may be.
   */
  const handle = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    https: boolean,
    downstream: () => unknown,
  ): boolean => {
    const key = keyOf(req, https);
    if (!key) {
      stats.bypass += 1;
      return false;
    }
    void lookup(req, res, key, downstream, generation);
    return true;
  };

  const lookup = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    key: { key: string; route: CacheRoute },
    downstream: () => unknown,
    gen: number,
  ): Promise<void> => {
    let v: AreaVersions;
    try {
      v = await currentVersions();
    } catch {
      // The database is not answering: do not guess; the handler reports its own error.
      stats.bypass += 1;
      downstream();
      return;
    }
    const stamp = `g${String(gen)}.${stampOf(key.route, v)}`;
    const hit = entries.get(key.key);
    if (hit && hit.stamp === stamp && now() - hit.storedAt < maxAgeMs) {
      stats.hits += 1;
      // Most recently used last.
      entries.delete(hit.key);
      entries.set(hit.key, hit);
      send(req, res, hit, 'hit');
      return;
    }
    if (hit) remove(hit);
    const inflight = pending.get(key.key);
    const waited = inflight?.stamp === stamp;
    if (inflight && waited) {
      const entry = await inflight.done;
      if (entry) {
        stats.coalesced += 1;
        send(req, res, entry, 'coalesced');
        return;
      }
    }
    stats.misses += 1;
    if (req.method === 'HEAD') {
      downstream();
      return;
    }
    // A waiter whose render failed renders for itself without making others wait on it again.
    if (waited) {
      capture(req, res, key.key, stamp, downstream, () => undefined);
      return;
    }
    let settle!: (entry: Entry | null) => void;
    const render = {
      stamp,
      done: new Promise<Entry | null>((resolve) => {
        settle = (entry) => {
          if (pending.get(key.key) === render) pending.delete(key.key);
          resolve(entry);
        };
      }),
    };
    pending.set(key.key, render);
    capture(req, res, key.key, stamp, downstream, settle);
  };

  return {
    handle,
    stats,
    get bytes() {
      return total;
    },
    get size() {
      return entries.size;
    },
    /**
     * Forget every entry, and every render already under way: a request that arrived before the call keeps
     * the generation it arrived in, so what it renders is never served to a later one (a swapped-in site).
     */
    clear() {
      generation += 1;
      entries.clear();
      total = 0;
    },
  };
}

/** The cache key of a request, or null when it must not be cached (see the module comment). */
export function keyOf(req: http.IncomingMessage, https: boolean): { key: string; route: CacheRoute } | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  const h = req.headers;
  if (h.cookie || h.authorization || h.range) return null;
  const url = req.url ?? '/';
  if (url.length > 1024) return null;
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  const route = cacheRouteFor(pathname);
  if (!route) return null;
  if (q === -1 || q === url.length - 1) return { key: `${https ? 's' : 'p'} ${pathname}`, route };
  const params = new URLSearchParams(url.slice(q + 1));
  const allowed = route.params ?? [];
  const kept: [string, string][] = [];
  for (const [k, v] of params) {
    if (!allowed.includes(k)) return null;
    kept.push([k, v]);
  }
  kept.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return { key: `${https ? 's' : 'p'} ${pathname}?${new URLSearchParams(kept).toString()}`, route };
}

export type ResponseCache = ReturnType<typeof createResponseCache>;
