import { Router, type Response } from 'express';
import { runAudited } from '../../admin/audited.js';
import { createComponentGroup, updateComponentGroup } from '../../components/component-groups.js';
import { createComponent } from '../../components/create-component.js';
import { getAnyComponentOrThrow, inDisplayOrder, listComponents } from '../../components/internal.js';
import { moveComponent } from '../../components/move-component.js';
import { updateComponent } from '../../components/update-component.js';
import { getPage } from '../../pages/internal.js';
import { formErrors, noErrors, text, textList, type FormSpec } from './forms.js';
import type { AdminDeps } from './options.js';
import { componentStatusOptions, label, noticeText, type FormView } from './present.js';
import type { Render } from './render.js';
import { viewerOf } from './session.js';

const componentSpec: FormSpec = { prefix: 'component', labels: { name: 'Name', description: 'Description', status: 'Status', group_id: 'Group' } };
const groupSpec: FormSpec = { prefix: 'component_group', labels: { name: 'Name', description: 'Description', components: 'Components' } };

/** Forms shown again with the user's input and errors, keyed by form id. */
type Refused = Record<string, FormView>;

/** Components and groups: add, rename, reorder, set status, group. */
export function componentsRoutes(deps: AdminDeps, render: Render): Router {
  const router = Router();
  const { ctx } = deps;
  const actor = (res: Response) => viewerOf(res).user.username;

  const show = (res: Response, refused: Refused = {}, status = 200, notice?: string) => {
    const page = getPage(ctx.db);
    const rows = inDisplayOrder(listComponents(ctx.db, page.id));
    const groups = rows.filter((r) => r.isGroup);
    const form = (id: string, values: Record<string, unknown>): FormView => refused[id] ?? { id, values, errors: noErrors() };
    const siblingsOf = (groupId: string | null) => rows.filter((r) => r.groupId === groupId);
    render(res, 'components', {
      title: 'Components',
      section: 'components',
      notice,
      statusOptions: componentStatusOptions,
      groupOptions: [{ value: '', label: 'No group' }, ...groups.map((g) => ({ value: g.id, label: g.name }))],
      rows: rows.map((r) => {
        const siblings = siblingsOf(r.groupId);
        return {
          id: r.id,
          name: r.name,
          isGroup: r.isGroup,
          inGroup: r.groupId !== null,
          statusLabel: label(r.status),
          status: r.status,
          first: siblings[0]?.id === r.id,
          last: siblings.at(-1)?.id === r.id,
          form: form(`c-${r.id}`, { name: r.name, status: r.status, group_id: r.groupId ?? '' }),
        };
      }),
      choices: rows.filter((r) => !r.isGroup).map((r) => ({ id: r.id, name: r.name })),
      newComponent: form('new-component', { name: '', description: '', status: 'operational', group_id: '' }),
      newGroup: form('new-group', { name: '', components: [] }),
    }, status);
  };

  router.get('/components', (req, res) => show(res, {}, 200, noticeText(req.query['notice'])));

  router.post('/components', (req, res) => {
    const page = getPage(ctx.db);
    const values = { name: text(req.body, 'name'), description: text(req.body, 'description'), status: text(req.body, 'status'), group_id: text(req.body, 'group_id') };
    try {
      runAudited(ctx, actor(res), (c) => createComponent(c, page.id, { ...values, group_id: values.group_id || null }), (row) => ({
        action: 'component.create', targetType: 'component', targetId: row.id, details: { name: row.name, status: row.status, group_id: row.groupId },
      }));
      res.redirect(303, '/admin/components?notice=component-created');
    } catch (error) {
      show(res, { 'new-component': { id: 'new-component', values, errors: formErrors(error, componentSpec) } }, 422);
    }
  });

  router.post('/components/:componentId', (req, res) => {
    const page = getPage(ctx.db);
    const current = getAnyComponentOrThrow(ctx.db, page.id, req.params.componentId);
    const values = { name: text(req.body, 'name'), status: text(req.body, 'status'), group_id: text(req.body, 'group_id') };
    try {
      if (current.isGroup) {
        runAudited(ctx, actor(res), (c) => updateComponentGroup(c, page.id, current.id, { name: values.name }), ({ group }) => ({
          action: 'component_group.update', targetType: 'component_group', targetId: group.id, details: { name: group.name },
        }));
      } else {
        runAudited(ctx, actor(res), (c) => updateComponent(c, page.id, current.id, { ...values, group_id: values.group_id || null }), (row) => ({
          action: 'component.update', targetType: 'component', targetId: row.id, details: { name: row.name, status: row.status, group_id: row.groupId },
        }));
      }
      res.redirect(303, `/admin/components?notice=${current.isGroup ? 'group-updated' : 'component-updated'}`);
    } catch (error) {
      const id = `c-${current.id}`;
      show(res, { [id]: { id, values, errors: formErrors(error, current.isGroup ? groupSpec : componentSpec) } }, 422);
    }
  });

  router.post('/components/:componentId/move', (req, res) => {
    const page = getPage(ctx.db);
    const direction = text(req.body, 'direction');
    runAudited(ctx, actor(res), (c) => moveComponent(c, page.id, req.params.componentId, direction), (row) => ({
      action: 'component.move', targetType: row.isGroup ? 'component_group' : 'component', targetId: row.id, details: { name: row.name, direction, position: row.position },
    }));
    res.redirect(303, '/admin/components?notice=component-moved');
  });

  router.post('/component-groups', (req, res) => {
    const page = getPage(ctx.db);
    const values = { name: text(req.body, 'name'), components: textList(req.body, 'components') };
    try {
      runAudited(ctx, actor(res), (c) => createComponentGroup(c, page.id, values), ({ group, childIds }) => ({
        action: 'component_group.create', targetType: 'component_group', targetId: group.id, details: { name: group.name, components: childIds },
      }));
      res.redirect(303, '/admin/components?notice=group-created');
    } catch (error) {
      show(res, { 'new-group': { id: 'new-group', values, errors: formErrors(error, groupSpec) } }, 422);
    }
  });
  return router;
}
