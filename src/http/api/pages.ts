import { Router, type RequestHandler } from 'express';
import type { DomainContext } from '../../context.js';
import { getPage, getPageOrThrow } from '../../pages/internal.js';
import { toPageJson } from '../../pages/present.js';
import { updatePage } from '../../pages/update-page.js';
import { wrappedBody } from './request.js';

export function pagesRouter(ctx: DomainContext): Router {
  const router = Router();
  router.get('/pages', (_req, res) => {
    res.json([toPageJson(getPage(ctx.db), ctx.publicUrl)]);
  });
  router.get('/pages/:pageId', (req, res) => {
    res.json(toPageJson(getPageOrThrow(ctx.db, req.params.pageId), ctx.publicUrl));
  });
  const update: RequestHandler<{ pageId: string }> = (req, res) => {
    const page = updatePage(ctx, req.params.pageId, wrappedBody(req, 'page'));
    res.json(toPageJson(page, ctx.publicUrl));
  };
  router.patch('/pages/:pageId', update);
  router.put('/pages/:pageId', update);
  return router;
}
