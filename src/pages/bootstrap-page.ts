import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { pages } from '../db/schema/index.js';
import { newId } from '../ids.js';
import { createApiKey, type CreatedApiKey } from '../api-keys/create-api-key.js';
import type { PageRow } from './internal.js';

export interface BootstrapResult {
  page: PageRow;
  /** Set only on the very first start: the admin key, shown once. */
  firstAdminKey: CreatedApiKey | undefined;
}

/** Creates the page and a first admin API key when the database is empty; otherwise returns the page. */
export function bootstrapPage(db: Db, clock: Clock, pageName: string): BootstrapResult {
  return db.transaction((tx) => {
    const existing = tx.select().from(pages).limit(1).get();
    if (existing) return { page: existing, firstAdminKey: undefined };
    const now = clock.now();
    const page = tx.insert(pages).values({ id: newId(), name: pageName, createdAt: now, updatedAt: now }).returning().get();
    const firstAdminKey = createApiKey(tx, clock, 'admin (first start)');
    return { page, firstAdminKey };
  });
}
