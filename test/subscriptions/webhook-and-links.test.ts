import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createComponent, createIncident, type TestApp } from '../helpers/app.js';
import type { ReceivedMail } from '../helpers/smtp-server.js';
import { startWebhookReceiver, type ReceivedWebhook } from '../helpers/webhook-receiver.js';
import { linkIn, postForm, startWorld } from './helpers.js';

const confirmPathIn = (mail: ReceivedMail) => linkIn(mail, /\/subscriptions\/confirm\/\S+/);
const unsubscribePathIn = (mail: ReceivedMail) => linkIn(mail, /\/subscriptions\/unsubscribe\/\S+/);
const managePathIn = (mail: ReceivedMail) => linkIn(mail, /\/subscriptions\/manage\/\S+/);
const verify = (secret: string, hook: ReceivedWebhook) => new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as any;
const secretsIn = (html: string) => html.match(/whsec_[A-Za-z0-9+/]+=*/g) ?? [];

async function subscribers(app: TestApp, state: string): Promise<any[]> {
  const res = await app.api('GET', `/subscribers?state=${state}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}
const stateOf = async (app: TestApp, id: string) => (await app.api('GET', `/subscribers/${id}`)).body.state as string;

function publicApi(app: TestApp, body: unknown) {
  const json = typeof body !== 'string';
  return app.fetch('/api/v2/subscribers.json', {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(body) : body,
  });
}

/** The message's header block with folded lines unfolded (RFC 5322 §2.2.3), one header a line. */
function headerLines(mail: ReceivedMail): string[] {
  const head = mail.raw.split(/\r?\n\r?\n/)[0]!;
  return head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/);
}
const listHeaders = (mail: ReceivedMail) => headerLines(mail).filter((l) => /^List-Unsubscribe/i.test(l)).sort();

/** Follows a webhook's confirmation link the way a person does (GET, then the button's POST) and returns the shown secret. */
async function confirmWebhook(app: TestApp, mail: ReceivedMail): Promise<string> {
  const path = confirmPathIn(mail);
  assert.match(await (await app.fetch(path)).text(), /Confirm your webhook/);
  const res = await postForm(app, path, {});
  assert.equal(res.status, 200);
  const [secret] = secretsIn(await res.text());
  assert.ok(secret, 'the confirming POST shows the secret');
  return secret;
}

describe('webhook self-serve', () => {
  test('a webhook from the form stays unconfirmed until its contact follows the link: GET asks and changes nothing, POST confirms and shows the secret once, which verifies the next webhook', async (t) => {
    const { app, smtp, deliver } = await startWorld(t);
    const receiver = await startWebhookReceiver(t);
    assert.match(await (await app.fetch('/subscribe')).text(), /<input id="endpoint" name="endpoint" type="url"/);

    const sent = await postForm(app, '/subscribe', { email: 'hooks@example.com', endpoint: receiver.url });
    assert.equal(sent.status, 200);
    assert.match(await sent.text(), /a mail is on its way to the address you gave for the webhook/);
    const [pending] = await subscribers(app, 'unconfirmed');
    assert.deepEqual(
      { mode: pending.mode, email: pending.email, endpoint: pending.endpoint, state: pending.state },
      { mode: 'webhook', email: 'hooks@example.com', endpoint: receiver.url, state: 'unconfirmed' },
    );
    assert.deepEqual(await subscribers(app, 'active'), []);

    await createIncident(app, { name: 'Before confirming', body: 'x' });
    const [mail] = await deliver(1);
    assert.equal(mail!.parsed.subject, '[Status] Confirm your subscription');
    assert.deepEqual(mail!.to, ['hooks@example.com']);
    assert.match(mail!.parsed.text ?? '', new RegExp(`all incident, maintenance and component status notifications of Status at ${receiver.url}`));
    await app.herald.worker.runOnce();
    assert.equal(receiver.received.length, 0, 'nothing reaches an unconfirmed endpoint');
    assert.equal(smtp.inbox.length, 1);

    const path = confirmPathIn(mail!);
    for (let i = 0; i < 2; i += 1) {
      const asked = await app.fetch(path);
      assert.equal(asked.status, 200);
      const html = await asked.text();
      assert.match(html, /<h1>Confirm your webhook<\/h1>/);
      assert.ok(html.includes(`<form method="post" action="${path}"><button type="submit">Confirm and show the secret</button></form>`), html);
      assert.deepEqual(secretsIn(html), [], 'a GET never shows the secret');
      assert.equal(await stateOf(app, pending.id), 'unconfirmed', 'a GET (link scanner) confirms nothing');
    }

    const confirmed = await postForm(app, path, {});
    assert.equal(confirmed.status, 200);
    const html = await confirmed.text();
    assert.match(html, /<h1>You are subscribed<\/h1>/);
    const shown = secretsIn(html);
    assert.equal(shown.length, 1, 'the secret is on the page exactly once');
    assert.match(shown[0]!, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.ok(html.includes(`Every request to <code>${receiver.url}</code> carries <code>webhook-id</code>`));
    assert.match(html, /<a href="\/webhooks">how to verify them<\/a>/);
    assert.equal(await stateOf(app, pending.id), 'active');

    const again = await (await postForm(app, path, {})).text();
    assert.match(again, /<h1>Already confirmed<\/h1>/);
    assert.deepEqual(secretsIn(again), [], 'a second POST shows no secret');
    const later = await (await app.fetch(path)).text();
    assert.match(later, /<h1>Already confirmed<\/h1>/);
    assert.deepEqual(secretsIn(later), []);

    const incident = await createIncident(app, { name: 'After confirming', body: 'y' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const payload = verify(shown[0]!, await receiver.nextRequest());
    assert.equal(payload.meta.event_type, 'incident.created');
    assert.equal(payload.incident.id, incident.id);
    assert.equal(receiver.received.length, 1);
  });

  test('a webhook from POST /api/v2/subscribers.json gets a meta.unsubscribe that works: GET asks and changes nothing, POST unsubscribes, and the next incident sends nothing', async (t) => {
    const { app, deliver } = await startWorld(t);
    const receiver = await startWebhookReceiver(t);
    const res = await publicApi(app, { subscriber: { email: 'ops@example.com', endpoint: receiver.url } });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), {
      mode: 'webhook',
      message: 'If this address can subscribe, a mail is on its way: follow its link to confirm. Nothing else is sent until then.',
    });
    const [mail] = await deliver(1);
    assert.deepEqual(mail!.to, ['ops@example.com']);
    const secret = await confirmWebhook(app, mail!);
    const [subscriber] = await subscribers(app, 'active');

    await createIncident(app, { name: 'First', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const payload = verify(secret, await receiver.nextRequest());
    assert.match(payload.meta.unsubscribe, new RegExp(`^http://status\\.test/subscriptions/unsubscribe/${subscriber.id}\\.[\\w-]{32}$`));
    const path = payload.meta.unsubscribe.replace('http://status.test', '');

    const asked = await app.fetch(path);
    assert.equal(asked.status, 200);
    const page = await asked.text();
    assert.ok(page.includes(`<p>Stop all Status notifications to <code>${receiver.url}</code>?</p>`), page);
    assert.ok(page.includes(`<form method="post" action="${path}"><button type="submit">Unsubscribe</button></form>`));
    assert.equal(await stateOf(app, subscriber.id), 'active', 'GET unsubscribes nobody');

    const done = await app.fetch(path, { method: 'POST' });
    assert.equal(done.status, 200);
    assert.ok((await done.text()).includes(`<code>${receiver.url}</code> will receive no more notifications from Status.`));
    assert.equal(await stateOf(app, subscriber.id), 'unsubscribed');
    assert.match(await (await app.fetch(path)).text(), /is already unsubscribed/);

    await createIncident(app, { name: 'Second', body: 'y' });
    assert.equal(await app.herald.worker.runOnce(), 0);
    assert.equal(receiver.received.length, 1);
  });
});

describe('email links and headers', () => {
  test('every notification mail has manage and unsubscribe links and List-Unsubscribe <url>, <mailto> with List-Unsubscribe-Post One-Click', async (t) => {
    const { app, deliver } = await startWorld(t, { UNSUBSCRIBE_MAILTO: 'unsubscribe@status.test' });
    await postForm(app, '/subscribe', { email: 'reader@example.com' });
    const [confirmation] = await deliver(1);
    await app.fetch(confirmPathIn(confirmation!));
    const [subscriber] = await subscribers(app, 'active');

    const incident = await createIncident(app, { name: 'Checkout errors', body: 'Investigating' });
    await deliver(2);
    await app.api('PATCH', `/incidents/${incident.id}`, { incident: { status: 'identified', body: 'Found it' } });
    await deliver(3);
    await app.api('PATCH', `/incidents/${incident.id}`, { incident: { status: 'resolved', body: 'Fixed' } });
    const mails = (await deliver(4)).slice(1);
    assert.deepEqual(
      mails.map((m) => m.parsed.subject),
      ['[Status] New incident: Checkout errors', '[Status] Identified: Checkout errors', '[Status] Resolved: Checkout errors'],
    );
    for (const mail of mails) {
      const unsubscribe = unsubscribePathIn(mail);
      const manage = managePathIn(mail);
      assert.match(unsubscribe, new RegExp(`^/subscriptions/unsubscribe/${subscriber.id}\\.[\\w-]{32}$`));
      assert.match(manage, new RegExp(`^/subscriptions/manage/${subscriber.id}\\.[\\w-]{32}$`));
      assert.deepEqual(listHeaders(mail), [
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
        `List-Unsubscribe: <http://status.test${unsubscribe}>, <mailto:unsubscribe@status.test?subject=unsubscribe%20${subscriber.id}>`,
      ]);
      const html = String(mail.parsed.html);
      assert.ok(html.includes(`href="http://status.test${manage}"`), 'the HTML part links to the manage page');
      assert.ok(html.includes(`href="http://status.test${unsubscribe}"`), 'the HTML part links to the unsubscribe page');
    }
    const manage = await app.fetch(managePathIn(mails[2]!));
    assert.equal(manage.status, 200);
    assert.match(await manage.text(), /Email to <code>reader@example\.com<\/code> \(active\)/);
  });

  test('without UNSUBSCRIBE_MAILTO List-Unsubscribe holds the URL alone, and the cookie-less one-click POST unsubscribes at once', async (t) => {
    const { app, smtp, deliver } = await startWorld(t);
    for (const email of ['form@example.com', 'multipart@example.com']) await postForm(app, '/subscribe', { email });
    for (const mail of await deliver(2)) await app.fetch(confirmPathIn(mail));
    const active = await subscribers(app, 'active');
    assert.equal(active.length, 2);

    await createIncident(app, { name: 'Slow pages', body: 'x' });
    const mails = (await deliver(4)).slice(2);
    const mailTo = (email: string) => mails.find((m) => m.to[0] === email)!;
    for (const mail of mails) {
      assert.deepEqual(listHeaders(mail), ['List-Unsubscribe-Post: List-Unsubscribe=One-Click', `List-Unsubscribe: <http://status.test${unsubscribePathIn(mail)}>`]);
    }

    const urlencoded = await app.fetch(unsubscribePathIn(mailTo('form@example.com')), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(urlencoded.status, 200);
    const body = new FormData();
    body.append('List-Unsubscribe', 'One-Click');
    const multipart = await app.fetch(unsubscribePathIn(mailTo('multipart@example.com')), { method: 'POST', body });
    assert.equal(multipart.status, 200);
    assert.deepEqual((await subscribers(app, 'unsubscribed')).map((s) => s.email).sort(), ['form@example.com', 'multipart@example.com']);

    await createIncident(app, { name: 'After unsubscribing', body: 'y' });
    assert.equal(await app.herald.worker.runOnce(), 0);
    assert.equal(smtp.inbox.length, 4);
  });
});

describe('scope', () => {
  test('choosing a group covers a component added to the group later, and nothing outside it', async (t) => {
    const { app, smtp, deliver } = await startWorld(t);
    const api = await createComponent(app, { name: 'API' });
    const website = await createComponent(app, { name: 'Website' });
    const created = await app.api('POST', '/component-groups', { component_group: { name: 'Backend', components: [api.id] } });
    assert.equal(created.status, 201, created.text);
    const group = created.body;
    const form = await (await app.fetch('/subscribe')).text();
    assert.ok(form.includes(`<input type="checkbox" name="component_ids" value="${group.id}"> Backend (all of it)`), form);

    await postForm(app, '/subscribe', { email: 'backend@example.com', component_ids: [group.id] });
    const viaApi = await publicApi(app, `subscriber[email]=client%40example.com&subscriber[component_ids][]=${group.id}`);
    assert.equal(viaApi.status, 202);
    for (const confirmation of await deliver(2)) {
      assert.match(confirmation.parsed.text ?? '', /incident and maintenance notifications of Status that affect: Backend \(all of its components\)/);
      await app.fetch(confirmPathIn(confirmation));
    }
    assert.deepEqual((await subscribers(app, 'active')).map((s) => s.component_ids), [[group.id], [group.id]]);

    const queue = await createComponent(app, { name: 'Queue', group_id: group.id });
    await createIncident(app, { name: 'Website down', body: 'x', components: { [website.id]: 'major_outage' } });
    await app.herald.worker.runOnce();
    assert.equal(smtp.inbox.length, 2, 'a component outside the group is not followed');
    await createIncident(app, { name: 'Queue backlog', body: 'y', components: { [queue.id]: 'degraded_performance' } });
    const mails = (await deliver(4)).slice(2);
    assert.deepEqual(mails.map((m) => `${m.to[0]} ${m.parsed.subject}`).sort(), [
      'backend@example.com [Status] New incident: Queue backlog',
      'client@example.com [Status] New incident: Queue backlog',
    ]);
    await app.herald.worker.runOnce();
    assert.equal(smtp.inbox.length, 4);
  });

  test('following one incident (form ?incident= and API subscriber[incident_id]) brings its updates up to its resolution and nothing about other incidents', async (t) => {
    const { app, smtp, deliver } = await startWorld(t);
    const receiver = await startWebhookReceiver(t);
    const incident = await createIncident(app, { name: 'Database failover', body: 'Investigating' });
    const form = await (await app.fetch(`/subscribe?incident=${incident.id}`)).text();
    assert.match(form, /<h1>Follow “Database failover”<\/h1>/);
    assert.ok(form.includes(`<input type="hidden" name="incident_id" value="${incident.id}">`));

    assert.equal((await postForm(app, '/subscribe', { email: 'follower@example.com', incident_id: incident.id })).status, 200);
    const viaApi = await publicApi(
      app,
      new URLSearchParams({ 'subscriber[email]': 'hooks@example.com', 'subscriber[endpoint]': receiver.url, 'subscriber[incident_id]': incident.id }).toString(),
    );
    assert.equal(viaApi.status, 202);
    const confirmations = await deliver(2);
    const mailTo = (email: string) => smtp.inbox.filter((m) => m.to[0] === email);
    const emailConfirmation = mailTo('follower@example.com')[0]!;
    assert.match(emailConfirmation.parsed.text ?? '', /receive updates about the incident "Database failover" until it is resolved/);
    const confirmed = await (await app.fetch(confirmPathIn(emailConfirmation))).text();
    assert.match(confirmed, /You will receive updates about the incident &quot;Database failover&quot; until it is resolved\./);
    const secret = await confirmWebhook(app, confirmations.find((m) => m.to[0] === 'hooks@example.com')!);
    const followers = await subscribers(app, 'active');
    assert.deepEqual(followers.map((s) => [s.mode, s.incident_id]).sort(), [['email', incident.id], ['webhook', incident.id]]);

    const other = await createIncident(app, { name: 'Unrelated outage', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 0, 'another incident reaches no follower');

    await app.api('PATCH', `/incidents/${incident.id}`, { incident: { status: 'identified', body: 'Replica lag' } });
    assert.equal(await app.herald.worker.runOnce(), 2);
    const updated = verify(secret, await receiver.nextRequest());
    assert.equal(updated.meta.event_type, 'incident.updated');
    assert.equal(updated.incident.id, incident.id);

    await app.api('PATCH', `/incidents/${incident.id}`, { incident: { status: 'resolved', body: 'Back to normal' } });
    assert.equal(await app.herald.worker.runOnce(), 2);
    const resolved = verify(secret, await receiver.nextRequest());
    assert.equal(resolved.meta.event_type, 'incident.resolved');
    assert.equal(resolved.incident.status, 'resolved');

    await app.api('PATCH', `/incidents/${other.id}`, { incident: { status: 'resolved', body: 'Done' } });
    assert.equal(await app.herald.worker.runOnce(), 0);
    await smtp.waitFor(4);
    assert.deepEqual(
      mailTo('follower@example.com').map((m) => m.parsed.subject),
      ['[Status] Confirm your subscription', '[Status] Identified: Database failover', '[Status] Resolved: Database failover'],
    );
    assert.equal(receiver.received.length, 2);
  });

  test('following a resolved incident is refused with a clear message on the form and from the API', async (t) => {
    const { app } = await startWorld(t);
    const incident = await createIncident(app, { name: 'Old news', body: 'x' });
    await app.api('PATCH', `/incidents/${incident.id}`, { incident: { status: 'resolved', body: 'Fixed' } });

    const form = await postForm(app, '/subscribe', { email: 'late@example.com', incident_id: incident.id });
    assert.equal(form.status, 422);
    const html = await form.text();
    assert.ok(html.includes('<p class="error">this incident is over; there is nothing more to follow</p>'), html);
    const api = await publicApi(app, { subscriber: { email: 'late@example.com', incident_id: incident.id } });
    assert.equal(api.status, 422);
    assert.deepEqual(await api.json(), { error: 'subscriber.incident_id: this incident is over; there is nothing more to follow' });

    assert.deepEqual(await subscribers(app, 'all'), []);
    assert.equal(await app.herald.worker.runOnce(), 0);
  });
});
