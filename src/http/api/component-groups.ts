import { Router, type RequestHandler } from 'express';
import type { DomainContext } from '../../context.js';
import {
  createComponentGroup,
  deleteComponentGroup,
  getGroup,
  listGroups,
  updateComponentGroup,
  type GroupWithChildren,
} from '../../components/component-groups.js';
import { toGroupJson } from '../../components/present.js';
import { bodyWithQueryFallback, paging } from './request.js';

type PageParams = { pageId: string };
type GroupParams = PageParams & { groupId: string };

const present = ({ group, childIds }: GroupWithChildren) => toGroupJson(group, childIds);

/** Statuspage spells the path `component-groups`; some clients use `component_groups`. */
export function componentGroupsRouter(ctx: DomainContext): Router {
  const router = Router();
  const list: RequestHandler<PageParams> = (req, res) => {
    const { limit, offset } = paging(req);
    res.json(listGroups(ctx, req.params.pageId).slice(offset, offset + limit).map(present));
  };
  const create: RequestHandler<PageParams> = (req, res) => {
    res.status(201).json(present(createComponentGroup(ctx, req.params.pageId, bodyWithQueryFallback(req, 'component_group'))));
  };
  const show: RequestHandler<GroupParams> = (req, res) => {
    res.json(present(getGroup(ctx, req.params.pageId, req.params.groupId)));
  };
  const update: RequestHandler<GroupParams> = (req, res) => {
    res.json(present(updateComponentGroup(ctx, req.params.pageId, req.params.groupId, bodyWithQueryFallback(req, 'component_group'))));
  };
  const remove: RequestHandler<GroupParams> = (req, res) => {
    res.json(present(deleteComponentGroup(ctx, req.params.pageId, req.params.groupId)));
  };
  for (const base of ['/pages/:pageId/component-groups', '/pages/:pageId/component_groups']) {
    router.get(base, list);
    router.post(base, create);
    router.get(`${base}/:groupId`, show);
    router.patch(`${base}/:groupId`, update);
    router.put(`${base}/:groupId`, update);
    router.delete(`${base}/:groupId`, remove);
  }
  return router;
}
