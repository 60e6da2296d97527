import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asc } from 'drizzle-orm';
import { componentStatusChanges, events } from '../../src/db/schema/index.js';
import { createComponent, createIncident, startApp, type TestApp } from '../helpers/app.js';

const T0 = '2026-03-02T10:00:00.000Z';

const allEvents = (app: TestApp) => app.herald.db.select().from(events).orderBy(asc(events.id)).all();
const types = (app: TestApp) => allEvents(app).map((e) => e.type);
const getIncident = async (app: TestApp, id: string) => (await app.api('GET', `/incidents/${id}`)).body;
const patch = (app: TestApp, id: string, incident: unknown) => app.api('PATCH', `/incidents/${id}`, { incident });

/** The public v2 component as a webhook shows it: the manage Component without automation_email. */
async function publicComponent(app: TestApp, id: string) {
  const { automation_email: _, ...rest } = (await app.api('GET', `/components/${id}`)).body;
  return rest;
}

const page = (app: TestApp, status_indicator: string, status_description: string) => ({ id: app.pageId, status_indicator, status_description });

describe('events', () => {
  test('creating an incident writes one incident.created event carrying page and the full manage incident', async (t) => {
    const app = await startApp(t);
    await createComponent(app, { name: 'API' });
    assert.deepEqual(allEvents(app), []);
    const created = await createIncident(app, { name: 'API errors', body: 'Looking into it' });
    const rows = allEvents(app);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.match(row!.publicId, /^evt_[a-z0-9]+$/);
    assert.deepEqual(
      { ...row, id: undefined, publicId: undefined, createdAt: row!.createdAt.toISOString() },
      {
        id: undefined, publicId: undefined, pageId: app.pageId, type: 'incident.created', incidentId: created.id,
        incidentUpdateId: created.incident_updates[0].id, componentId: null, notify: true, createdAt: T0,
        payload: { page: page(app, 'none', 'All Systems Operational'), incident: await getIncident(app, created.id) },
      },
    );
  });

  test('creating a scheduled maintenance writes maintenance.scheduled', async (t) => {
    const app = await startApp(t);
    const m = await createIncident(app, { name: 'Upgrade', scheduled_for: '2026-03-05T02:00:00Z', scheduled_until: '2026-03-05T04:00:00Z' });
    const rows = allEvents(app);
    assert.deepEqual(rows.map((r) => [r.type, r.incidentId, r.notify]), [['maintenance.scheduled', m.id, true]]);
    assert.deepEqual(rows[0]!.payload, { page: page(app, 'none', 'All Systems Operational'), incident: await getIncident(app, m.id) });
  });

  test('PATCH to resolved writes incident.resolved; every other appended update writes incident.updated', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Outage', body: 'Looking' });
    const steps: Array<[Record<string, unknown>, string, string]> = [
      [{ status: 'identified', body: 'Found it' }, 'incident.updated', 'identified'],
      [{ body: 'Still fixing' }, 'incident.updated', 'identified'],
      [{ status: 'monitoring' }, 'incident.updated', 'monitoring'],
      [{ status: 'resolved', body: 'Fixed' }, 'incident.resolved', 'resolved'],
      [{ body: 'Follow-up note' }, 'incident.updated', 'resolved'],
      [{ status: 'investigating', body: 'It is back' }, 'incident.updated', 'investigating'],
      [{ status: 'resolved' }, 'incident.resolved', 'resolved'],
    ];
    for (const [fields, type, status] of steps) {
      app.clock.advance(60_000);
      const res = await patch(app, incident.id, fields);
      assert.equal(res.status, 200, JSON.stringify(fields));
      const rows = allEvents(app);
      const last = rows.at(-1)!;
      assert.equal(last.type, type, JSON.stringify(fields));
      assert.equal(last.incidentUpdateId, res.body.incident_updates[0].id);
      assert.equal(last.createdAt.toISOString(), res.body.updated_at);
      const payload = last.payload as any;
      assert.equal(payload.incident.status, status);
      assert.deepEqual(payload.incident, res.body);
    }
    assert.equal(allEvents(app).length, steps.length + 1);
  });

  test('each real component status change writes component.status_changed in the webhook shape', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const web = await createComponent(app, { name: 'Web', status: 'degraded_performance' });
    const before = allEvents(app).length;
    app.clock.set('2026-03-02T10:05:00.000Z');
    const incident = await createIncident(app, { name: 'Outage', components: { [api.id]: 'major_outage', [web.id]: 'degraded_performance' } });
    const rows = allEvents(app).slice(before);
    // web was already degraded: only the API change is real.
    assert.deepEqual(rows.map((r) => r.type), ['component.status_changed', 'incident.created']);
    const [componentEvent, incidentEvent] = rows;
    const change = app.herald.db.select().from(componentStatusChanges).all().at(-1)!;
    assert.deepEqual(
      { componentId: componentEvent!.componentId, incidentId: componentEvent!.incidentId, notify: componentEvent!.notify, createdAt: componentEvent!.createdAt.toISOString() },
      { componentId: api.id, incidentId: null, notify: true, createdAt: '2026-03-02T10:05:00.000Z' },
    );
    assert.deepEqual(componentEvent!.payload, {
      page: page(app, 'critical', 'Major Service Outage'),
      component: await publicComponent(app, api.id),
      component_update: {
        old_status: 'operational', new_status: 'major_outage', created_at: '2026-03-02T10:05:00.000Z',
        component_type: 'Component', id: change.publicId, component_id: api.id,
      },
    });
    assert.equal((componentEvent!.payload as any).component.status, 'major_outage');
    // The incident event reflects the page after the change.
    assert.deepEqual((incidentEvent!.payload as any).page, page(app, 'critical', 'Major Service Outage'));
    assert.deepEqual((incidentEvent!.payload as any).incident, await getIncident(app, incident.id));
  });

  test('a component PATCH writes component.status_changed only when the status really changes', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    assert.equal((await app.api('PATCH', `/components/${api.id}`, { component: { status: 'operational' } })).status, 200);
    assert.equal((await app.api('PATCH', `/components/${api.id}`, { component: { name: 'API v2' } })).status, 200);
    assert.deepEqual(types(app), []);
    await app.api('PATCH', `/components/${api.id}`, { component: { status: 'partial_outage' } });
    const [row] = allEvents(app);
    assert.deepEqual(types(app), ['component.status_changed']);
    assert.deepEqual((row!.payload as any).page, page(app, 'major', 'Partial System Outage'));
    assert.deepEqual((row!.payload as any).component_update.old_status, 'operational');
    assert.deepEqual((row!.payload as any).component_update.new_status, 'partial_outage');
  });

  test('the payload page reflects the state after the change: recovery reads as operational', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const incident = await createIncident(app, { name: 'Outage', components: { [api.id]: 'partial_outage' } });
    assert.deepEqual((allEvents(app).at(-1)!.payload as any).page, page(app, 'major', 'Partial System Outage'));
    const before = allEvents(app).length;
    await patch(app, incident.id, { status: 'resolved', body: 'Fixed', components: { [api.id]: 'operational' } });
    const rows = allEvents(app).slice(before);
    assert.deepEqual(rows.map((r) => r.type), ['component.status_changed', 'incident.resolved']);
    for (const row of rows) assert.deepEqual((row.payload as any).page, page(app, 'none', 'All Systems Operational'), row.type);
    assert.equal((rows[1]!.payload as any).incident.status, 'resolved');
    assert.deepEqual((rows[1]!.payload as any).incident.incident_updates[0].affected_components, [
      { code: api.id, name: 'API', old_status: 'partial_outage', new_status: 'operational' },
    ]);
  });

  test('notify is false when deliver_notifications is false, true by default', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const quiet = await createIncident(app, { name: 'Quiet', deliver_notifications: false, components: { [api.id]: 'degraded_performance' } });
    assert.deepEqual(allEvents(app).map((r) => [r.type, r.notify]), [['component.status_changed', false], ['incident.created', false]]);
    await patch(app, quiet.id, { body: 'loud update' });
    await patch(app, quiet.id, { status: 'resolved', deliver_notifications: false, components: { [api.id]: 'operational' } });
    assert.deepEqual(allEvents(app).slice(2).map((r) => [r.type, r.notify]), [
      ['incident.updated', true],
      ['component.status_changed', false],
      ['incident.resolved', false],
    ]);
  });

  test('a PATCH that changes only name, metadata or impact_override writes no event', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Before', body: 'x' });
    const count = allEvents(app).length;
    for (const fields of [{ name: 'After' }, { metadata: { jira: { issue_id: 'A-1' } } }, { impact_override: 'critical' }, { status: 'investigating', body: '  ' }]) {
      const res = await patch(app, incident.id, fields);
      assert.equal(res.status, 200, JSON.stringify(fields));
      assert.equal(allEvents(app).length, count, JSON.stringify(fields));
    }
    const edit = await app.api('PATCH', `/incidents/${incident.id}/incident_updates/${incident.incident_updates[0].id}`, { incident_update: { body: 'edited' } });
    assert.equal(edit.status, 200);
    assert.equal(allEvents(app).length, count);
  });

  test('a failed write (422 or 404) writes no event', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const incident = await createIncident(app, { name: 'Open', body: 'x' });
    const count = allEvents(app).length;
    const attempts: Array<[string, () => Promise<{ status: number }>, number]> = [
      ['unknown component on create', () => app.api('POST', '/incidents', { incident: { name: 'x', components: { [api.id]: 'major_outage', nosuchcompnt: 'major_outage' } } }), 422],
      ['bad metadata', () => app.api('POST', '/incidents', { incident: { name: 'x', body: 'y', metadata: { a: 1 } } }), 422],
      ['missing name', () => app.api('POST', '/incidents', { incident: { body: 'y', components: { [api.id]: 'major_outage' } } }), 422],
      ['maintenance status on realtime', () => patch(app, incident.id, { status: 'in_progress', body: 'y' }), 422],
      ['unknown component on PATCH', () => patch(app, incident.id, { status: 'identified', body: 'y', components: { [api.id]: 'major_outage', nosuchcompnt: 'partial_outage' } }), 422],
      ['bad component status', () => patch(app, incident.id, { body: 'y', components: { [api.id]: 'on_fire' } }), 422],
      ['unknown incident', () => patch(app, 'nosuchincide', { status: 'resolved', body: 'y' }), 404],
    ];
    for (const [label, send, status] of attempts) assert.equal((await send()).status, status, label);
    assert.equal(allEvents(app).length, count);
    assert.equal((await app.api('GET', `/components/${api.id}`)).body.status, 'operational');
    assert.equal((await getIncident(app, incident.id)).status, 'investigating');
  });

  test('maintenance start and completion write maintenance.started and maintenance.completed', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const m = await createIncident(app, {
      name: 'Upgrade', scheduled_for: '2026-03-02T12:00:00Z', scheduled_until: '2026-03-02T13:00:00Z', component_ids: [api.id],
      scheduled_auto_in_progress: true, scheduled_auto_completed: true,
      auto_transition_to_maintenance_state: true, auto_transition_to_operational_state: true,
      auto_transition_deliver_notifications_at_start: true, auto_transition_deliver_notifications_at_end: false,
    });
    app.clock.set('2026-03-02T12:00:00.000Z');
    assert.equal(app.herald.scheduler.runOnce(), 1);
    const started = allEvents(app).slice(1);
    assert.deepEqual(started.map((r) => [r.type, r.notify]), [['component.status_changed', true], ['maintenance.started', true]]);
    assert.deepEqual((started[1]!.payload as any).page, page(app, 'maintenance', 'Service Under Maintenance'));
    assert.deepEqual((started[1]!.payload as any).incident, await getIncident(app, m.id));
    assert.equal((started[1]!.payload as any).incident.status, 'in_progress');
    assert.equal(started[1]!.createdAt.toISOString(), '2026-03-02T12:00:00.000Z');

    app.clock.set('2026-03-02T13:00:00.000Z');
    assert.equal(app.herald.scheduler.runOnce(), 1);
    assert.equal(app.herald.scheduler.runOnce(), 0);
    const completed = allEvents(app).slice(3);
    assert.deepEqual(completed.map((r) => [r.type, r.notify]), [['component.status_changed', false], ['maintenance.completed', false]]);
    assert.deepEqual((completed[1]!.payload as any).page, page(app, 'none', 'All Systems Operational'));
    assert.equal((completed[1]!.payload as any).incident.status, 'completed');
    assert.deepEqual((completed[0]!.payload as any).component_update.new_status, 'operational');
  });

  test('starting and completing a maintenance by hand writes the same event types', async (t) => {
    const app = await startApp(t);
    const m = await createIncident(app, { name: 'Manual', scheduled_for: '2026-03-05T02:00:00Z', scheduled_until: '2026-03-05T04:00:00Z' });
    await patch(app, m.id, { status: 'in_progress', body: 'Started' });
    await patch(app, m.id, { status: 'verifying', body: 'Checking' });
    await patch(app, m.id, { status: 'completed', body: 'Done' });
    assert.deepEqual(types(app), ['maintenance.scheduled', 'maintenance.started', 'maintenance.updated', 'maintenance.completed']);
  });
});
