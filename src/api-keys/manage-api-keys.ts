import { and, desc, eq, isNull, or } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { apiKeys } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';
import type { ApiKeyRow } from './create-api-key.js';

export function listApiKeys(db: Db): ApiKeyRow[] {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt)).all();
}

/** Revokes a key by id or by its shown prefix. Throws NotFoundError if no live key matches. */
export function revokeApiKey(db: Db, clock: Clock, idOrPrefix: string): ApiKeyRow {
  const row = db
    .update(apiKeys)
    .set({ revokedAt: clock.now() })
    .where(and(or(eq(apiKeys.id, idOrPrefix), eq(apiKeys.keyPrefix, idOrPrefix)), isNull(apiKeys.revokedAt)))
    .returning()
    .get();
  if (!row) throw new NotFoundError('active API key', idOrPrefix);
  return row;
}
