import Database from 'libsql';

/**
 * Prepared statements kept per connection of the embedded database.
 *
 * `@libsql/client` prepares every statement anew on each `execute()` (and each statement of a `batch()`)
 * and then probes whether it returns rows by calling `raw()`, which throws for one that does not. On the
 * feedback write path that was about a third of the CPU: the item insert alone compiles its five
 * triggers each time. The client gives no access to its native connection, so the cache sits one level
 * down, on the driver's `Database.prototype.prepare`: the same SQL text on the same connection gets the
 * same prepared statement back (SQLite re-prepares it by itself after a schema change), and a statement
 * that returns no rows answers the probe with one preallocated error instead of a new native one.
 * The driver keeps a statement's column names from when it was prepared, so a statement that changes
 * the schema (CREATE, ALTER, DROP, or any multi-statement text) empties the connection's cache; the
 * schema changes only through the migrations, which run on the server's own connection at start.
 *
 * What stays as before: every statement runs to completion inside one synchronous call (`run()` or
 * `all()`), so a cached statement is never in use twice at once; a statement that failed is dropped
 * from the cache, so it is never reused in whatever state the failure left it; closing a connection
 * forgets its statements. The cache is bounded (least recently used out first) because a few callers
 * build SQL text with inlined values.
 */

/** Statements kept per connection; the hot paths use a few dozen distinct texts. */
const LIMIT = 256;

interface NativeStatement {
  raw(toggle?: boolean): NativeStatement;
  safeIntegers(toggle?: boolean): NativeStatement;
  columns(): unknown[];
  run(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** The driver's own statement has more (`get`: the first row, in one native call); the cache's has only the above. */
interface DriverStatement extends NativeStatement {
  get(...params: unknown[]): unknown;
}

interface NativeDatabase {
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare: (this: NativeDatabase, sql: string, ...rest: unknown[]) => NativeStatement;
  exec: (this: NativeDatabase, sql: string) => unknown;
  close: (this: NativeDatabase) => void;
}

/**
 * Statements that change the schema, after any leading whitespace and comments (the migrations here start
 * with one). The driver keeps a statement's column names from when it was prepared, so after one of these
 * every statement of the connection is prepared afresh.
 */
const SCHEMA_CHANGE = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(?:CREATE|ALTER|DROP)\b/i;

/** Thrown by `raw()` of a statement that returns no rows, like the driver's own check but without a new error. */
const NOT_A_READER = new TypeError('The raw() method is only for statements that return data');

/**
 * A cached statement as `@libsql/client` uses it: `safeIntegers(true)`, then `raw(true)` (a throw means
 * "returns no rows"), then `columns()` and `all()`, or `run()`. Mode switches reach the native statement
 * only when they change. It has no other method (`get`, `iterate`, `pluck`…): a caller that used the
 * statement differently would have inherited the modes the client left on it, so it fails loudly instead.
 */
class CachedStatement {
  private readonly stmt: NativeStatement;
  private readonly reader: boolean;
  private readonly forget: () => void;
  private readonly fresh: () => NativeStatement;
  private safe: boolean | undefined;
  private rawMode: boolean | undefined;
  /** Which parameters the native statement has bound (see `native`). */
  private shape: string | undefined;

  constructor(stmt: NativeStatement, reader: boolean, forget: () => void, fresh: () => NativeStatement) {
    this.stmt = stmt;
    this.reader = reader;
    this.forget = forget;
    this.fresh = fresh;
    // The prepare probe left a reader in raw mode.
    this.rawMode = reader ? true : undefined;
  }

  safeIntegers(toggle = true): this {
    if (this.safe !== toggle) {
      this.stmt.safeIntegers(toggle);
      this.safe = toggle;
    }
    return this;
  }

  raw(toggle = true): this {
    if (!this.reader) throw NOT_A_READER;
    if (this.rawMode !== toggle) {
      this.stmt.raw(toggle);
      this.rawMode = toggle;
    }
    return this;
  }

  columns(): unknown[] {
    return this.stmt.columns();
  }

  /**
   * The statement to run with `params`. SQLite keeps a parameter's binding until it is bound again, so a
   * call that binds other parameters than the previous one (fewer positional arguments, other names) would
   * see the previous call's values where a fresh statement has NULL: such a call gets a fresh statement.
   */
  private native(params: unknown[]): NativeStatement {
    const first = params.length === 1 ? params[0] : params;
    const shape = Array.isArray(first)
      ? `a${String(first.length)}`
      : first !== null && typeof first === 'object'
        ? `o${Object.keys(first).sort().join(',')}`
        : `v${String(params.length)}`;
    if (this.shape === undefined) this.shape = shape;
    if (this.shape === shape) return this.stmt;
    const stmt = this.fresh();
    if (this.safe !== undefined) stmt.safeIntegers(this.safe);
    if (this.rawMode !== undefined) stmt.raw(this.rawMode);
    return stmt;
  }

  run(...params: unknown[]): unknown {
    const stmt = this.native(params);
    try {
      return stmt.run(...params);
    } catch (e) {
      if (stmt === this.stmt) this.forget();
      throw e;
    }
  }

  all(...params: unknown[]): unknown[] {
    const stmt = this.native(params);
    try {
      return stmt.all(...params);
    } catch (e) {
      if (stmt === this.stmt) this.forget();
      throw e;
    }
  }
}

const caches = new WeakMap<object, Map<string, CachedStatement>>();
const stats = { prepared: 0, hits: 0 };
let installed = false;
/** The driver's own `prepare`, once the cache is installed (`nativeReader` prepares its statement with it). */
let originalPrepare: NativeDatabase['prepare'] | null = null;

/** Install the cache on the driver (idempotent). `openDatabase` calls it before it opens a connection. */
export function installStatementCache(): void {
  if (installed) return;
  installed = true;
  const proto = (Database as unknown as { prototype: NativeDatabase }).prototype;
  const prepare = proto.prepare;
  originalPrepare = prepare;
  const close = proto.close;
  proto.prepare = function (this: NativeDatabase, sql: string, ...rest: unknown[]): NativeStatement {
    // The driver's own helpers (`pragma()`) pass more arguments and use the statement in other modes.
    if (rest.length > 0) return prepare.call(this, sql, ...rest);
    // A probe of `nativeReader`: note the connection, do not keep the statement.
    if (sql.startsWith(PROBE)) {
      probed.set(sql, this);
      return prepare.call(this, sql);
    }
    if (SCHEMA_CHANGE.test(sql)) {
      caches.delete(this);
      return prepare.call(this, sql);
    }
    let cache = caches.get(this);
    if (!cache) {
      cache = new Map();
      caches.set(this, cache);
    }
    const hit = cache.get(sql);
    if (hit) {
      stats.hits += 1;
      // Most recently used last (a Map keeps insertion order).
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const stmt = prepare.call(this, sql);
    let reader = true;
    try {
      stmt.raw(true);
    } catch {
      reader = false;
    }
    const owner = cache;
    const cached: CachedStatement = new CachedStatement(
      stmt,
      reader,
      () => {
        if (owner.get(sql) === cached) owner.delete(sql);
      },
      () => prepare.call(this, sql),
    );
    stats.prepared += 1;
    cache.set(sql, cached);
    if (cache.size > LIMIT) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return cached;
  };
  // Several statements in one text (`executeMultiple`): any of them may change the schema.
  const exec = proto.exec;
  proto.exec = function (this: NativeDatabase, sql: string): unknown {
    caches.delete(this);
    return exec.call(this, sql);
  };
  proto.close = function (this: NativeDatabase): void {
    caches.delete(this);
    close.call(this);
  };
}

/** The text of a probe (`nativeReader`): a number follows, so that every probe is told apart. */
const PROBE = 'SELECT 1 AS qinglian_probe_';
/** Connections probes were prepared on, by probe text, until `nativeReader` takes its own. */
const probed = new Map<string, NativeDatabase>();
let probes = 0;

/** A synchronous read of one number on a client's own native connection (see `nativeReader`). */
export interface NativeReader {
  /**
   * The first column of the first row of the reader's statement, run now; null when it cannot run here: the
   * connection is inside a transaction (another caller's), is closed, or the statement failed.
   */
  read(): number | null;
  /** False once the connection is closed: the client has another one, probe again. */
  readonly open: boolean;
}

/**
 * A reader of `sql` (a one-value read, e.g. `PRAGMA data_version`) that runs it synchronously on the native
 * connection `client` itself uses, without the client's promise, pool and result-set objects: the response cache
 * asks `PRAGMA data_version` once per turn of the event loop, and through the client that was about a third of the
 * server's CPU on a cached read. The connection is found with a probe: `client` runs a statement whose text is
 * unique, and the patched `prepare` notes the connection it was prepared on. Null when that did not happen (not the
 * embedded driver, or the cache not installed). It reads nothing the client could not: same connection (its own
 * prepared statement, read with the driver's `get`); it refuses to run inside a transaction, where the answer would
 * be the transaction's, and the caller asks the client instead.
 */
export async function nativeReader(
  client: { execute(sql: string): Promise<unknown> },
  sql: string,
): Promise<NativeReader | null> {
  const probe = `${PROBE}${String(++probes)}`;
  try {
    await client.execute(probe);
  } catch {
    probed.delete(probe);
    return null;
  }
  const db = probed.get(probe);
  probed.delete(probe);
  if (!db) return null;
  // A statement of its own (not the cache's): one native call a read (`get`), in raw mode (the row as an array).
  let stmt: DriverStatement;
  try {
    stmt = (originalPrepare!.call(db, sql) as DriverStatement).raw(true) as DriverStatement;
  } catch {
    return null;
  }
  return {
    read() {
      if (!db.open || db.inTransaction) return null;
      try {
        const value = (stmt.get() as unknown[] | undefined)?.[0];
        return typeof value === 'bigint' || typeof value === 'number' ? Number(value) : null;
      } catch {
        return null;
      }
    },
    get open() {
      return db.open;
    },
  };
}

/** Statements prepared and cache hits so far, over every connection (tests and the bench read it). */
export function statementCacheStats(): { prepared: number; hits: number } {
  return { ...stats };
}
