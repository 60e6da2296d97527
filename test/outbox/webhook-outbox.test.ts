import assert from 'node:assert/strict';
import type { lookup as dnsLookup } from 'node:dns';
import { describe, test, type TestContext } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createWebhookChannel } from '../../src/channels/webhook.js';
import { loadConfig } from '../../src/config.js';
import { createHerald } from '../../src/herald.js';
import { silentLogger } from '../../src/logger.js';
import { createAddressPolicy, parseCidrList } from '../../src/net/address-policy.js';
import { createClaimStatements } from '../../src/outbox/claim.js';
import { pruneDeliveries } from '../../src/outbox/prune.js';
import { recordResult } from '../../src/outbox/record-result.js';
import { createComponent, createIncident, startApp, type TestApp } from '../helpers/app.js';
import { manualClock, type ManualClock } from '../helpers/clock.js';
import { startSmtpServer } from '../helpers/smtp-server.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const loopback = { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', SMTP_RATE_LIMIT: '0' };

/**
 * The SMTP sink is started before the app (the app needs its URL), but must close after it:
 * node:test runs after-hooks in registration order, and smtp-server waits up to 30 s for the
 * app's pooled connection. So its close is registered once the app's is.
 */
function deferredContext(t: TestContext) {
  const hooks: Array<() => unknown> = [];
  const ctx = { after: (fn: () => unknown) => void hooks.push(fn) } as unknown as TestContext;
  return { ctx, register: () => t.after(async () => { for (const hook of hooks) await hook(); }) };
}

/** A ManualClock that follows real time (for tests that run the worker's own loop). */
function realtimeClock(): ManualClock {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), set: (at) => void (offset = new Date(at).getTime() - Date.now()), advance: (ms) => void (offset += ms) };
}

async function setup(t: TestContext, env: Record<string, string> = {}, clock: ManualClock = manualClock(new Date())) {
  const deferred = deferredContext(t);
  const smtp = await startSmtpServer(deferred.ctx);
  // The clock starts at the real time: receivers check webhook-timestamp against their own clock.
  const app = await startApp(t, { clock, env: { ...loopback, SMTP_URL: smtp.url, ...env } });
  deferred.register();
  const receiver = await startWebhookReceiver(t);
  const subscriber = await subscribe(app, { email: 'ops@example.com', endpoint: receiver.url });
  return { app, smtp, receiver, subscriber, secret: subscriber.secret as string };
}

async function subscribe(app: TestApp, fields: Record<string, unknown>): Promise<any> {
  const res = await app.api('POST', '/subscribers', { subscriber: fields });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

const verify = (secret: string, hook: ReceivedWebhook) => new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as any;
const deliveriesOf = async (app: TestApp, query = '') => (await app.api('GET', `/deliveries${query}`)).body as any[];
const onlyDelivery = async (app: TestApp, subscriberId?: string) => {
  const rows = await deliveriesOf(app, subscriberId ? `?subscriber_id=${subscriberId}` : '');
  assert.equal(rows.length, 1, JSON.stringify(rows));
  return (await app.api('GET', `/deliveries/${rows[0].id}`)).body;
};
const eventTypes = async (app: TestApp, subscriberId: string) =>
  (await deliveriesOf(app, `?subscriber_id=${subscriberId}`)).map((d) => d.event_type).sort();

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('webhook envelopes', () => {
  test('an incident event is Statuspage’s envelope: meta, page, incident, with generated_at the event time', async (t) => {
    const { app, receiver, secret } = await setup(t);
    const createdAt = app.clock.now().toISOString();
    const incident = await createIncident(app, { name: 'API errors', body: 'Investigating' });
    app.clock.advance(5_000);
    assert.equal(await app.herald.worker.runOnce(), 1);
    const payload = verify(secret, await receiver.nextRequest());
    assert.deepEqual(Object.keys(payload), ['meta', 'page', 'incident']);
    const [row] = await deliveriesOf(app);
    assert.deepEqual(payload.meta, {
      unsubscribe: payload.meta.unsubscribe,
      documentation: 'http://status.test/webhooks',
      generated_at: createdAt,
      event_type: 'incident.created',
      event_id: row.event_id,
    });
    assert.match(payload.meta.unsubscribe, /^http:\/\/status\.test\/subscriptions\/unsubscribe\/[a-z0-9]{12}\.[\w-]{20,}$/);
    assert.equal(payload.incident.id, incident.id);
    assert.equal(payload.incident.name, 'API errors');
    assert.equal(payload.incident.status, 'investigating');

    await app.api('PATCH', `/incidents/${incident.id}`, { incident: { status: 'identified', body: 'Found it' } });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const update = verify(secret, await receiver.nextRequest());
    assert.equal(update.meta.event_type, 'incident.updated');
    assert.deepEqual(update.incident.incident_updates.map((u: any) => u.body), ['Found it', 'Investigating']);
    assert.equal(update.meta.unsubscribe, payload.meta.unsubscribe);
  });

  test('a component status change reaches webhook subscribers as component + component_update, never email subscribers', async (t) => {
    const { app, smtp, receiver, secret } = await setup(t);
    const api = await createComponent(app, { name: 'API' });
    const reader = await subscribe(app, { email: 'reader@example.com' });
    assert.equal(await app.herald.worker.runOnce(), 0, 'creating an operational component notifies nobody');
    const changed = await app.api('PATCH', `/components/${api.id}`, { component: { status: 'major_outage' } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(await app.herald.worker.runOnce(), 1);
    const payload = verify(secret, await receiver.nextRequest());
    assert.deepEqual(Object.keys(payload), ['meta', 'page', 'component', 'component_update']);
    assert.equal(payload.meta.event_type, 'component.status_changed');
    assert.deepEqual(payload.page, { id: app.pageId, status_indicator: 'critical', status_description: 'Major Service Outage' });
    assert.equal(payload.component.id, api.id);
    assert.equal(payload.component.status, 'major_outage');
    assert.equal(payload.component_update.old_status, 'operational');
    assert.equal(payload.component_update.new_status, 'major_outage');
    assert.equal(payload.component_update.component_id, api.id);
    assert.deepEqual(await deliveriesOf(app, `?subscriber_id=${reader.id}`), []);

    // An incident that changes the component: the webhook hears both, the mailbox only the incident.
    await createIncident(app, { name: 'Recovering', body: 'x', components: { [api.id]: 'partial_outage' } });
    assert.equal(await app.herald.worker.runOnce(), 3);
    assert.deepEqual(await eventTypes(app, reader.id), ['incident.created']);
    const [mail] = await smtp.waitFor(1);
    assert.deepEqual(mail!.to, ['reader@example.com']);
    assert.match(mail!.parsed.subject ?? '', /Recovering/);
    assert.equal(receiver.received.length, 3);
  });
});

describe('scoping', () => {
  test('a subscriber scoped to component B never hears about an incident touching only A', async (t) => {
    const { app, subscriber } = await setup(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    const other = await startWebhookReceiver(t);
    const scoped = await subscribe(app, { email: 'b@example.com', endpoint: other.url, component_ids: [b.id] });
    await createIncident(app, { name: 'Only A', body: 'x', component_ids: [a.id] });
    await createIncident(app, { name: 'A breaks', body: 'x', components: { [a.id]: 'major_outage' } });
    await app.herald.worker.runOnce();
    assert.deepEqual(await eventTypes(app, scoped.id), []);
    assert.equal(other.received.length, 0);
    assert.deepEqual(await eventTypes(app, subscriber.id), ['component.status_changed', 'incident.created', 'incident.created']);

    const incidentB = await createIncident(app, { name: 'B too', body: 'x', component_ids: [b.id] });
    await app.herald.worker.runOnce();
    assert.deepEqual(await eventTypes(app, scoped.id), ['incident.created']);
    assert.equal(JSON.parse((await other.nextRequest()).body).incident.id, incidentB.id);
  });

  test('a subscriber of a group hears about its components, including one added after subscribing', async (t) => {
    const { app } = await setup(t);
    const a = await createComponent(app, { name: 'A' });
    const c = await createComponent(app, { name: 'C' });
    const group = await app.api('POST', '/component-groups', { component_group: { name: 'G', components: [a.id] } });
    assert.equal(group.status, 201, group.text);
    const other = await startWebhookReceiver(t);
    const scoped = await subscribe(app, { email: 'g@example.com', endpoint: other.url, component_ids: [group.body.id] });

    await createIncident(app, { name: 'On A', body: 'x', component_ids: [a.id] });
    await createIncident(app, { name: 'On C before joining', body: 'x', component_ids: [c.id] });
    await app.herald.worker.runOnce();
    assert.deepEqual(await eventTypes(app, scoped.id), ['incident.created']);

    assert.equal((await app.api('PATCH', `/components/${c.id}`, { component: { group_id: group.body.id } })).status, 200);
    await createIncident(app, { name: 'On C after joining', body: 'x', component_ids: [c.id] });
    await app.api('PATCH', `/components/${c.id}`, { component: { status: 'degraded_performance' } });
    await app.herald.worker.runOnce();
    await app.herald.worker.runOnce();
    assert.deepEqual(await eventTypes(app, scoped.id), ['component.status_changed', 'incident.created', 'incident.created']);
    const names = other.received.map((r) => JSON.parse(r.body)).map((p) => p.incident?.name ?? `component ${p.component.name}`);
    assert.deepEqual(names.sort(), ['On A', 'On C after joining', 'component C']);
  });

  test('an incident-scoped subscriber hears only about that incident', async (t) => {
    const { app } = await setup(t);
    const first = await createIncident(app, { name: 'Followed', body: 'x' });
    const second = await createIncident(app, { name: 'Not followed', body: 'x' });
    await app.herald.worker.runOnce();
    const other = await startWebhookReceiver(t);
    const scoped = await subscribe(app, { email: 'i@example.com', endpoint: other.url, incident_id: first.id });
    assert.equal(scoped.incident_id, first.id);

    await app.api('PATCH', `/incidents/${second.id}`, { incident: { status: 'identified', body: 'y' } });
    await createIncident(app, { name: 'Third', body: 'x' });
    await app.api('PATCH', `/incidents/${first.id}`, { incident: { status: 'resolved', body: 'Fixed' } });
    await app.herald.worker.runOnce();
    assert.deepEqual(await eventTypes(app, scoped.id), ['incident.resolved']);
    const payload = JSON.parse((await other.nextRequest()).body);
    assert.equal(payload.incident.id, first.id);
    assert.equal(other.received.length, 1);
  });

  test('deliver_notifications: false notifies nobody, for a new incident and for an update', async (t) => {
    const { app, smtp, receiver } = await setup(t);
    const a = await createComponent(app, { name: 'A' });
    await subscribe(app, { email: 'reader@example.com' });
    const quiet = await createIncident(app, { name: 'Quiet', body: 'x', deliver_notifications: false, components: { [a.id]: 'major_outage' } });
    await app.api('PATCH', `/incidents/${quiet.id}`, { incident: { status: 'resolved', body: 'done', deliver_notifications: false } });
    assert.equal(await app.herald.worker.runOnce(), 0);
    assert.deepEqual(await deliveriesOf(app), []);
    assert.equal(receiver.received.length, 0);
    assert.equal(smtp.inbox.length, 0);
    await app.api('PATCH', `/incidents/${quiet.id}`, { incident: { body: 'postscript' } });
    assert.equal((await deliveriesOf(app)).length, 2, 'without the flag the next update notifies both subscribers');
  });
});

describe('retries and failures', () => {
  test('a failed attempt is not due before its jittered delay and is due from then on', async (t) => {
    const { app, receiver } = await setup(t, { OUTBOX_RETRY_SCHEDULE: '0s,10s,1m' });
    receiver.respondWith(500);
    const t0 = app.clock.now().getTime();
    await createIncident(app, { name: 'Flaky', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const n1 = Date.parse((await onlyDelivery(app)).next_attempt_at);
    assert.ok(n1 >= t0 + 8_000 && n1 <= t0 + 12_000, `second attempt ${n1 - t0} ms after the first, want 10 s ± 20 %`);
    app.clock.set(new Date(n1 - 1));
    assert.equal(await app.herald.worker.runOnce(), 0);
    app.clock.set(new Date(n1));
    assert.equal(await app.herald.worker.runOnce(), 1);
    const n2 = Date.parse((await onlyDelivery(app)).next_attempt_at);
    assert.ok(n2 >= n1 + 48_000 && n2 <= n1 + 72_000, `third attempt ${n2 - n1} ms after the second, want 1 m ± 20 %`);
    app.clock.set(new Date(n2 - 1));
    assert.equal(await app.herald.worker.runOnce(), 0);
    app.clock.set(new Date(n2));
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal(receiver.received.length, 3);
  });

  test('Retry-After is honoured when longer than the schedule and capped at one hour', async (t) => {
    const { app, receiver } = await setup(t, { OUTBOX_RETRY_SCHEDULE: '0s,10s,1m,5m' });
    receiver.queue({ kind: 'status', status: 503, headers: { 'retry-after': '120' } }, { kind: 'status', status: 429, headers: { 'retry-after': '7200' } });
    await createIncident(app, { name: 'Busy', body: 'x' });
    const t0 = app.clock.now().getTime();
    await app.herald.worker.runOnce();
    const first = await onlyDelivery(app);
    assert.equal(first.next_attempt_at, new Date(t0 + 120_000).toISOString());
    assert.equal(first.last_status_code, 503);
    app.clock.set(new Date(t0 + 120_000));
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal((await onlyDelivery(app)).next_attempt_at, new Date(t0 + 120_000 + 3_600_000).toISOString());
  });

  test('a 3xx is a failed attempt and its redirect is not followed', async (t) => {
    const { app, receiver } = await setup(t);
    const target = await startWebhookReceiver(t);
    receiver.respondWith(302, { location: target.url });
    await createIncident(app, { name: 'Moved', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const row = await onlyDelivery(app);
    assert.equal(row.state, 'pending');
    assert.equal(row.last_status_code, 302);
    assert.equal(row.last_error, 'HTTP 302 (redirects are not followed; update the endpoint URL)');
    assert.equal(receiver.received.length, 1);
    assert.equal(target.received.length, 0, 'the Location target receives nothing');
  });

  test('a hanging receiver fails after WEBHOOK_TIMEOUT_MS with an error naming the timeout', async (t) => {
    const { app, receiver } = await setup(t, { WEBHOOK_TIMEOUT_MS: '300' });
    receiver.queue({ kind: 'hang' });
    await createIncident(app, { name: 'Slow', body: 'x' });
    const started = Date.now();
    assert.equal(await app.herald.worker.runOnce(), 1);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 290 && elapsed < 2_000, `the attempt took ${elapsed} ms`);
    const row = await onlyDelivery(app);
    assert.equal(row.state, 'pending');
    assert.equal(row.last_error, 'no 2xx answer within 300 ms');
    assert.equal(row.attempts.length, 1);
    assert.equal(row.attempts[0].error, 'no 2xx answer within 300 ms');
    assert.equal(row.attempts[0].status_code, null);
    assert.equal(receiver.received.length, 1, 'a request whose outcome is unknown is not resent within the attempt');
  });

  test('a connection reset is a failed attempt, retried on the schedule', async (t) => {
    const { app, receiver } = await setup(t, { OUTBOX_RETRY_SCHEDULE: '0s,10s' });
    receiver.queue({ kind: 'reset' });
    await createIncident(app, { name: 'Reset', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const row = await onlyDelivery(app);
    assert.equal(row.state, 'pending');
    assert.match(row.last_error, /^ECONNRESET: socket hang up$/);
    assert.equal(row.last_status_code, null);
    assert.equal(receiver.received.length, 1);
    app.clock.advance(12_001);
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal((await onlyDelivery(app)).state, 'delivered');
  });

  for (const [status, state] of [[200, 'delivered'], [500, 'pending']] as const) {
    test(`a ${status} with a 6 MB body is a ${state === 'delivered' ? 'successful' : 'failed'} attempt with a bounded excerpt`, async (t) => {
      const { app, receiver } = await setup(t);
      receiver.queue({ kind: 'status', status, body: 'x'.repeat(6 * 1024 * 1024) });
      await createIncident(app, { name: 'Chatty', body: 'x' });
      assert.equal(await app.herald.worker.runOnce(), 1);
      const row = await onlyDelivery(app);
      assert.equal(row.state, state);
      assert.equal(row.attempts[0].status_code, status);
      const excerpt: string = row.attempts[0].response_excerpt;
      assert.ok(excerpt.length > 0 && excerpt.length <= 4096, `excerpt of ${excerpt.length} characters`);
      assert.match(excerpt, /^x+$/);
      // The worker is still healthy afterwards.
      await createIncident(app, { name: 'Next', body: 'y' });
      app.clock.advance(60_000);
      await app.herald.worker.runOnce();
      assert.equal((await deliveriesOf(app, '?state=delivered')).length, 2);
    });
  }

  test('an exhausted delivery ends failed; POST /deliveries/{id}/retry makes it due again (409 when delivered, 404 when unknown)', async (t) => {
    const { app, receiver } = await setup(t, { OUTBOX_RETRY_SCHEDULE: '0s,10s' });
    receiver.respondWith(500, {}, 'nope');
    await createIncident(app, { name: 'Down', body: 'x' });
    await app.herald.worker.runOnce();
    app.clock.advance(12_001);
    assert.equal(await app.herald.worker.runOnce(), 1);
    const failed = await onlyDelivery(app);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.attempt_count, 2);
    assert.equal(failed.next_attempt_at, null);
    assert.equal(failed.last_error, 'HTTP 500');
    app.clock.advance(3_600_000);
    assert.equal(await app.herald.worker.runOnce(), 0, 'a failed delivery is never retried on its own');

    receiver.respondWith(204);
    const retried = await app.api('POST', `/deliveries/${failed.id}/retry`);
    assert.equal(retried.status, 200, retried.text);
    assert.equal(retried.body.state, 'pending');
    assert.equal(retried.body.next_attempt_at, app.clock.now().toISOString());
    assert.equal(await app.herald.worker.runOnce(), 1);
    const delivered = await onlyDelivery(app);
    assert.equal(delivered.state, 'delivered');
    assert.equal(delivered.attempt_count, 3);
    assert.equal(receiver.received.length, 3);

    const again = await app.api('POST', `/deliveries/${failed.id}/retry`);
    assert.equal(again.status, 409);
    assert.match(again.body.error, /is delivered/);
    assert.equal((await app.api('POST', '/deliveries/999999/retry')).status, 404);
    assert.equal((await app.api('POST', '/deliveries/nosuchid/retry')).status, 404);
  });
});

describe('quarantine', () => {
  test('N consecutive failures spanning the minimum span quarantine the endpoint, mail its contact, hold what it was owed; reactivation delivers it', async (t) => {
    const { app, smtp, receiver, subscriber } = await setup(t, {
      OUTBOX_RETRY_SCHEDULE: '0s,10s,10s,10s,10s,10s,10s,10s,10s',
      QUARANTINE_AFTER_FAILURES: '3',
      QUARANTINE_MIN_SPAN: '1m',
    });
    receiver.respondWith(500);
    await createIncident(app, { name: 'Owed', body: 'x' });
    const t0 = app.clock.now().getTime();
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      assert.equal(await app.herald.worker.runOnce(), 1, `attempt ${attempt}`);
      const state = (await app.api('GET', `/subscribers/${subscriber.id}`)).body.state;
      assert.equal(state, 'active', `after ${attempt} failures within ${(attempt - 1) * 12} s the endpoint is still active`);
      app.clock.advance(12_001);
    }
    assert.equal(await app.herald.worker.runOnce(), 1, 'attempt 6, 60 s after the first');
    const quarantined = (await app.api('GET', `/subscribers/${subscriber.id}`)).body;
    assert.equal(quarantined.state, 'quarantined');
    assert.equal(quarantined.quarantined_at, new Date(t0 + 5 * 12_001).toISOString());
    assert.equal(quarantined.quarantine_reason, `6 consecutive failed attempts since ${new Date(t0).toISOString()} (last: HTTP 500)`);
    const [owed] = await deliveriesOf(app, `?subscriber_id=${subscriber.id}&state=held`);
    assert.equal(owed.event_type, 'incident.created');
    assert.equal(owed.attempt_count, 6);

    assert.equal(await app.herald.worker.runOnce(), 1, 'the quarantine notice');
    const [mail] = await smtp.waitFor(1);
    assert.deepEqual(mail!.to, ['ops@example.com']);
    assert.equal(mail!.parsed.subject, `[Status] Webhook notifications to ${receiver.url} are paused`);
    assert.ok((mail!.parsed.text ?? '').includes(`stopped sending status notifications to ${receiver.url}.`), mail!.parsed.text);
    assert.ok((mail!.parsed.text ?? '').includes(`Why: ${quarantined.quarantine_reason}`), mail!.parsed.text);

    app.clock.advance(60_000);
    assert.equal(await app.herald.worker.runOnce(), 0, 'nothing is sent to a quarantined endpoint');
    assert.equal(receiver.received.length, 6);

    receiver.respondWith(204);
    const reactivated = await app.api('POST', `/subscribers/${subscriber.id}/reactivate`);
    assert.equal(reactivated.status, 200, reactivated.text);
    assert.equal(reactivated.body.state, 'active');
    assert.equal(reactivated.body.quarantine_reason, null);
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal(receiver.received.length, 7);
    assert.equal(receiver.received[6]!.headers['webhook-id'], receiver.received[0]!.headers['webhook-id']);
    const [delivered] = await deliveriesOf(app, `?subscriber_id=${subscriber.id}&event_id=${owed.event_id}`);
    assert.equal(delivered.state, 'delivered');
    assert.equal(delivered.attempt_count, 7);
  });
});

describe('quarantine streaks', () => {
  test('only consecutive failures count: a success in between starts the count again', async (t) => {
    const { app, receiver, subscriber } = await setup(t, { OUTBOX_RETRY_SCHEDULE: '0s,10s,10s,10s', QUARANTINE_AFTER_FAILURES: '3', QUARANTINE_MIN_SPAN: '0s' });
    receiver.respondWith(500);
    receiver.queue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 204 });
    const state = async () => (await app.api('GET', `/subscribers/${subscriber.id}`)).body.state;
    await createIncident(app, { name: 'First', body: 'x' });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      assert.equal(await app.herald.worker.runOnce(), 1);
      app.clock.advance(12_001);
    }
    await createIncident(app, { name: 'Second', body: 'x' });
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      assert.equal(await app.herald.worker.runOnce(), 1);
      assert.equal(await state(), 'active', `2 failures, a success, then ${attempt} failure(s)`);
      app.clock.advance(12_001);
    }
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal(await state(), 'quarantined', 'the third consecutive failure');
  });
});

describe('leases, crashes and shutdown', () => {
  const policy = { retryScheduleMs: [0, 10_000, 10_000], quarantineAfterFailures: 10, quarantineMinSpanMs: 3_600_000, random: () => 0.5 };

  test('a lease left by a crashed worker expires after OUTBOX_LEASE and the row is delivered; a late result from the old lease changes nothing', async (t) => {
    const { app, receiver } = await setup(t, { OUTBOX_LEASE: '30s' });
    await createIncident(app, { name: 'Crash', body: 'x' });
    const crashed = createClaimStatements(app.herald.db).claim(app.clock.now(), 10, 30_000, []);
    assert.equal(crashed.length, 1);
    assert.equal(crashed[0]!.attemptCount, 1);
    assert.equal(await app.herald.worker.runOnce(), 0, 'the row is leased');
    app.clock.advance(29_999);
    assert.equal(await app.herald.worker.runOnce(), 0, 'still leased just before expiry');
    app.clock.advance(2);
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal(receiver.received.length, 1);
    const delivered = await onlyDelivery(app);
    assert.equal(delivered.state, 'delivered');
    assert.equal(delivered.attempt_count, 2, 'the crashed attempt counts too');
    assert.deepEqual(delivered.attempts.map((a: any) => [a.attempt_number, a.status_code]), [[2, 204]]);

    const now = app.clock.now();
    assert.equal(recordResult(app.herald.db, crashed[0]!, { ok: false, retryable: true, durationMs: 1, error: 'late' }, now, now, policy, true), 'stale');
    assert.deepEqual(await onlyDelivery(app), delivered);
  });

  test('while a new lease holds the row, the old lease’s result is stale and the new one’s counts', async (t) => {
    const { app } = await setup(t, { OUTBOX_LEASE: '30s' });
    await createIncident(app, { name: 'Fenced', body: 'x' });
    const claims = createClaimStatements(app.herald.db);
    const [old] = claims.claim(app.clock.now(), 10, 30_000, []);
    app.clock.advance(30_001);
    const [current] = claims.claim(app.clock.now(), 10, 30_000, []);
    assert.equal(current!.id, old!.id);
    assert.notEqual(current!.leaseToken, old!.leaseToken);
    const now = app.clock.now();
    assert.equal(recordResult(app.herald.db, old!, { ok: true, durationMs: 1, statusCode: 204 }, now, now, policy, true), 'stale');
    const during = await onlyDelivery(app);
    assert.equal(during.state, 'sending');
    assert.deepEqual(during.attempts, []);
    assert.equal(recordResult(app.herald.db, current!, { ok: false, retryable: true, durationMs: 1, statusCode: 500, error: 'HTTP 500' }, now, now, policy, true), 'retry');
    const after = await onlyDelivery(app);
    assert.equal(after.state, 'pending');
    assert.equal(after.attempt_count, 2);
    assert.equal(after.next_attempt_at, new Date(now.getTime() + 10_000).toISOString());
  });

  test('stop() lets the grace period pass, then releases an in-flight lease untried; a restarted worker delivers it', async (t) => {
    const { app, receiver, secret } = await setup(t, { WEBHOOK_TIMEOUT_MS: '10000' });
    receiver.queue({ kind: 'hang' });
    await createIncident(app, { name: 'Shutdown', body: 'x' });
    const run = app.herald.worker.runOnce();
    const first = await receiver.nextRequest();
    const started = Date.now();
    await app.herald.worker.stop(200);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 190 && elapsed < 2_000, `stop took ${elapsed} ms`);
    assert.equal(await run, 1);
    const released = await onlyDelivery(app);
    assert.equal(released.state, 'pending');
    assert.equal(released.attempt_count, 0, 'the interrupted attempt is not counted');
    assert.equal(released.next_attempt_at, app.clock.now().toISOString());
    assert.deepEqual(released.attempts, []);
    assert.equal(await app.herald.worker.runOnce(), 0, 'a stopped worker claims nothing');

    const config = loadConfig({ DATABASE_FILE: app.herald.db.$client.name, PORT: '0', HOST: '127.0.0.1', PUBLIC_URL: 'http://status.test', ...loopback });
    const restarted = createHerald({ config, logger: silentLogger, clock: app.clock });
    t.after(() => restarted.close());
    assert.equal(await restarted.worker.runOnce(), 1);
    const second = receiver.received[1]!;
    assert.equal(second.headers['webhook-id'], first.headers['webhook-id']);
    assert.equal(verify(secret, second).incident.name, 'Shutdown');
    const delivered = await onlyDelivery(app);
    assert.equal(delivered.state, 'delivered');
    assert.equal(delivered.attempt_count, 1);
  });
});

describe('the running worker', () => {
  test('one hung endpoint never delays the others', async (t) => {
    const { app, receiver: hung } = await setup(t, { WEBHOOK_TIMEOUT_MS: '2000', OUTBOX_PER_SUBSCRIBER_CONCURRENCY: '2' }, realtimeClock());
    hung.respondWith(204);
    hung.queue({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const healthy = await startWebhookReceiver(t);
    await subscribe(app, { email: 'ok@example.com', endpoint: healthy.url });
    app.herald.worker.start();
    for (const name of ['One', 'Two', 'Three', 'Four']) await createIncident(app, { name, body: 'x' });
    const created = Date.now();
    await waitUntil(() => healthy.received.length === 4, 1_000, 'the healthy receiver to get all four events');
    assert.ok(Date.now() - created < 1_000);
    assert.deepEqual(healthy.received.map((r) => JSON.parse(r.body).incident.name).sort(), ['Four', 'One', 'Three', 'Two']);
    assert.equal(hung.received.length, 2, 'at most OUTBOX_PER_SUBSCRIBER_CONCURRENCY requests wait on the hung endpoint');
    assert.equal(app.herald.worker.inFlight(), 2);
    await app.herald.worker.stop(0);
  });

  test('a commit wakes the worker: the first delivery leaves at once even with OUTBOX_POLL=1h', async (t) => {
    const { app, receiver } = await setup(t, { OUTBOX_POLL: '1h' }, realtimeClock());
    app.herald.worker.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await createIncident(app, { name: 'Wake up', body: 'x' });
    const hook = await receiver.nextRequest(1_000);
    assert.ok(hook.receivedAt - started < 1_000);
    assert.equal(JSON.parse(hook.body).incident.name, 'Wake up');
  });
});

describe('connect-time address check', () => {
  // Resolves every name to 127.0.0.1, as a DNS rebinding attacker's server would after subscribe time.
  const rebinding = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (hostname !== 'rebind.test') return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    if (options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
    return callback(null, '127.0.0.1', 4);
  }) as unknown as typeof dnsLookup;

  async function send(t: TestContext, receiver: WebhookReceiver, cidrs: string, host = 'rebind.test') {
    const channel = createWebhookChannel({ timeoutMs: 1_000, policy: createAddressPolicy(parseCidrList(cidrs)), userAgent: 'test', lookup: rebinding });
    t.after(() => channel.close());
    const url = `http://${host}:${new URL(receiver.url).port}/hook`;
    return channel.send({ url, body: '{}', headers: { 'content-type': 'application/json' } });
  }

  test('a hostname that resolves to a private address when sending is refused, and nothing reaches it', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const result = await send(t, receiver, '');
    assert.equal(result.ok, false);
    assert.equal(result.ok === false && result.retryable, false, 'retrying cannot help');
    assert.equal(
      result.ok === false && result.error,
      'refused: rebind.test resolves to 127.0.0.1 is a loopback address; webhooks may only reach public addresses (WEBHOOK_ALLOWED_CIDRS can allow a range)',
    );
    assert.equal(receiver.received.length, 0);
  });

  test('an IP literal is checked before connecting (Node skips lookup for literals)', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const result = await send(t, receiver, '', '127.0.0.1');
    assert.equal(result.ok === false && result.error, 'refused: 127.0.0.1 is a loopback address; webhooks may only reach public addresses (WEBHOOK_ALLOWED_CIDRS can allow a range)');
    assert.equal(receiver.received.length, 0);
  });

  test('the same lookup reaches the receiver when the range is explicitly allowed', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const result = await send(t, receiver, '127.0.0.1/32');
    assert.equal(result.ok, true);
    assert.equal(result.statusCode, 204);
    assert.equal(receiver.received.length, 1);
  });
});

describe('retention', () => {
  test('delivered rows are pruned after retention, with their attempts; failed rows stay', async (t) => {
    const { app, receiver, subscriber } = await setup(t, { OUTBOX_RETRY_SCHEDULE: '0s', OUTBOX_RETENTION_DAYS: '30' });
    const broken = await startWebhookReceiver(t);
    broken.respondWith(500);
    const failing = await subscribe(app, { email: 'broken@example.com', endpoint: broken.url });
    await createIncident(app, { name: 'Old news', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 2);
    assert.equal(receiver.received.length, 1);
    const [delivered] = await deliveriesOf(app, `?subscriber_id=${subscriber.id}`);
    const [failed] = await deliveriesOf(app, `?subscriber_id=${failing.id}`);
    assert.equal(delivered.state, 'delivered');
    assert.equal(failed.state, 'failed');
    const deliveredAt = new Date(delivered.delivered_at);

    assert.equal(pruneDeliveries(app.herald.db, deliveredAt), 0, 'a row delivered exactly at the cut-off is kept');
    assert.equal(pruneDeliveries(app.herald.db, new Date(deliveredAt.getTime() + 1)), 1);
    assert.deepEqual((await deliveriesOf(app)).map((d) => [d.id, d.state]), [[failed.id, 'failed']]);
    const attempts = app.herald.db.$client.prepare('SELECT delivery_id FROM delivery_attempts ORDER BY delivery_id').all() as Array<{ delivery_id: number }>;
    assert.deepEqual(attempts.map((a) => String(a.delivery_id)), [failed.id]);
    assert.equal((await app.api('GET', `/deliveries/${delivered.id}`)).status, 404);
    assert.equal(pruneDeliveries(app.herald.db, new Date(deliveredAt.getTime() + 365 * 86_400_000)), 0, 'failed rows are never pruned');
  });

  test('the running worker prunes delivered rows older than OUTBOX_RETENTION_DAYS when it starts', async (t) => {
    const { app } = await setup(t, { OUTBOX_RETENTION_DAYS: '1' });
    await createIncident(app, { name: 'Yesterday', body: 'x' });
    await app.herald.worker.runOnce();
    assert.equal((await deliveriesOf(app, '?state=delivered')).length, 1);
    app.clock.advance(86_400_000 + 1);
    app.herald.worker.start();
    await app.herald.worker.stop(0);
    assert.deepEqual(await deliveriesOf(app), []);
  });
});
