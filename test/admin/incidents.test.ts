import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAuditLog } from '../../src/admin/audit-log.js';
import { createComponent } from '../helpers/app.js';
import { assertFieldError, startConsole } from './console.js';

const lastAudit = (c: Awaited<ReturnType<typeof startConsole>>) => listAuditLog(c.app.herald.db, { limit: 1, offset: 0 })[0]!;

async function withComponents(t: Parameters<typeof startConsole>[0]) {
  const c = await startConsole(t);
  const api = await createComponent(c.app, { name: 'API' });
  const web = await createComponent(c.app, { name: 'Web' });
  return { c, s: await c.login(), api, web };
}

const incidentIdFrom = (location: string | null) => /^\/admin\/incidents\/([a-z0-9]{12})\?/.exec(location ?? '')?.[1]!;

describe('console: incidents', () => {
  test('creating an incident with a component outage opens it with its first update, sets the component and is audited', async (t) => {
    const { c, s, api } = await withComponents(t);
    const res = await s.post('/admin/incidents', {
      name: 'Checkout errors', status: 'investigating', impact_override: '', message: 'We are looking into failed payments.',
      [`components[${api.id}]`]: 'major_outage', deliver_notifications: true,
    });
    assert.equal(res.status, 303);
    const id = incidentIdFrom(res.location);
    assert.ok(id, res.location ?? '');
    const incident = (await c.app.api('GET', `/incidents/${id}`)).body;
    assert.deepEqual([incident.name, incident.status, incident.impact], ['Checkout errors', 'investigating', 'critical']);
    assert.equal(incident.incident_updates.length, 1);
    assert.equal(incident.incident_updates[0].body, 'We are looking into failed payments.');
    assert.equal(incident.incident_updates[0].deliver_notifications, true);
    assert.deepEqual(incident.incident_updates[0].affected_components, [{ code: api.id, name: 'API', old_status: 'operational', new_status: 'major_outage' }]);
    assert.equal((await c.app.api('GET', `/components/${api.id}`)).body.status, 'major_outage');
    const audit = lastAudit(c);
    assert.deepEqual([audit.actor, audit.action, audit.targetType, audit.targetId], ['admin', 'incident.create', 'incident', id]);
    assert.deepEqual(audit.details?.['components'], { [api.id]: 'major_outage' });
    const page = await s.get(res.location!);
    assert.match(page.html, /role="status">Incident created\.</);
    assert.match(page.html, /We are looking into failed payments\./);
  });

  test('notify off is kept: the first update is not sent to subscribers', async (t) => {
    const { c, s } = await withComponents(t);
    const res = await s.post('/admin/incidents', { name: 'Quiet', status: 'investigating', message: 'FYI' });
    const incident = (await c.app.api('GET', `/incidents/${incidentIdFrom(res.location)}`)).body;
    assert.equal(incident.incident_updates[0].deliver_notifications, false);
  });

  test('the new-incident form shows each error next to its field, keeps the input and creates nothing', async (t) => {
    const { c, s, api } = await withComponents(t);
    const good = { name: 'Outage', status: 'investigating', impact_override: '', message: 'Kept message', [`components[${api.id}]`]: 'partial_outage' };
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ name: '   ' }, 'new-name', /^Name must not be blank\.$/],
      [{ name: 'x'.repeat(256) }, 'new-name', /^Name must be at most 255 characters\.$/],
      [{ status: 'on_fire' }, 'new-status', /^Status must be one of investigating, identified/],
      [{ status: 'in_progress' }, 'new-status', /^Status must be one of investigating, identified, monitoring, resolved, postmortem\.$/],
      [{ impact_override: 'apocalyptic' }, 'new-impact_override', /^Impact must be one of/],
      [{ message: 'x'.repeat(25_001) }, 'new-message', /^Message must be at most 25000 characters\.$/],
      [{ 'components[nosuchthing1]': 'major_outage' }, 'new-components', /^Components component "nosuchthing1" does not exist/],
    ];
    for (const [override, id, message] of cases) {
      const res = await s.post('/admin/incidents', { ...good, ...override });
      assert.equal(res.status, 422, id);
      assertFieldError(res.html, id, message);
      if (id !== 'new-message') assert.match(res.html, />Kept message<\/textarea>/, 'the message is kept');
      assert.match(res.html, new RegExp(`name="components\\[${api.id}\\]">[\\s\\S]*?<option value="partial_outage" selected>`), 'the component choice is kept');
    }
    assert.deepEqual((await c.app.api('GET', '/incidents')).body, []);
    assert.equal((await c.app.api('GET', `/components/${api.id}`)).body.status, 'operational');
    assert.equal(lastAudit(c).action, 'session.login', 'nothing was audited');
  });

  test('posting an update changes status, message and component statuses in one update, and is audited', async (t) => {
    const { c, s, api, web } = await withComponents(t);
    const id = incidentIdFrom((await s.post('/admin/incidents', { name: 'Outage', status: 'investigating', message: 'Looking', [`components[${api.id}]`]: 'major_outage' })).location);
    c.app.clock.advance(60_000);
    const res = await s.post(`/admin/incidents/${id}`, {
      name: 'Outage', status: 'identified', impact_override: '', message: 'Found a bad deploy.',
      [`components[${api.id}]`]: 'partial_outage', [`components[${web.id}]`]: '', deliver_notifications: true,
    });
    assert.equal(res.status, 303);
    assert.equal(res.location, `/admin/incidents/${id}?notice=updated`);
    const incident = (await c.app.api('GET', `/incidents/${id}`)).body;
    assert.equal(incident.status, 'identified');
    assert.equal(incident.incident_updates.length, 2);
    assert.deepEqual([incident.incident_updates[0].status, incident.incident_updates[0].body], ['identified', 'Found a bad deploy.']);
    assert.deepEqual(incident.incident_updates[0].affected_components.map((a: any) => a.new_status), ['partial_outage']);
    assert.equal((await c.app.api('GET', `/components/${web.id}`)).body.status, 'operational', '"No change" leaves a component alone');
    assert.deepEqual([lastAudit(c).action, lastAudit(c).targetId], ['incident.update', id]);
  });

  test('the update form shows its errors next to its fields and keeps the input', async (t) => {
    const { s } = await withComponents(t);
    const id = incidentIdFrom((await s.post('/admin/incidents', { name: 'Outage', status: 'investigating', message: 'Looking' })).location);
    const blank = await s.post(`/admin/incidents/${id}`, { name: '', status: 'identified', message: 'Draft text' });
    assert.equal(blank.status, 422);
    assertFieldError(blank.html, 'update-name', /^Name must not be blank\.$/);
    assert.match(blank.html, />Draft text<\/textarea>/);
    assert.match(blank.html, /<option value="identified" selected>/);
    const long = await s.post(`/admin/incidents/${id}`, { name: 'Outage', status: 'identified', message: 'y'.repeat(25_001) });
    assertFieldError(long.html, 'update-message', /^Message must be at most 25000 characters\.$/);
  });

  test('resolving marks the incident resolved and sets its affected components back to operational', async (t) => {
    const { c, s, api, web } = await withComponents(t);
    const id = incidentIdFrom((await s.post('/admin/incidents', {
      name: 'Outage', status: 'investigating', message: 'Looking', [`components[${api.id}]`]: 'major_outage', [`components[${web.id}]`]: 'degraded_performance',
    })).location);
    const res = await s.post(`/admin/incidents/${id}/resolve`, { message: 'Fixed.', restore_components: true, deliver_notifications: true });
    assert.equal(res.status, 303);
    assert.equal(res.location, `/admin/incidents/${id}?notice=resolved`);
    const incident = (await c.app.api('GET', `/incidents/${id}`)).body;
    assert.equal(incident.status, 'resolved');
    assert.equal(incident.incident_updates[0].body, 'Fixed.');
    for (const component of [api, web]) assert.equal((await c.app.api('GET', `/components/${component.id}`)).body.status, 'operational');
    assert.equal((await c.app.fetch('/api/v2/status.json').then((r) => r.json()) as any).status.indicator, 'none');
    assert.deepEqual([lastAudit(c).action, lastAudit(c).targetId, lastAudit(c).details?.['restored']], ['incident.resolve', id, [api.id, web.id]]);
    assert.doesNotMatch((await s.get(`/admin/incidents/${id}`)).html, /Resolve incident/, 'a resolved incident offers no resolve form');
  });

  test('resolving without restoring leaves the components as they are; a too-long message is shown next to its field', async (t) => {
    const { c, s, api } = await withComponents(t);
    const id = incidentIdFrom((await s.post('/admin/incidents', { name: 'Outage', status: 'investigating', [`components[${api.id}]`]: 'major_outage' })).location);
    const refused = await s.post(`/admin/incidents/${id}/resolve`, { message: 'z'.repeat(25_001), restore_components: true });
    assert.equal(refused.status, 422);
    assertFieldError(refused.html, 'resolve-message', /^Message must be at most 25000 characters\.$/);
    assert.equal((await c.app.api('GET', `/incidents/${id}`)).body.status, 'investigating');
    await s.post(`/admin/incidents/${id}/resolve`, { message: '' });
    assert.equal((await c.app.api('GET', `/incidents/${id}`)).body.status, 'resolved');
    assert.equal((await c.app.api('GET', `/components/${api.id}`)).body.status, 'major_outage');
  });

  test('editing an update changes only its text, sends nothing new, and is audited', async (t) => {
    const { c, s } = await withComponents(t);
    await c.app.api('POST', '/subscribers', { subscriber: { email: 'ops@example.com' } });
    const id = incidentIdFrom((await s.post('/admin/incidents', { name: 'Outage', status: 'investigating', message: 'Typo heer', deliver_notifications: true })).location);
    const before = (await c.app.api('GET', `/incidents/${id}`)).body;
    const deliveries = (await c.app.api('GET', '/deliveries')).body.length;
    const updateId = before.incident_updates[0].id;
    const form = await s.get(`/admin/incidents/${id}/updates/${updateId}`);
    assert.match(form.html, />Typo heer<\/textarea>/);
    const res = await s.post(`/admin/incidents/${id}/updates/${updateId}`, { message: 'Typo here' });
    assert.equal(res.location, `/admin/incidents/${id}?notice=update-edited`);
    const after = (await c.app.api('GET', `/incidents/${id}`)).body;
    assert.equal(after.incident_updates.length, 1);
    assert.deepEqual([after.incident_updates[0].id, after.incident_updates[0].body, after.incident_updates[0].status], [updateId, 'Typo here', 'investigating']);
    assert.equal((await c.app.api('GET', '/deliveries')).body.length, deliveries);
    assert.deepEqual([lastAudit(c).action, lastAudit(c).targetId], ['incident_update.edit', updateId]);
    const long = await s.post(`/admin/incidents/${id}/updates/${updateId}`, { message: 'q'.repeat(25_001) });
    assert.equal(long.status, 422);
    assertFieldError(long.html, 'edit-message', /^Text must be at most 25000 characters\.$/);
  });

  test('an unknown incident is an HTML 404 page', async (t) => {
    const { s } = await withComponents(t);
    const res = await s.get('/admin/incidents/nosuchincid1');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.html, /incident &quot;nosuchincid1&quot; not found/);
  });
});

describe('console: maintenance', () => {
  test('start and end are read in the page\'s time zone, which is named next to the fields; the auto-transition options are kept', async (t) => {
    const { c, s, api } = await withComponents(t);
    await c.app.api('PATCH', '', { page: { time_zone: 'Europe/Berlin' } });
    const form = await s.get('/admin/maintenance/new');
    assert.match(form.html, /id="new-scheduled_for-hint">Europe\/Berlin time/);
    assert.match(form.html, /type="datetime-local" id="new-scheduled_for"[^>]*aria-describedby="new-scheduled_for-hint"/);
    const res = await s.post('/admin/maintenance', {
      name: 'Database upgrade', message: 'Planned upgrade.', scheduled_for: '2026-03-05T02:00', scheduled_until: '2026-03-05T04:30',
      component_ids: [api.id], scheduled_auto_in_progress: true, scheduled_auto_completed: true,
      auto_transition_to_maintenance_state: true, auto_transition_to_operational_state: true,
      auto_transition_deliver_notifications_at_start: true, deliver_notifications: true,
    });
    assert.equal(res.status, 303);
    const id = incidentIdFrom(res.location);
    assert.match(res.location!, /notice=maintenance-scheduled/);
    const m = (await c.app.api('GET', `/incidents/${id}`)).body;
    assert.deepEqual([m.status, m.scheduled_for, m.scheduled_until], ['scheduled', '2026-03-05T01:00:00.000Z', '2026-03-05T03:30:00.000Z']);
    assert.deepEqual(
      [m.scheduled_auto_in_progress, m.scheduled_auto_completed, m.auto_transition_to_maintenance_state, m.auto_transition_to_operational_state,
        m.auto_transition_deliver_notifications_at_start, m.auto_transition_deliver_notifications_at_end],
      [true, true, true, true, true, false],
    );
    assert.deepEqual(m.components.map((x: any) => x.id), [api.id]);
    const audit = lastAudit(c);
    assert.deepEqual([audit.action, audit.targetId, audit.details?.['scheduled_for']], ['maintenance.schedule', id, '2026-03-05T01:00:00.000Z']);
    const page = await s.get(`/admin/incidents/${id}`);
    assert.match(page.html, /2026-03-05 02:00 Europe\/Berlin – 2026-03-05 04:30 Europe\/Berlin/);
    assert.match(page.html, /id="update-scheduled_for" name="scheduled_for" value="2026-03-05T02:00"/);
  });

  test('a scheduled maintenance starts by itself and moves its components, as its options asked', async (t) => {
    const { c, s, api } = await withComponents(t);
    const res = await s.post('/admin/maintenance', {
      name: 'Upgrade', scheduled_for: '2026-03-02T11:00', scheduled_until: '2026-03-02T12:00', component_ids: [api.id],
      scheduled_auto_in_progress: true, auto_transition_to_maintenance_state: true,
    });
    const id = incidentIdFrom(res.location);
    c.app.clock.set('2026-03-02T11:00:00.000Z');
    assert.equal(c.app.herald.scheduler.runOnce(), 1);
    assert.equal((await c.app.api('GET', `/incidents/${id}`)).body.status, 'in_progress');
    assert.equal((await c.app.api('GET', `/components/${api.id}`)).body.status, 'under_maintenance');
  });

  test('the maintenance form shows start and end errors next to their fields and keeps the input', async (t) => {
    const { c, s, api } = await withComponents(t);
    const good = { name: 'Upgrade', message: 'Kept', scheduled_for: '2026-03-05T02:00', scheduled_until: '2026-03-05T04:00', component_ids: [api.id] };
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ scheduled_for: '' }, 'new-scheduled_for', /^Start is required for a scheduled maintenance\.$/],
      [{ scheduled_until: '' }, 'new-scheduled_until', /^End is required for a scheduled maintenance\.$/],
      [{ scheduled_for: '2026-13-45T99:00' }, 'new-scheduled_for', /^Start must be a date and time such as 2026-03-05T02:00 \(Etc\/UTC\)\.$/],
      [{ scheduled_until: '2026-03-05T01:00' }, 'new-scheduled_until', /^End must be later than scheduled_for\.$/],
      [{ name: '' }, 'new-name', /^Name must not be blank\.$/],
    ];
    for (const [override, id, message] of cases) {
      const res = await s.post('/admin/maintenance', { ...good, ...override });
      assert.equal(res.status, 422, id);
      assertFieldError(res.html, id, message);
      assert.match(res.html, />Kept<\/textarea>/);
      assert.match(res.html, new RegExp(`name="component_ids" value="${api.id}" checked`));
    }
    assert.deepEqual((await c.app.api('GET', '/incidents')).body, []);
  });

  test('completing a maintenance from its page closes it and is audited', async (t) => {
    const { c, s, api } = await withComponents(t);
    const id = incidentIdFrom((await s.post('/admin/maintenance', {
      name: 'Upgrade', scheduled_for: '2026-03-02T09:00', scheduled_until: '2026-03-02T12:00', component_ids: [api.id],
    })).location);
    const started = await s.post(`/admin/incidents/${id}`, {
      name: 'Upgrade', status: 'in_progress', scheduled_for: '2026-03-02T09:00', scheduled_until: '2026-03-02T12:00', [`components[${api.id}]`]: 'under_maintenance', message: 'Started.',
    });
    assert.equal(started.status, 303);
    assert.equal(lastAudit(c).action, 'maintenance.update');
    const done = await s.post(`/admin/incidents/${id}/resolve`, { message: 'Done.', restore_components: true });
    assert.equal(done.location, `/admin/incidents/${id}?notice=completed`);
    assert.equal((await c.app.api('GET', `/incidents/${id}`)).body.status, 'completed');
    assert.equal((await c.app.api('GET', `/components/${api.id}`)).body.status, 'operational');
    assert.equal(lastAudit(c).action, 'maintenance.complete');
  });
});
