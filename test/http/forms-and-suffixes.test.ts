import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createComponent, createIncident, readResponse, startApp, type TestApp } from '../helpers/app.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const enc = encodeURIComponent;

/** A raw call under /api/v1 (not page-scoped), with the admin key. */
async function v1(app: TestApp, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `OAuth ${app.apiKey}` };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return readResponse(await app.fetch(`/api/v1${path}`, init));
}

describe('Statuspage compatibility: bracket-form bodies', () => {
  test('a component can be created and updated with component[...] form fields, t/f booleans included', async (t) => {
    const app = await startApp(t);
    const created = await app.api('POST', '/components', 'component[name]=API&component[showcase]=f&component[description]=Public%20REST', form);
    assert.equal(created.status, 201, created.text);
    assert.deepEqual([created.body.name, created.body.showcase, created.body.description, created.body.status], ['API', false, 'Public REST', 'operational']);
    const updated = await app.api('PATCH', `/components/${created.body.id}`, 'component[status]=major_outage&component[only_show_if_degraded]=t', form);
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual([updated.body.status, updated.body.only_show_if_degraded, updated.body.showcase], ['major_outage', true, false]);
    const cleared = await app.api('PUT', `/components/${created.body.id}`, 'component[description]=null', form);
    assert.equal(cleared.body.description, null);
  });

  test('an incident form sets component statuses from incident[components][<id>] and reads t as true', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const body = `incident[name]=X&incident[components][${api.id}]=major_outage&incident[deliver_notifications]=t&incident[body]=${enc('Down & out')}`;
    const res = await app.api('POST', '/incidents', body, form);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.name, 'X');
    assert.equal(res.body.status, 'investigating');
    assert.equal(res.body.impact, 'critical');
    assert.deepEqual(res.body.components.map((c: any) => [c.id, c.status]), [[api.id, 'major_outage']]);
    const [update] = res.body.incident_updates;
    assert.deepEqual([update.body, update.deliver_notifications], ['Down & out', true]);
    assert.deepEqual(update.affected_components, [{ code: api.id, name: 'API', old_status: 'operational', new_status: 'major_outage' }]);
    assert.equal((await app.api('GET', `/components/${api.id}`)).body.status, 'major_outage');
  });

  test('incident[deliver_notifications]=f and incident[message] work in a form PATCH', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Slow' });
    const res = await app.api('PATCH', `/incidents/${incident.id}`, 'incident[status]=monitoring&incident[message]=Fixed&incident[deliver_notifications]=f', form);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'monitoring');
    assert.equal(res.body.incident_updates.length, 2);
    assert.deepEqual([res.body.incident_updates[0].body, res.body.incident_updates[0].deliver_notifications], ['Fixed', false]);
  });

  test('incident[component_ids][]=a&incident[component_ids][]=b marks both components affected without changing them', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const res = await app.api('POST', '/incidents', `incident[name]=Both&incident[component_ids][]=${a.id}&incident[component_ids][]=${b.id}`, form);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.components.map((c: any) => [c.id, c.status]), [[a.id, 'operational'], [b.id, 'operational']]);
    assert.equal(res.body.incident_updates[0].affected_components, null);
  });

  test('a component group can be created from a form with component_group[components][]', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const body = `description=Core%20bits&component_group[name]=Core&component_group[components][]=${a.id}&component_group[components][]=${b.id}`;
    const res = await app.api('POST', '/component-groups', body, form);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual([res.body.name, res.body.description, res.body.components], ['Core', 'Core bits', [a.id, b.id]]);
  });
});

describe('Statuspage compatibility: bracket keys in the query string', () => {
  test('POST /components?component[name]=... creates the component', async (t) => {
    const app = await startApp(t);
    const res = await app.api('POST', `/components?${enc('component[name]')}=FromQuery&${enc('component[status]')}=partial_outage`);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual([res.body.name, res.body.status], ['FromQuery', 'partial_outage']);
    const patched = await app.api('PATCH', `/components/${res.body.id}?component[status]=operational`);
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.status, 'operational');
  });

  test('POST /incidents?incident[name]=... creates the incident with its components map', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const res = await app.api('POST', `/incidents?incident[name]=Query%20incident&incident[components][${api.id}]=degraded_performance&incident[body]=Hi`);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual([res.body.name, res.body.impact, res.body.incident_updates[0].body], ['Query incident', 'minor', 'Hi']);
    assert.equal((await app.api('GET', `/components/${api.id}`)).body.status, 'degraded_performance');
  });

  test('POST /component-groups?component_group[...]=... creates the group', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const res = await app.api('POST', `/component-groups?component_group[name]=G&component_group[components][]=${a.id}`);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual([res.body.name, res.body.components], ['G', [a.id]]);
  });
});

describe('Statuspage compatibility: optional .json suffix', () => {
  test('page paths take .json', async (t) => {
    const app = await startApp(t);
    const list = await v1(app, 'GET', '/pages.json');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((p: any) => p.id), [app.pageId]);
    const one = await v1(app, 'GET', `/pages/${app.pageId}.json`);
    assert.equal(one.status, 200);
    assert.equal(one.body.id, app.pageId);
    const patched = await v1(app, 'PATCH', `/pages/${app.pageId}.json`, { page: { name: 'Suffixed' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.name, 'Suffixed');
    const viaQueryKey = await readResponse(await app.fetch(`/api/v1/pages/${app.pageId}.json?api_key=${enc(app.apiKey)}`));
    assert.equal(viaQueryKey.status, 200);
    assert.equal(viaQueryKey.body.name, 'Suffixed');
  });

  test('component paths take .json', async (t) => {
    const app = await startApp(t);
    const created = await app.api('POST', '/components.json', { component: { name: 'API' } });
    assert.equal(created.status, 201);
    const id = created.body.id;
    assert.deepEqual((await app.api('GET', '/components.json')).body.map((c: any) => c.id), [id]);
    assert.equal((await app.api('GET', `/components/${id}.json`)).body.name, 'API');
    assert.equal((await app.api('PATCH', `/components/${id}.json`, { component: { status: 'partial_outage' } })).body.status, 'partial_outage');
    assert.equal((await app.api('PUT', `/components/${id}.json`, { component: { name: 'API 2' } })).body.name, 'API 2');
    assert.equal((await app.api('DELETE', `/components/${id}.json`)).status, 204);
    assert.equal((await app.api('GET', `/components/${id}.json`)).status, 404);
  });

  test('component-group paths take .json, on both spellings', async (t) => {
    const app = await startApp(t);
    const a = await createComponent(app, { name: 'A' });
    const created = await app.api('POST', '/component-groups.json', { component_group: { name: 'G', components: [a.id] } });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    assert.deepEqual((await app.api('GET', '/component-groups.json')).body.map((g: any) => g.id), [id]);
    assert.deepEqual((await app.api('GET', '/component_groups.json')).body.map((g: any) => g.id), [id]);
    assert.equal((await app.api('GET', `/component-groups/${id}.json`)).body.name, 'G');
    assert.equal((await app.api('PATCH', `/component_groups/${id}.json`, { component_group: { name: 'H' } })).body.name, 'H');
    const deleted = await app.api('DELETE', `/component-groups/${id}.json`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.id, id);
  });

  test('incident paths, incident lists and incident_updates take .json', async (t) => {
    const app = await startApp(t);
    const created = await app.api('POST', '/incidents.json', { incident: { name: 'Outage', body: 'Looking.' } });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    const m = await createIncident(app, { name: 'Maint', status: 'in_progress', scheduled_for: '2026-03-02T09:00:00Z', scheduled_until: '2026-03-02T11:00:00Z' });
    const u = await createIncident(app, { name: 'Later', scheduled_for: '2026-04-01T09:00:00Z', scheduled_until: '2026-04-01T11:00:00Z' });
    const lists: Array<[string, string[]]> = [
      ['/incidents.json', [id, m.id, u.id].sort()],
      ['/incidents/unresolved.json', [id]],
      ['/incidents/upcoming.json', [u.id]],
      ['/incidents/active_maintenance.json', [m.id]],
      ['/incidents/scheduled.json', [m.id, u.id].sort()],
    ];
    for (const [path, expected] of lists) {
      const res = await app.api('GET', path);
      assert.equal(res.status, 200, path);
      assert.deepEqual(res.body.map((i: any) => i.id).sort(), expected, path);
    }
    assert.equal((await app.api('GET', `/incidents/${id}.json`)).body.name, 'Outage');
    assert.equal((await app.api('PATCH', `/incidents/${id}.json`, { incident: { status: 'identified' } })).body.status, 'identified');
    const updateId = created.body.incident_updates[0].id;
    const edited = await app.api('PATCH', `/incidents/${id}/incident_updates/${updateId}.json`, { incident_update: { body: 'Edited.' } });
    assert.equal(edited.status, 200, edited.text);
    assert.deepEqual([edited.body.id, edited.body.body], [updateId, 'Edited.']);
    const deleted = await app.api('DELETE', `/incidents/${id}.json`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.id, id);
  });
});

describe('Statuspage compatibility: content types', () => {
  test('a text/plain body answers 415 with an error message and changes nothing', async (t) => {
    const app = await startApp(t);
    const res = await app.api('POST', '/components', 'component[name]=API', { 'content-type': 'text/plain' });
    assert.equal(res.status, 415);
    assert.deepEqual(Object.keys(res.body), ['error']);
    assert.equal(typeof res.body.error, 'string');
    assert.match(res.body.error, /application\/json/);
    assert.deepEqual((await app.api('GET', '/components')).body, []);
    const c = await createComponent(app, { name: 'Web' });
    const patch = await app.api('PATCH', `/components/${c.id}`, '{"component":{"status":"major_outage"}}', { 'content-type': 'text/plain' });
    assert.equal(patch.status, 415);
    assert.equal((await app.api('GET', `/components/${c.id}`)).body.status, 'operational');
  });

  test('a JSON body with a charset parameter is accepted', async (t) => {
    const app = await startApp(t);
    const res = await app.api('POST', '/components', JSON.stringify({ component: { name: 'API' } }), { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.name, 'API');
  });
});
