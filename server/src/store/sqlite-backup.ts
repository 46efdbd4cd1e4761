import { copyFileSync, existsSync, renameSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface BackupSummary {
  file: string;
  bytes: number;
  /** Documents per collection, and stored files. */
  counts: Record<string, number>;
}

/** Opens a store file read-only and checks it is an intact MedFlow store; returns what it holds. */
export function inspectStoreFile(file: string): BackupSummary {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`${file} cannot be opened as a store: ${(error as Error).message}`);
  }
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`${file} is damaged (integrity_check: ${String(check)})`);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    if (!tables.includes('blobs') || !tables.includes('c_workflows')) throw new Error(`${file} is an SQLite file but not a MedFlow store`);
    const counts: Record<string, number> = {};
    for (const name of tables) {
      const key = name === 'blobs' ? 'files' : name.startsWith('c_') ? name.slice(2) : undefined;
      if (key) counts[key] = (db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n;
    }
    return { file, bytes: statSync(file).size, counts };
  } finally {
    db.close();
  }
}

/**
 * Copies the embedded store with SQLite's online backup: consistent even while the server runs and
 * writes, including stored files. Run payloads stay encrypted in the copy: it is readable only with the
 * same data keys, which are not in it.
 */
export async function backupEmbeddedStore(dbPath: string, outFile: string): Promise<BackupSummary> {
  if (!existsSync(dbPath)) throw new Error(`no embedded store at ${dbPath} (MEDFLOW_DATA_DIR)`);
  if (existsSync(outFile)) throw new Error(`${outFile} exists; choose a new file name`);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    await db.backup(outFile);
  } finally {
    db.close();
  }
  return inspectStoreFile(outFile);
}

/**
 * Replaces the embedded store with a backup, after checking the backup. The current store is kept
 * beside it (`medflow.db.before-restore-<time>`), never deleted. The server must be stopped.
 */
export function restoreEmbeddedStore(backupFile: string, dbPath: string): BackupSummary & { previous?: string } {
  const summary = inspectStoreFile(backupFile);
  let previous: string | undefined;
  if (existsSync(dbPath)) {
    previous = `${dbPath}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dbPath, previous);
    // The write-ahead log belongs to the old file: replayed onto the restored one it would corrupt it.
    for (const suffix of ['-wal', '-shm']) if (existsSync(dbPath + suffix)) renameSync(dbPath + suffix, previous + suffix);
  }
  copyFileSync(backupFile, dbPath);
  return { ...summary, file: dbPath, ...(previous ? { previous } : {}) };
}
