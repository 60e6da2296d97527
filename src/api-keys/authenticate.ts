import { timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiKeys } from '../db/schema/index.js';
import { hashApiKey } from './create-api-key.js';

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(hashApiKey(a));
  const y = Buffer.from(hashApiKey(b));
  return timingSafeEqual(x, y);
};

/**
 * True when the key is the configured ADMIN_API_KEY or a live stored key.
 * Stored keys are looked up by their SHA-256, so the comparison never touches the key itself;
 * the configured key is compared through equal-length digests in constant time.
 */
export function isValidApiKey(db: Db, adminApiKey: string | undefined, key: string, now: Date): boolean {
  if (adminApiKey !== undefined && sameSecret(key, adminApiKey)) return true;
  const row = db
    .select({ id: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
    .get();
  if (!row) return false;
  // At most one write a minute per key: enough to tell used keys from forgotten ones.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id)).run();
  }
  return true;
}
