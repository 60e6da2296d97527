import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAuditLog } from '../../src/admin/audit-log.js';
import { assertFieldError, startConsole } from './console.js';

const audit = (c: Awaited<ReturnType<typeof startConsole>>) => listAuditLog(c.app.herald.db, { limit: 100, offset: 0 });

describe('console: page settings', () => {
  test('saving the settings changes name, URL, time zone, allowed subscriptions and From address, and is audited', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    const form = await s.get('/admin/settings');
    assert.match(form.html, /id="settings-time_zone" name="time_zone" value="Etc\/UTC" list="time-zones"/);
    assert.match(form.html, /id="settings-allow_email_subscribers" name="allow_email_subscribers" value="true" checked/);
    const res = await s.post('/admin/settings', {
      name: 'Acme status', url: 'https://status.acme.test', time_zone: 'Europe/Berlin',
      allow_email_subscribers: true, allow_incident_subscribers: true, notifications_from_email: 'status@acme.test',
    });
    assert.equal(res.status, 303);
    assert.equal(res.location, '/admin/settings?notice=settings-saved');
    const page = (await c.app.api('GET', '')).body;
    assert.deepEqual(
      [page.name, page.url, page.time_zone, page.allow_email_subscribers, page.allow_webhook_subscribers, page.allow_incident_subscribers, page.notifications_from_email],
      ['Acme status', 'https://status.acme.test', 'Europe/Berlin', true, false, true, 'status@acme.test'],
    );
    const row = audit(c)[0]!;
    assert.deepEqual([row.action, row.targetId, row.details?.['time_zone']], ['page.update', c.app.pageId, 'Europe/Berlin']);
    assert.match((await s.get('/admin/audit')).html, /2026-03-02 11:00 Europe\/Berlin/, 'the console shows times in the new zone');
  });

  test('empty URL and From address clear them', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    await s.post('/admin/settings', { name: 'Status', url: 'https://a.test', time_zone: 'Etc/UTC', notifications_from_email: 'a@a.test' });
    await s.post('/admin/settings', { name: 'Status', url: '', time_zone: 'Etc/UTC', notifications_from_email: '' });
    const page = (await c.app.api('GET', '')).body;
    assert.deepEqual([page.url, page.notifications_from_email], ['http://status.test', null]);
  });

  test('each settings error is shown next to its field, the input kept and nothing saved', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    const good = { name: 'Kept name', url: 'https://status.acme.test', time_zone: 'Europe/Berlin', notifications_from_email: 'status@acme.test' };
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ name: '' }, 'settings-name', /^Page name must not be blank\.$/],
      [{ url: 'ftp://files.acme.test' }, 'settings-url', /^Page URL must be an http\(s\) URL\.$/],
      [{ time_zone: 'Mars/Olympus' }, 'settings-time_zone', /^Time zone must be an IANA time zone such as Europe\/Berlin or Etc\/UTC\.$/],
      [{ notifications_from_email: 'not-an-address' }, 'settings-notifications_from_email', /^From address must be an email address\.$/],
    ];
    for (const [override, id, message] of cases) {
      const res = await s.post('/admin/settings', { ...good, ...override });
      assert.equal(res.status, 422, id);
      assertFieldError(res.html, id, message);
      if (id !== 'settings-name') assert.match(res.html, /id="settings-name" name="name" value="Kept name"/);
    }
    assert.equal((await c.app.api('GET', '')).body.name, 'Status');
  });
});

describe('console: API keys', () => {
  test('creating a key shows it once; it works against the manage API; only its prefix is audited', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    const res = await s.post('/admin/api-keys', { name: 'deploy bot' });
    assert.equal(res.status, 201);
    const key = /<p class="secret" id="new-key">(hk_[\w-]+)<\/p>/.exec(res.html)?.[1];
    assert.ok(key, 'the new key is on the page');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const api = await c.app.fetch(`/api/v1/pages/${c.app.pageId}`, { headers: { authorization: `OAuth ${key}` } });
    assert.equal(api.status, 200);
    const list = await s.get('/admin/api-keys');
    assert.ok(!list.html.includes(key), 'the key is never shown again');
    assert.match(list.html, new RegExp(`<td>deploy bot</td>\\s*<td><code>${key.slice(0, 7)}…</code>`));
    const row = audit(c)[0]!;
    assert.deepEqual([row.action, row.details], ['api_key.create', { name: 'deploy bot', prefix: key.slice(0, 7) }]);
    assert.ok(!JSON.stringify(audit(c)).includes(key), 'the audit log never holds a key');
  });

  test('revoking a key turns it off and is audited', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    const key = /id="new-key">(hk_[\w-]+)</.exec((await s.post('/admin/api-keys', { name: 'temp' })).html)![1]!;
    const ids = [...(await s.get('/admin/api-keys')).html.matchAll(/action="\/admin\/api-keys\/([a-z0-9]{12})\/revoke"/g)].map((m) => m[1]);
    assert.equal(ids.length, 2, 'both the first-start key and the new one can be revoked');
    const tempId = c.app.herald.db.$client.prepare('select id from api_keys where name = ?').pluck().get('temp') as string;
    const res = await s.post(`/admin/api-keys/${tempId}/revoke`);
    assert.equal(res.location, '/admin/api-keys?notice=key-revoked');
    const api = await c.app.fetch(`/api/v1/pages/${c.app.pageId}`, { headers: { authorization: `OAuth ${key}` } });
    assert.equal(api.status, 401);
    assert.match((await s.get('/admin/api-keys')).html, /<td>Revoked 2026-03-02 10:00 Etc\/UTC<\/td>/);
    assert.deepEqual([audit(c)[0]!.action, audit(c)[0]!.targetId], ['api_key.revoke', tempId]);
    assert.equal((await s.post(`/admin/api-keys/${tempId}/revoke`)).status, 404, 'revoking twice is a 404 page');
  });

  test('a key without a name is refused with the error next to the name field', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    const res = await s.post('/admin/api-keys', { name: '  ' });
    assert.equal(res.status, 422);
    assertFieldError(res.html, 'new-key-name', /^Name must not be blank\.$/);
    assert.doesNotMatch(res.html, /class="secret"/);
  });
});
