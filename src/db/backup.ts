import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient, type Client } from '@libsql/client';

/**
 * Backups of the embedded database file (README "Backups").
 *
 * `backupDatabase` runs `VACUUM INTO` on a connection of its own. The database is in WAL mode, so that
 * statement reads one snapshot (a read transaction) while the server keeps writing: the copy holds exactly
 * the transactions committed before it started, and every write the server acknowledged before then was
 * committed with `synchronous = FULL` (src/db/client.ts). It never blocks the server's writer.
 *
 * `restoreDatabase` checks the copy with `PRAGMA integrity_check` and refuses while any other connection
 * has the live database open: in WAL mode every open connection holds a shared lock on the file, so an
 * exclusive lock taken without waiting fails while the server runs.
 */
export class BackupError extends Error {
  readonly code: 'notEmbedded' | 'exists' | 'missing' | 'integrity' | 'inUse';
  constructor(code: BackupError['code'], message: string) {
    super(message);
    this.name = 'BackupError';
    this.code = code;
  }
}

/** `20261202T021800Z`: a UTC time for file names. */
export const backupStamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/** The file path of an embedded `file:` URL; other URLs (a libSQL server) are backed up by their own tools. */
export function databaseFile(url: string): string {
  if (!url.startsWith('file:')) throw new BackupError('notEmbedded', `not an embedded database: ${url}`);
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  if (!path || path === ':memory:') throw new BackupError('notEmbedded', `not a database file: ${url}`);
  return resolve(path);
}

const open = (file: string, timeout = 5000): Client => createClient({ url: `file:${file}`, concurrency: 1, timeout });

/** `PRAGMA integrity_check` of a database file: `['ok']` when intact, otherwise the problems. */
export async function integrityCheck(file: string): Promise<string[]> {
  if (!existsSync(file)) throw new BackupError('missing', `no such file: ${file}`);
  const client = open(file);
  try {
    const rs = await client.execute('PRAGMA integrity_check');
    return rs.rows.map((r) => String(r[0]));
  } catch (e) {
    // A file too damaged to read at all (SQLITE_CORRUPT, SQLITE_NOTADB) fails the check the same way.
    return [e instanceof Error ? e.message : String(e)];
  } finally {
    client.close();
  }
}

/** Write a consistent copy of the live database to `target` (a new file) and check it. */
export async function backupDatabase(url: string, target: string): Promise<{ file: string; bytes: number }> {
  const source = databaseFile(url);
  if (!existsSync(source)) throw new BackupError('missing', `no such database: ${source}`);
  const file = resolve(target);
  if (existsSync(file)) throw new BackupError('exists', `refusing to overwrite ${file}`);
  mkdirSync(dirname(file), { recursive: true });
  // Written under a temporary name and renamed once checked: a crash or a full disk mid-copy never leaves a
  // file at `target` that looks like a finished backup.
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  try {
    const client = open(source);
    try {
      await client.execute({ sql: 'VACUUM INTO ?', args: [partial] });
    } finally {
      client.close();
    }
    const problems = await integrityCheck(partial);
    if (problems.join() !== 'ok')
      throw new BackupError('integrity', `backup failed integrity_check: ${problems.join('; ')}`);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  return { file, bytes: statSync(file).size };
}

/**
 * Put `backup` in place of the database at `url`. The current file is kept as `<db>.before-restore-<stamp>`
 * (with its WAL folded in) so a wrong restore can be undone. Throws `inUse` while the server runs.
 */
export async function restoreDatabase(
  url: string,
  backup: string,
  stamp: string,
): Promise<{ file: string; previous: string | null }> {
  const live = databaseFile(url);
  const from = resolve(backup);
  const problems = await integrityCheck(from);
  if (problems.join() !== 'ok')
    throw new BackupError('integrity', `backup failed integrity_check: ${problems.join('; ')}`);
  let previous: string | null = null;
  if (existsSync(live)) {
    // busy timeout 0: fail at once instead of waiting for the server to let go.
    const client = open(live, 0);
    try {
      await client.execute('PRAGMA locking_mode = EXCLUSIVE');
      try {
        // One call: the driver ends a transaction that a single execute() leaves open.
        await client.executeMultiple('BEGIN EXCLUSIVE; COMMIT;');
      } catch (e) {
        if (!String(e).includes('SQLITE_BUSY')) throw e;
        throw new BackupError('inUse', 'the database is open in another process: stop the server first');
      }
      previous = `${live}.before-restore-${stamp}`;
      await client.execute({ sql: 'VACUUM INTO ?', args: [previous] });
    } finally {
      client.close();
    }
  }
  const staging = `${live}.restoring`;
  copyFileSync(from, staging);
  for (const suffix of ['-wal', '-shm']) rmSync(`${live}${suffix}`, { force: true });
  renameSync(staging, live);
  const after = await integrityCheck(live);
  if (after.join() !== 'ok')
    throw new BackupError('integrity', `restored file failed integrity_check: ${after.join('; ')}`);
  return { file: live, previous };
}

/** Where a backup's copy of the attachment store goes: `<backup file>.attachments/`. */
export const attachmentsBackupDir = (backupFile: string): string => `${resolve(backupFile)}.attachments`;

/** The number of files under a directory (0 when it does not exist). */
function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

/**
 * Copy the attachment store (content-addressed files, never changed once written) next to a backup. Run after
 * the database copy: every attachment row in that copy was written after its file, so its file is here too
 * (files stored later are extra and harmless). Written under a temporary name and renamed, like the database.
 */
export function backupAttachments(attachmentsDir: string, backupFile: string): { dir: string; files: number } {
  const dir = attachmentsBackupDir(backupFile);
  if (existsSync(dir)) throw new BackupError('exists', `refusing to overwrite ${dir}`);
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  if (existsSync(attachmentsDir))
    cpSync(attachmentsDir, partial, { recursive: true, filter: (f) => !f.endsWith('.partial') });
  renameSync(partial, dir);
  return { dir, files: countFiles(dir) };
}

/**
 * Put a backup's attachments back (after `restoreDatabase`): every file of `<backup>.attachments/` is copied
 * into the live store; files already there have the same content (same hash) and are left as they are.
 * A backup without the folder (taken before the store existed) restores nothing and says so (null).
 */
export function restoreAttachments(attachmentsDir: string, backupFile: string): { dir: string; files: number } | null {
  const dir = attachmentsBackupDir(backupFile);
  if (!existsSync(dir)) return null;
  mkdirSync(attachmentsDir, { recursive: true });
  cpSync(dir, attachmentsDir, { recursive: true, force: false, errorOnExist: false });
  return { dir, files: countFiles(dir) };
}
