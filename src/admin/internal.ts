import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { adminUsers } from '../db/schema/index.js';

export type AdminUserRow = typeof adminUsers.$inferSelect;

/** The console user with this (already lowercased) username, if any. */
export function findAdminUser(db: Db | Tx, username: string): AdminUserRow | undefined {
  return db.select().from(adminUsers).where(eq(adminUsers.username, username)).get();
}
