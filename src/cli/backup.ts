import { join, dirname } from 'node:path';
import { loadConfig, ConfigError } from '../lib/config.ts';
import { BackupError, backupAttachments, backupDatabase, backupStamp, databaseFile } from '../db/backup.ts';
import { attachmentsDirOf } from '../services/attachments.ts';

/**
 * `npm run backup [-- file]`: a consistent copy of the database in DATABASE_URL, safe while the server
 * runs and writes (src/db/backup.ts). Without a file, `backups/qinglian-<UTC stamp>.db` next to the
 * database; the attachment store (ATTACHMENTS_DIR) is copied to `<file>.attachments/`. Exit 0 on success, 1 on
 * failure.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const target =
    process.argv[2] ??
    join(dirname(databaseFile(config.DATABASE_URL)), 'backups', `qinglian-${backupStamp(new Date())}.db`);
  const { file, bytes } = await backupDatabase(config.DATABASE_URL, target);
  // Then the attachment store, into `<file>.attachments/` (after the database: see backupAttachments).
  const attachments = backupAttachments(attachmentsDirOf(config), file);
  console.log(
    JSON.stringify({ backup: file, bytes, integrity: 'ok', attachments: attachments.dir, files: attachments.files }),
  );
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e instanceof BackupError || e instanceof ConfigError ? e.message : e);
    process.exitCode = 1;
  },
);
