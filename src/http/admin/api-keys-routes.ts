import { Router, type Response } from 'express';
import { recordAudit } from '../../admin/audit-log.js';
import { createApiKey } from '../../api-keys/create-api-key.js';
import { listApiKeys, revokeApiKey } from '../../api-keys/manage-api-keys.js';
import { formErrors, noErrors, text, type FormSpec } from './forms.js';
import type { AdminDeps } from './options.js';
import { formatTime, noticeText, type FormView } from './present.js';
import { getPage } from '../../pages/internal.js';
import type { Render } from './render.js';
import { viewerOf } from './session.js';

const spec: FormSpec = { labels: { name: 'Name' } };

/** Manage-API keys: a new key is shown on the page that creates it and never again; revoke. */
export function apiKeysRoutes(deps: AdminDeps, render: Render): Router {
  const router = Router();
  const { ctx } = deps;

  const show = (res: Response, options: { form?: FormView; created?: { name: string; key: string }; notice?: string | undefined } = {}, status = 200) => {
    const timeZone = getPage(ctx.db).timeZone;
    const keys = listApiKeys(ctx.db).map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.keyPrefix,
      createdAt: formatTime(k.createdAt, timeZone),
      revokedAt: formatTime(k.revokedAt, timeZone),
      revoked: k.revokedAt !== null,
    }));
    const form = options.form ?? { id: 'new-key', values: { name: '' }, errors: noErrors() };
    render(res, 'api-keys', { title: 'API keys', section: 'api-keys', keys, form, created: options.created, notice: options.notice }, status);
  };

  router.get('/api-keys', (req, res) => show(res, { notice: noticeText(req.query['notice']) }));

  router.post('/api-keys', (req, res) => {
    const name = text(req.body, 'name');
    const now = ctx.clock.now();
    try {
      const created = ctx.db.transaction(() => {
        const made = createApiKey(ctx.db, ctx.clock, name);
        // The key itself never goes into the audit log: only its public prefix.
        recordAudit(ctx.db, { actor: viewerOf(res).user.username, action: 'api_key.create', targetType: 'api_key', targetId: made.row.id, details: { name: made.row.name, prefix: made.row.keyPrefix }, at: now });
        return made;
      });
      // Answered directly rather than redirected: the key must not travel through a URL or be shown twice.
      show(res, { created: { name: created.row.name, key: created.key } }, 201);
    } catch (error) {
      show(res, { form: { id: 'new-key', values: { name }, errors: formErrors(error, spec) } }, 422);
    }
  });

  router.post('/api-keys/:keyId/revoke', (req, res) => {
    ctx.db.transaction(() => {
      const row = revokeApiKey(ctx.db, ctx.clock, req.params.keyId);
      recordAudit(ctx.db, { actor: viewerOf(res).user.username, action: 'api_key.revoke', targetType: 'api_key', targetId: row.id, details: { name: row.name, prefix: row.keyPrefix }, at: ctx.clock.now() });
    });
    res.redirect(303, '/admin/api-keys?notice=key-revoked');
  });
  return router;
}
