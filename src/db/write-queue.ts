import { AsyncLocalStorage } from 'node:async_hooks';
import {
  LibsqlBatchError,
  LibsqlError,
  type Client,
  type InArgs,
  type InStatement,
  type ResultSet,
  type Transaction,
  type TransactionMode,
} from '@libsql/client';

/**
 * The serialised write queue with group commit (README "Database"; RELIABILITY.md §0.1).
 *
 * Every write waiting when the queue is free runs in **one** transaction on the embedded database's
 * single connection, each inside a SAVEPOINT of its own: a write that throws is rolled back to its
 * savepoint and rejected, the others keep their statements. The transaction commits once (one fsync for
 * the group) and only then is each write resolved, so nothing is acknowledged before its commit. If
 * SQLite abandons the whole transaction (it does on some errors, e.g. SQLITE_FULL), the writes that had
 * succeeded are put back at the head of the queue and run again in the next group; a failed COMMIT
 * rejects every write of the group (none of them was acknowledged).
 *
 * Writes reach the group's transaction through `QueueClient`, the client the rest of the code holds:
 * inside a write (AsyncLocalStorage) its calls go to the group's transaction, `batch()` becoming a nested
 * savepoint (or, for a write's first change, the write's own savepoint: one pair of statements fewer);
 * outside, a call waits until no group holds the connection and then uses the pool as before.
 * The group runs only statements of the native driver, which is synchronous, so holding the transaction
 * across the writes' awaits costs no I/O wait; a write that awaits something slow holds up the group,
 * so writes stay what they were: one `batch()` or a few statements.
 *
 * With a libSQL server (no embedded file) every write runs alone, as before, on the remote client.
 */

export interface WriteOptions {
  /** Run alone, outside any group, on the client itself (migrations: `PRAGMA foreign_keys=off`). */
  alone?: boolean;
}

interface Job {
  fn: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  alone: boolean;
}

interface GroupContext {
  tx: Transaction;
  /** False once the write that owns this context settled: later calls (a stray timer) go to the pool. */
  active: boolean;
  savepoints: number;
  /** The write's own savepoint (the queue opened it before the write started). */
  savepoint: string;
  /** True once a statement that may change data ran in this write. */
  changed: boolean;
}

const context = new AsyncLocalStorage<GroupContext>();

/** Statements that change nothing: a SELECT, or a PRAGMA that only reads (no `=`). */
const READ_ONLY = /^\s*(?:SELECT\b|PRAGMA\s+[\w.]+\s*;?\s*$)/i;

const normalise = (stmt: InStatement | [string, InArgs?] | string): InStatement =>
  Array.isArray(stmt) ? { sql: stmt[0], args: stmt[1] ?? [] } : stmt;

/** A `Client` that routes a write's statements to its group's transaction and waits out a group otherwise. */
export class QueueClient implements Client {
  readonly base: Client;
  /** Resolves when the group holding the connection has committed or rolled back; null when none does. */
  gate: Promise<void> | null = null;
  /**
   * Counts what may have changed data through this client: every commit of the queue and every call
   * outside it that is not a plain read. The response cache re-reads the data versions when it moved
   * (commits by other processes it learns from `PRAGMA data_version`).
   */
  changes = 0;

  constructor(base: Client) {
    this.base = base;
  }

  get closed(): boolean {
    return this.base.closed;
  }
  get protocol(): string {
    return this.base.protocol;
  }

  /** The transaction of the write running in this async context, or null. */
  private current(): GroupContext | null {
    const ctx = context.getStore();
    return ctx?.active ? ctx : null;
  }

  private async free(): Promise<void> {
    while (this.gate) await this.gate;
  }

  async execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    const stmt: InStatement = typeof stmtOrSql === 'string' ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
    const ctx = this.current();
    if (ctx) {
      if (!READ_ONLY.test(stmt.sql)) ctx.changed = true;
      return ctx.tx.execute(stmt);
    }
    await this.free();
    try {
      return await this.base.execute(stmt);
    } finally {
      if (!READ_ONLY.test(stmt.sql)) this.changes += 1;
    }
  }

  async batch(stmts: (InStatement | [string, InArgs?])[], mode?: TransactionMode): Promise<ResultSet[]> {
    const ctx = this.current();
    if (!ctx) {
      await this.free();
      try {
        return await this.base.batch(stmts, mode);
      } finally {
        this.changes += 1;
      }
    }
    // A batch is atomic: a nested savepoint inside the write's own. When nothing of the write has
    // changed data yet (a write that is one batch, the usual case), the write's own savepoint serves:
    // rolling back to it undoes exactly the batch, and it stays open for the rest of the write.
    const nested = ctx.changed;
    const name = nested ? `qb${String(++ctx.savepoints)}` : ctx.savepoint;
    ctx.changed = true;
    if (nested) await ctx.tx.execute(`SAVEPOINT ${name}`);
    const results: ResultSet[] = [];
    try {
      for (const [i, stmt] of stmts.entries()) {
        try {
          results.push(await ctx.tx.execute(normalise(stmt)));
        } catch (e) {
          if (e instanceof LibsqlError && !(e instanceof LibsqlBatchError))
            throw new LibsqlBatchError(e.message, i, e.code, e.extendedCode, e.rawCode, e);
          throw e;
        }
      }
    } catch (e) {
      if (!ctx.tx.closed) {
        await ctx.tx.execute(`ROLLBACK TO ${name}`);
        if (nested) await ctx.tx.execute(`RELEASE ${name}`);
        // Back where the write started: a later batch may use the write's savepoint again.
        else ctx.changed = false;
      }
      throw e;
    }
    if (nested) await ctx.tx.execute(`RELEASE ${name}`);
    return results;
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    if (this.current()) throw new Error('migrate() inside a grouped write: run it with { alone: true }');
    await this.free();
    try {
      return await this.base.migrate(stmts);
    } finally {
      this.changes += 1;
    }
  }

  async transaction(mode?: TransactionMode): Promise<Transaction> {
    if (this.current())
      throw new Error('transaction() inside a write: the write already runs in one; use batch() or execute()');
    await this.free();
    // Not counted in `changes`: outside the queue only the start-up durability probe uses one.
    return this.base.transaction(mode);
  }

  async executeMultiple(sql: string): Promise<void> {
    const ctx = this.current();
    if (ctx) {
      ctx.changed = true;
      return ctx.tx.executeMultiple(sql);
    }
    await this.free();
    try {
      await this.base.executeMultiple(sql);
    } finally {
      this.changes += 1;
    }
  }

  sync(): ReturnType<Client['sync']> {
    return this.base.sync();
  }
  reconnect(): void {
    this.base.reconnect();
  }
  close(): void {
    this.base.close();
  }
}

/**
 * Event-loop turns a group waits before it starts. A request's write is enqueued a few turns after its
 * bytes arrived (the body is read as a stream, then parsed and validated): the requests read in the
 * same turns as the first join its group instead of paying a commit of their own. With nothing else
 * pending a turn costs microseconds, so a lone writer is not held up (measured in `npm run bench`).
 */
const GATHER_TURNS = 4;

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The queue. `grouped` is false for a libSQL server: each write then runs alone. `afterCommit` is called
 * once per commit of the queue (a group or a lone write) with no arguments, before the writes resolve.
 */
export function createWriteQueue(client: QueueClient, grouped: boolean, afterCommit: () => void) {
  // A libSQL server runs each write alone: nothing to gather, one turn as before.
  const turns = grouped ? GATHER_TURNS : 1;
  const gather = async () => {
    for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
  };
  const waiting: Job[] = [];
  let running = false;
  /** Writes in the largest group so far, and groups run (for tests and the bench). */
  const stats = { groups: 0, writes: 0, largestGroup: 0 };

  const runAlone = async (job: Job) => {
    try {
      const value = await job.fn();
      client.changes += 1;
      afterCommit();
      job.resolve(value);
    } catch (e) {
      client.changes += 1;
      job.reject(e);
    }
  };

  const runGroup = async (jobs: Job[]) => {
    let release!: () => void;
    client.gate = new Promise<void>((r) => (release = r));
    let tx: Transaction;
    try {
      tx = await client.base.transaction('write');
    } catch (e) {
      client.gate = null;
      release();
      for (const job of jobs) job.reject(e);
      return;
    }
    const outcomes: Settled[] = [];
    let lost = false;
    try {
      for (const [i, job] of jobs.entries()) {
        const name = `qw${String(i)}`;
        await tx.execute(`SAVEPOINT ${name}`);
        const ctx: GroupContext = { tx, active: true, savepoints: 0, savepoint: name, changed: false };
        try {
          // Awaited inside the context: a write may return a thenable (a drizzle query), whose `then`
          // would otherwise run in the queue's own context, outside the group's transaction.
          const value = await context.run(ctx, async () => await job.fn());
          ctx.active = false;
          await tx.execute(`RELEASE ${name}`);
          outcomes.push({ ok: true, value });
        } catch (error) {
          ctx.active = false;
          outcomes.push({ ok: false, error });
          if (tx.closed) {
            // SQLite rolled the whole transaction back: nothing of this group is written.
            lost = true;
            break;
          }
          await tx.execute(`ROLLBACK TO ${name}`);
          await tx.execute(`RELEASE ${name}`);
        }
      }
      if (lost) {
        tx.close();
        const failed = outcomes.length - 1;
        // The writes after the failed one never ran; those before it ran but were rolled back with it.
        waiting.unshift(...jobs.filter((_, i) => i !== failed));
        const bad = outcomes[failed];
        if (bad && !bad.ok) jobs[failed]?.reject(bad.error);
        return;
      }
      await tx.commit();
    } catch (e) {
      // A failed statement of our own (SAVEPOINT, RELEASE, COMMIT): nothing of the group is committed.
      tx.close();
      for (const job of jobs) job.reject(e);
      return;
    } finally {
      client.gate = null;
      release();
    }
    stats.groups += 1;
    stats.writes += jobs.length;
    stats.largestGroup = Math.max(stats.largestGroup, jobs.length);
    client.changes += 1;
    afterCommit();
    for (const [i, job] of jobs.entries()) {
      const o = outcomes[i];
      if (!o) continue;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    }
  };

  const pump = async () => {
    running = true;
    try {
      while (waiting.length > 0) {
        const first = waiting[0];
        if (!first) break;
        if (!grouped || first.alone) {
          waiting.shift();
          await runAlone(first);
        } else {
          const end = waiting.findIndex((j) => j.alone);
          const group = waiting.splice(0, end === -1 ? waiting.length : end);
          await runGroup(group);
        }
        // Let the requests that arrived meanwhile enqueue their writes: they join the next group.
        if (waiting.length > 0) await gather();
      }
    } finally {
      running = false;
    }
  };

  return {
    stats,
    enqueue<T>(fn: () => Promise<T>, opts: WriteOptions = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push({ fn, resolve: resolve as (v: unknown) => void, reject, alone: opts.alone === true });
        if (!running) {
          running = true;
          void gather().then(pump);
        }
      });
    },
  };
}
