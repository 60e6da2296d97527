import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createComponent, createIncident, readResponse, startApp, type ApiResponse, type TestApp } from '../helpers/app.js';

const isoMs = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const statuspageId = /^[a-z0-9]{12}$/;

const endpoints: Record<string, string[]> = {
  '/api/v2/status.json': ['page', 'status'],
  '/api/v2/summary.json': ['page', 'status', 'components', 'incidents', 'scheduled_maintenances'],
  '/api/v2/components.json': ['page', 'components'],
  '/api/v2/incidents.json': ['page', 'incidents'],
  '/api/v2/incidents/unresolved.json': ['page', 'incidents'],
  '/api/v2/scheduled-maintenances.json': ['page', 'scheduled_maintenances'],
  '/api/v2/scheduled-maintenances/upcoming.json': ['page', 'scheduled_maintenances'],
  '/api/v2/scheduled-maintenances/active.json': ['page', 'scheduled_maintenances'],
};

const componentKeys = [
  'id', 'name', 'status', 'created_at', 'updated_at', 'position', 'description', 'showcase',
  'start_date', 'group_id', 'page_id', 'group', 'only_show_if_degraded',
];
const incidentKeys = [
  'id', 'name', 'status', 'created_at', 'updated_at', 'monitoring_at', 'resolved_at', 'impact',
  'shortlink', 'started_at', 'page_id', 'incident_updates', 'components',
];
const updateKeys = [
  'id', 'status', 'body', 'incident_id', 'created_at', 'updated_at', 'display_at',
  'affected_components', 'deliver_notifications', 'custom_tweet', 'tweet_id',
];

const sorted = (keys: string[]) => [...keys].sort();

async function get(app: TestApp, path: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
  return readResponse(await app.fetch(path, { headers }));
}

function assertComponent(c: any, pageId: string): void {
  assert.deepEqual(sorted(Object.keys(c)), sorted(c.group ? [...componentKeys, 'components'] : componentKeys));
  assert.match(c.id, statuspageId);
  assert.equal(typeof c.name, 'string');
  assert.ok(['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'].includes(c.status));
  assert.match(c.created_at, isoMs);
  assert.match(c.updated_at, isoMs);
  assert.ok(Number.isInteger(c.position) && c.position >= 1);
  assert.ok(c.description === null || typeof c.description === 'string');
  assert.equal(typeof c.showcase, 'boolean');
  assert.ok(c.start_date === null || /^\d{4}-\d{2}-\d{2}$/.test(c.start_date));
  assert.ok(c.group_id === null || statuspageId.test(c.group_id));
  assert.equal(c.page_id, pageId);
  assert.equal(typeof c.group, 'boolean');
  assert.equal(typeof c.only_show_if_degraded, 'boolean');
}

function assertUpdate(u: any, incidentId: string): void {
  assert.deepEqual(sorted(Object.keys(u)), sorted(updateKeys));
  assert.match(u.id, statuspageId);
  assert.equal(typeof u.status, 'string');
  assert.equal(typeof u.body, 'string');
  assert.equal(u.incident_id, incidentId);
  for (const key of ['created_at', 'updated_at', 'display_at']) assert.match(u[key], isoMs, key);
  assert.ok(u.affected_components === null || Array.isArray(u.affected_components));
  assert.equal(typeof u.deliver_notifications, 'boolean');
  assert.equal(u.custom_tweet, null);
  assert.equal(u.tweet_id, null);
}

function assertIncident(i: any, pageId: string, maintenance: boolean): void {
  assert.deepEqual(sorted(Object.keys(i)), sorted(maintenance ? [...incidentKeys, 'scheduled_for', 'scheduled_until'] : incidentKeys));
  assert.match(i.id, statuspageId);
  assert.equal(typeof i.name, 'string');
  for (const key of ['created_at', 'updated_at', 'started_at']) assert.match(i[key], isoMs, key);
  for (const key of ['monitoring_at', 'resolved_at']) assert.ok(i[key] === null || isoMs.test(i[key]), key);
  assert.ok(['none', 'minor', 'major', 'critical', 'maintenance'].includes(i.impact));
  assert.equal(i.shortlink, `http://status.test/incidents/${i.id}`);
  assert.equal(i.page_id, pageId);
  assert.ok(Array.isArray(i.incident_updates));
  for (const u of i.incident_updates) assertUpdate(u, i.id);
  assert.ok(Array.isArray(i.components));
  for (const c of i.components) assertComponent(c, pageId);
  if (maintenance) {
    assert.match(i.scheduled_for, isoMs);
    assert.match(i.scheduled_until, isoMs);
  }
}

const maintenance = (name: string, status: string, fields: Record<string, unknown> = {}) => ({
  name,
  status,
  scheduled_for: '2026-03-05T02:00:00Z',
  scheduled_until: '2026-03-05T03:00:00Z',
  ...fields,
});

describe('public API v2: shapes', () => {
  test('each of the eight endpoints answers 200 JSON with exactly its top-level keys', async (t) => {
    const app = await startApp(t);
    for (const [path, keys] of Object.entries(endpoints)) {
      const res = await get(app, path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, path);
      assert.deepEqual(sorted(Object.keys(res.body)), sorted(keys), path);
    }
  });

  test('every endpoint carries the same page envelope {id, name, url, time_zone, updated_at}', async (t) => {
    const app = await startApp(t);
    const expected = {
      id: app.pageId,
      name: 'Status',
      url: 'http://status.test',
      time_zone: 'Etc/UTC',
      updated_at: '2026-03-02T10:00:00.000Z',
    };
    assert.match(app.pageId, statuspageId);
    for (const path of Object.keys(endpoints)) {
      assert.deepEqual((await get(app, path)).body.page, expected, path);
    }
  });

  test('page.updated_at moves to the time of the latest change', async (t) => {
    const app = await startApp(t);
    app.clock.set('2026-03-02T11:30:15.250Z');
    await createComponent(app, { name: 'API' });
    assert.equal((await get(app, '/api/v2/status.json')).body.page.updated_at, '2026-03-02T11:30:15.250Z');
  });

  test('components carry all 13 fields; a group row has group: true and its child ids, children name their group_id', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API', description: 'Public REST API', start_date: '2024-01-10', showcase: false });
    const web = await createComponent(app, { name: 'Dashboard' });
    const hooks = await createComponent(app, { name: 'Webhooks', only_show_if_degraded: true });
    const group = (await app.api('POST', '/component-groups', { component_group: { name: 'Core', components: [api.id, web.id] } })).body;
    const { components } = (await get(app, '/api/v2/components.json')).body;
    for (const c of components) assertComponent(c, app.pageId);
    assert.deepEqual(components.map((c: any) => [c.name, c.position]), [['Core', 1], ['API', 2], ['Dashboard', 3], ['Webhooks', 4]]);
    assert.deepEqual(components[0], {
      id: group.id, name: 'Core', status: 'operational', created_at: '2026-03-02T10:00:00.000Z', updated_at: '2026-03-02T10:00:00.000Z',
      position: 1, description: null, showcase: true, start_date: null, group_id: null, page_id: app.pageId, group: true,
      only_show_if_degraded: false, components: [api.id, web.id],
    });
    assert.deepEqual(components[1], {
      id: api.id, name: 'API', status: 'operational', created_at: '2026-03-02T10:00:00.000Z', updated_at: '2026-03-02T10:00:00.000Z',
      position: 2, description: 'Public REST API', showcase: false, start_date: '2024-01-10', group_id: group.id, page_id: app.pageId,
      group: false, only_show_if_degraded: false,
    });
    assert.equal(components[2].group_id, group.id);
    assert.equal(components[3].group_id, null);
    assert.equal(components[3].id, hooks.id);
    assert.equal(components[3].only_show_if_degraded, true);
    assert.equal('automation_email' in components[1], false);
  });

  test('a realtime incident carries every v2 field, no schedule, and its updates newest first', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    app.clock.set('2026-03-02T10:05:00.000Z');
    const created = await createIncident(app, { name: 'API errors', body: 'Investigating.', components: { [api.id]: 'partial_outage' } });
    app.clock.set('2026-03-02T10:20:00.000Z');
    await app.api('PATCH', `/incidents/${created.id}`, { incident: { status: 'identified', body: 'Found it.' } });
    const [incident] = (await get(app, '/api/v2/incidents.json')).body.incidents;
    assertIncident(incident, app.pageId, false);
    assert.equal('scheduled_for' in incident, false);
    assert.equal('scheduled_until' in incident, false);
    const { incident_updates: updates, components, ...rest } = incident;
    assert.deepEqual(rest, {
      id: created.id, name: 'API errors', status: 'identified', created_at: '2026-03-02T10:05:00.000Z', updated_at: '2026-03-02T10:20:00.000Z',
      monitoring_at: null, resolved_at: null, impact: 'major', shortlink: `http://status.test/incidents/${created.id}`,
      started_at: '2026-03-02T10:05:00.000Z', page_id: app.pageId,
    });
    assert.deepEqual(updates.map((u: any) => [u.status, u.body, u.created_at]), [
      ['identified', 'Found it.', '2026-03-02T10:20:00.000Z'],
      ['investigating', 'Investigating.', '2026-03-02T10:05:00.000Z'],
    ]);
    assert.equal(updates[0].affected_components, null);
    assert.deepEqual(updates[1].affected_components, [{ code: api.id, name: 'API', old_status: 'operational', new_status: 'partial_outage' }]);
    assert.equal(updates[1].deliver_notifications, true);
    assert.equal(updates[1].display_at, '2026-03-02T10:05:00.000Z');
    assert.deepEqual(components.map((c: any) => [c.id, c.status]), [[api.id, 'partial_outage']]);
  });

  test('resolving stamps monitoring_at and resolved_at with the times they happened', async (t) => {
    const app = await startApp(t);
    const created = await createIncident(app, { name: 'Slow', body: 'Looking.' });
    app.clock.set('2026-03-02T10:10:00.000Z');
    await app.api('PATCH', `/incidents/${created.id}`, { incident: { status: 'monitoring' } });
    app.clock.set('2026-03-02T10:30:00.000Z');
    await app.api('PATCH', `/incidents/${created.id}`, { incident: { status: 'resolved' } });
    const [incident] = (await get(app, '/api/v2/incidents.json')).body.incidents;
    assert.equal(incident.monitoring_at, '2026-03-02T10:10:00.000Z');
    assert.equal(incident.resolved_at, '2026-03-02T10:30:00.000Z');
    assert.deepEqual(incident.incident_updates.map((u: any) => u.status), ['resolved', 'monitoring', 'investigating']);
  });

  test('a scheduled maintenance carries scheduled_for and scheduled_until beside every incident field', async (t) => {
    const app = await startApp(t);
    const created = await createIncident(app, maintenance('DB upgrade', 'scheduled', { body: 'Read-only for 5 minutes.' }));
    const [m] = (await get(app, '/api/v2/scheduled-maintenances.json')).body.scheduled_maintenances;
    assertIncident(m, app.pageId, true);
    assert.equal(m.id, created.id);
    assert.equal(m.status, 'scheduled');
    assert.equal(m.impact, 'maintenance');
    assert.equal(m.scheduled_for, '2026-03-05T02:00:00.000Z');
    assert.equal(m.scheduled_until, '2026-03-05T03:00:00.000Z');
    assert.deepEqual(m.components, []);
    assert.equal(m.incident_updates.length, 1);
    assert.equal(m.incident_updates[0].affected_components, null);
  });

  test('timestamps are ISO-8601 UTC with milliseconds and Z, whatever the page time zone', async (t) => {
    const app = await startApp(t);
    await app.api('PATCH', '', { page: { time_zone: 'America/Tijuana' } });
    app.clock.set('2026-07-01T23:59:58.007Z');
    await createComponent(app, { name: 'API' });
    const summary = (await get(app, '/api/v2/summary.json')).body;
    assert.equal(summary.page.time_zone, 'America/Tijuana');
    assert.equal(summary.page.updated_at, '2026-07-01T23:59:58.007Z');
    assert.equal(summary.components[0].created_at, '2026-07-01T23:59:58.007Z');
  });
});

describe('public API v2: which incidents each list holds', () => {
  test('incidents.json holds realtime incidents (resolved ones too), newest first, never maintenances', async (t) => {
    const app = await startApp(t);
    const names = ['first', 'second', 'third'];
    for (const [index, name] of names.entries()) {
      app.clock.set(`2026-03-02T1${index}:00:00.000Z`);
      await createIncident(app, { name, status: index === 0 ? 'resolved' : 'investigating' });
    }
    await createIncident(app, maintenance('maint', 'completed'));
    const { incidents } = (await get(app, '/api/v2/incidents.json')).body;
    assert.deepEqual(incidents.map((i: any) => [i.name, i.status]), [['third', 'investigating'], ['second', 'investigating'], ['first', 'resolved']]);
  });

  test('incidents.json holds at most the 50 most recent incidents', async (t) => {
    const app = await startApp(t);
    for (let n = 1; n <= 52; n++) {
      app.clock.advance(1000);
      await createIncident(app, { name: `incident ${n}`, status: 'resolved' });
    }
    const { incidents } = (await get(app, '/api/v2/incidents.json')).body;
    assert.equal(incidents.length, 50);
    assert.equal(incidents[0].name, 'incident 52');
    assert.equal(incidents[49].name, 'incident 3');
  });

  test('unresolved.json holds only investigating, identified and monitoring incidents', async (t) => {
    const app = await startApp(t);
    for (const status of ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']) {
      app.clock.advance(60_000);
      await createIncident(app, { name: status, status });
    }
    await createIncident(app, maintenance('maint', 'in_progress'));
    const { incidents } = (await get(app, '/api/v2/incidents/unresolved.json')).body;
    assert.deepEqual(incidents.map((i: any) => i.status), ['monitoring', 'identified', 'investigating']);
    for (const i of incidents) assertIncident(i, app.pageId, false);
  });

  test('scheduled-maintenances.json holds every maintenance and no realtime incident; upcoming only scheduled; active only in_progress and verifying', async (t) => {
    const app = await startApp(t);
    await createIncident(app, { name: 'realtime', status: 'investigating' });
    for (const status of ['scheduled', 'in_progress', 'verifying', 'completed']) {
      app.clock.advance(60_000);
      await createIncident(app, maintenance(status, status));
    }
    const all = (await get(app, '/api/v2/scheduled-maintenances.json')).body.scheduled_maintenances;
    assert.deepEqual(all.map((m: any) => m.status), ['completed', 'verifying', 'in_progress', 'scheduled']);
    for (const m of all) assertIncident(m, app.pageId, true);
    const upcoming = (await get(app, '/api/v2/scheduled-maintenances/upcoming.json')).body.scheduled_maintenances;
    assert.deepEqual(upcoming.map((m: any) => m.status), ['scheduled']);
    const active = (await get(app, '/api/v2/scheduled-maintenances/active.json')).body.scheduled_maintenances;
    assert.deepEqual(active.map((m: any) => m.status).sort(), ['in_progress', 'verifying']);
  });

  test('summary.json holds the unresolved incidents and the upcoming and active maintenances', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    for (const status of ['identified', 'resolved']) {
      app.clock.advance(60_000);
      await createIncident(app, { name: `incident ${status}`, status });
    }
    for (const status of ['scheduled', 'in_progress', 'completed']) {
      app.clock.advance(60_000);
      await createIncident(app, maintenance(`maintenance ${status}`, status));
    }
    const summary = (await get(app, '/api/v2/summary.json')).body;
    assert.deepEqual(summary.incidents.map((i: any) => i.name), ['incident identified']);
    assert.deepEqual(summary.scheduled_maintenances.map((m: any) => m.name).sort(), ['maintenance in_progress', 'maintenance scheduled']);
    for (const m of summary.scheduled_maintenances) assertIncident(m, app.pageId, true);
    assert.deepEqual(summary.components.map((c: any) => c.id), [api.id]);
    assert.deepEqual(summary.status, (await get(app, '/api/v2/status.json')).body.status);
  });
});

describe('public API v2: status rollup end to end', () => {
  test('a partial outage reads major / "Partial System Outage"; back to operational reads none / "All Systems Operational"', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    await createComponent(app, { name: 'Web' });
    assert.deepEqual((await get(app, '/api/v2/status.json')).body.status, { indicator: 'none', description: 'All Systems Operational' });
    await app.api('PATCH', `/components/${api.id}`, { component: { status: 'partial_outage' } });
    assert.deepEqual((await get(app, '/api/v2/status.json')).body.status, { indicator: 'major', description: 'Partial System Outage' });
    await app.api('PATCH', `/components/${api.id}`, { component: { status: 'operational' } });
    assert.deepEqual((await get(app, '/api/v2/status.json')).body.status, { indicator: 'none', description: 'All Systems Operational' });
  });

  test('a degraded component reads minor / "Partially Degraded Service"; a major outage reads critical / "Major Service Outage"', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API', status: 'degraded_performance' });
    assert.deepEqual((await get(app, '/api/v2/summary.json')).body.status, { indicator: 'minor', description: 'Partially Degraded Service' });
    await app.api('PATCH', `/components/${api.id}`, { component: { status: 'major_outage' } });
    assert.deepEqual((await get(app, '/api/v2/summary.json')).body.status, { indicator: 'critical', description: 'Major Service Outage' });
  });

  test('a maintenance in progress with every component operational reads maintenance / "Service Under Maintenance"', async (t) => {
    const app = await startApp(t);
    await createComponent(app, { name: 'API' });
    const m = await createIncident(app, maintenance('DB upgrade', 'scheduled'));
    assert.deepEqual((await get(app, '/api/v2/status.json')).body.status, { indicator: 'none', description: 'All Systems Operational' });
    await app.api('PATCH', `/incidents/${m.id}`, { incident: { status: 'in_progress' } });
    assert.deepEqual((await get(app, '/api/v2/status.json')).body.status, { indicator: 'maintenance', description: 'Service Under Maintenance' });
    await app.api('PATCH', `/incidents/${m.id}`, { incident: { status: 'completed' } });
    assert.deepEqual((await get(app, '/api/v2/status.json')).body.status, { indicator: 'none', description: 'All Systems Operational' });
  });
});

describe('public API v2: HTTP behaviour', () => {
  test('HEAD answers 200 with no body and the same headers as GET', async (t) => {
    const app = await startApp(t);
    await createComponent(app, { name: 'API' });
    for (const path of Object.keys(endpoints)) {
      const getRes = await app.fetch(path);
      const getBody = await getRes.text();
      const head = await app.fetch(path, { method: 'HEAD' });
      assert.equal(head.status, 200, path);
      assert.equal(await head.text(), '', path);
      for (const name of ['content-type', 'etag', 'content-length', 'cache-control', 'access-control-allow-origin']) {
        assert.equal(head.headers.get(name), getRes.headers.get(name), `${path} ${name}`);
      }
      assert.equal(Number(head.headers.get('content-length')), Buffer.byteLength(getBody), path);
    }
  });

  test('every endpoint allows any origin (Access-Control-Allow-Origin: *)', async (t) => {
    const app = await startApp(t);
    for (const path of Object.keys(endpoints)) {
      const res = await app.fetch(path, { headers: { origin: 'https://widget.example' } });
      await res.arrayBuffer();
      assert.equal(res.headers.get('access-control-allow-origin'), '*', path);
    }
  });

  test('the ETag is strong and changes when the data changes', async (t) => {
    const app = await startApp(t);
    const first = (await get(app, '/api/v2/summary.json')).headers.get('etag');
    assert.match(first ?? '', /^"[^"]+"$/);
    assert.equal(first!.startsWith('W/'), false);
    assert.equal((await get(app, '/api/v2/summary.json')).headers.get('etag'), first);
    await createComponent(app, { name: 'API' });
    const second = (await get(app, '/api/v2/summary.json')).headers.get('etag');
    assert.match(second ?? '', /^"[^"]+"$/);
    assert.notEqual(second, first);
  });

  test('If-None-Match with the current ETag (alone, in a list, or *) answers 304 with an empty body; a stale one answers 200', async (t) => {
    const app = await startApp(t);
    const path = '/api/v2/components.json';
    const stale = (await get(app, path)).headers.get('etag')!;
    await createComponent(app, { name: 'API' });
    const current = (await get(app, path)).headers.get('etag')!;
    for (const header of [current, `"nope", ${current}`, `${stale},${current}`, '*']) {
      const res = await get(app, path, { 'if-none-match': header });
      assert.equal(res.status, 304, header);
      assert.equal(res.text, '', header);
      assert.equal(res.headers.get('etag'), current, header);
    }
    const old = await get(app, path, { 'if-none-match': stale });
    assert.equal(old.status, 200);
    assert.equal(old.body.components[0].name, 'API');
    assert.equal(old.headers.get('etag'), current);
  });

  test('a write through the manage API is visible on the very next read', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const res = await app.api('PATCH', `/components/${api.id}`, { component: { status: 'major_outage', name: 'API v2' } });
    assert.equal(res.status, 200);
    const [c] = (await get(app, '/api/v2/components.json')).body.components;
    assert.deepEqual([c.name, c.status], ['API v2', 'major_outage']);
    const incident = await createIncident(app, { name: 'Outage', status: 'identified' });
    assert.deepEqual((await get(app, '/api/v2/incidents/unresolved.json')).body.incidents.map((i: any) => i.id), [incident.id]);
    await app.api('DELETE', `/components/${api.id}`);
    assert.deepEqual((await get(app, '/api/v2/components.json')).body.components, []);
  });
});

describe('status page HTML', () => {
  test('GET / renders the page name, banner, component names and unresolved incident names as text/html', async (t) => {
    const app = await startApp(t);
    await app.api('PATCH', '', { page: { name: 'Acme Cloud' } });
    const api = await createComponent(app, { name: 'Billing API' });
    await createComponent(app, { name: 'Search' });
    await createIncident(app, { name: 'Invoices delayed', components: { [api.id]: 'partial_outage' } });
    const res = await app.fetch('/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const html = await res.text();
    for (const text of ['Acme Cloud', 'Partial System Outage', 'Billing API', 'Search', 'Invoices delayed']) {
      assert.ok(html.includes(text), `page shows ${text}`);
    }
  });

  test('GET / escapes hostile names instead of rendering markup', async (t) => {
    const app = await startApp(t);
    const hostile = '<img src=x onerror=alert(1)>';
    await app.api('PATCH', '', { page: { name: '<script>alert("page")</script>' } });
    await createComponent(app, { name: hostile });
    await createIncident(app, { name: '<b onmouseover=alert(2)>boom</b>', body: '<iframe src=javascript:alert(3)>' });
    const html = await (await app.fetch('/')).text();
    assert.equal(html.includes(hostile), false);
    assert.equal(html.includes('<script>alert('), false);
    assert.equal(html.includes('<b onmouseover'), false);
    assert.equal(html.includes('<iframe'), false);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('&lt;b onmouseover=alert(2)&gt;boom&lt;/b&gt;'));
  });
});
