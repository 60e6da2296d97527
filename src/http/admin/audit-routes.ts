import { Router } from 'express';
import { listAuditLog } from '../../admin/audit-log.js';
import { getPage } from '../../pages/internal.js';
import type { AdminDeps } from './options.js';
import { formatTime, isoTime, pageNumber } from './present.js';
import type { Render } from './render.js';

const perPage = 50;

/** Who did what, when: newest first. */
export function auditRoutes(deps: AdminDeps, render: Render): Router {
  const router = Router();
  router.get('/audit', (req, res) => {
    const timeZone = getPage(deps.ctx.db).timeZone;
    const number = pageNumber(req.query['page']);
    const rows = listAuditLog(deps.ctx.db, { limit: perPage + 1, offset: (number - 1) * perPage });
    render(res, 'audit', {
      title: 'Audit log',
      section: 'audit',
      entries: rows.slice(0, perPage).map((r) => ({
        at: formatTime(r.createdAt, timeZone),
        atIso: isoTime(r.createdAt),
        actor: r.actor,
        action: r.action,
        target: r.targetType ? `${r.targetType} ${r.targetId ?? ''}`.trim() : '',
        details: r.details ? JSON.stringify(r.details) : '',
      })),
      previous: number > 1 ? `/admin/audit?page=${number - 1}` : undefined,
      next: rows.length > perPage ? `/admin/audit?page=${number + 1}` : undefined,
    });
  });
  return router;
}
