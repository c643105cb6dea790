import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { auditStatement } from './audit-repo.ts';
import { attachments, evaluatorMarks, markEvidence } from './schema.ts';

/** Stored files' metadata (src/services/attachments.ts keeps the bytes). Every new row carries its audit row. */

export type AttachmentMime = (typeof attachments.$inferSelect)['mime'];
export interface AttachmentRow {
  sha256: string;
  mime: AttachmentMime;
  size: number;
}

/** Record a stored file once (the same bytes uploaded again are the same attachment: nothing is written). */
export async function insertAttachment(database: Database, a: AttachmentRow, actor: string, now: Date): Promise<void> {
  const { db } = database;
  const existing = await findAttachment(database, a.sha256);
  if (existing) return;
  await database.write(() =>
    db.batch([
      db
        .insert(attachments)
        .values({ ...a, createdAt: now, createdBy: actor })
        .onConflictDoNothing(),
      auditStatement(database, {
        at: now,
        actor,
        action: 'attachments.store',
        subjectType: 'attachment',
        subjectId: a.sha256,
        detail: { mime: a.mime, size: a.size },
      }),
    ]),
  );
}

/**
 * The statements that record a stored file inside a caller's batch (its row and audit row), or none when the
 * file is already recorded. Call inside `database.write` so no other write records it in between.
 */
export async function attachmentStatements(database: Database, a: AttachmentRow, actor: string, now: Date) {
  if (await findAttachment(database, a.sha256)) return [];
  const { db } = database;
  return [
    db
      .insert(attachments)
      .values({ sha256: a.sha256, mime: a.mime, size: a.size, createdAt: now, createdBy: actor })
      .onConflictDoNothing(),
    auditStatement(database, {
      at: now,
      actor,
      action: 'attachments.store',
      subjectType: 'attachment',
      subjectId: a.sha256,
      detail: { mime: a.mime, size: a.size },
    }),
  ];
}

export async function findAttachment(database: Database, sha256: string): Promise<AttachmentRow | null> {
  const [row] = await database.db
    .select({ sha256: attachments.sha256, mime: attachments.mime, size: attachments.size })
    .from(attachments)
    .where(eq(attachments.sha256, sha256));
  return row ?? null;
}

/** Whether a file is evidence of a signed-off mark (only then is it public). */
export async function isPublicEvidence(database: Database, sha256: string): Promise<boolean> {
  const [row] = await database.db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(markEvidence)
    .innerJoin(evaluatorMarks, eq(evaluatorMarks.id, markEvidence.markId))
    .where(and(eq(markEvidence.sha256, sha256), isNotNull(evaluatorMarks.signedOffAt)));
  return (row?.n ?? 0) > 0;
}

/** Whether a file is evidence of any mark of a unit and year (staff may see it before the sign-off). */
export async function isEvidenceOf(database: Database, sha256: string, unitId: string, year: number): Promise<boolean> {
  const [row] = await database.db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(markEvidence)
    .innerJoin(evaluatorMarks, eq(evaluatorMarks.id, markEvidence.markId))
    .where(and(eq(markEvidence.sha256, sha256), eq(evaluatorMarks.unitId, unitId), eq(evaluatorMarks.year, year)));
  return (row?.n ?? 0) > 0;
}
