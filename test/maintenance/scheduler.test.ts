import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { autoCompleteBody, autoStartBody } from '../../src/maintenance/run-due-transitions.js';
import { manualClock } from '../helpers/clock.js';
import { createComponent, createIncident, startApp, type TestApp } from '../helpers/app.js';

const CREATED = '2026-03-02T10:00:00.000Z';
const FOR = '2026-03-02T12:00:00.000Z';
const UNTIL = '2026-03-02T14:00:00.000Z';

const allFlags = {
  scheduled_auto_in_progress: true,
  scheduled_auto_completed: true,
  auto_transition_to_maintenance_state: true,
  auto_transition_to_operational_state: true,
  auto_transition_deliver_notifications_at_start: true,
  auto_transition_deliver_notifications_at_end: true,
};

async function setup(t: Parameters<typeof startApp>[0], flags: Record<string, boolean> = allFlags) {
  const app = await startApp(t, { clock: manualClock(CREATED) });
  const api = await createComponent(app, { name: 'API' });
  const db = await createComponent(app, { name: 'Database' });
  const maintenance = await createIncident(app, {
    name: 'Database upgrade', body: 'We will upgrade the database.',
    scheduled_for: FOR, scheduled_until: UNTIL, component_ids: [api.id, db.id], ...flags,
  });
  return { app, api, db, maintenance };
}

const getIncident = async (app: TestApp, id: string) => (await app.api('GET', `/incidents/${id}`)).body;
const statusOf = async (app: TestApp, id: string) => (await app.api('GET', `/components/${id}`)).body.status;
const publicJson = async (app: TestApp, path: string) => {
  const res = await app.fetch(path);
  assert.equal(res.status, 200, path);
  return res.json() as Promise<any>;
};
const runAt = (app: TestApp, at: string) => {
  app.clock.set(at);
  return app.herald.scheduler.runOnce();
};

describe('maintenance scheduler', () => {
  test('nothing happens before scheduled_for', async (t) => {
    const { app, api, maintenance } = await setup(t);
    assert.equal(runAt(app, '2026-03-02T11:59:59.999Z'), 0);
    const after = await getIncident(app, maintenance.id);
    assert.equal(after.status, 'scheduled');
    assert.equal(after.incident_updates.length, 1);
    assert.equal(after.updated_at, CREATED);
    assert.equal(await statusOf(app, api.id), 'operational');
  });

  test('at scheduled_for with scheduled_auto_in_progress it goes in_progress with one new update and components under_maintenance', async (t) => {
    const { app, api, db, maintenance } = await setup(t);
    assert.equal(runAt(app, FOR), 1);
    const after = await getIncident(app, maintenance.id);
    assert.equal(after.status, 'in_progress');
    assert.equal(after.updated_at, FOR);
    assert.equal(after.resolved_at, null);
    assert.equal(after.incident_updates.length, 2);
    const [update] = after.incident_updates;
    assert.deepEqual(
      { status: update.status, body: update.body, created_at: update.created_at, display_at: update.display_at, deliver_notifications: update.deliver_notifications },
      { status: 'in_progress', body: autoStartBody, created_at: FOR, display_at: FOR, deliver_notifications: true },
    );
    // The order of affected_components is not specified; compare them by name.
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    assert.deepEqual([...update.affected_components].sort(byName), [
      { code: api.id, name: 'API', old_status: 'operational', new_status: 'under_maintenance' },
      { code: db.id, name: 'Database', old_status: 'operational', new_status: 'under_maintenance' },
    ]);
    assert.equal(await statusOf(app, api.id), 'under_maintenance');
    assert.equal(await statusOf(app, db.id), 'under_maintenance');
    assert.equal(after.impact, 'maintenance');
  });

  test('without auto_transition_to_maintenance_state it starts but leaves components alone', async (t) => {
    const { app, api, db, maintenance } = await setup(t, { ...allFlags, auto_transition_to_maintenance_state: false });
    assert.equal(runAt(app, '2026-03-02T12:30:00.000Z'), 1);
    const after = await getIncident(app, maintenance.id);
    assert.equal(after.status, 'in_progress');
    assert.equal(after.incident_updates.length, 2);
    assert.equal(after.incident_updates[0].affected_components, null);
    assert.equal(await statusOf(app, api.id), 'operational');
    assert.equal(await statusOf(app, db.id), 'operational');
  });

  test('at scheduled_until with scheduled_auto_completed it completes, sets resolved_at and restores components, but an outage that began meanwhile stays', async (t) => {
    const { app, api, db, maintenance } = await setup(t);
    assert.equal(runAt(app, FOR), 1);
    app.clock.set('2026-03-02T13:00:00.000Z');
    const outage = await app.api('PATCH', `/components/${db.id}`, { component: { status: 'major_outage' } });
    assert.equal(outage.status, 200);
    assert.equal(runAt(app, '2026-03-02T13:59:59.999Z'), 0);
    assert.equal(runAt(app, UNTIL), 1);
    const after = await getIncident(app, maintenance.id);
    assert.equal(after.status, 'completed');
    assert.equal(after.resolved_at, UNTIL);
    assert.equal(after.updated_at, UNTIL);
    assert.equal(after.incident_updates.length, 3);
    const [update] = after.incident_updates;
    assert.deepEqual(
      { status: update.status, body: update.body, created_at: update.created_at, deliver_notifications: update.deliver_notifications },
      { status: 'completed', body: autoCompleteBody, created_at: UNTIL, deliver_notifications: true },
    );
    assert.deepEqual(update.affected_components, [{ code: api.id, name: 'API', old_status: 'under_maintenance', new_status: 'operational' }]);
    assert.equal(await statusOf(app, api.id), 'operational');
    assert.equal(await statusOf(app, db.id), 'major_outage');
  });

  test('without auto_transition_to_operational_state completion leaves components under maintenance', async (t) => {
    const { app, api, db, maintenance } = await setup(t, { ...allFlags, auto_transition_to_operational_state: false });
    assert.equal(runAt(app, FOR), 1);
    assert.equal(runAt(app, UNTIL), 1);
    const after = await getIncident(app, maintenance.id);
    assert.equal(after.status, 'completed');
    assert.equal(after.incident_updates[0].affected_components, null);
    assert.equal(await statusOf(app, api.id), 'under_maintenance');
    assert.equal(await statusOf(app, db.id), 'under_maintenance');
  });

  test('without scheduled_auto_in_progress and scheduled_auto_completed nothing transitions at any time', async (t) => {
    const { app, api, maintenance } = await setup(t, { ...allFlags, scheduled_auto_in_progress: false, scheduled_auto_completed: false });
    assert.equal(runAt(app, FOR), 0);
    assert.equal(runAt(app, UNTIL), 0);
    assert.equal(runAt(app, '2026-03-09T00:00:00.000Z'), 0);
    const after = await getIncident(app, maintenance.id);
    assert.equal(after.status, 'scheduled');
    assert.equal(after.incident_updates.length, 1);
    assert.equal(await statusOf(app, api.id), 'operational');
  });

  test('without scheduled_auto_completed a started maintenance stays in_progress past scheduled_until', async (t) => {
    const { app, api, maintenance } = await setup(t, { ...allFlags, scheduled_auto_completed: false });
    assert.equal(runAt(app, FOR), 1);
    assert.equal(runAt(app, UNTIL), 0);
    assert.equal(runAt(app, '2026-03-03T00:00:00.000Z'), 0);
    const after = await getIncident(app, maintenance.id);
    assert.equal(after.status, 'in_progress');
    assert.equal(after.resolved_at, null);
    assert.equal(after.incident_updates.length, 2);
    assert.equal(await statusOf(app, api.id), 'under_maintenance');
  });

  test('deliver_notifications of the auto updates follows auto_transition_deliver_notifications_at_start/_at_end', async (t) => {
    const app = await startApp(t, { clock: manualClock(CREATED) });
    const window = { scheduled_for: FOR, scheduled_until: UNTIL, scheduled_auto_in_progress: true, scheduled_auto_completed: true };
    const quietStart = await createIncident(app, { name: 'Quiet start', ...window, auto_transition_deliver_notifications_at_start: false, auto_transition_deliver_notifications_at_end: true });
    const quietEnd = await createIncident(app, { name: 'Quiet end', ...window, auto_transition_deliver_notifications_at_start: true, auto_transition_deliver_notifications_at_end: false });
    assert.equal(runAt(app, FOR), 2);
    assert.equal(runAt(app, UNTIL), 2);
    const flags = async (id: string) =>
      (await getIncident(app, id)).incident_updates.map((u: { status: string; deliver_notifications: boolean }) => [u.status, u.deliver_notifications]);
    assert.deepEqual(await flags(quietStart.id), [['completed', true], ['in_progress', false], ['scheduled', true]]);
    assert.deepEqual(await flags(quietEnd.id), [['completed', false], ['in_progress', true], ['scheduled', true]]);
  });

  test('runOnce a second time applies nothing more', async (t) => {
    const { app, maintenance } = await setup(t);
    assert.equal(runAt(app, FOR), 1);
    assert.equal(app.herald.scheduler.runOnce(), 0);
    app.clock.advance(60_000);
    assert.equal(app.herald.scheduler.runOnce(), 0);
    assert.equal((await getIncident(app, maintenance.id)).incident_updates.length, 2);
    assert.equal(runAt(app, UNTIL), 1);
    assert.equal(app.herald.scheduler.runOnce(), 0);
    assert.equal(runAt(app, '2026-03-05T00:00:00.000Z'), 0);
    const after = await getIncident(app, maintenance.id);
    assert.equal(after.incident_updates.length, 3);
    assert.equal(after.resolved_at, UNTIL);
  });

  test('a maintenance started by hand is still completed at scheduled_until', async (t) => {
    const { app, api, maintenance } = await setup(t);
    app.clock.set('2026-03-02T11:00:00.000Z');
    const started = await app.api('PATCH', `/incidents/${maintenance.id}`, { incident: { status: 'in_progress', components: { [api.id]: 'under_maintenance' } } });
    assert.equal(started.status, 200);
    assert.equal(runAt(app, FOR), 0);
    assert.equal(runAt(app, UNTIL), 1);
    const after = await getIncident(app, maintenance.id);
    assert.equal(after.status, 'completed');
    assert.equal(await statusOf(app, api.id), 'operational');
  });

  test('a rescheduled maintenance starts at its new scheduled_for, not the old one', async (t) => {
    const { app, maintenance } = await setup(t);
    const moved = await app.api('PATCH', `/incidents/${maintenance.id}`, { incident: { scheduled_for: '2026-03-02T15:00:00+02:00', scheduled_until: '2026-03-02T16:00:00Z' } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.incident_updates.length, 1);
    assert.equal(runAt(app, FOR), 0);
    assert.equal(runAt(app, '2026-03-02T12:59:59.999Z'), 0);
    assert.equal((await getIncident(app, maintenance.id)).status, 'scheduled');
    assert.equal(runAt(app, '2026-03-02T13:00:00.000Z'), 1);
    assert.equal((await getIncident(app, maintenance.id)).status, 'in_progress');
    assert.equal(runAt(app, UNTIL), 0);
    assert.equal(runAt(app, '2026-03-02T16:00:00.000Z'), 1);
    assert.equal((await getIncident(app, maintenance.id)).status, 'completed');
  });

  test('the legacy scheduled_auto_transition flag means scheduled_auto_in_progress', async (t) => {
    const app = await startApp(t, { clock: manualClock(CREATED) });
    const m = await createIncident(app, { name: 'Legacy', scheduled_for: FOR, scheduled_until: UNTIL, scheduled_auto_transition: true });
    assert.equal(m.scheduled_auto_in_progress, true);
    assert.equal(runAt(app, FOR), 1);
    assert.equal((await getIncident(app, m.id)).status, 'in_progress');
  });

  test('public active.json and summary.json follow the transitions', async (t) => {
    const { app, api, maintenance } = await setup(t);
    const before = await publicJson(app, '/api/v2/scheduled-maintenances/active.json');
    assert.deepEqual(before.scheduled_maintenances, []);
    const upcoming = await publicJson(app, '/api/v2/scheduled-maintenances/upcoming.json');
    assert.deepEqual(upcoming.scheduled_maintenances.map((m: { id: string }) => m.id), [maintenance.id]);
    let summary = await publicJson(app, '/api/v2/summary.json');
    assert.deepEqual(summary.status, { indicator: 'none', description: 'All Systems Operational' });
    assert.deepEqual(summary.scheduled_maintenances.map((m: { id: string; status: string }) => [m.id, m.status]), [[maintenance.id, 'scheduled']]);

    runAt(app, FOR);
    const active = await publicJson(app, '/api/v2/scheduled-maintenances/active.json');
    assert.equal(active.scheduled_maintenances.length, 1);
    const [m] = active.scheduled_maintenances;
    assert.deepEqual(
      { id: m.id, status: m.status, impact: m.impact, scheduled_for: m.scheduled_for, scheduled_until: m.scheduled_until, updates: m.incident_updates.length },
      { id: maintenance.id, status: 'in_progress', impact: 'maintenance', scheduled_for: FOR, scheduled_until: UNTIL, updates: 2 },
    );
    assert.deepEqual((await publicJson(app, '/api/v2/scheduled-maintenances/upcoming.json')).scheduled_maintenances, []);
    summary = await publicJson(app, '/api/v2/summary.json');
    assert.deepEqual(summary.status, { indicator: 'maintenance', description: 'Service Under Maintenance' });
    assert.deepEqual(summary.scheduled_maintenances.map((x: { id: string; status: string }) => [x.id, x.status]), [[maintenance.id, 'in_progress']]);
    assert.equal(summary.components.find((c: { id: string }) => c.id === api.id).status, 'under_maintenance');

    runAt(app, UNTIL);
    assert.deepEqual((await publicJson(app, '/api/v2/scheduled-maintenances/active.json')).scheduled_maintenances, []);
    summary = await publicJson(app, '/api/v2/summary.json');
    assert.deepEqual(summary.status, { indicator: 'none', description: 'All Systems Operational' });
    assert.deepEqual(summary.scheduled_maintenances, []);
    assert.equal(summary.components.find((c: { id: string }) => c.id === api.id).status, 'operational');
    const all = await publicJson(app, '/api/v2/scheduled-maintenances.json');
    assert.deepEqual(all.scheduled_maintenances.map((x: { id: string; status: string; resolved_at: string }) => [x.id, x.status, x.resolved_at]), [[maintenance.id, 'completed', UNTIL]]);
  });
});
