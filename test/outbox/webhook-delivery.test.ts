import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createComponent, createIncident, startApp } from '../helpers/app.js';
import { manualClock } from '../helpers/clock.js';
import { startSmtpServer } from '../helpers/smtp-server.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const loopback = { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', SMTP_RATE_LIMIT: '0' };

async function setup(t: Parameters<typeof startApp>[0], env: Record<string, string> = {}) {
  const smtp = await startSmtpServer(t);
  // The clock starts at the real time: receivers check webhook-timestamp against their own clock.
  const app = await startApp(t, { clock: manualClock(new Date()), env: { ...loopback, SMTP_URL: smtp.url, ...env } });
  const receiver = await startWebhookReceiver(t);
  const created = await app.api('POST', '/subscribers', { subscriber: { email: 'ops@example.com', endpoint: receiver.url } });
  assert.equal(created.status, 201, created.text);
  return { app, smtp, receiver, subscriber: created.body, secret: created.body.secret as string };
}

describe('webhook delivery', () => {
  test('an incident reaches a webhook subscriber as a signed Statuspage envelope', async (t) => {
    const { app, receiver, subscriber, secret } = await setup(t);
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    const incident = await createIncident(app, { name: 'API errors', body: 'Investigating' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const hook = await receiver.nextRequest();
    const payload = new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as any;
    assert.deepEqual(Object.keys(payload), ['meta', 'page', 'incident']);
    assert.match(payload.meta.unsubscribe, /^http:\/\/status\.test\/subscriptions\/unsubscribe\/[a-z0-9]{12}\.[\w-]{20,}$/);
    assert.equal(payload.meta.documentation, 'http://status.test/webhooks');
    assert.equal(payload.meta.event_type, 'incident.created');
    assert.deepEqual(payload.page, { id: app.pageId, status_indicator: 'none', status_description: 'All Systems Operational' });
    assert.equal(payload.incident.id, incident.id);
    assert.equal(payload.incident.incident_updates[0].body, 'Investigating');
    assert.match(hook.headers['webhook-id'] as string, /^msg_[0-9a-f]{32}$/);
    assert.match(hook.headers['user-agent'] as string, /^Herald-Webhooks\//);
    assert.equal(hook.headers['content-type'], 'application/json');

    const deliveries = await app.api('GET', '/deliveries');
    assert.equal(deliveries.body.length, 1);
    assert.equal(deliveries.body[0].state, 'delivered');
    assert.equal(deliveries.body[0].subscriber_id, subscriber.id);
  });

  test('a failed attempt is retried later with the same webhook-id and the same bytes', async (t) => {
    const { app, receiver } = await setup(t, { OUTBOX_RETRY_SCHEDULE: '0s,10s,1m' });
    receiver.queue({ kind: 'status', status: 500, body: 'boom' });
    await createIncident(app, { name: 'Flaky', body: 'x' });
    await app.herald.worker.runOnce();
    const first = await receiver.nextRequest();
    assert.equal(await app.herald.worker.runOnce(), 0, 'nothing is due before the retry delay');
    app.clock.advance(12_001);
    assert.equal(await app.herald.worker.runOnce(), 1);
    const second = await receiver.nextRequest();
    assert.equal(second.headers['webhook-id'], first.headers['webhook-id']);
    assert.equal(second.body, first.body);

    const [row] = (await app.api('GET', '/deliveries')).body;
    const detail = await app.api('GET', `/deliveries/${row.id}`);
    assert.equal(detail.body.state, 'delivered');
    assert.deepEqual(detail.body.attempts.map((a: any) => [a.attempt_number, a.status_code]), [[1, 500], [2, 204]]);
    assert.equal(detail.body.attempts[0].error, 'HTTP 500');
    assert.equal(detail.body.attempts[0].response_excerpt, 'boom');
  });

  test('410 Gone quarantines the endpoint at once and emails its contact', async (t) => {
    const { app, smtp, receiver, subscriber } = await setup(t);
    receiver.respondWith(410);
    await createIncident(app, { name: 'One', body: 'x' });
    await app.herald.worker.runOnce();
    const after = await app.api('GET', `/subscribers/${subscriber.id}`);
    assert.equal(after.body.state, 'quarantined');
    assert.match(after.body.quarantine_reason, /410 Gone/);
    await app.herald.worker.runOnce();
    const [mail] = await smtp.waitFor(1);
    assert.deepEqual(mail!.to, ['ops@example.com']);
    assert.match(mail!.parsed.subject ?? '', /paused/);
    await createIncident(app, { name: 'Two', body: 'y' });
    await app.herald.worker.runOnce();
    assert.equal(receiver.received.length, 1, 'nothing more is sent to a quarantined endpoint');
  });
});
