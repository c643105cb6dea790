import type { Database } from '../src/db/client.ts';
import { countUnits, upsertUnits } from '../src/db/units-repo.ts';
import { readRegistry } from '../src/content/files.ts';
import type { Secrets } from '../src/lib/secrets.ts';
import { seedDemoChannel, type DemoCodes } from './seed-channel.ts';
import { seedDemoScoring, seedDemoTeam } from './seed-scoring.ts';
import { seedDemoStaff } from './seed-staff.ts';

/**
 * Mirror the unit registry from content/ into the database. Idempotent: running it twice changes
 * nothing but `updated_at`. Demo-only records (演示数据) are seeded only when `demo` is true.
 */
export async function seedDatabase(
  database: Database,
  opts: { demo: boolean; now: Date; contentDir?: string; secrets?: Secrets },
): Promise<{ units: number; demoCodes?: DemoCodes }> {
  const registry = readRegistry(opts.contentDir);
  const units = registry.units
    .filter((u) => opts.demo || !u.demo)
    .map((u) => ({
      id: u.id,
      name: u.name,
      carrier: u.carrier,
      townshipId: u.township,
      leadDepartment: u.leadDepartment,
      demo: u.demo,
    }));
  await upsertUnits(database, { townships: registry.townships, units }, opts.now);
  // The demo feedback channel needs the server secrets (codes are HMAC-hashed with them).
  const demoCodes =
    opts.demo && opts.secrets ? await seedDemoChannel(database, opts.secrets, units, opts.now) : undefined;
  // Demo scorecards read the demo channel's ratings and replies, so they are seeded with it.
  if (opts.demo && opts.secrets) await seedDemoScoring(database, opts.secrets, units, opts.now, opts.contentDir);
  // Demo staff accounts (README "Demo staff accounts") only in demo mode, only into an empty table.
  if (opts.demo && opts.secrets) await seedDemoStaff(database, opts.secrets, opts.now);
  // The evaluation team's demo marks need the demo evaluators' accounts.
  if (opts.demo && opts.secrets) await seedDemoTeam(database, opts.now, opts.contentDir);
  return { units: await countUnits(database), ...(demoCodes ? { demoCodes } : {}) };
}
