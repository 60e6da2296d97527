import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAuditLog } from '../../src/admin/audit-log.js';
import { listApiKeys } from '../../src/api-keys/manage-api-keys.js';
import { createComponent, createIncident } from '../helpers/app.js';
import { startConsole, type TestConsole } from './console.js';

/** A console with one of everything, so each form has something real to change. */
async function seeded(t: Parameters<typeof startConsole>[0]) {
  const c = await startConsole(t);
  const api = await createComponent(c.app, { name: 'API' });
  const web = await createComponent(c.app, { name: 'Web' });
  const subscriber = (await c.app.api('POST', '/subscribers', { subscriber: { email: 'ops@example.com' } })).body;
  const incident = await createIncident(c.app, { name: 'Slow', body: 'Looking', components: { [api.id]: 'degraded_performance' } });
  const s = await c.login();
  const key = await s.post('/admin/api-keys', { name: 'bot' });
  assert.equal(key.status, 201);
  const keyId = listApiKeys(c.app.herald.db)[0]!.id;
  return { c, s, api, web, incident, subscriber, keyId };
}

/** Everything a console form could change, read through the API and the database. */
async function state(c: TestConsole) {
  const [components, incidents, page, subscribers] = await Promise.all(
    ['/components', '/incidents', '', '/subscribers?state=all'].map(async (path) => (await c.app.api('GET', path)).body),
  );
  return { components, incidents, page, subscribers, keys: listApiKeys(c.app.herald.db), audit: listAuditLog(c.app.herald.db, { limit: 1000, offset: 0 }).length };
}

function posts(x: Awaited<ReturnType<typeof seeded>>): Array<[string, Record<string, string>]> {
  const update = x.incident.incident_updates[0].id;
  return [
    ['/admin/components', { name: 'New', status: 'operational' }],
    [`/admin/components/${x.api.id}`, { name: 'Renamed', status: 'major_outage', group_id: '' }],
    [`/admin/components/${x.web.id}/move`, { direction: 'up' }],
    ['/admin/component-groups', { name: 'Group', components: x.api.id }],
    ['/admin/incidents', { name: 'Forged', status: 'investigating', message: 'x', deliver_notifications: 'true' }],
    [`/admin/incidents/${x.incident.id}`, { name: 'Forged name', status: 'identified', message: 'forged' }],
    [`/admin/incidents/${x.incident.id}/resolve`, { message: 'forged', restore_components: 'true' }],
    [`/admin/incidents/${x.incident.id}/updates/${update}`, { message: 'forged text' }],
    ['/admin/maintenance', { name: 'Forged', scheduled_for: '2026-04-01T10:00', scheduled_until: '2026-04-01T11:00' }],
    ['/admin/settings', { name: 'Forged page', time_zone: 'Etc/UTC' }],
    ['/admin/api-keys', { name: 'forged key' }],
    [`/admin/api-keys/${x.keyId}/revoke`, {}],
    [`/admin/subscribers/${x.subscriber.id}/unsubscribe`, {}],
    [`/admin/subscribers/${x.subscriber.id}/reactivate`, {}],
    ['/admin/deliveries/1/retry', {}],
    ['/admin/logout', {}],
  ];
}

describe('console CSRF protection', () => {
  test('every console form post without the session\'s CSRF token is refused with 403 and changes nothing', async (t) => {
    const x = await seeded(t);
    const before = await state(x.c);
    for (const [path, fields] of posts(x)) {
      for (const csrf of [null, '', 'not-the-token', x.s.csrf.slice(0, -1)]) {
        const res = await x.s.post(path, fields, { csrf });
        assert.equal(res.status, 403, `${path} with ${JSON.stringify(csrf)}`);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(res.html, /did not come from your current console session/);
      }
    }
    assert.deepEqual(await state(x.c), before);
    assert.equal((await x.s.get('/admin/incidents')).status, 200, 'the refused logout did not log out');
  });

  test('another session\'s token is refused too', async (t) => {
    const x = await seeded(t);
    const other = await x.c.login();
    const res = await x.s.post('/admin/components', { name: 'New', status: 'operational' }, { csrf: other.csrf });
    assert.equal(res.status, 403);
    assert.deepEqual((await x.c.app.api('GET', '/components')).body.map((c: any) => c.name), ['API', 'Web']);
  });

  test('a JSON body cannot stand in for the form', async (t) => {
    const x = await seeded(t);
    const res = await x.c.app.fetch('/admin/components', {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: x.s.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ _csrf: x.s.csrf, name: 'New', status: 'operational' }),
    });
    assert.equal(res.status, 403);
  });

  test('every post form on every console page carries the session\'s CSRF token', async (t) => {
    const x = await seeded(t);
    const update = x.incident.incident_updates[0].id;
    const pages = [
      '/admin/incidents', '/admin/incidents/new', `/admin/incidents/${x.incident.id}`, `/admin/incidents/${x.incident.id}/updates/${update}`,
      '/admin/maintenance', '/admin/maintenance/new', '/admin/components', '/admin/settings', '/admin/api-keys',
      '/admin/subscribers', '/admin/deliveries', '/admin/deliveries/1', '/admin/audit',
    ];
    let forms = 0;
    for (const path of pages) {
      const page = await x.s.get(path);
      assert.equal(page.status, 200, path);
      for (const form of page.html.match(/<form [^>]*method="post"[\s\S]*?<\/form>/g) ?? []) {
        forms += 1;
        assert.ok(form.includes(`<input type="hidden" name="_csrf" value="${x.s.csrf}">`), `${path}: ${form.slice(0, 120)}`);
      }
    }
    assert.ok(forms >= 20, `checked ${forms} forms`);
  });
});
