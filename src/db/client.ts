import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema/index.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A transaction handle; verbs write through it so their changes commit or roll back together. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface OpenDbOptions {
  busyTimeoutMs?: number;
}

/** Opens the SQLite file (creating its folder) with the pragmas Herald relies on. */
export function openDb(file: string, options: OpenDbOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets readers (the snapshot rebuild, the worker) run beside the writer.
  sqlite.pragma('journal_mode = WAL');
  // SQLite leaves foreign keys unenforced unless asked; the cascades in the schema depend on it.
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  sqlite.pragma('synchronous = NORMAL');
  return drizzle(sqlite, { schema }) as Db;
}
