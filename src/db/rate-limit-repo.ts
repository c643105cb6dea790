import { inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { InStatement } from '@libsql/client';
import type { Database } from './client.ts';
import { compileSql } from './compiled.ts';
import { altchaUsed, otpChallenges, rateLimits } from './schema.ts';

/** One counter to bump: at most `limit` hits per fixed window of `windowS` seconds. */
export interface RateHit {
  key: string;
  limit: number;
  windowS: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterS: number };

const windowStart = (now: Date, windowS: number) => Math.floor(now.getTime() / (windowS * 1000)) * windowS * 1000;

/** The upsert that counts one hit; its values are given (or placeholders, for the compiled form). */
const countHit = (key: unknown, start: unknown, limit: unknown, expires: unknown): SQL =>
  sql`INSERT INTO ${rateLimits} (key, window_start, count, max_count, expires_at)
      VALUES (${key}, ${start}, 1, ${limit}, ${expires})
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN ${rateLimits}.window_start = excluded.window_start THEN ${rateLimits}.count + 1 ELSE 1 END,
        window_start = excluded.window_start,
        max_count = excluded.max_count,
        expires_at = excluded.expires_at`;

const countHitCompiled = compileSql<'key' | 'start' | 'limit' | 'expires'>(
  countHit(sql.placeholder('key'), sql.placeholder('start'), sql.placeholder('limit'), sql.placeholder('expires')),
);

/**
 * The statements that count one hit on each counter. The table's CHECK (count <= max_count) makes the
 * statement, and so the whole batch it is part of, fail when a counter would go over its limit.
 */
export function rateLimitStatements(hits: readonly RateHit[], now: Date): SQL[] {
  return hits.map((h) => {
    const start = windowStart(now, h.windowS);
    return countHit(h.key, start, h.limit, start + h.windowS * 1000);
  });
}

/** The same statements for a batch sent to the client itself (src/db/compiled.ts). */
export function rateLimitInStatements(hits: readonly RateHit[], now: Date): InStatement[] {
  return hits.map((h) => {
    const start = windowStart(now, h.windowS);
    return countHitCompiled({ key: h.key, start, limit: h.limit, expires: start + h.windowS * 1000 });
  });
}

/** True for the error a batch throws when one of its rate-limit counters is full. */
export const isRateLimitViolation = (e: unknown): boolean =>
  /CHECK constraint failed: rate_limit_within/.test(errorText(e));

/** The UNIQUE / PRIMARY KEY target named in a constraint error (`table.column`), or null. */
export function uniqueViolation(e: unknown): string | null {
  const m = /(?:UNIQUE|PRIMARY KEY) constraint failed: ([\w.]+(?:, [\w.]+)*)/.exec(errorText(e));
  return m ? m[1]! : null;
}

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  return `${e.message} ${cause instanceof Error ? cause.message : ''}`;
}

/** The stored counters of the given hits (missing ones are simply absent). */
function readCounters(database: Database, hits: readonly RateHit[]) {
  return database.db
    .select({
      key: rateLimits.key,
      count: rateLimits.count,
      windowStart: rateLimits.windowStart,
      expiresAt: rateLimits.expiresAt,
    })
    .from(rateLimits)
    .where(
      inArray(
        rateLimits.key,
        hits.map((h) => h.key),
      ),
    );
}

/** Seconds until the fullest of the given counters resets (at least 1). */
export async function retryAfter(database: Database, hits: readonly RateHit[], now: Date): Promise<number> {
  if (hits.length === 0) return 1;
  const rows = await readCounters(database, hits);
  let wait = 1;
  for (const h of hits) {
    const row = rows.find((r) => r.key === h.key);
    const fresh = row && row.expiresAt > now.getTime();
    if (fresh && row.count + 1 > h.limit) wait = Math.max(wait, Math.ceil((row.expiresAt - now.getTime()) / 1000));
  }
  return wait;
}

/**
 * Whether any of the counters is already full, without counting anything: for limits that count only
 * failures, checked before the attempt and counted (`consumeRateLimits`) only once it has failed.
 */
export async function rateLimitReached(database: Database, hits: readonly RateHit[], now: Date): Promise<RateDecision> {
  if (hits.length === 0) return { ok: true };
  const rows = await readCounters(database, hits);
  let wait = 0;
  for (const h of hits) {
    const row = rows.find((r) => r.key === h.key);
    if (row && row.windowStart === windowStart(now, h.windowS) && row.count >= h.limit)
      wait = Math.max(wait, Math.ceil((row.expiresAt - now.getTime()) / 1000));
  }
  return wait > 0 ? { ok: false, retryAfterS: wait } : { ok: true };
}

/** Count the hits in their own batch; when any counter is full nothing is counted. */
export async function consumeRateLimits(
  database: Database,
  hits: readonly RateHit[],
  now: Date,
): Promise<RateDecision> {
  if (hits.length === 0) return { ok: true };
  const statements = rateLimitStatements(hits, now).map((s) => database.db.run(s));
  try {
    await database.write(() => database.db.batch(statements as [(typeof statements)[number], ...typeof statements]));
    return { ok: true };
  } catch (e) {
    if (!isRateLimitViolation(e)) throw e;
    return { ok: false, retryAfterS: await retryAfter(database, hits, now) };
  }
}

/** Delete expired counters, redeemed challenges and one-time codes (run hourly by the server). */
export async function pruneExpired(database: Database, now: Date): Promise<void> {
  const t = now.getTime();
  await database.write(() =>
    database.db.batch([
      database.db.delete(rateLimits).where(lt(rateLimits.expiresAt, t)),
      database.db.delete(altchaUsed).where(lt(altchaUsed.expiresAt, t)),
      database.db.delete(otpChallenges).where(lt(otpChallenges.expiresAt, t - 86_400_000)),
    ]),
  );
}
