import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAuditLog } from '../../src/admin/audit-log.js';
import { createComponent } from '../helpers/app.js';
import { assertFieldError, startConsole } from './console.js';

const lastAudit = (c: Awaited<ReturnType<typeof startConsole>>) => listAuditLog(c.app.herald.db, { limit: 1, offset: 0 })[0]!;
const order = async (c: Awaited<ReturnType<typeof startConsole>>) =>
  (await c.app.api('GET', '/components')).body.map((x: any) => `${x.name}${x.group_id ? ' (in group)' : ''}`);

describe('console: components and groups', () => {
  test('adding a component creates it with its status and group, and is audited', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    const res = await s.post('/admin/components', { name: 'API', description: 'Public REST API', status: 'degraded_performance', group_id: '' });
    assert.equal(res.status, 303);
    assert.equal(res.location, '/admin/components?notice=component-created');
    const [api] = (await c.app.api('GET', '/components')).body;
    assert.deepEqual([api.name, api.description, api.status, api.group_id], ['API', 'Public REST API', 'degraded_performance', null]);
    assert.deepEqual([lastAudit(c).action, lastAudit(c).targetId, lastAudit(c).details], ['component.create', api.id, { name: 'API', status: 'degraded_performance', group_id: null }]);
    assert.match((await s.get(res.location!)).html, /role="status">Component added\.</);
  });

  test('the add form shows errors next to its fields and keeps the input', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    const blank = await s.post('/admin/components', { name: ' ', description: 'Kept description', status: 'operational', group_id: '' });
    assert.equal(blank.status, 422);
    assertFieldError(blank.html, 'new-component-name', /^Name must not be blank\.$/);
    assert.match(blank.html, />Kept description<\/textarea>/);
    const status = await s.post('/admin/components', { name: 'API', status: 'on_fire', group_id: '' });
    assertFieldError(status.html, 'new-component-status', /^Status must be one of operational, degraded_performance/);
    const group = await s.post('/admin/components', { name: 'API', status: 'operational', group_id: 'nosuchgroup1' });
    assertFieldError(group.html, 'new-component-group_id', /^Group "nosuchgroup1" is not a component group of this page\.$/);
    assert.deepEqual((await c.app.api('GET', '/components')).body, []);
  });

  test('a component row renames, sets the status and moves into a group; each save is audited', async (t) => {
    const c = await startConsole(t);
    const api = await createComponent(c.app, { name: 'API' });
    const web = await createComponent(c.app, { name: 'Web' });
    const s = await c.login();
    await s.post('/admin/component-groups', { name: 'Backend', components: [web.id] });
    const groupId = (await c.app.api('GET', '/component-groups')).body[0].id;
    const res = await s.post(`/admin/components/${api.id}`, { name: 'Public API', status: 'partial_outage', group_id: groupId });
    assert.equal(res.location, '/admin/components?notice=component-updated');
    const after = (await c.app.api('GET', `/components/${api.id}`)).body;
    assert.deepEqual([after.name, after.status, after.group_id], ['Public API', 'partial_outage', groupId]);
    assert.deepEqual([lastAudit(c).action, lastAudit(c).details], ['component.update', { name: 'Public API', status: 'partial_outage', group_id: groupId }]);
  });

  test('a component row shows its errors next to its own fields only', async (t) => {
    const c = await startConsole(t);
    const api = await createComponent(c.app, { name: 'API' });
    const web = await createComponent(c.app, { name: 'Web' });
    const s = await c.login();
    const res = await s.post(`/admin/components/${api.id}`, { name: '', status: 'major_outage', group_id: '' });
    assert.equal(res.status, 422);
    assertFieldError(res.html, `c-${api.id}-name`, /^Name must not be blank\.$/);
    assert.match(res.html, new RegExp(`id="c-${api.id}-status" name="status"[^>]*>[\\s\\S]*?<option value="major_outage" selected>`), 'the chosen status is kept');
    assert.doesNotMatch(res.html, new RegExp(`id="c-${web.id}-name"[^>]*aria-invalid`));
    assert.equal((await c.app.api('GET', `/components/${api.id}`)).body.status, 'operational');
  });

  test('move up and down reorder siblings; a group moves with its components', async (t) => {
    const c = await startConsole(t);
    const a = await createComponent(c.app, { name: 'A' });
    const b = await createComponent(c.app, { name: 'B' });
    const d = await createComponent(c.app, { name: 'D' });
    const s = await c.login();
    assert.equal((await s.post(`/admin/components/${d.id}/move`, { direction: 'up' })).location, '/admin/components?notice=component-moved');
    assert.deepEqual(await order(c), ['A', 'D', 'B']);
    await s.post(`/admin/components/${a.id}/move`, { direction: 'up' });
    assert.deepEqual(await order(c), ['A', 'D', 'B'], 'the first stays first');
    await s.post('/admin/component-groups', { name: 'G', components: [a.id, d.id] });
    assert.deepEqual(await order(c), ['G', 'A (in group)', 'D (in group)', 'B']);
    const groupId = (await c.app.api('GET', '/component-groups')).body[0].id;
    await s.post(`/admin/components/${groupId}/move`, { direction: 'down' });
    assert.deepEqual(await order(c), ['B', 'G', 'A (in group)', 'D (in group)']);
    await s.post(`/admin/components/${d.id}/move`, { direction: 'up' });
    assert.deepEqual(await order(c), ['B', 'G', 'D (in group)', 'A (in group)']);
    assert.deepEqual([lastAudit(c).action, lastAudit(c).targetId, lastAudit(c).details?.['direction']], ['component.move', d.id, 'up']);
    const page = await s.get('/admin/components');
    assert.match(page.html, new RegExp(`action="/admin/components/${b.id}/move">[\\s\\S]*?value="up">\\s*<button type="submit" class="secondary" disabled>`), 'the first row cannot move up');
    assert.equal((await s.post(`/admin/components/${b.id}/move`, { direction: 'sideways' })).status, 422);
  });

  test('a group is created from components and renamed; its form errors show next to its fields', async (t) => {
    const c = await startConsole(t);
    const api = await createComponent(c.app, { name: 'API' });
    const s = await c.login();
    const empty = await s.post('/admin/component-groups', { name: 'Backend' });
    assert.equal(empty.status, 422);
    assertFieldError(empty.html, 'new-group-components', /^Components must list at least one component: a group cannot be empty\.$/);
    assert.match(empty.html, /id="new-group-name" name="name" value="Backend"/);
    const unnamed = await s.post('/admin/component-groups', { name: '', components: [api.id] });
    assertFieldError(unnamed.html, 'new-group-name', /^Name is required\.$|^Name must not be blank\.$/);
    assert.match(unnamed.html, new RegExp(`name="components" value="${api.id}" checked`));

    assert.equal((await s.post('/admin/component-groups', { name: 'Backend', components: [api.id] })).location, '/admin/components?notice=group-created');
    const group = (await c.app.api('GET', '/component-groups')).body[0];
    assert.deepEqual([group.name, group.components], ['Backend', [api.id]]);
    assert.deepEqual([lastAudit(c).action, lastAudit(c).targetId], ['component_group.create', group.id]);
    const blank = await s.post(`/admin/components/${group.id}`, { name: '' });
    assertFieldError(blank.html, `c-${group.id}-name`, /^Name must not be blank\.$/);
    await s.post(`/admin/components/${group.id}`, { name: 'Servers' });
    assert.equal((await c.app.api('GET', `/component-groups/${group.id}`)).body.name, 'Servers');
    assert.deepEqual([lastAudit(c).action, lastAudit(c).details], ['component_group.update', { name: 'Servers' }]);
  });
});
