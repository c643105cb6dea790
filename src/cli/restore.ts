import { loadConfig, ConfigError } from '../lib/config.ts';
import { BackupError, backupStamp, restoreDatabase } from '../db/backup.ts';

/**
 * `npm run restore -- <file>`: put a backup in place of the database in DATABASE_URL. Stop the server
 * first: the restore refuses (exit 3) while any process has the database open. The backup must pass
 * `PRAGMA integrity_check` (exit 2 otherwise); the replaced file is kept as `<db>.before-restore-<stamp>`.
 */
async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run restore -- <backup file>');
    return 1;
  }
  const config = loadConfig();
  const r = await restoreDatabase(config.DATABASE_URL, file, backupStamp(new Date()));
  console.log(JSON.stringify({ restored: r.file, from: file, previous: r.previous, integrity: 'ok' }));
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e instanceof BackupError || e instanceof ConfigError ? e.message : e);
    process.exitCode =
      e instanceof BackupError ? (({ integrity: 2, inUse: 3 } as Record<string, number>)[e.code] ?? 1) : 1;
  },
);
