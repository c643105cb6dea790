import { migrationVersion, type Database } from '../db/client.ts';
import { pingDatabase } from '../db/units-repo.ts';

export interface DatabaseStatus {
  reachable: boolean;
  /** Migrations applied, or null when the database could not say. */
  applied: number | null;
}

/** Whether the database answers and how many migrations it has (the /status/ page). */
export async function databaseStatus(database: Database): Promise<DatabaseStatus> {
  try {
    const reachable = await pingDatabase(database);
    return { reachable, applied: (await migrationVersion(database)).applied };
  } catch {
    return { reachable: false, applied: null };
  }
}
