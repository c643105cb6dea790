import { Hono } from 'hono';
import { z } from 'zod';
import { unitCarriers } from '../domain/units/schema.ts';
import { listUnits, type UnitRow } from '../db/units-repo.ts';
import type { AppEnv } from './app.ts';
import { query } from './validate.ts';

export const PAGE_SIZE_MAX = 100;

const pageNumber = (max: number, code: string) => z.coerce.number().int(code).min(1, code).max(max, code);

export const UnitsQuery = z.strictObject({
  carrier: z.enum(unitCarriers, 'units.carrier.invalid').optional(),
  township: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'units.township.invalid')
    .optional(),
  page: pageNumber(10_000, 'units.page.invalid').default(1),
  pageSize: pageNumber(PAGE_SIZE_MAX, 'units.pageSize.invalid').default(50),
});

/** The public fields of a unit; a row never reaches JSON as-is (STYLE.md rule 5). */
export const PublicUnit = z.strictObject({
  id: z.string(),
  name: z.string(),
  carrier: z.enum(unitCarriers),
  township: z.string(),
  leadDepartment: z.string(),
  demo: z.boolean(),
  url: z.string(),
});
export const UnitsPage = z.strictObject({
  items: z.array(PublicUnit),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export function toPublicUnit(row: UnitRow): z.infer<typeof PublicUnit> {
  return {
    id: row.id,
    name: row.name,
    carrier: row.carrier,
    township: row.townshipId,
    leadDepartment: row.leadDepartment,
    demo: row.demo,
    url: `/units/${row.id}/`,
  };
}

/** GET /api/units: paginated, filterable by carrier and township, cacheable for a minute. */
export const unitsApi = new Hono<AppEnv>().get('/', query(UnitsQuery), async (c) => {
  const q = c.get('query');
  const { rows, total } = await listUnits(c.get('deps').database, q, q);
  c.header('Cache-Control', 'public, max-age=60');
  const body: z.infer<typeof UnitsPage> = { items: rows.map(toPublicUnit), page: q.page, pageSize: q.pageSize, total };
  return c.json(body);
});
