import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from './client.js';

export interface BackupResult {
  file: string;
  pages: number;
  bytes: number;
}

/**
 * Copies the live database to `file` with SQLite's online backup API: the server may keep serving
 * and delivering meanwhile. The copy is then opened and must pass `PRAGMA integrity_check`.
 */
export async function backupDatabase(db: Db, file: string, options: { overwrite?: boolean } = {}): Promise<BackupResult> {
  if (existsSync(file) && !options.overwrite) throw new Error(`${file} already exists; choose another file or pass --force`);
  const { totalPages } = await db.$client.backup(file);
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`the backup failed its integrity check: ${String(check)}`);
    const pageSize = copy.pragma('page_size', { simple: true }) as number;
    return { file, pages: totalPages, bytes: totalPages * pageSize };
  } finally {
    copy.close();
  }
}
