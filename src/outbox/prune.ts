import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { deliveries } from '../db/schema/index.js';

/** Deletes delivered rows (and, by cascade, their attempts) delivered before `before`. Failed rows stay visible. */
export function pruneDeliveries(db: Db, before: Date): number {
  return db
    .delete(deliveries)
    .where(and(eq(deliveries.state, 'delivered'), lt(deliveries.deliveredAt, before)))
    .run().changes;
}
