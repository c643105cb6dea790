import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { unitCarriers } from '../domain/units/schema.ts';

/**
 * Units mirrored from content/units so that feedback, ratings and scores can reference them with
 * foreign keys. content/ stays the source of truth; the seed upserts this table from it.
 */
export const townships = sqliteTable('townships', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  order: integer('display_order').notNull().default(0),
});

export const units = sqliteTable(
  'units',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    carrier: text('carrier', { enum: unitCarriers }).notNull(),
    townshipId: text('township_id')
      .notNull()
      .references(() => townships.id),
    leadDepartment: text('lead_department').notNull(),
    demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [index('units_carrier_township').on(t.carrier, t.townshipId)],
);
