import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createComponent, readResponse, startApp, type ApiResponse, type TestApp } from '../helpers/app.js';

const isoMs = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const statuses = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'];
const componentKeys = [
  'id', 'page_id', 'group_id', 'created_at', 'updated_at', 'group', 'name', 'description',
  'position', 'status', 'showcase', 'only_show_if_degraded', 'automation_email', 'start_date',
].sort();
const groupKeys = ['id', 'page_id', 'name', 'description', 'components', 'position', 'created_at', 'updated_at'].sort();

function assertError(res: ApiResponse, status: number, pattern?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(Object.keys(res.body), ['error']);
  assert.equal(typeof res.body.error, 'string');
  assert.ok(res.body.error.length > 0);
  if (pattern) assert.match(res.body.error, pattern);
}

async function createGroup(app: TestApp, body: Record<string, unknown>, path = '/component-groups'): Promise<any> {
  const res = await app.api('POST', path, body);
  assert.equal(res.status, 201, res.text);
  return res.body;
}

const order = async (app: TestApp) =>
  (await app.api('GET', '/components')).body.map((c: any) => [c.name, c.position, c.group_id]);

describe('manage API: components', () => {
  test('POST creates a component (201) with every Component field, status operational by default', async (t) => {
    const app = await startApp(t);
    const res = await app.api('POST', '/components', { component: { name: 'API' } });
    assert.equal(res.status, 201);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(res.body).sort(), componentKeys);
    const { id, automation_email, ...rest } = res.body;
    assert.match(id, /^[a-z0-9]{12}$/);
    assert.equal(typeof automation_email, 'string');
    assert.match(automation_email, /@/);
    assert.deepEqual(rest, {
      page_id: app.pageId, group_id: null, created_at: '2026-03-02T10:00:00.000Z', updated_at: '2026-03-02T10:00:00.000Z',
      group: false, name: 'API', description: null, position: 1, status: 'operational', showcase: true,
      only_show_if_degraded: false, start_date: null,
    });
  });

  test('POST keeps the fields it is given', async (t) => {
    const app = await startApp(t);
    const c = await createComponent(app, {
      name: 'Search', description: 'Full-text search', status: 'degraded_performance', showcase: false,
      only_show_if_degraded: true, start_date: '2025-12-31',
    });
    assert.deepEqual(
      [c.name, c.description, c.status, c.showcase, c.only_show_if_degraded, c.start_date],
      ['Search', 'Full-text search', 'degraded_performance', false, true, '2025-12-31'],
    );
  });

  test('POST without a name, with a blank name or with a name over 255 characters answers 422 and creates nothing', async (t) => {
    const app = await startApp(t);
    assertError(await app.api('POST', '/components', { component: { description: 'no name' } }), 422, /name/);
    assertError(await app.api('POST', '/components', { component: { name: '   ' } }), 422, /name/);
    assertError(await app.api('POST', '/components', { component: { name: 'x'.repeat(256) } }), 422, /name/);
    assert.deepEqual((await app.api('GET', '/components')).body, []);
    const longest = await app.api('POST', '/components', { component: { name: 'x'.repeat(255) } });
    assert.equal(longest.status, 201);
    assert.equal(longest.body.name.length, 255);
  });

  test('an unknown status answers 422 naming the allowed values', async (t) => {
    const app = await startApp(t);
    const res = await app.api('POST', '/components', { component: { name: 'API', status: 'on_fire' } });
    assertError(res, 422, /status/);
    for (const status of statuses) assert.ok(res.body.error.includes(status), status);
    const c = await createComponent(app, { name: 'Web' });
    assertError(await app.api('PATCH', `/components/${c.id}`, { component: { status: 'broken' } }), 422, /operational/);
    assert.equal((await app.api('GET', `/components/${c.id}`)).body.status, 'operational');
  });

  test('GET /components lists components in position order', async (t) => {
    const app = await startApp(t);
    for (const name of ['A', 'B', 'C']) await createComponent(app, { name });
    const list = await app.api('GET', '/components');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((c: any) => [c.name, c.position]), [['A', 1], ['B', 2], ['C', 3]]);
    for (const c of list.body) assert.deepEqual(Object.keys(c).sort(), componentKeys);
  });

  test('GET /components/{id} answers the component as created', async (t) => {
    const app = await startApp(t);
    const created = await createComponent(app, { name: 'API', description: 'REST' });
    const res = await app.api('GET', `/components/${created.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, created);
  });

  test('PATCH changes the status and PUT renames; updated_at moves, created_at stays', async (t) => {
    const app = await startApp(t);
    const c = await createComponent(app, { name: 'API' });
    app.clock.set('2026-03-02T10:15:00.000Z');
    const patched = await app.api('PATCH', `/components/${c.id}`, { component: { status: 'partial_outage' } });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.status, patched.body.name, patched.body.updated_at, patched.body.created_at],
      ['partial_outage', 'API', '2026-03-02T10:15:00.000Z', '2026-03-02T10:00:00.000Z']);
    app.clock.set('2026-03-02T10:20:00.000Z');
    const put = await app.api('PUT', `/components/${c.id}`, { component: { name: 'Public API', description: 'v2' } });
    assert.equal(put.status, 200);
    assert.deepEqual([put.body.name, put.body.description, put.body.status, put.body.updated_at],
      ['Public API', 'v2', 'partial_outage', '2026-03-02T10:20:00.000Z']);
    assert.deepEqual((await app.api('GET', `/components/${c.id}`)).body, put.body);
  });

  test('group_id can be set, and cleared with JSON null or the string "null"', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const group = await createGroup(app, { component_group: { name: 'G', components: [a.id] } });
    const joined = await app.api('PATCH', `/components/${b.id}`, { component: { group_id: group.id } });
    assert.equal(joined.status, 200);
    assert.equal(joined.body.group_id, group.id);
    assert.deepEqual((await app.api('GET', `/component-groups/${group.id}`)).body.components, [a.id, b.id]);
    const cleared = await app.api('PATCH', `/components/${b.id}`, { component: { group_id: null } });
    assert.equal(cleared.body.group_id, null);
    assert.deepEqual((await app.api('GET', `/component-groups/${group.id}`)).body.components, [a.id]);
    assert.equal((await app.api('PUT', `/components/${b.id}`, { component: { group_id: group.id } })).body.group_id, group.id);
    const viaString = await app.api('PATCH', `/components/${b.id}`, { component: { group_id: 'null' } });
    assert.equal(viaString.status, 200);
    assert.equal(viaString.body.group_id, null);
    assert.equal((await app.api('GET', `/components/${b.id}`)).body.group_id, null);
  });

  test('a group_id that is not a group of the page answers 422', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    assertError(await app.api('PATCH', `/components/${b.id}`, { component: { group_id: a.id } }), 422, /group_id/);
    assertError(await app.api('POST', '/components', { component: { name: 'C', group_id: 'nosuchgroup1' } }), 422, /group_id/);
  });

  test('DELETE answers 204 with an empty body; the component is then 404 {"error": ...}', async (t) => {
    const app = await startApp(t);
    const c = await createComponent(app, { name: 'API' });
    const other = await createComponent(app, { name: 'Web' });
    const res = await app.api('DELETE', `/components/${c.id}`);
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assertError(await app.api('GET', `/components/${c.id}`), 404);
    assert.deepEqual((await app.api('GET', '/components')).body.map((x: any) => [x.id, x.position]), [[other.id, 1]]);
  });

  test('an unknown page id answers 404 even with a valid key', async (t) => {
    const app = await startApp(t);
    const c = await createComponent(app, { name: 'API' });
    const auth = { authorization: `OAuth ${app.apiKey}`, 'content-type': 'application/json' };
    const base = '/api/v1/pages/nosuchpage12';
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', '/components'],
      ['POST', '/components', { component: { name: 'X' } }],
      ['GET', `/components/${c.id}`],
      ['PATCH', `/components/${c.id}`, { component: { name: 'X' } }],
      ['DELETE', `/components/${c.id}`],
      ['GET', '/component-groups'],
    ];
    for (const [method, path, body] of attempts) {
      const init: RequestInit = { method, headers: auth };
      if (body) init.body = JSON.stringify(body);
      assertError(await readResponse(await app.fetch(`${base}${path}`, init)), 404);
    }
    assert.deepEqual((await app.api('GET', '/components')).body.map((x: any) => x.name), ['API']);
  });

  test('an unknown component id answers 404 to GET, PATCH, PUT and DELETE', async (t) => {
    const app = await startApp(t);
    for (const method of ['GET', 'PATCH', 'PUT', 'DELETE']) {
      const body = method === 'PATCH' || method === 'PUT' ? { component: { name: 'X' } } : undefined;
      assertError(await app.api(method, '/components/nosuchcompo', body), 404);
    }
    assert.deepEqual((await app.api('GET', '/components')).body, []);
  });
});

describe('manage API: component groups', () => {
  test('POST creates a group (201) with every GroupComponent field, on both path spellings', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const c = await createComponent(app, { name: 'C' });
    for (const [path, name, members] of [['/component-groups', 'G1', [a.id, b.id]], ['/component_groups', 'G2', [c.id]]] as const) {
      app.clock.advance(1000);
      const res = await app.api('POST', path, { component_group: { name, components: members } });
      assert.equal(res.status, 201, path);
      assert.deepEqual(Object.keys(res.body).sort(), groupKeys, path);
      assert.match(res.body.id, /^[a-z0-9]{12}$/);
      assert.deepEqual([res.body.page_id, res.body.name, res.body.description, res.body.components], [app.pageId, name, null, members]);
      assert.ok(Number.isInteger(res.body.position));
      assert.match(res.body.created_at, isoMs);
      assert.match(res.body.updated_at, isoMs);
    }
    for (const path of ['/component-groups', '/component_groups']) {
      const list = await app.api('GET', path);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.map((g: any) => [g.name, g.components, g.position]), [['G1', [a.id, b.id], 1], ['G2', [c.id], 4]]);
    }
  });

  test('description is accepted beside the component_group wrapper and inside it', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const beside = await createGroup(app, { description: 'beside', component_group: { name: 'G1', components: [a.id] } });
    assert.equal(beside.description, 'beside');
    const inside = await createGroup(app, { component_group: { name: 'G2', components: [b.id], description: 'inside' } }, '/component_groups');
    assert.equal(inside.description, 'inside');
    assert.equal((await app.api('GET', `/component-groups/${beside.id}`)).body.description, 'beside');
  });

  test('a group needs components: [] or none answers 422, and an unknown component id answers 422', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    assertError(await app.api('POST', '/component-groups', { component_group: { name: 'G', components: [] } }), 422, /components/);
    assertError(await app.api('POST', '/component-groups', { component_group: { name: 'G' } }), 422, /components/);
    assertError(await app.api('POST', '/component-groups', { component_group: { name: 'G', components: [a.id, 'nosuchcompo'] } }), 422, /nosuchcompo/);
    assertError(await app.api('POST', '/component-groups', { component_group: { components: [a.id] } }), 422, /name/);
    assert.deepEqual((await app.api('GET', '/component-groups')).body, []);
    assert.equal((await app.api('GET', `/components/${a.id}`)).body.group_id, null);
  });

  test('GET answers the group; an unknown id or a plain component id answers 404', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const group = await createGroup(app, { component_group: { name: 'G', components: [a.id] } });
    const res = await app.api('GET', `/component_groups/${group.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, group);
    assertError(await app.api('GET', '/component-groups/nosuchgroup1'), 404);
    assertError(await app.api('GET', `/component-groups/${a.id}`), 404);
  });

  test('PATCH accepts a wrapped and an unwrapped body', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const group = await createGroup(app, { component_group: { name: 'G', components: [a.id] } });
    const wrapped = await app.api('PATCH', `/component-groups/${group.id}`, { component_group: { name: 'Core', components: [a.id, b.id] } });
    assert.equal(wrapped.status, 200);
    assert.deepEqual([wrapped.body.name, wrapped.body.components], ['Core', [a.id, b.id]]);
    const unwrapped = await app.api('PATCH', `/component_groups/${group.id}`, { name: 'Platform', description: 'All of it' });
    assert.equal(unwrapped.status, 200);
    assert.deepEqual([unwrapped.body.name, unwrapped.body.description, unwrapped.body.components], ['Platform', 'All of it', [a.id, b.id]]);
    const put = await app.api('PUT', `/component-groups/${group.id}`, { component_group: { components: [b.id] } });
    assert.deepEqual([put.body.name, put.body.components], ['Platform', [b.id]]);
    assert.equal((await app.api('GET', `/components/${a.id}`)).body.group_id, null);
    assertError(await app.api('PATCH', `/component-groups/${group.id}`, { component_group: { components: [] } }), 422, /components/);
  });

  test('DELETE answers 200 with the deleted group and leaves its components ungrouped', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const group = await createGroup(app, { component_group: { name: 'G', components: [a.id, b.id] } });
    const res = await app.api('DELETE', `/component-groups/${group.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), groupKeys);
    assert.deepEqual([res.body.id, res.body.name, res.body.components], [group.id, 'G', [a.id, b.id]]);
    assertError(await app.api('GET', `/component-groups/${group.id}`), 404);
    assert.deepEqual(await order(app), [['A', 1, null], ['B', 2, null]]);
    assertError(await app.api('DELETE', `/component_groups/${group.id}`), 404);
  });

  test("a group's status is the worst of its children's", async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const group = await createGroup(app, { component_group: { name: 'G', components: [a.id, b.id] } });
    const groupStatus = async () => (await app.api('GET', `/components/${group.id}`)).body.status;
    assert.equal(await groupStatus(), 'operational');
    await app.api('PATCH', `/components/${a.id}`, { component: { status: 'under_maintenance' } });
    assert.equal(await groupStatus(), 'under_maintenance');
    await app.api('PATCH', `/components/${b.id}`, { component: { status: 'degraded_performance' } });
    assert.equal(await groupStatus(), 'degraded_performance');
    await app.api('PATCH', `/components/${a.id}`, { component: { status: 'major_outage' } });
    assert.equal(await groupStatus(), 'major_outage');
    const row = (await app.api('GET', '/components')).body.find((c: any) => c.id === group.id);
    assert.deepEqual([row.group, row.status], [true, 'major_outage']);
    await app.api('PATCH', `/components/${a.id}`, { component: { status: 'operational' } });
    assert.equal(await groupStatus(), 'degraded_performance');
  });

  test('PATCH of a status on a group answers 422 and leaves it unchanged', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const group = await createGroup(app, { component_group: { name: 'G', components: [a.id] } });
    assertError(await app.api('PATCH', `/components/${group.id}`, { component: { status: 'major_outage' } }), 422, /status/);
    assert.equal((await app.api('GET', `/components/${group.id}`)).body.status, 'operational');
  });

  test('a group whose last component is deleted disappears', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const group = await createGroup(app, { component_group: { name: 'G', components: [a.id, b.id] } });
    await app.api('DELETE', `/components/${a.id}`);
    assert.deepEqual((await app.api('GET', `/component-groups/${group.id}`)).body.components, [b.id]);
    assert.equal((await app.api('DELETE', `/components/${b.id}`)).status, 204);
    assertError(await app.api('GET', `/component-groups/${group.id}`), 404);
    assert.deepEqual((await app.api('GET', '/component-groups')).body, []);
    assert.deepEqual((await app.api('GET', '/components')).body, []);
  });

  test('positions stay 1..n in display order, each group followed by its components', async (t) => {
    const app = await startApp(t);
    const ids: Record<string, string> = {};
    for (const name of ['A', 'B', 'C', 'D']) ids[name] = (await createComponent(app, { name })).id;
    app.clock.advance(1000);
    const group = await createGroup(app, { component_group: { name: 'G', components: [ids['B'], ids['D']] } });
    const g = group.id;
    assert.deepEqual(await order(app), [['A', 1, null], ['G', 2, null], ['B', 3, g], ['D', 4, g], ['C', 5, null]]);
    await app.api('DELETE', `/components/${ids['B']}`);
    assert.deepEqual(await order(app), [['A', 1, null], ['G', 2, null], ['D', 3, g], ['C', 4, null]]);
    await app.api('PATCH', `/components/${ids['A']}`, { component: { group_id: g } });
    assert.deepEqual(await order(app), [['G', 1, null], ['D', 2, g], ['A', 3, g], ['C', 4, null]]);
    await createComponent(app, { name: 'E' });
    assert.deepEqual(await order(app), [['G', 1, null], ['D', 2, g], ['A', 3, g], ['C', 4, null], ['E', 5, null]]);
    assert.equal((await app.api('GET', `/component-groups/${g}`)).body.position, 1);
  });
});
