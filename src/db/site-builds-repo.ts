import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from './client.ts';
import { auditStatement } from './audit-repo.ts';
import { siteBuilds } from './schema.ts';

export interface SiteBuildRequest {
  reason: 'approval' | 'correction' | 'withdrawal' | 'nightly' | 'manual';
  requestedBy: string | null;
  requestedAt: Date;
}

/**
 * The insert that asks for a rebuild of the public site, to put in the same batch as the change that
 * needs it (an approval and its audit row): the request exists exactly when the change committed.
 * Returns the statement and the request's id (the progress page is keyed by it).
 */
export function siteBuildRequestStatement(database: Database, r: SiteBuildRequest) {
  const id = randomUUID();
  return {
    id,
    statement: database.db
      .insert(siteBuilds)
      .values({ id, reason: r.reason, requestedBy: r.requestedBy, requestedAt: r.requestedAt, state: 'queued' }),
  };
}

export type SiteBuild = typeof siteBuilds.$inferSelect;

const SYSTEM = 'system:site-builds';

/**
 * A manual rebuild asked for in the staff console: the request and its audit row in one batch.
 * Returns the request's id (its progress page).
 */
export async function requestSiteBuild(database: Database, r: SiteBuildRequest): Promise<string> {
  const { id, statement } = siteBuildRequestStatement(database, r);
  await database.write(() =>
    database.db.batch([
      statement,
      auditStatement(database, {
        at: r.requestedAt,
        actor: r.requestedBy ?? SYSTEM,
        action: 'siteBuild.requested',
        subjectType: 'site_build',
        subjectId: id,
        detail: { reason: r.reason },
      }),
    ]),
  );
  return id;
}

/**
 * Requests a crash left `building` go back to `queued` (their build never finished), with an audit row.
 * Run once at start, before the worker takes anything. Returns how many.
 */
export async function requeueInterruptedBuilds(database: Database, at: Date): Promise<number> {
  const [any] = await database.db
    .select({ id: siteBuilds.id })
    .from(siteBuilds)
    .where(eq(siteBuilds.state, 'building'))
    .limit(1);
  if (!any) return 0;
  return database.write(async () => {
    const stale = await database.db
      .select({ id: siteBuilds.id, buildId: siteBuilds.buildId })
      .from(siteBuilds)
      .where(eq(siteBuilds.state, 'building'));
    if (stale.length === 0) return 0;
    const ids = stale.map((s) => s.id);
    await database.db.batch([
      database.db
        .update(siteBuilds)
        .set({ state: 'queued', buildId: null, startedAt: null })
        .where(and(inArray(siteBuilds.id, ids), eq(siteBuilds.state, 'building'))),
      auditStatement(database, {
        at,
        actor: SYSTEM,
        action: 'siteBuild.requeued',
        subjectType: 'site_build',
        subjectId: stale[0]!.buildId ?? ids[0]!,
        detail: { requests: ids.length },
      }),
    ]);
    return ids.length;
  });
}

/**
 * Takes every queued request for one build (coalesced): they all get `buildId` and state `building`, in
 * one batch with the audit row. Returns their ids and reasons (empty: nothing was queued, nothing written).
 */
export async function claimQueuedBuilds(
  database: Database,
  buildId: string,
  at: Date,
): Promise<{ id: string; reason: string }[]> {
  // The worker polls: a plain read first, so an empty queue never takes the write lock.
  const [any] = await database.db
    .select({ id: siteBuilds.id })
    .from(siteBuilds)
    .where(eq(siteBuilds.state, 'queued'))
    .limit(1);
  if (!any) return [];
  return database.write(async () => {
    const queued = await database.db
      .select({ id: siteBuilds.id, reason: siteBuilds.reason })
      .from(siteBuilds)
      .where(eq(siteBuilds.state, 'queued'))
      .orderBy(asc(siteBuilds.requestedAt));
    if (queued.length === 0) return [];
    const ids = queued.map((q) => q.id);
    await database.db.batch([
      database.db
        .update(siteBuilds)
        .set({ state: 'building', buildId, startedAt: at })
        .where(and(inArray(siteBuilds.id, ids), eq(siteBuilds.state, 'queued'))),
      auditStatement(database, {
        at,
        actor: SYSTEM,
        action: 'siteBuild.started',
        subjectType: 'site_build',
        subjectId: buildId,
        detail: { requests: ids.length },
      }),
    ]);
    return queued;
  });
}

/** `indexPending`: the build left its search index out and went live with the previous one (its step follows). */
export type BuildOutcome =
  { state: 'live'; indexPending: boolean } | { state: 'failed'; error: string; errorSubject: string | null };

/**
 * Ends a build: every request it took becomes `live` (its index step `pending` when the index follows) or `failed`
 * (with the error), with the audit row.
 */
export async function finishBuild(database: Database, buildId: string, outcome: BuildOutcome, at: Date) {
  await database.write(() =>
    database.db.batch([
      database.db
        .update(siteBuilds)
        .set({
          state: outcome.state,
          finishedAt: at,
          error: outcome.state === 'failed' ? outcome.error : null,
          errorSubject: outcome.state === 'failed' ? outcome.errorSubject : null,
          indexState: outcome.state === 'live' && outcome.indexPending ? 'pending' : null,
        })
        .where(and(eq(siteBuilds.buildId, buildId), eq(siteBuilds.state, 'building'))),
      auditStatement(database, {
        at,
        actor: SYSTEM,
        action: outcome.state === 'live' ? 'siteBuild.live' : 'siteBuild.failed',
        subjectType: 'site_build',
        subjectId: buildId,
        ...(outcome.state === 'failed' ? { detail: { errorSubject: outcome.errorSubject } } : {}),
      }),
    ]),
  );
}

export type IndexOutcome = { state: 'live' } | { state: 'failed'; error: string };

/**
 * Ends the search index step of a live build that left its index out: every request of the build records it (`live`,
 * or `failed` with the masked reason), with the audit row. Also for a build whose step a restart ran (its rows may say
 * nothing yet when the build went live before the index step was recorded).
 */
export async function finishIndex(database: Database, buildId: string, outcome: IndexOutcome, at: Date) {
  await database.write(() =>
    database.db.batch([
      database.db
        .update(siteBuilds)
        .set({
          indexState: outcome.state,
          indexFinishedAt: at,
          indexError: outcome.state === 'failed' ? outcome.error : null,
        })
        .where(and(eq(siteBuilds.buildId, buildId), eq(siteBuilds.state, 'live'))),
      auditStatement(database, {
        at,
        actor: SYSTEM,
        action: outcome.state === 'live' ? 'siteBuild.indexLive' : 'siteBuild.indexFailed',
        subjectType: 'site_build',
        subjectId: buildId,
      }),
    ]),
  );
}

/** The builds whose requests still say their index step is `pending` (a restart settles them). */
export async function pendingIndexBuilds(database: Database): Promise<string[]> {
  const rows = await database.db
    .selectDistinct({ buildId: siteBuilds.buildId })
    .from(siteBuilds)
    .where(eq(siteBuilds.indexState, 'pending'));
  return rows.flatMap((r) => (r.buildId ? [r.buildId] : []));
}

/** One request, or undefined. */
export async function getSiteBuild(database: Database, id: string): Promise<SiteBuild | undefined> {
  const [row] = await database.db.select().from(siteBuilds).where(eq(siteBuilds.id, id));
  return row;
}

/** The newest requests first. */
export async function recentSiteBuilds(database: Database, limit: number): Promise<SiteBuild[]> {
  return database.db.select().from(siteBuilds).orderBy(desc(siteBuilds.requestedAt)).limit(limit);
}

/** How many requests share one build. */
export async function countBuildRequests(database: Database, buildId: string): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(siteBuilds).where(eq(siteBuilds.buildId, buildId));
  return row?.n ?? 0;
}
