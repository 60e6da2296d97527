import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { componentStatusChanges, events } from '../../src/db/schema/index.js';
import { createComponent, createIncident, startApp, type TestApp } from '../helpers/app.js';

const T0 = '2026-03-02T10:00:00.000Z';
const isoMs = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const idPattern = /^[a-z0-9]{12}$/;

type Kind = 'string' | 'string|null' | 'boolean' | 'time' | 'time|null' | 'object' | 'array' | 'array|null';

// §3.1 / §3.4 of the manage reference: every key present, with these types.
const incidentKinds: Record<string, Kind> = {
  id: 'string', name: 'string', status: 'string', impact: 'string', impact_override: 'string|null',
  created_at: 'time', updated_at: 'time', started_at: 'time', monitoring_at: 'time|null', resolved_at: 'time|null',
  shortlink: 'string', page_id: 'string', backfilled: 'boolean', metadata: 'object',
  postmortem_body: 'string|null', postmortem_body_last_updated_at: 'time|null', postmortem_ignored: 'boolean',
  postmortem_notified_subscribers: 'boolean', postmortem_notified_twitter: 'boolean', postmortem_published_at: 'time|null',
  scheduled_for: 'time|null', scheduled_until: 'time|null', scheduled_remind_prior: 'boolean', scheduled_reminded_at: 'time|null',
  scheduled_auto_in_progress: 'boolean', scheduled_auto_completed: 'boolean',
  auto_transition_to_maintenance_state: 'boolean', auto_transition_to_operational_state: 'boolean',
  auto_transition_deliver_notifications_at_start: 'boolean', auto_transition_deliver_notifications_at_end: 'boolean',
  reminder_intervals: 'string|null', incident_impacts: 'array', components: 'array', incident_updates: 'array',
};
// §3.2
const updateKinds: Record<string, Kind> = {
  id: 'string', incident_id: 'string', status: 'string', body: 'string', created_at: 'time', updated_at: 'time',
  display_at: 'time', affected_components: 'array|null', deliver_notifications: 'boolean', custom_tweet: 'string|null',
  tweet_id: 'string|null', twitter_updated_at: 'time|null', wants_twitter_update: 'boolean',
};

function assertShape(value: Record<string, unknown>, kinds: Record<string, Kind>, label: string): void {
  assert.deepEqual(Object.keys(value).sort(), Object.keys(kinds).sort(), `${label}: key set`);
  for (const [key, kind] of Object.entries(kinds)) {
    const v = value[key];
    const nullable = kind.endsWith('|null');
    if (nullable && v === null) continue;
    const base = kind.replace('|null', '');
    const where = `${label}.${key} should be ${kind}, got ${JSON.stringify(v)}`;
    if (base === 'time') assert.ok(typeof v === 'string' && isoMs.test(v), where);
    else if (base === 'array') assert.ok(Array.isArray(v), where);
    else if (base === 'object') assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), where);
    else assert.equal(typeof v, base, where);
  }
}

/** The unset defaults of a realtime incident, per §3.4. */
const realtimeDefaults = {
  impact_override: null, monitoring_at: null, resolved_at: null, backfilled: false, metadata: {},
  postmortem_body: null, postmortem_body_last_updated_at: null, postmortem_ignored: false,
  postmortem_notified_subscribers: false, postmortem_notified_twitter: false, postmortem_published_at: null,
  scheduled_for: null, scheduled_until: null, scheduled_remind_prior: false, scheduled_reminded_at: null,
  scheduled_auto_in_progress: false, scheduled_auto_completed: false,
  auto_transition_to_maintenance_state: false, auto_transition_to_operational_state: false,
  auto_transition_deliver_notifications_at_start: false, auto_transition_deliver_notifications_at_end: false,
  reminder_intervals: null, incident_impacts: [],
};

const post = (app: TestApp, incident: unknown) => app.api('POST', '/incidents', { incident });
const patch = (app: TestApp, id: string, incident: unknown) => app.api('PATCH', `/incidents/${id}`, { incident });
const getIncident = async (app: TestApp, id: string) => (await app.api('GET', `/incidents/${id}`)).body;
const getComponent = async (app: TestApp, id: string) => (await app.api('GET', `/components/${id}`)).body;
const listIds = async (app: TestApp, path: string) => {
  const res = await app.api('GET', path);
  assert.equal(res.status, 200, `${path}: ${res.text}`);
  return (res.body as Array<{ id: string }>).map((i) => i.id);
};

describe('POST /incidents', () => {
  test('returns 201 with every Incident and IncidentUpdate key, correctly typed, null where unset', async (t) => {
    const app = await startApp(t);
    const res = await post(app, { name: 'Minimal' });
    assert.equal(res.status, 201);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const incident = res.body;
    assertShape(incident, incidentKinds, 'incident');
    assert.match(incident.id, idPattern);
    assert.equal(incident.incident_updates.length, 1);
    assertShape(incident.incident_updates[0], updateKinds, 'incident_updates[0]');
    assert.deepEqual(incident, {
      ...realtimeDefaults,
      id: incident.id, name: 'Minimal', status: 'investigating', impact: 'none',
      created_at: T0, updated_at: T0, started_at: T0,
      shortlink: `http://status.test/incidents/${incident.id}`, page_id: app.pageId, components: [],
      incident_updates: [{
        id: incident.incident_updates[0].id, incident_id: incident.id, status: 'investigating', body: '',
        created_at: T0, updated_at: T0, display_at: T0, affected_components: null, deliver_notifications: true,
        custom_tweet: null, tweet_id: null, twitter_updated_at: null, wants_twitter_update: false,
      }],
    });
    assert.deepEqual(await getIncident(app, incident.id), incident);
  });

  test('applies the components map and records {code,name,old_status,new_status} on the first update', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const db = await createComponent(app, { name: 'Database', status: 'degraded_performance' });
    const res = await post(app, {
      name: 'API errors', status: 'identified', body: 'We are investigating elevated error rates.',
      components: { [api.id]: 'partial_outage', [db.id]: 'major_outage' },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal((await getComponent(app, api.id)).status, 'partial_outage');
    assert.equal((await getComponent(app, db.id)).status, 'major_outage');
    const [first] = res.body.incident_updates;
    assert.equal(first.status, 'identified');
    assert.equal(first.body, 'We are investigating elevated error rates.');
    assert.deepEqual(first.affected_components, [
      { code: api.id, name: 'API', old_status: 'operational', new_status: 'partial_outage' },
      { code: db.id, name: 'Database', old_status: 'degraded_performance', new_status: 'major_outage' },
    ]);
    // `components` holds the full manage Component objects as they are now.
    assert.deepEqual(res.body.components, [await getComponent(app, api.id), await getComponent(app, db.id)]);
    assert.equal(res.body.impact, 'critical');
  });

  test('accepts message as an alias of body', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Legacy client', message: 'Posted as message' });
    assert.equal(incident.incident_updates[0].body, 'Posted as message');
  });

  test('component_ids mark components affected without changing their status', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const web = await createComponent(app, { name: 'Web' });
    await createComponent(app, { name: 'Unrelated' });
    const incident = await createIncident(app, { name: 'Heads up', component_ids: [api.id, web.id] });
    assert.deepEqual(incident.components.map((c: { id: string }) => c.id), [api.id, web.id]);
    assert.deepEqual(incident.components.map((c: { status: string }) => c.status), ['operational', 'operational']);
    assert.equal(incident.incident_updates[0].affected_components, null);
    assert.equal(incident.impact, 'none');
  });

  test('components given as an array are treated as component_ids', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const incident = await createIncident(app, { name: 'Array form', components: [api.id] });
    assert.deepEqual(incident.components.map((c: { id: string }) => c.id), [api.id]);
    assert.equal((await getComponent(app, api.id)).status, 'operational');
    assert.equal(incident.incident_updates[0].affected_components, null);
  });

  test('impact is computed from component statuses: degraded→minor, partial→major, major_outage→critical', async (t) => {
    const app = await startApp(t);
    const cases: Array<[string, string]> = [['degraded_performance', 'minor'], ['partial_outage', 'major'], ['major_outage', 'critical'], ['operational', 'none']];
    for (const [status, impact] of cases) {
      const c = await createComponent(app, { name: `C ${status}` });
      const incident = await createIncident(app, { name: `Impact of ${status}`, components: { [c.id]: status } });
      assert.equal(incident.impact, impact, status);
      assert.equal(incident.impact_override, null, status);
    }
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const worst = await createIncident(app, { name: 'Worst wins', components: { [a.id]: 'degraded_performance', [b.id]: 'partial_outage' } });
    assert.equal(worst.impact, 'major');
  });

  test('impact_override wins over the computed impact, and clearing it restores the computed one', async (t) => {
    const app = await startApp(t);
    const c = await createComponent(app, { name: 'API' });
    const incident = await createIncident(app, { name: 'Override', components: { [c.id]: 'major_outage' }, impact_override: 'minor' });
    assert.equal(incident.impact, 'minor');
    assert.equal(incident.impact_override, 'minor');
    const cleared = await patch(app, incident.id, { impact_override: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.impact, 'critical');
    assert.equal(cleared.body.impact_override, null);
  });

  test('metadata round-trips; a top-level value that is not an object is 422 and creates nothing', async (t) => {
    const app = await startApp(t);
    const metadata = { jira: { issue_id: 'OPS-1' }, pagerduty: { incident: { id: 'P1', urgency: ['high'] } } };
    const incident = await createIncident(app, { name: 'With metadata', metadata });
    assert.deepEqual(incident.metadata, metadata);
    assert.deepEqual((await getIncident(app, incident.id)).metadata, metadata);
    for (const bad of [{ jira: 'OPS-1' }, { jira: ['OPS-1'] }, { jira: null }, 'jira', [{ jira: {} }]]) {
      const res = await post(app, { name: 'Bad metadata', metadata: bad });
      assert.equal(res.status, 422, JSON.stringify(bad));
      assert.equal(typeof res.body.error, 'string');
      assert.match(res.body.error, /metadata/);
    }
    assert.deepEqual(await listIds(app, '/incidents'), [incident.id]);
  });

  test('deliver_notifications defaults to true and false is kept on the first update', async (t) => {
    const app = await startApp(t);
    const quiet = await createIncident(app, { name: 'Quiet', body: 'x', deliver_notifications: false });
    assert.equal(quiet.incident_updates[0].deliver_notifications, false);
    const loud = await createIncident(app, { name: 'Loud', body: 'x' });
    assert.equal(loud.incident_updates[0].deliver_notifications, true);
  });

  test('a backfilled incident is resolved at its backfill_date; a components map makes it 422', async (t) => {
    const app = await startApp(t);
    const c = await createComponent(app, { name: 'API' });
    const incident = await createIncident(app, { name: 'Last week', body: 'Recorded later', backfilled: true, backfill_date: '2026-02-20T08:30:00Z' });
    assert.equal(incident.backfilled, true);
    assert.equal(incident.status, 'resolved');
    assert.equal(incident.started_at, '2026-02-20T08:30:00.000Z');
    assert.equal(incident.resolved_at, '2026-02-20T08:30:00.000Z');
    assert.equal(incident.incident_updates[0].display_at, '2026-02-20T08:30:00.000Z');
    const rejected = await post(app, { name: 'Backfill with components', backfilled: true, backfill_date: '2026-02-20T08:30:00Z', components: { [c.id]: 'major_outage' } });
    assert.equal(rejected.status, 422);
    assert.match(rejected.body.error, /components/);
    assert.equal((await getComponent(app, c.id)).status, 'operational');
    assert.deepEqual(await listIds(app, '/incidents'), [incident.id]);
  });

  test('scheduled_for/scheduled_until make a maintenance: status defaults to scheduled, impact maintenance', async (t) => {
    const app = await startApp(t);
    const res = await post(app, {
      name: 'DB upgrade', body: 'Upgrading', scheduled_for: '2026-03-05T02:00:00Z', scheduled_until: '2026-03-05T04:00:00Z',
      scheduled_remind_prior: true, scheduled_auto_in_progress: true, scheduled_auto_completed: true,
      auto_transition_to_maintenance_state: true, auto_transition_to_operational_state: true,
      auto_transition_deliver_notifications_at_start: true, auto_transition_deliver_notifications_at_end: false,
    });
    assert.equal(res.status, 201, res.text);
    assertShape(res.body, incidentKinds, 'maintenance');
    assert.deepEqual(
      { ...res.body, incident_updates: undefined, id: undefined, shortlink: undefined },
      {
        ...realtimeDefaults, id: undefined, shortlink: undefined, incident_updates: undefined,
        name: 'DB upgrade', status: 'scheduled', impact: 'maintenance', created_at: T0, updated_at: T0, started_at: T0,
        page_id: app.pageId, components: [],
        scheduled_for: '2026-03-05T02:00:00.000Z', scheduled_until: '2026-03-05T04:00:00.000Z',
        scheduled_remind_prior: true, scheduled_auto_in_progress: true, scheduled_auto_completed: true,
        auto_transition_to_maintenance_state: true, auto_transition_to_operational_state: true,
        auto_transition_deliver_notifications_at_start: true, auto_transition_deliver_notifications_at_end: false,
      },
    );
    assert.equal(res.body.incident_updates[0].status, 'scheduled');
  });

  test('a maintenance is 422 when scheduled_until is missing or not later than scheduled_for', async (t) => {
    const app = await startApp(t);
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['until missing', { scheduled_for: '2026-03-05T02:00:00Z' }],
      ['until equal', { scheduled_for: '2026-03-05T02:00:00Z', scheduled_until: '2026-03-05T02:00:00Z' }],
      ['until before', { scheduled_for: '2026-03-05T02:00:00Z', scheduled_until: '2026-03-05T01:00:00Z' }],
      ['for missing', { status: 'scheduled', scheduled_until: '2026-03-05T02:00:00Z' }],
    ];
    for (const [label, fields] of attempts) {
      const res = await post(app, { name: label, ...fields });
      assert.equal(res.status, 422, label);
      assert.match(res.body.error, /scheduled_(until|for)/, label);
    }
    assert.deepEqual(await listIds(app, '/incidents'), []);
  });

  test('a realtime incident defaults to investigating; maintenance statuses on it are 422', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Realtime' });
    assert.equal(incident.status, 'investigating');
    for (const status of ['scheduled', 'in_progress', 'verifying', 'completed']) {
      const res = await patch(app, incident.id, { status });
      assert.equal(res.status, 422, status);
      assert.match(res.body.error, /status/);
    }
    const created = await post(app, { name: 'Bad', status: 'in_progress' });
    assert.equal(created.status, 422);
    const wrongKind = await post(app, { name: 'Bad', status: 'investigating', scheduled_for: '2026-03-05T02:00:00Z', scheduled_until: '2026-03-05T03:00:00Z' });
    assert.equal(wrongKind.status, 422);
    const after = await getIncident(app, incident.id);
    assert.equal(after.status, 'investigating');
    assert.equal(after.incident_updates.length, 1);
  });
});

describe('PATCH /incidents/{id}', () => {
  test('a status change plus a body append exactly one update carrying both', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Outage', body: 'Looking' });
    app.clock.set('2026-03-02T10:05:00.000Z');
    const res = await patch(app, incident.id, { status: 'identified', body: 'Found it' });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'identified');
    assert.equal(res.body.updated_at, '2026-03-02T10:05:00.000Z');
    assert.equal(res.body.incident_updates.length, 2);
    assert.deepEqual(
      [res.body.incident_updates[0].status, res.body.incident_updates[0].body, res.body.incident_updates[0].created_at],
      ['identified', 'Found it', '2026-03-02T10:05:00.000Z'],
    );
  });

  test('a status change alone, or a body alone, appends one update each; message is an alias', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Outage', body: 'Looking' });
    const statusOnly = await patch(app, incident.id, { status: 'identified' });
    assert.equal(statusOnly.body.incident_updates.length, 2);
    assert.deepEqual([statusOnly.body.incident_updates[0].status, statusOnly.body.incident_updates[0].body], ['identified', '']);
    const bodyOnly = await patch(app, incident.id, { body: 'Still working' });
    assert.equal(bodyOnly.body.incident_updates.length, 3);
    assert.deepEqual([bodyOnly.body.incident_updates[0].status, bodyOnly.body.incident_updates[0].body], ['identified', 'Still working']);
    const viaMessage = await patch(app, incident.id, { message: 'Via message' });
    assert.equal(viaMessage.body.incident_updates.length, 4);
    assert.equal(viaMessage.body.incident_updates[0].body, 'Via message');
  });

  test('changing only name, impact_override or metadata (or sending the same status) appends no update', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Before', body: 'Looking' });
    const steps: Array<[Record<string, unknown>, string, unknown]> = [
      [{ name: 'After' }, 'name', 'After'],
      [{ impact_override: 'major' }, 'impact', 'major'],
      [{ metadata: { jira: { issue_id: 'X-1' } } }, 'metadata', { jira: { issue_id: 'X-1' } }],
      [{ status: 'investigating' }, 'status', 'investigating'],
      [{ body: '' }, 'status', 'investigating'],
    ];
    for (const [fields, key, expected] of steps) {
      const res = await patch(app, incident.id, fields);
      assert.equal(res.status, 200, JSON.stringify(fields));
      assert.deepEqual(res.body[key], expected, JSON.stringify(fields));
      assert.equal(res.body.incident_updates.length, 1, JSON.stringify(fields));
    }
  });

  test('monitoring sets monitoring_at, resolving sets resolved_at, reopening clears resolved_at', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Lifecycle' });
    app.clock.set('2026-03-02T10:10:00.000Z');
    const monitoring = (await patch(app, incident.id, { status: 'monitoring' })).body;
    assert.equal(monitoring.monitoring_at, '2026-03-02T10:10:00.000Z');
    assert.equal(monitoring.resolved_at, null);
    app.clock.set('2026-03-02T10:20:00.000Z');
    const resolved = (await patch(app, incident.id, { status: 'resolved', body: 'Fixed' })).body;
    assert.equal(resolved.resolved_at, '2026-03-02T10:20:00.000Z');
    assert.equal(resolved.monitoring_at, '2026-03-02T10:10:00.000Z');
    app.clock.set('2026-03-02T10:30:00.000Z');
    const reopened = (await patch(app, incident.id, { status: 'investigating', body: 'Back again' })).body;
    assert.equal(reopened.status, 'investigating');
    assert.equal(reopened.resolved_at, null);
    app.clock.set('2026-03-02T10:40:00.000Z');
    const again = (await patch(app, incident.id, { status: 'resolved' })).body;
    assert.equal(again.resolved_at, '2026-03-02T10:40:00.000Z');
  });

  test('incident_updates are newest first, and PUT behaves as PATCH', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Order', body: 'one' });
    app.clock.set('2026-03-02T10:01:00.000Z');
    await patch(app, incident.id, { body: 'two' });
    app.clock.set('2026-03-02T10:02:00.000Z');
    const put = await app.api('PUT', `/incidents/${incident.id}`, { incident: { status: 'identified', body: 'three' } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.incident_updates.map((u: { body: string }) => u.body), ['three', 'two', 'one']);
    assert.deepEqual(
      put.body.incident_updates.map((u: { created_at: string }) => u.created_at),
      ['2026-03-02T10:02:00.000Z', '2026-03-02T10:01:00.000Z', T0],
    );
    assert.equal(put.body.status, 'identified');
  });

  test('components in a PATCH change statuses and are recorded on the new update only', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const incident = await createIncident(app, { name: 'Outage', body: 'Looking', components: { [api.id]: 'major_outage' } });
    const res = await patch(app, incident.id, { status: 'monitoring', body: 'Fix deployed', components: { [api.id]: 'operational' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.incident_updates.length, 2);
    assert.deepEqual(res.body.incident_updates[0].affected_components, [{ code: api.id, name: 'API', old_status: 'major_outage', new_status: 'operational' }]);
    assert.deepEqual(res.body.incident_updates[1].affected_components, [{ code: api.id, name: 'API', old_status: 'operational', new_status: 'major_outage' }]);
    assert.equal((await getComponent(app, api.id)).status, 'operational');
  });

  test('an unknown incident is 404 with an error body', async (t) => {
    const app = await startApp(t);
    const res = await patch(app, 'nosuchincide', { name: 'x' });
    assert.equal(res.status, 404);
    assert.equal(typeof res.body.error, 'string');
  });
});

describe('DELETE /incidents/{id}', () => {
  test('returns 200 with the deleted incident; afterwards GET is 404 {"error": ...}', async (t) => {
    const app = await startApp(t);
    const c = await createComponent(app, { name: 'API' });
    const incident = await createIncident(app, { name: 'Doomed', body: 'x', components: { [c.id]: 'partial_outage' } });
    const before = await getIncident(app, incident.id);
    const res = await app.api('DELETE', `/incidents/${incident.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, before);
    const gone = await app.api('GET', `/incidents/${incident.id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(Object.keys(gone.body), ['error']);
    assert.equal(typeof gone.body.error, 'string');
    assert.deepEqual(await listIds(app, '/incidents'), []);
    assert.equal((await app.api('DELETE', `/incidents/${incident.id}`)).status, 404);
  });
});

describe('PATCH /incidents/{id}/incident_updates/{update_id}', () => {
  test('edits body, display_at and deliver_notifications (with or without .json) and nothing else', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'Tune', body: 'Typo heer' });
    const update = incident.incident_updates[0];
    app.clock.set('2026-03-02T11:00:00.000Z');
    const res = await app.api('PATCH', `/incidents/${incident.id}/incident_updates/${update.id}`, {
      incident_update: { body: 'Typo here', display_at: '2026-03-02T09:55:00+01:00', deliver_notifications: false },
    });
    assert.equal(res.status, 200, res.text);
    assertShape(res.body, updateKinds, 'incident_update');
    assert.deepEqual(res.body, {
      ...update, body: 'Typo here', display_at: '2026-03-02T08:55:00.000Z', deliver_notifications: false,
      updated_at: '2026-03-02T11:00:00.000Z',
    });
    const viaJson = await app.api('PUT', `/incidents/${incident.id}/incident_updates/${update.id}.json`, { incident_update: { body: 'Final text' } });
    assert.equal(viaJson.status, 200);
    assert.equal(viaJson.body.body, 'Final text');
    assert.equal(viaJson.body.display_at, '2026-03-02T08:55:00.000Z');
    const after = await getIncident(app, incident.id);
    assert.equal(after.incident_updates.length, 1);
    assert.equal(after.incident_updates[0].body, 'Final text');
    assert.equal(after.status, 'investigating');
  });

  test('is 404 for an unknown update id and for an update of another incident', async (t) => {
    const app = await startApp(t);
    const a = await createIncident(app, { name: 'A', body: 'a' });
    const b = await createIncident(app, { name: 'B', body: 'b' });
    const unknown = await app.api('PATCH', `/incidents/${a.id}/incident_updates/nosuchupdate`, { incident_update: { body: 'x' } });
    assert.equal(unknown.status, 404);
    assert.equal(typeof unknown.body.error, 'string');
    const foreign = await app.api('PATCH', `/incidents/${a.id}/incident_updates/${b.incident_updates[0].id}`, { incident_update: { body: 'hijack' } });
    assert.equal(foreign.status, 404);
    assert.equal((await getIncident(app, b.id)).incident_updates[0].body, 'b');
  });
});

describe('incident lists', () => {
  test('q matches names and update bodies; % and _ are literal', async (t) => {
    const app = await startApp(t);
    const byName = await createIncident(app, { name: 'Database latency', body: 'slow' });
    app.clock.advance(1000);
    const byBody = await createIncident(app, { name: 'Something', body: 'the database is slow' });
    app.clock.advance(1000);
    const pct = await createIncident(app, { name: '100% packet loss' });
    app.clock.advance(1000);
    const plain = await createIncident(app, { name: '1000 packet loss' });
    app.clock.advance(1000);
    const under = await createIncident(app, { name: 'node_a down' });
    app.clock.advance(1000);
    const lookalike = await createIncident(app, { name: 'nodeXa down' });
    const q = (s: string) => listIds(app, `/incidents?q=${encodeURIComponent(s)}`);
    assert.deepEqual(await q('database'), [byBody.id, byName.id]);
    assert.deepEqual(await q('100%'), [pct.id]);
    assert.deepEqual(await q('%'), [pct.id]);
    assert.deepEqual(await q('node_a'), [under.id]);
    assert.deepEqual(await q('packet loss'), [plain.id, pct.id]);
    assert.deepEqual(await q('no such text'), []);
    assert.ok(lookalike.id);
  });

  test('limit, per_page and 1-based page slice the newest-first list', async (t) => {
    const app = await startApp(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await createIncident(app, { name: `Incident ${i}` })).id);
      app.clock.advance(60_000);
    }
    const newestFirst = [...ids].reverse();
    assert.deepEqual(await listIds(app, '/incidents'), newestFirst);
    assert.deepEqual(await listIds(app, '/incidents?limit=2'), newestFirst.slice(0, 2));
    assert.deepEqual(await listIds(app, '/incidents?limit=2&page=1'), newestFirst.slice(0, 2));
    assert.deepEqual(await listIds(app, '/incidents?limit=2&page=2'), newestFirst.slice(2, 4));
    assert.deepEqual(await listIds(app, '/incidents?limit=2&page=3'), newestFirst.slice(4));
    assert.deepEqual(await listIds(app, '/incidents?per_page=3&page=2'), newestFirst.slice(3));
    assert.deepEqual(await listIds(app, '/incidents.json?per_page=3'), newestFirst.slice(0, 3));
  });

  test('limit=abc is 400 with an error body', async (t) => {
    const app = await startApp(t);
    for (const query of ['limit=abc', 'per_page=abc', 'page=abc']) {
      const res = await app.api('GET', `/incidents?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(typeof res.body.error, 'string', query);
    }
  });

  test('unresolved, upcoming, active_maintenance and scheduled each return exactly their incidents', async (t) => {
    const app = await startApp(t);
    const make = async (fields: Record<string, unknown>) => {
      app.clock.advance(1000);
      return (await createIncident(app, fields)).id;
    };
    const window = { scheduled_for: '2026-03-10T02:00:00Z', scheduled_until: '2026-03-10T04:00:00Z' };
    const investigating = await make({ name: 'open 1' });
    const monitoring = await make({ name: 'open 2', status: 'monitoring' });
    const resolved = await make({ name: 'closed', status: 'resolved' });
    const postmortem = await make({ name: 'postmortem', status: 'postmortem' });
    const upcoming = await make({ name: 'upcoming', ...window });
    const inProgress = await make({ name: 'in progress', status: 'in_progress', ...window });
    const verifying = await make({ name: 'verifying', status: 'verifying', ...window });
    const completed = await make({ name: 'completed', status: 'completed', ...window });
    assert.deepEqual(await listIds(app, '/incidents/unresolved'), [monitoring, investigating]);
    assert.deepEqual(await listIds(app, '/incidents/upcoming'), [upcoming]);
    assert.deepEqual(await listIds(app, '/incidents/active_maintenance'), [verifying, inProgress]);
    assert.deepEqual(await listIds(app, '/incidents/scheduled'), [completed, verifying, inProgress, upcoming]);
    assert.deepEqual(await listIds(app, '/incidents/scheduled.json?per_page=1&page=2'), [verifying]);
    assert.deepEqual((await listIds(app, '/incidents')).length, 8);
    assert.ok(resolved && postmortem);
  });
});

describe('time zones', () => {
  test('a time with an offset is stored as its UTC instant; a time without offset is read as UTC', async (t) => {
    const app = await startApp(t);
    const withOffset = await createIncident(app, { name: 'Offset', scheduled_for: '2026-03-05T04:00:00+02:00', scheduled_until: '2026-03-05T06:30:00-05:00' });
    assert.equal(withOffset.scheduled_for, '2026-03-05T02:00:00.000Z');
    assert.equal(withOffset.scheduled_until, '2026-03-05T11:30:00.000Z');
    const naive = await createIncident(app, { name: 'Naive', scheduled_for: '2026-03-05T04:00:00', scheduled_until: '2026-03-05T06:00:00.250' });
    assert.equal(naive.scheduled_for, '2026-03-05T04:00:00.000Z');
    assert.equal(naive.scheduled_until, '2026-03-05T06:00:00.250Z');
    assert.deepEqual((await listIds(app, '/incidents/upcoming')).sort(), [naive.id, withOffset.id].sort());
  });

  test('every ISO-8601 spelling of one instant is stored as the same UTC time, on create and on PATCH', async (t) => {
    const app = await startApp(t);
    const spellings = ['2026-03-05T04:00:00+02:00', '2026-03-05T04:00:00+0200', '2026-03-05 04:00:00+02:00', '2026-03-04T21:00:00-05:00', '2026-03-05T02:00Z', '2026-03-05T02:00:00.000z', '2026-03-05T02:00:00'];
    for (const spelling of spellings) {
      const m = await createIncident(app, { name: spelling, scheduled_for: spelling, scheduled_until: '2026-03-06T00:00:00Z' });
      assert.equal(m.scheduled_for, '2026-03-05T02:00:00.000Z', spelling);
    }
    const m = await createIncident(app, { name: 'Moved', scheduled_for: '2026-03-05T02:00:00Z', scheduled_until: '2026-03-05T03:00:00Z' });
    const moved = await patch(app, m.id, { scheduled_for: '2026-03-05T10:00:00+09:00', scheduled_until: '2026-03-05T05:00:00' });
    assert.equal(moved.status, 200, moved.text);
    assert.deepEqual([moved.body.scheduled_for, moved.body.scheduled_until], ['2026-03-05T01:00:00.000Z', '2026-03-05T05:00:00.000Z']);
  });

  test('every timestamp in incident responses is ISO-8601 with milliseconds and Z', async (t) => {
    const app = await startApp(t);
    app.clock.set('2026-03-02T10:00:00.123+00:00');
    const c = await createComponent(app, { name: 'API' });
    const incident = await createIncident(app, { name: 'Times', body: 'x', components: { [c.id]: 'partial_outage' }, status: 'monitoring' });
    app.clock.advance(1000);
    await patch(app, incident.id, { status: 'resolved', body: 'done' });
    app.clock.advance(1000);
    await createIncident(app, { name: 'Maint', scheduled_for: '2026-03-05T04:00:00+05:30', scheduled_until: '2026-03-05T05:00:00Z' });
    const list = (await app.api('GET', '/incidents')).body;
    let checked = 0;
    const walk = (value: unknown, path: string): void => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === 'object') {
        for (const [key, v] of Object.entries(value)) {
          if (/(_at|_for|_until)$/.test(key) && v !== null) {
            assert.ok(typeof v === 'string' && isoMs.test(v), `${path}.${key} = ${JSON.stringify(v)}`);
            checked += 1;
          } else walk(v, `${path}.${key}`);
        }
      }
    };
    walk(list, 'incidents');
    assert.ok(checked >= 20, `checked ${checked} timestamps`);
    assert.equal(list[1].created_at, '2026-03-02T10:00:00.123Z');
    assert.equal(list[1].resolved_at, '2026-03-02T10:00:01.123Z');
    assert.equal(list[0].scheduled_for, '2026-03-04T22:30:00.000Z');
  });
});

describe('atomicity', () => {
  test('a create naming one unknown component id is 422 naming it and writes no incident, status change or event', async (t) => {
    const app = await startApp(t);
    const known = await createComponent(app, { name: 'API' });
    const eventsBefore = app.herald.db.select().from(events).all().length;
    const changesBefore = app.herald.db.select().from(componentStatusChanges).all().length;
    for (const field of ['components', 'component_ids'] as const) {
      const value = field === 'components' ? { [known.id]: 'major_outage', ghostcompnt1: 'major_outage' } : [known.id, 'ghostcompnt1'];
      const res = await post(app, { name: 'Half valid', body: 'x', [field]: value, ...(field === 'component_ids' ? { components: { [known.id]: 'partial_outage' } } : {}) });
      assert.equal(res.status, 422, field);
      assert.equal(typeof res.body.error, 'string');
      assert.match(res.body.error, /ghostcompnt1/, field);
    }
    assert.deepEqual(await listIds(app, '/incidents'), []);
    assert.equal((await getComponent(app, known.id)).status, 'operational');
    assert.equal(app.herald.db.select().from(componentStatusChanges).all().length, changesBefore);
    assert.equal(app.herald.db.select().from(events).all().length, eventsBefore);
  });
});
