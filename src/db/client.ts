import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from './schema.ts';
import { sealPending } from './audit-chain.ts';
import { installStatementCache } from './statement-cache.ts';
import { createWriteQueue, QueueClient, type WriteOptions } from './write-queue.ts';

export type Db = LibSQLDatabase<typeof schema>;

export interface Database {
  /** The client every reader and writer uses: it routes a write's statements to its group commit. */
  client: QueueClient;
  db: Db;
  /**
   * Run a write (a `batch()` or a few statements) after every earlier write has finished; on the embedded
   * database the writes waiting together share one commit (group commit, src/db/write-queue.ts), each
   * in a savepoint of its own, and each resolves only after that commit. A seal of the audit hash chain
   * follows in the same queue (coalesced: one seal after a burst of writes).
   */
  write<T>(fn: () => Promise<T>, opts?: WriteOptions): Promise<T>;
  /** Seal the audit rows written so far (in the queue); resolves with the number sealed. */
  seal(): Promise<number>;
  /** Call `listener` with the number of rows each seal sealed (the checkpoint schedule counts them). */
  onSealed(listener: (sealed: number) => void): () => void;
  /** Groups committed by the queue and the writes in them (tests and the bench read it). */
  readonly writeStats: { groups: number; writes: number; largestGroup: number };
  close(): void;
  readonly url: string;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../db/migrations', import.meta.url));

/** True for the embedded database (a file or `:memory:`); false for a libSQL server. */
export const isEmbedded = (url: string): boolean => url.startsWith('file:') || url === ':memory:';

/**
 * Open the database. For the embedded file the client keeps **one** connection: the native driver is
 * synchronous, so more connections add no parallelism, and a PRAGMA sent with `execute()` reaches
 * only the connection that ran it (RELIABILITY.md §0.1). With one connection the pragmas below hold
 * for every statement; `assertDurability()` proves it after a transaction.
 */
export async function openDatabase(opts: {
  url: string;
  authToken?: string | undefined;
  busyTimeoutMs?: number;
}): Promise<Database> {
  const embedded = isEmbedded(opts.url);
  if (embedded && opts.url.startsWith('file:')) {
    // libSQL does not create a missing directory for the database file.
    const path = opts.url.slice('file:'.length).split('?')[0] ?? '';
    if (path && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  }
  // Prepared statements are reused per connection (src/db/statement-cache.ts).
  if (embedded) installStatementCache();
  const client = createClient({
    url: opts.url,
    ...(opts.authToken ? { authToken: opts.authToken } : {}),
    ...(embedded ? { concurrency: 1, timeout: opts.busyTimeoutMs ?? 5000 } : {}),
  });
  if (embedded) {
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA synchronous = FULL');
    await client.execute('PRAGMA foreign_keys = ON');
  }
  const queueClient = new QueueClient(client);
  const db = drizzle(queueClient, { schema });
  // Sealing the audit chain (src/db/audit-chain.ts) is a job of this same queue, so it sees the
  // committed order. It is coalesced: one seal runs 10 ms after the first write of a burst (or after
  // 64 writes), sealing all of it, so sequential writers do not pay a second commit each. In a group
  // (src/db/write-queue.ts) the seal is one more write of the group; listeners hear of it after the commit.
  let sealTimer: ReturnType<typeof setTimeout> | null = null;
  let unsealedWrites = 0;
  const sealListeners = new Set<(sealed: number) => void>();
  const queue = createWriteQueue(queueClient, embedded, () => undefined);
  const enqueueSeal = async (): Promise<number> => {
    if (sealTimer) clearTimeout(sealTimer);
    sealTimer = null;
    unsealedWrites = 0;
    // A seal that fails (e.g. before the migration that adds the chain columns) leaves the rows for
    // the next one; nothing is lost, and the verifier reports them as pending meanwhile.
    const n = await queue.enqueue(() => sealPending(queueClient)).catch(() => 0);
    if (n > 0) for (const listener of sealListeners) listener(n);
    return n;
  };
  return {
    client: queueClient,
    db,
    url: opts.url,
    write<T>(fn: () => Promise<T>, writeOpts?: WriteOptions): Promise<T> {
      const run = queue.enqueue(fn, writeOpts);
      if (++unsealedWrites >= 64) void enqueueSeal();
      else if (!sealTimer) {
        sealTimer = setTimeout(() => void enqueueSeal(), 10);
        sealTimer.unref();
      }
      return run;
    },
    seal: enqueueSeal,
    onSealed(listener) {
      sealListeners.add(listener);
      return () => sealListeners.delete(listener);
    },
    writeStats: queue.stats,
    close: () => {
      if (sealTimer) clearTimeout(sealTimer);
      client.close();
    },
  };
}

export interface DurabilityReport {
  journalMode: string;
  synchronous: number;
  foreignKeys: number;
  busyTimeout: number;
}

/** Read the settings that matter for durability, after a real transaction has run. */
export async function readDurability(database: Database): Promise<DurabilityReport> {
  const tx = await database.client.transaction('write');
  try {
    await tx.execute('CREATE TEMP TABLE IF NOT EXISTS _startup_probe (x INTEGER)');
    await tx.execute('DROP TABLE IF EXISTS temp._startup_probe');
    await tx.commit();
  } finally {
    tx.close();
  }
  const one = async (pragma: string) => {
    const rs = await database.client.execute(`PRAGMA ${pragma}`);
    const row = rs.rows[0];
    return row ? Object.values(row)[0] : undefined;
  };
  return {
    journalMode: String(await one('journal_mode')),
    synchronous: Number(await one('synchronous')),
    foreignKeys: Number(await one('foreign_keys')),
    busyTimeout: Number(await one('busy_timeout')),
  };
}

/**
 * Refuse to run on an embedded database that would lose or corrupt data: WAL, synchronous=FULL,
 * foreign keys on and a busy timeout, all checked after a transaction (RELIABILITY.md §0.1).
 * A libSQL server manages its own durability, so remote URLs are not checked here.
 */
export async function assertDurability(database: Database): Promise<DurabilityReport | null> {
  if (!isEmbedded(database.url)) return null;
  const r = await readDurability(database);
  const problems: string[] = [];
  if (r.journalMode.toLowerCase() !== 'wal' && !database.url.includes(':memory:'))
    problems.push(`journal_mode is ${r.journalMode}, expected wal`);
  if (r.synchronous !== 2) problems.push(`synchronous is ${r.synchronous}, expected 2 (FULL)`);
  if (r.foreignKeys !== 1) problems.push(`foreign_keys is ${r.foreignKeys}, expected 1`);
  if (!(r.busyTimeout > 0)) problems.push(`busy_timeout is ${r.busyTimeout}, expected > 0`);
  if (problems.length) {
    throw new Error(`Database ${database.url} is not safe to use:\n  - ${problems.join('\n  - ')}`);
  }
  return r;
}

/** Apply every committed migration in db/migrations (idempotent). */
export async function migrateDatabase(database: Database): Promise<void> {
  await database.write(() => migrate(database.db, { migrationsFolder: MIGRATIONS_FOLDER }), { alone: true });
}

/** The number of applied migrations and the newest one's tag time, for /api/health. */
export async function migrationVersion(database: Database): Promise<{ applied: number; latest: number | null }> {
  const rs = await database.client.execute('SELECT count(*) AS n, max(created_at) AS latest FROM __drizzle_migrations');
  const row = rs.rows[0];
  return { applied: Number(row?.n ?? 0), latest: row?.latest == null ? null : Number(row.latest) };
}
