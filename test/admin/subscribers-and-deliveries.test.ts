import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAuditLog } from '../../src/admin/audit-log.js';
import { createIncident } from '../helpers/app.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { plain, startConsole } from './console.js';

const lastAudit = (c: Awaited<ReturnType<typeof startConsole>>) => listAuditLog(c.app.herald.db, { limit: 1, offset: 0 })[0]!;
// One attempt only, so a refused webhook is failed at once.
const loopback = { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', OUTBOX_RETRY_SCHEDULE: '0s' };

async function withSubscribers(t: Parameters<typeof startConsole>[0]) {
  const receiver = await startWebhookReceiver(t);
  const c = await startConsole(t, { env: loopback });
  const email = (await c.app.api('POST', '/subscribers', { subscriber: { email: 'ops@example.com' } })).body;
  const hook = (await c.app.api('POST', '/subscribers', { subscriber: { email: 'hooks@example.com', endpoint: receiver.url } })).body;
  return { c, s: await c.login(), email, hook, receiver };
}

const rowsOf = (html: string) => (html.match(/<tbody>[\s\S]*?<\/tbody>/)?.[0].match(/<tr>[\s\S]*?<\/tr>/g) ?? []).map(plain);

describe('console: subscribers', () => {
  test('the list shows active subscribers by default, filters by state and searches addresses', async (t) => {
    const { s, receiver } = await withSubscribers(t);
    const all = rowsOf((await s.get('/admin/subscribers')).html);
    assert.equal(all.length, 2);
    assert.ok(all.some((r) => r.startsWith(`${receiver.url} contact hooks@example.com webhook Active`)), all.join('\n'));
    const found = rowsOf((await s.get('/admin/subscribers?state=all&q=ops%40')).html);
    assert.deepEqual(found.map((r) => r.split(' ')[0]), ['ops@example.com']);
    assert.deepEqual(rowsOf((await s.get('/admin/subscribers?state=quarantined')).html), []);
    assert.match((await s.get('/admin/subscribers?state=nonsense')).html, /aria-current="page">Active</, 'an unknown state shows the active ones');
  });

  test('unsubscribe and reactivate change the state, keep the filters, and are audited', async (t) => {
    const { c, s, email } = await withSubscribers(t);
    const out = await s.post(`/admin/subscribers/${email.id}/unsubscribe`, { state: 'active', q: 'ops' });
    assert.equal(out.status, 303);
    assert.equal(out.location, '/admin/subscribers?state=active&q=ops&notice=unsubscribed');
    assert.equal((await c.app.api('GET', `/subscribers/${email.id}`)).body.state, 'unsubscribed');
    assert.deepEqual([lastAudit(c).action, lastAudit(c).targetId, lastAudit(c).details], ['subscriber.unsubscribe', email.id, { mode: 'email', state: 'unsubscribed' }]);
    const listed = await s.get('/admin/subscribers?state=unsubscribed');
    assert.match(listed.html, new RegExp(`action="/admin/subscribers/${email.id}/reactivate"`));
    assert.doesNotMatch(listed.html, new RegExp(`action="/admin/subscribers/${email.id}/unsubscribe"`));
    await s.post(`/admin/subscribers/${email.id}/reactivate`, { state: 'unsubscribed' });
    assert.equal((await c.app.api('GET', `/subscribers/${email.id}`)).body.state, 'active');
    assert.deepEqual([lastAudit(c).action, lastAudit(c).targetId], ['subscriber.reactivate', email.id]);
  });

  test('an unknown subscriber is a 404 page and nothing is audited', async (t) => {
    const { c, s } = await withSubscribers(t);
    const res = await s.post('/admin/subscribers/nosuchsubscr/unsubscribe');
    assert.equal(res.status, 404);
    assert.equal(lastAudit(c).action, 'session.login');
  });
});

describe('console: deliveries', () => {
  test('failed deliveries come first with their attempts; retry makes one due again and is audited', async (t) => {
    const { c, s, receiver } = await withSubscribers(t);
    receiver.respondWith(400, {}, 'no thanks');
    await createIncident(c.app, { name: 'Outage', body: 'Looking' });
    assert.equal(await c.app.herald.worker.runOnce(), 2);
    const list = await s.get('/admin/deliveries');
    const rows = rowsOf(list.html);
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, new RegExp(`^\\d+ incident.created .* webhook: ${receiver.url.replace(/[.]/g, '\\.')} Failed 1 HTTP 400`));
    assert.match(rows[1]!, /email: ops@example\.com Delivered 1/);
    const id = /^(\d+)/.exec(rows[0]!)![1]!;
    const detail = await s.get(`/admin/deliveries/${id}`);
    assert.match(plain(detail.html), /1 2026-03-02 10:00 Etc\/UTC \d+ ms 400 .*no thanks/);

    receiver.respondWith(204);
    const retried = await s.post(`/admin/deliveries/${id}/retry`);
    assert.equal(retried.location, `/admin/deliveries/${id}?notice=retried`);
    assert.equal((await c.app.api('GET', `/deliveries/${id}`)).body.state, 'pending');
    assert.deepEqual([lastAudit(c).action, lastAudit(c).targetId], ['delivery.retry', id]);
    assert.equal(await c.app.herald.worker.runOnce(), 1);
    assert.equal((await c.app.api('GET', `/deliveries/${id}`)).body.state, 'delivered');
    assert.doesNotMatch((await s.get(`/admin/deliveries/${id}`)).html, /Retry now/, 'a delivered one offers no retry');
  });

  test('the list filters by state; retrying a delivered one is a 409 page', async (t) => {
    const { c, s } = await withSubscribers(t);
    await createIncident(c.app, { name: 'Outage', body: 'Looking' });
    await c.app.herald.worker.runOnce();
    const delivered = rowsOf((await s.get('/admin/deliveries?state=delivered')).html);
    assert.equal(delivered.length, 2);
    assert.deepEqual(rowsOf((await s.get('/admin/deliveries?state=failed')).html), []);
    const id = /^(\d+)/.exec(delivered[0]!)![1]!;
    const res = await s.post(`/admin/deliveries/${id}/retry`);
    assert.equal(res.status, 409);
    assert.match(res.html, /only failed, held or cancelled deliveries can be retried/);
  });
});

describe('console: audit log', () => {
  test('the audit log page lists who did what, newest first', async (t) => {
    const { s } = await withSubscribers(t);
    await s.post('/admin/components', { name: 'API', status: 'operational' });
    const rows = rowsOf((await s.get('/admin/audit')).html);
    assert.match(rows[0]!, /^2026-03-02 10:00 Etc\/UTC admin component\.create component [a-z0-9]{12} \{"name":"API","status":"operational","group_id":null\}$/);
    assert.match(rows[1]!, /admin session\.login admin_user admin/);
    assert.match(rows.at(-1)!, /system admin_user\.create admin_user admin/);
  });
});
