import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { InStatement } from '@libsql/client';
import type { Database } from './client.ts';
import { builder, compile } from './compiled.ts';
import { auditEvents } from './schema.ts';

/** One audit row. `detail` must hold no personal data (no contact, secret, IP or voter key). */
export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  detail?: Record<string, unknown>;
  publicNote?: string | null;
}

/** The stored columns of an audit row. */
const auditRow = (e: AuditEntry) => ({
  at: e.at,
  actor: e.actor,
  action: e.action,
  subjectType: e.subjectType,
  subjectId: e.subjectId,
  detail: e.detail ?? null,
  publicNote: e.publicNote ?? null,
});

/** The insert for an audit row, to put in the same batch as the change it records. */
export function auditStatement(database: Database, e: AuditEntry) {
  return database.db.insert(auditEvents).values(auditRow(e));
}

const auditInsert = compile<keyof ReturnType<typeof auditRow>>(
  builder
    .insert(auditEvents)
    .values({
      at: sql.placeholder('at'),
      actor: sql.placeholder('actor'),
      action: sql.placeholder('action'),
      subjectType: sql.placeholder('subjectType'),
      subjectId: sql.placeholder('subjectId'),
      detail: sql.placeholder('detail'),
      publicNote: sql.placeholder('publicNote'),
    })
    .toSQL(),
);

/** `auditStatement` for a batch sent to the client itself (src/db/compiled.ts): the same insert. */
export const auditInStatement = (e: AuditEntry): InStatement => auditInsert(auditRow(e));

/**
 * An audit insert that happens only when the statement just before it in the batch changed exactly one
 * row (SQLite `changes()`): a guarded update that lost a race writes neither the change nor its audit.
 */
export function auditIfChanged(e: AuditEntry): SQL {
  return sql`INSERT INTO ${auditEvents} (at, actor, action, subject_type, subject_id, detail, public_note)
    SELECT ${e.at.getTime()}, ${e.actor}, ${e.action}, ${e.subjectType}, ${e.subjectId}, ${JSON.stringify(e.detail ?? null)}, ${e.publicNote ?? null}
    WHERE changes() = 1`;
}

export async function listAudit(database: Database, subjectType: string, subjectId: string) {
  return database.db
    .select({
      at: auditEvents.at,
      actor: auditEvents.actor,
      action: auditEvents.action,
      detail: auditEvents.detail,
      publicNote: auditEvents.publicNote,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectType, subjectType), eq(auditEvents.subjectId, subjectId)))
    .orderBy(asc(auditEvents.id));
}
