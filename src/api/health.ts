import { Hono } from 'hono';
import { z } from 'zod';
import { migrationVersion } from '../db/client.ts';
import type { AppEnv } from './app.ts';

export const Health = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  version: z.string(),
  database: z.strictObject({
    reachable: z.boolean(),
    migrations: z.strictObject({ applied: z.number().int(), latest: z.number().int().nullable() }).nullable(),
  }),
  time: z.iso.datetime(),
});

/**
 * GET /api/health: is the database reachable, which schema version is applied, which build runs.
 * 200 when healthy, 503 otherwise; no internal detail beyond that (RELIABILITY.md V13.4.5).
 */
export const healthApi = new Hono<AppEnv>().get('/', async (c) => {
  const { database, version, now } = c.get('deps');
  let reachable: boolean;
  let migrations: { applied: number; latest: number | null } | null = null;
  try {
    // One round trip: reading the migration table proves the database answers.
    migrations = await migrationVersion(database);
    reachable = true;
  } catch {
    reachable = false;
  }
  const ok = reachable && migrations !== null && migrations.applied > 0;
  const body: z.infer<typeof Health> = {
    status: ok ? 'ok' : 'unavailable',
    version,
    database: { reachable, migrations },
    time: now().toISOString(),
  };
  return c.json(body, ok ? 200 : 503);
});
