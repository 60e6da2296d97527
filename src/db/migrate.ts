import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db } from './client.js';

// Resolved from this file so it works from src/ (tsx) and dist/ alike.
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Applies every pending migration; safe to call on every start. */
export function migrateDb(db: Db): void {
  migrate(db, { migrationsFolder });
}
