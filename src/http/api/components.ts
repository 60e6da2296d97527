import { Router, type RequestHandler } from 'express';
import type { DomainContext } from '../../context.js';
import { createComponent } from '../../components/create-component.js';
import { deleteComponent } from '../../components/delete-component.js';
import { childrenByGroup, getAnyComponentOrThrow, listComponents } from '../../components/internal.js';
import { toComponentJson } from '../../components/present.js';
import { updateComponent } from '../../components/update-component.js';
import { getPageOrThrow } from '../../pages/internal.js';
import { paging, wrappedBody } from './request.js';

export function componentsRouter(ctx: DomainContext): Router {
  const router = Router();
  const present = (pageId: string, id: string) => {
    const rows = listComponents(ctx.db, pageId);
    return toComponentJson(getAnyComponentOrThrow(ctx.db, pageId, id), childrenByGroup(rows).get(id));
  };

  router.get('/pages/:pageId/components', (req, res) => {
    getPageOrThrow(ctx.db, req.params.pageId);
    const { limit, offset } = paging(req);
    const rows = listComponents(ctx.db, req.params.pageId);
    const children = childrenByGroup(rows);
    res.json(rows.slice(offset, offset + limit).map((row) => toComponentJson(row, children.get(row.id))));
  });
  router.post('/pages/:pageId/components', (req, res) => {
    const row = createComponent(ctx, req.params.pageId, wrappedBody(req, 'component'));
    res.status(201).json(present(req.params.pageId, row.id));
  });
  router.get('/pages/:pageId/components/:componentId', (req, res) => {
    getPageOrThrow(ctx.db, req.params.pageId);
    res.json(present(req.params.pageId, req.params.componentId));
  });
  const update: RequestHandler<{ pageId: string; componentId: string }> = (req, res) => {
    updateComponent(ctx, req.params.pageId, req.params.componentId, wrappedBody(req, 'component'));
    res.json(present(req.params.pageId, req.params.componentId));
  };
  router.patch('/pages/:pageId/components/:componentId', update);
  router.put('/pages/:pageId/components/:componentId', update);
  router.delete('/pages/:pageId/components/:componentId', (req, res) => {
    getPageOrThrow(ctx.db, req.params.pageId);
    deleteComponent(ctx, req.params.pageId, req.params.componentId);
    res.status(204).end();
  });
  return router;
}
