import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { adminUsers, pages } from '../db/schema/index.js';
import { newId } from '../ids.js';
import { createApiKey, type CreatedApiKey } from '../api-keys/create-api-key.js';
import { createFirstAdmin, type FirstAdmin } from '../admin/set-password.js';
import type { PageRow } from './internal.js';

export interface BootstrapResult {
  page: PageRow;
  /** Set only on the very first start: the admin key, shown once. */
  firstAdminKey: CreatedApiKey | undefined;
  /** Set only when no console user exists yet: the user `admin` and its password, shown once. */
  firstAdmin: FirstAdmin | undefined;
}

/**
 * Creates the page and a first admin API key when the database is empty, and the console user
 * `admin` when there is no console user (also on a database from before the console existed).
 */
export function bootstrapPage(db: Db, clock: Clock, pageName: string): BootstrapResult {
  return db.transaction((tx) => {
    const firstAdmin = tx.select({ id: adminUsers.id }).from(adminUsers).limit(1).get() ? undefined : createFirstAdmin(tx, clock);
    const existing = tx.select().from(pages).limit(1).get();
    if (existing) return { page: existing, firstAdminKey: undefined, firstAdmin };
    const now = clock.now();
    const page = tx.insert(pages).values({ id: newId(), name: pageName, createdAt: now, updatedAt: now }).returning().get();
    const firstAdminKey = createApiKey(tx, clock, 'admin (first start)');
    return { page, firstAdminKey, firstAdmin };
  });
}
