import { and, asc, count, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { townships, units } from './schema.ts';
import type { Township, UnitCarrier } from '../domain/units/schema.ts';

export interface UnitRow {
  id: string;
  name: string;
  carrier: UnitCarrier;
  townshipId: string;
  leadDepartment: string;
  demo: boolean;
}

/** Mirror the content registry into the database in one batch (idempotent). */
export async function upsertUnits(
  database: Database,
  input: { townships: readonly Township[]; units: readonly UnitRow[] },
  now: Date,
): Promise<void> {
  const { db } = database;
  const statements = [
    ...input.townships.map((t) =>
      db
        .insert(townships)
        .values({ id: t.id, name: t.name, order: t.order })
        .onConflictDoUpdate({ target: townships.id, set: { name: t.name, order: t.order } }),
    ),
    ...input.units.map((u) =>
      db
        .insert(units)
        .values({ ...u, updatedAt: now })
        .onConflictDoUpdate({
          target: units.id,
          set: {
            name: u.name,
            carrier: u.carrier,
            townshipId: u.townshipId,
            leadDepartment: u.leadDepartment,
            demo: u.demo,
            updatedAt: now,
          },
        }),
    ),
  ];
  if (statements.length === 0) return;
  await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
}

export async function countUnits(database: Database): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(units);
  return row?.n ?? 0;
}

export async function findUnit(database: Database, id: string): Promise<UnitRow | undefined> {
  const [row] = await database.db
    .select({
      id: units.id,
      name: units.name,
      carrier: units.carrier,
      townshipId: units.townshipId,
      leadDepartment: units.leadDepartment,
      demo: units.demo,
    })
    .from(units)
    .where(eq(units.id, id));
  return row;
}

/** A cheap round trip that proves the database answers. */
export async function pingDatabase(database: Database): Promise<boolean> {
  const rows = await database.db.all<{ ok: number }>(sql`SELECT 1 AS ok`);
  return rows[0]?.ok === 1;
}

/** One page of units, filtered by carrier and township, in a stable order. */
export async function listUnits(
  database: Database,
  filter: { carrier?: UnitCarrier | undefined; township?: string | undefined },
  page: { page: number; pageSize: number },
): Promise<{ rows: UnitRow[]; total: number }> {
  const where: SQL[] = [];
  if (filter.carrier) where.push(eq(units.carrier, filter.carrier));
  if (filter.township) where.push(eq(units.townshipId, filter.township));
  const cond = where.length ? and(...where) : undefined;
  const [total] = await database.db.select({ n: count() }).from(units).where(cond);
  const rows = await database.db
    .select({
      id: units.id,
      name: units.name,
      carrier: units.carrier,
      townshipId: units.townshipId,
      leadDepartment: units.leadDepartment,
      demo: units.demo,
    })
    .from(units)
    .where(cond)
    .orderBy(asc(units.townshipId), asc(units.carrier), asc(units.id))
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize);
  return { rows, total: total?.n ?? 0 };
}
