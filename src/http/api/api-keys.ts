import { Router, type RequestHandler } from 'express';
import type { DomainContext } from '../../context.js';
import { createApiKey, type ApiKeyRow } from '../../api-keys/create-api-key.js';
import { listApiKeys, revokeApiKey } from '../../api-keys/manage-api-keys.js';
import { iso } from '../../pages/present.js';
import { wrappedBody } from './request.js';

const toApiKeyJson = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  key_prefix: row.keyPrefix,
  created_at: iso(row.createdAt),
  last_used_at: iso(row.lastUsedAt),
  revoked_at: iso(row.revokedAt),
});

/** Herald's manage-API key management: the key itself is in the create answer only. */
export function apiKeysRouter(ctx: DomainContext): Router {
  const router = Router();
  const list: RequestHandler = (_req, res) => {
    res.json(listApiKeys(ctx.db).map(toApiKeyJson));
  };
  const create: RequestHandler = (req, res) => {
    const body = wrappedBody(req, 'api_key') as Record<string, unknown> | undefined;
    const { row, key } = createApiKey(ctx.db, ctx.clock, body?.['name']);
    res.status(201).json({ ...toApiKeyJson(row), key });
  };
  const revoke: RequestHandler<{ keyId: string }> = (req, res) => {
    res.json(toApiKeyJson(revokeApiKey(ctx.db, ctx.clock, req.params.keyId)));
  };
  for (const base of ['/api-keys', '/api_keys']) {
    router.get(base, list);
    router.post(base, create);
    router.delete(`${base}/:keyId`, revoke);
  }
  return router;
}
