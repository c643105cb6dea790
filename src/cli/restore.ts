import { loadConfig, ConfigError } from '../lib/config.ts';
import { BackupError, backupStamp, restoreAttachments, restoreDatabase } from '../db/backup.ts';
import { attachmentsDirOf } from '../services/attachments.ts';

/**
 * `npm run restore -- <file>`: put a backup in place of the database in DATABASE_URL. Stop the server
 * first: the restore refuses (exit 3) while any process has the database open. The backup must pass
 * `PRAGMA integrity_check` (exit 2 otherwise); the replaced file is kept as `<db>.before-restore-<stamp>`. The
 * files of `<file>.attachments/` are copied back into the attachment store (ATTACHMENTS_DIR).
 */
async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run restore -- <backup file>');
    return 1;
  }
  const config = loadConfig();
  const r = await restoreDatabase(config.DATABASE_URL, file, backupStamp(new Date()));
  const attachments = restoreAttachments(attachmentsDirOf(config), file);
  console.log(
    JSON.stringify({
      restored: r.file,
      from: file,
      previous: r.previous,
      integrity: 'ok',
      attachments: attachments?.files ?? null,
    }),
  );
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
