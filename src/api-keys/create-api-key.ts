import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';
import { apiKeys } from '../db/schema/index.js';
import { newId } from '../ids.js';
import { name as nameSchema, parseInput } from '../validation.js';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export interface CreatedApiKey {
  row: ApiKeyRow;
  /** The key itself. It is not stored anywhere, so this is the only time it can be shown. */
  key: string;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Makes a new manage-API key; only its hash is stored. */
export function createApiKey(db: Db | Tx, clock: Clock, rawName: unknown): CreatedApiKey {
  const name = parseInput(nameSchema, rawName, 'name');
  const key = `hk_${randomBytes(24).toString('base64url')}`;
  const row = db
    .insert(apiKeys)
    .values({ id: newId(), name, keyHash: hashApiKey(key), keyPrefix: key.slice(0, 7), createdAt: clock.now() })
    .returning()
    .get();
  return { row, key };
}
