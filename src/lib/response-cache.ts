import type http from 'node:http';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Database } from '../db/client.ts';
import { commitCounterReader, readAreaVersions, readCommitCounter, type AreaVersions } from '../db/data-versions.ts';
import type { NativeReader } from '../db/statement-cache.ts';
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
 * the event loop, shared by the requests read in that turn, run synchronously on the client's own connection when
 * it can be (src/db/statement-cache.ts `nativeReader`). With a libSQL server there is no such pragma: the versions are re-read at most every
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
  /**
   * writeHead's flat header lists ([name, value, name, value, …]), built on first use: by encoding (identity, br,
   * gzip) × label (hit, miss, coalesced), then the 304 answer per label.
   */
  headerSets: (HeaderList | undefined)[];
}

type HeaderList = (string | number | string[])[];

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

/** How many distinct Accept-Encoding values, and URLs per scheme, the cache remembers its answer for (then it starts over). */
const MEMO_SIZE = 1_000;

/** A memo of a pure function of one string, forgotten whole when full (made-up values cannot grow it). */
function memo<T>(fn: (s: string) => T): (s: string) => T {
  const known = new Map<string, T>();
  return (s) => {
    const hit = known.get(s);
    if (hit !== undefined || known.has(s)) return hit as T;
    const value = fn(s);
    if (known.size >= MEMO_SIZE) known.clear();
    known.set(s, value);
    return value;
  };
}

type Label = 'hit' | 'miss' | 'coalesced';
const LABELS: Record<Label, number> = { hit: 0, miss: 1, coalesced: 2 };
type Encoding = 'br' | 'gzip' | null;
const encodingIndex = (enc: Encoding) => (enc === 'br' ? 1 : enc === 'gzip' ? 2 : 0);

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
  const encodingOf = memo(acceptedEncoding);
  const urlKeys = [memo((url) => urlKeyOf(url, false)), memo((url) => urlKeyOf(url, true))] as const;
  let total = 0;
  /** Bumped by `clear()`: part of every stamp. */
  let generation = 0;
  const stats = {
    hits: 0,
    misses: 0,
    coalesced: 0,
    notModified: 0,
    bypass: 0,
    evicted: 0,
    /** Checks answered by the synchronous `PRAGMA data_version` (nothing committed since the last check). */
    syncChecks: 0,
  };
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
  // One PRAGMA per turn of the event loop, not per request: the requests read in this turn's poll phase wait in
  // `waiting` (flat, five slots a request: no object or promise per request) for a check that runs after them
  // (setImmediate), so it sees every commit that finished before any of them arrived. A request read later
  // starts the next check. With a libSQL server, versions younger than `remoteTtlMs` serve at once.
  let waiting: unknown[] = [];
  let spare: unknown[] = [];
  let scheduled = false;
  const readRemote = async (): Promise<AreaVersions> => {
    const changes = client.changes;
    const at = now();
    const v = await readAreaVersions(client);
    versions = v;
    seenChanges = changes;
    readAt = at;
    return v;
  };
  const freshRemote = () => !embedded && versions && client.changes === seenChanges && now() - readAt < remoteTtlMs;
  /** Answer the requests of one check from `v`. */
  const serveBatch = (v: AreaVersions, batch: unknown[]) => {
    for (let i = 0; i < batch.length; i += 5)
      serve(
        v,
        batch[i] as http.IncomingMessage,
        batch[i + 1] as http.ServerResponse,
        batch[i + 2] as CacheKey,
        batch[i + 3] as Downstream,
        batch[i + 4] as number,
      );
    batch.length = 0;
  };
  // Embedded: `PRAGMA data_version` read synchronously on the client's own connection (src/db/statement-cache.ts
  // `nativeReader`); through the client's promises it cost about a third of a cached read. When it cannot answer
  // (inside a write group's transaction, no reader yet) the check goes through the client as before.
  /** Undefined: not probed yet (or its connection closed); null: not available here (checks go through the client). */
  let counterReader: NativeReader | null | undefined;
  let probing: Promise<unknown> | null = null;
  const probeCounter = () => {
    probing ??= commitCounterReader(client)
      .catch(() => null)
      .then((r) => {
        counterReader = r;
      })
      .finally(() => (probing = null));
  };
  const runChecks = () => {
    scheduled = false;
    const batch = waiting;
    waiting = spare;
    spare = batch;
    if (embedded && versions) {
      if (counterReader?.open) {
        const counter = counterReader.read();
        if (counter !== null && counter === seenCounter && client.changes === seenChanges) {
          stats.syncChecks += 1;
          serveBatch(versions, batch);
          return;
        }
      } else if (counterReader !== null && !probing) probeCounter();
    }
    // Remote: several checks under way at once read once.
    const read = embedded ? readEmbedded() : (reading ??= readRemote().finally(() => (reading = null)));
    read.then(
      (v) => serveBatch(v, batch),
      () => {
        // The database is not answering: do not guess; the handler reports its own error.
        for (let i = 0; i < batch.length; i += 5) {
          stats.bypass += 1;
          (batch[i + 3] as Downstream)(batch[i] as http.IncomingMessage, batch[i + 1] as http.ServerResponse);
        }
        batch.length = 0;
      },
    );
  };

  const stampOf = (route: CacheRoute, v: AreaVersions) => route.areas.map((a) => `${a}${String(v[a])}`).join('.');
  // A route's stamp is worked out once per versions read and generation, not per request.
  const stamps = new Map<CacheRoute, string>();
  let stampsOf: AreaVersions | null = null;
  let stampsGen = -1;
  const stampFor = (route: CacheRoute, v: AreaVersions, gen: number) => {
    if (v !== stampsOf || gen !== stampsGen) {
      stamps.clear();
      stampsOf = v;
      stampsGen = gen;
    }
    let stamp = stamps.get(route);
    if (stamp === undefined) stamps.set(route, (stamp = `g${String(gen)}.${stampOf(route, v)}`));
    return stamp;
  };
  /** The most recently used entry (already last in `entries`: a hit on it need not move it). */
  let newest: Entry | null = null;

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
    newest = e;
    total += e.bytes;
    for (const victim of entries.values()) {
      if (total <= maxBytes) break;
      remove(victim);
      stats.evicted += 1;
    }
  };

  /** The full header list of an entry's answer in one encoding (or its 304), built once (writeHead with a flat list). */
  const headersOf = (e: Entry, enc: Encoding, label: Label, notModified = false): HeaderList => {
    const index = notModified ? 9 + LABELS[label] : encodingIndex(enc) * 3 + LABELS[label];
    const known = e.headerSets[index];
    if (known) return known;
    const body = enc === 'br' ? e.br : enc === 'gzip' ? e.gzip : e.identity;
    const h: HeaderList = [];
    for (const [k, v] of e.headers) h.push(k, v);
    h.push('ETag', e.etag, 'Vary', 'Accept-Encoding', 'X-Cache', label);
    if (enc) h.push('Content-Encoding', enc);
    if (!notModified) h.push('Content-Length', body?.length ?? 0);
    e.headerSets[index] = h;
    return h;
  };

  const send = (req: http.IncomingMessage, res: http.ServerResponse, e: Entry, label: Label) => {
    const inm = req.headers['if-none-match'];
    if (inm !== undefined && ifNoneMatchMatches(inm, e.etag)) {
      stats.notModified += 1;
      res.writeHead(304, headersOf(e, null, label, true));
      res.end();
      return;
    }
    const accept = req.headers['accept-encoding'];
    const wanted = accept === undefined ? null : encodingOf(accept);
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
        headerSets: [],
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
   * `downstream` is called with the request and response, so that callers can pass one function made once.
   */
  const handle = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    https: boolean,
    downstream: Downstream,
  ): boolean => {
    const key = requestAllows(req) ? urlKeys[https ? 1 : 0](req.url ?? '/') : null;
    if (!key) {
      stats.bypass += 1;
      return false;
    }
    if (freshRemote()) {
      serve(versions!, req, res, key, downstream, generation);
      return true;
    }
    waiting.push(req, res, key, downstream, generation);
    if (!scheduled) {
      scheduled = true;
      setImmediate(runChecks);
    }
    return true;
  };

  /** Answer one request once the data versions are known: from the entry, a render under way, or a render. */
  const serve = (
    v: AreaVersions,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    key: CacheKey,
    downstream: Downstream,
    gen: number,
  ): void => {
    const stamp = stampFor(key.route, v, gen);
    const hit = entries.get(key.key);
    if (hit && hit.stamp === stamp && now() - hit.storedAt < maxAgeMs) {
      stats.hits += 1;
      // Most recently used last.
      if (hit !== newest) {
        entries.delete(hit.key);
        entries.set(hit.key, hit);
        newest = hit;
      }
      send(req, res, hit, 'hit');
      return;
    }
    if (hit) remove(hit);
    const inflight = pending.get(key.key);
    if (inflight?.stamp === stamp) {
      void inflight.done.then((entry) => {
        if (entry) {
          stats.coalesced += 1;
          send(req, res, entry, 'coalesced');
        } else render(req, res, key, stamp, downstream, true);
      });
      return;
    }
    render(req, res, key, stamp, downstream, false);
  };

  const render = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    key: CacheKey,
    stamp: string,
    downstream: Downstream,
    waited: boolean,
  ): void => {
    stats.misses += 1;
    const run = () => downstream(req, res);
    if (req.method === 'HEAD') {
      run();
      return;
    }
    // A waiter whose render failed renders for itself without making others wait on it again.
    if (waited) {
      capture(req, res, key.key, stamp, run, () => undefined);
      return;
    }
    let settle!: (entry: Entry | null) => void;
    const under = {
      stamp,
      done: new Promise<Entry | null>((resolve) => {
        settle = (entry) => {
          if (pending.get(key.key) === under) pending.delete(key.key);
          resolve(entry);
        };
      }),
    };
    pending.set(key.key, under);
    capture(req, res, key.key, stamp, run, settle);
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
      newest = null;
      total = 0;
    },
  };
}

/** What `downstream` is given: the request and its response (a function made once serves every request). */
type Downstream = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;
type CacheKey = { key: string; route: CacheRoute };

/** May this request be answered from the cache at all, whatever its URL (method, credentials, Range)? */
function requestAllows(req: http.IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const h = req.headers;
  return !h.cookie && !h.authorization && !h.range;
}

/** The cache key of a request, or null when it must not be cached (see the module comment). */
export function keyOf(req: http.IncomingMessage, https: boolean): CacheKey | null {
  return requestAllows(req) ? urlKeyOf(req.url ?? '/', https) : null;
}

/** The cache key of a URL (path and allowed query parameters), or null when it must not be cached. */
function urlKeyOf(url: string, https: boolean): CacheKey | null {
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
