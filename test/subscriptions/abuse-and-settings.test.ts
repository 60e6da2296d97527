import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createComponent, createIncident, type TestApp } from '../helpers/app.js';
import type { ReceivedMail } from '../helpers/smtp-server.js';
import { startWebhookReceiver, type ReceivedWebhook } from '../helpers/webhook-receiver.js';
import { linkIn, postForm, startWorld } from './helpers.js';

const generous = { SUBSCRIBE_LIMIT_PER_CLIENT: '1000', SUBSCRIBE_LIMIT_PER_ADDRESS: '1000' };
const confirmPathIn = (mail: ReceivedMail) => linkIn(mail, /\/subscriptions\/confirm\/\S+/);
const unsubscribePathIn = (mail: ReceivedMail) => linkIn(mail, /\/subscriptions\/unsubscribe\/\S+/);
const managePathIn = (mail: ReceivedMail) => linkIn(mail, /\/subscriptions\/manage\/\S+/);
/** The one-click path from the List-Unsubscribe header (confirmation mails carry it too, though not in their text). */
const headerUnsubscribePath = (mail: ReceivedMail) => mail.raw.match(/<http:\/\/status\.test(\/subscriptions\/unsubscribe\/[\w.-]+)>/)![1]!;
const secretOf = (path: string) => path.split('/').pop()!.split('.')[1]!;
const secretsIn = (html: string) => html.match(/whsec_[A-Za-z0-9+/]+=*/g) ?? [];
const verify = (secret: string, hook: ReceivedWebhook) => new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as any;
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const mainOf = (html: string) => html.match(/<main>[\s\S]*<\/main>/)?.[0] ?? html;
const mailTo = (mails: ReceivedMail[], email: string) => mails.filter((m) => m.to[0] === email);

async function subscribers(app: TestApp, state: string): Promise<any[]> {
  const res = await app.api('GET', `/subscribers?state=${state}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}
const stateOf = async (app: TestApp, id: string) => (await app.api('GET', `/subscribers/${id}`)).body.state as string;

/** A browser form post from a given client (X-Forwarded-For is read with TRUST_PROXY). */
function postFrom(app: TestApp, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return app.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
}
function publicApi(app: TestApp, subscriber: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.fetch('/api/v2/subscribers.json', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ subscriber }) });
}
async function setPage(app: TestApp, settings: Record<string, boolean>) {
  const res = await app.api('PATCH', '', { page: settings });
  assert.equal(res.status, 200, res.text);
  for (const [key, value] of Object.entries(settings)) assert.equal(res.body[key], value);
}
/** Confirms a webhook through its mailed link (GET shows the button, POST confirms) and returns the page. */
async function confirmWebhook(app: TestApp, mail: ReceivedMail): Promise<string> {
  const path = confirmPathIn(mail);
  assert.match(await (await app.fetch(path)).text(), /Confirm your webhook/);
  const res = await postForm(app, path, {});
  assert.equal(res.status, 200);
  return res.text();
}
async function assertPage(res: Response, status: number, includes: string) {
  assert.equal(res.status, status, `${res.url}`);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const html = await res.text();
  assert.ok(html.includes(includes), `${res.url} should include ${includes}:\n${mainOf(html)}`);
  return html;
}

describe('no enumeration', () => {
  test('a new, pending, active and unsubscribed address get the identical page from the form and the identical JSON from the API', async (t) => {
    const { app, deliver } = await startWorld(t, generous);
    for (const email of ['pending@example.com', 'active@example.com', 'gone@example.com']) await postForm(app, '/subscribe', { email });
    const mails = await deliver(3);
    for (const email of ['active@example.com', 'gone@example.com']) await app.fetch(confirmPathIn(mailTo(mails, email)[0]!));
    await app.fetch(headerUnsubscribePath(mailTo(mails, 'gone@example.com')[0]!), { method: 'POST' });
    assert.deepEqual((await subscribers(app, 'all')).map((s) => `${s.email} ${s.state}`).sort(), [
      'active@example.com active',
      'gone@example.com unsubscribed',
      'pending@example.com unconfirmed',
    ]);

    const addresses = ['new@example.com', 'pending@example.com', 'active@example.com', 'gone@example.com'];
    const pages = [];
    for (const email of addresses) {
      const res = await postForm(app, '/subscribe', { email });
      pages.push({ status: res.status, type: res.headers.get('content-type'), html: await res.text() });
    }
    assert.equal(pages[0]!.status, 200);
    assert.match(pages[0]!.html, /<h1>Check your inbox<\/h1>/);
    for (const page of pages.slice(1)) assert.deepEqual(page, pages[0]);

    const answers = [];
    for (const email of addresses) {
      const res = await publicApi(app, { email });
      answers.push({ status: res.status, type: res.headers.get('content-type'), body: await res.text() });
    }
    assert.equal(answers[0]!.status, 202);
    for (const answer of answers.slice(1)) assert.deepEqual(answer, answers[0]);
  });
});

describe('rate limits', () => {
  test('a client over SUBSCRIBE_LIMIT_PER_CLIENT gets 429 with Retry-After on the form and the API, until the window passes', async (t) => {
    const { app, smtp, deliver } = await startWorld(t, { SUBSCRIBE_LIMIT_PER_CLIENT: '3' });
    assert.equal((await postForm(app, '/subscribe', { email: 'a@example.com' })).status, 200);
    app.clock.advance(10 * 60_000);
    assert.equal((await publicApi(app, { email: 'b@example.com' })).status, 202);
    app.clock.advance(10 * 60_000);
    assert.equal((await postForm(app, '/subscribe', { email: 'c@example.com' })).status, 200);

    const refused = await postForm(app, '/subscribe', { email: 'd@example.com' });
    assert.equal(refused.headers.get('retry-after'), '2400');
    await assertPage(refused, 429, '<p>Too many subscription requests from your network; try again in 2400 seconds.</p>');
    const api = await publicApi(app, { email: 'e@example.com' });
    assert.equal(api.status, 429);
    assert.equal(api.headers.get('retry-after'), '2400');
    assert.deepEqual(await api.json(), { error: 'Too many subscription requests from your network; try again in 2400 seconds.' });

    app.clock.advance(2400_000);
    assert.equal((await postForm(app, '/subscribe', { email: 'f@example.com' })).status, 200, 'the oldest request has left the window');
    const again = await postForm(app, '/subscribe', { email: 'g@example.com' });
    assert.equal(again.status, 429);
    assert.equal(again.headers.get('retry-after'), '600');

    await deliver(4);
    await app.herald.worker.runOnce();
    assert.deepEqual(smtp.inbox.map((m) => m.to[0]).sort(), ['a@example.com', 'b@example.com', 'c@example.com', 'f@example.com']);
  });

  test('an address over SUBSCRIBE_LIMIT_PER_ADDRESS gets 429 with Retry-After whichever client asks, on the form and the API, until the window passes', async (t) => {
    const { app, smtp, deliver } = await startWorld(t, { SUBSCRIBE_LIMIT_PER_ADDRESS: '2', TRUST_PROXY: 'true' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    assert.equal((await postFrom(app, '/subscribe', { email: 'victim@example.com' }, from('203.0.113.1'))).status, 200);
    assert.equal((await publicApi(app, { email: 'Victim@Example.com' }, from('203.0.113.2'))).status, 202);

    const refused = await postFrom(app, '/subscribe', { email: ' VICTIM@example.com' }, from('203.0.113.3'));
    assert.equal(refused.headers.get('retry-after'), '3600');
    await assertPage(refused, 429, '<p>Too many subscription mails to this address; try again in 3600 seconds.</p>');
    const api = await publicApi(app, { email: 'victim@example.com' }, from('203.0.113.4'));
    assert.equal(api.status, 429);
    assert.equal(api.headers.get('retry-after'), '3600');
    assert.deepEqual(await api.json(), { error: 'Too many subscription mails to this address; try again in 3600 seconds.' });
    assert.equal((await postFrom(app, '/subscribe', { email: 'other@example.com' }, from('203.0.113.3'))).status, 200, 'other addresses are not held back');

    await deliver(3);
    await app.herald.worker.runOnce();
    assert.deepEqual(smtp.inbox.map((m) => m.to[0]!.toLowerCase()).sort(), ['other@example.com', 'victim@example.com', 'victim@example.com']);
    app.clock.advance(3600_000);
    assert.equal((await postFrom(app, '/subscribe', { email: 'victim@example.com' }, from('203.0.113.5'))).status, 200);
  });
});

describe('bad input', () => {
  const privateRefusal = (address: string, what: string) =>
    `${address} resolves to ${address} is ${what}; webhooks may only reach public addresses (WEBHOOK_ALLOWED_CIDRS can allow a range)`;
  const cases: Array<{ fields: Record<string, string>; field: 'email' | 'endpoint' | 'component_ids' | 'incident_id'; message: string }> = [
    { fields: { email: 'not-an-email' }, field: 'email', message: 'must be an email address such as ops@example.com' },
    { fields: { email: '<script>alert(1)</script>@example.com' }, field: 'email', message: 'must be an email address such as ops@example.com' },
    { fields: { email: `${'a'.repeat(250)}@example.com` }, field: 'email', message: 'must be at most 254 characters' },
    { fields: { email: 'ops@example.com', endpoint: 'not a url' }, field: 'endpoint', message: 'must be an absolute http(s) URL' },
    { fields: { email: 'ops@example.com', endpoint: `https://example.com/${'a'.repeat(2048)}` }, field: 'endpoint', message: 'must be at most 2048 characters' },
    { fields: { email: 'ops@example.com', endpoint: 'javascript:alert(1)' }, field: 'endpoint', message: 'must use http or https, not javascript' },
    { fields: { email: 'ops@example.com', endpoint: 'http://user:pw@example.com/' }, field: 'endpoint', message: 'must not contain a user name or password' },
    { fields: { email: 'ops@example.com', endpoint: 'http://10.0.0.1/' }, field: 'endpoint', message: privateRefusal('10.0.0.1', 'a private network address') },
    {
      fields: { email: 'ops@example.com', endpoint: 'http://169.254.169.254/latest/meta-data/' },
      field: 'endpoint',
      message: privateRefusal('169.254.169.254', 'a link-local address (this includes cloud metadata services)'),
    },
    { fields: { email: 'ops@example.com', component_ids: 'nope' }, field: 'component_ids', message: 'component "nope" does not exist on this page' },
    { fields: { email: 'ops@example.com', incident_id: 'nope' }, field: 'incident_id', message: 'incident "nope" does not exist' },
  ];

  test('invalid email, malformed or private endpoint, unknown component or incident: 422 with the message next to the field, {"error"} from the API, nothing created', async (t) => {
    const { app } = await startWorld(t, generous);
    await createComponent(app, { name: 'API' });
    for (const { fields, field, message } of cases) {
      const res = await postForm(app, '/subscribe', fields);
      assert.equal(res.status, 422, JSON.stringify(fields));
      const html = await res.text();
      const shown = escapeHtml(message);
      if (field === 'email' || field === 'endpoint') {
        assert.match(html, new RegExp(`<input id="${field}" name="${field}"[^>]* aria-invalid="true" aria-describedby="${field}-error">`));
        assert.ok(html.includes(`<span id="${field}-error" class="error">${shown}</span>`), `${message}:\n${mainOf(html)}`);
      } else if (field === 'component_ids') {
        assert.ok(html.includes('<fieldset aria-describedby="components-error">'));
        assert.ok(html.includes(`<span id="components-error" class="error">${shown}</span>`), mainOf(html));
      } else {
        assert.ok(html.includes(`<p class="error">${shown}</p>`), mainOf(html));
      }
      assert.ok(html.includes(`value="${escapeHtml(fields['email']!)}"`), 'the typed address is kept, escaped');
      assert.ok(!html.includes('<script>alert(1)'), 'input is echoed inert');

      const body = { ...fields, ...(fields['component_ids'] ? { component_ids: [fields['component_ids']] } : {}) };
      const api = await publicApi(app, body);
      assert.equal(api.status, 422);
      assert.deepEqual(await api.json(), { error: `subscriber.${field}: ${message}` });
    }
    assert.deepEqual(await subscribers(app, 'all'), []);
    assert.equal(await app.herald.worker.runOnce(), 0);
  });

  test('a component id too long to exist is refused next to the components like any unknown id', async (t) => {
    const { app } = await startWorld(t, generous);
    await createComponent(app, { name: 'API' });
    const res = await postForm(app, '/subscribe', { email: 'ops@example.com', component_ids: 'x'.repeat(65) });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.ok(html.includes('<fieldset aria-describedby="components-error">'), `no message next to the components:\n${mainOf(html)}`);
    assert.ok(html.includes('<span id="components-error" class="error">is not a known id</span>'), mainOf(html));
  });
});

describe('links', () => {
  test('a confirmation link works until CONFIRMATION_TTL and answers 410 after it, for email and webhook, confirming nothing', async (t) => {
    const { app, deliver } = await startWorld(t, generous);
    const receiver = await startWebhookReceiver(t);
    await postForm(app, '/subscribe', { email: 'early@example.com' });
    await postForm(app, '/subscribe', { email: 'late@example.com' });
    await postForm(app, '/subscribe', { email: 'hooks@example.com', endpoint: receiver.url });
    const mails = await deliver(3);
    const pathFor = (email: string) => confirmPathIn(mailTo(mails, email)[0]!);

    app.clock.advance(72 * 3600_000 - 1000);
    await assertPage(await app.fetch(pathFor('early@example.com')), 200, '<h1>You are subscribed</h1>');
    app.clock.advance(2000);
    const expired = 'This confirmation link has expired. Subscribe again to get a new one.';
    await assertPage(await app.fetch(pathFor('late@example.com')), 410, expired);
    await assertPage(await app.fetch(pathFor('hooks@example.com')), 410, expired);
    assert.deepEqual(secretsIn(await assertPage(await postForm(app, pathFor('hooks@example.com'), {}), 410, expired)), []);
    assert.deepEqual((await subscribers(app, 'unconfirmed')).map((s) => s.email).sort(), ['hooks@example.com', 'late@example.com']);

    assert.equal((await postForm(app, '/subscribe', { email: 'late@example.com' })).status, 200);
    const [, , , fresh] = await deliver(4);
    await assertPage(await app.fetch(confirmPathIn(fresh!)), 200, '<h1>You are subscribed</h1>');
    assert.deepEqual((await subscribers(app, 'active')).map((s) => s.email).sort(), ['early@example.com', 'late@example.com']);
  });

  test("another subscriber's secret, a secret of another purpose, a link reused after unsubscribing, garbage and very long tokens: 404 pages, never 500, nothing changes", async (t) => {
    const { app, deliver } = await startWorld(t, generous);
    const emails = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'];
    for (const email of emails) await postForm(app, '/subscribe', { email });
    const confirmations = await deliver(4);
    const confirmFor = (email: string) => confirmPathIn(mailTo(confirmations, email)[0]!);
    for (const email of ['a@example.com', 'b@example.com', 'd@example.com']) await app.fetch(confirmFor(email));
    await createIncident(app, { name: 'Links', body: 'x' });
    const notices = (await deliver(7)).slice(4);
    const linksOf = (email: string) => ({ manage: managePathIn(mailTo(notices, email)[0]!), unsubscribe: unsubscribePathIn(mailTo(notices, email)[0]!) });
    const a = linksOf('a@example.com');
    const b = linksOf('b@example.com');
    const ids = Object.fromEntries((await subscribers(app, 'all')).map((s) => [s.email, s.id]));
    const cUnsubscribe = headerUnsubscribePath(mailTo(confirmations, 'c@example.com')[0]!).split('/').pop()!;
    assert.ok(cUnsubscribe.startsWith(`${ids['c@example.com']}.`));
    await app.fetch(linksOf('d@example.com').unsubscribe, { method: 'POST' });
    const [aId, cId] = [ids['a@example.com'], ids['c@example.com']];

    const attempts: Array<[method: 'GET' | 'POST', path: string]> = [
      // A's id with B's secrets
      ['GET', `/subscriptions/unsubscribe/${aId}.${secretOf(b.unsubscribe)}`],
      ['POST', `/subscriptions/unsubscribe/${aId}.${secretOf(b.unsubscribe)}`],
      ['GET', `/subscriptions/manage/${aId}.${secretOf(b.manage)}`],
      ['POST', `/subscriptions/manage/${aId}.${secretOf(b.manage)}`],
      ['POST', `/subscriptions/manage/${aId}.${secretOf(b.manage)}/unsubscribe`],
      ['GET', `/subscriptions/confirm/${cId}.${secretOf(confirmFor('b@example.com'))}`],
      ['POST', `/subscriptions/confirm/${cId}.${secretOf(confirmFor('b@example.com'))}`],
      // the right subscriber, the wrong purpose
      ['GET', `/subscriptions/unsubscribe/${aId}.${secretOf(a.manage)}`],
      ['POST', `/subscriptions/unsubscribe/${aId}.${secretOf(a.manage)}`],
      ['GET', `/subscriptions/manage/${aId}.${secretOf(a.unsubscribe)}`],
      ['POST', `/subscriptions/manage/${aId}.${secretOf(a.unsubscribe)}/unsubscribe`],
      ['GET', `/subscriptions/confirm/${cUnsubscribe}`],
      ['POST', `/subscriptions/confirm/${cUnsubscribe}`],
      ['GET', `/subscriptions/confirm/${aId}.${secretOf(a.manage)}`],
      // a confirmation link reused after its subscription was cancelled
      ['GET', confirmFor('d@example.com')],
      ['POST', confirmFor('d@example.com')],
      // garbage and very long
      ['GET', '/subscriptions/confirm/garbage'],
      ['GET', `/subscriptions/manage/${aId}.`],
      ['POST', `/subscriptions/unsubscribe/${aId}.short`],
      ['GET', '/subscriptions/unsubscribe/..%2F..%2Fetc%2Fpasswd'],
      ['GET', '/subscriptions/manage/%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
      ['GET', `/subscriptions/unsubscribe/${aId}.${'a'.repeat(4000)}`],
      ['POST', `/subscriptions/unsubscribe/${aId}.${'a'.repeat(4000)}`],
      ['GET', `/subscriptions/confirm/${'x'.repeat(4000)}`],
    ];
    for (const [method, path] of attempts) {
      const res = method === 'GET' ? await app.fetch(path) : await postForm(app, path, { component_ids: [] });
      assert.equal(res.status, 404, `${method} ${path.slice(0, 80)}`);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      const html = await res.text();
      assert.match(html, /link is not valid\. It may be mistyped, or a newer one may have been sent\./, `${method} ${path.slice(0, 80)}`);
      assert.ok(!html.includes('<script>alert'));
    }
    const undecodable = await app.fetch('/subscriptions/confirm/%ff');
    assert.equal(undecodable.status, 400);
    assert.deepEqual(await undecodable.json(), { error: "Failed to decode param '%ff'" });

    assert.deepEqual((await subscribers(app, 'all')).map((s) => `${s.email} ${s.state} ${s.component_ids.length}`).sort(), [
      'a@example.com active 0',
      'b@example.com active 0',
      'c@example.com unconfirmed 0',
      'd@example.com unsubscribed 0',
    ]);
    await createIncident(app, { name: 'Still here', body: 'y' });
    const after = (await deliver(9)).slice(7);
    assert.deepEqual(after.map((m) => m.to[0]).sort(), ['a@example.com', 'b@example.com']);
  });

  test('resend_confirmation answers 201 and mails a new link: the old one stops working, the new one confirms', async (t) => {
    const { app, deliver } = await startWorld(t);
    await postForm(app, '/subscribe', { email: 'slow@example.com' });
    const [first] = await deliver(1);
    const [subscriber] = await subscribers(app, 'unconfirmed');
    const resent = await app.api('POST', `/subscribers/${subscriber.id}/resend_confirmation`);
    assert.equal(resent.status, 201);
    assert.equal(resent.text, '');
    const [, second] = await deliver(2);
    assert.equal(second!.parsed.subject, '[Status] Confirm your subscription');
    assert.notEqual(confirmPathIn(second!), confirmPathIn(first!));

    await assertPage(await app.fetch(confirmPathIn(first!)), 404, 'This confirmation link is not valid.');
    assert.equal(await stateOf(app, subscriber.id), 'unconfirmed');
    await assertPage(await app.fetch(confirmPathIn(second!)), 200, '<h1>You are subscribed</h1>');
    assert.equal(await stateOf(app, subscriber.id), 'active');
    const refused = await app.api('POST', `/subscribers/${subscriber.id}/resend_confirmation`);
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.body, { error: `subscriber ${subscriber.id} is active; only unconfirmed subscribers are sent a confirmation` });
  });
});

describe('coming back', () => {
  test('subscribing again after unsubscribing goes through double opt-in', async (t) => {
    const { app, smtp, deliver } = await startWorld(t);
    await postForm(app, '/subscribe', { email: 'back@example.com' });
    await app.fetch(confirmPathIn((await deliver(1))[0]!));
    await createIncident(app, { name: 'First', body: 'x' });
    const [, notice] = await deliver(2);
    await app.fetch(unsubscribePathIn(notice!), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    const [old] = await subscribers(app, 'unsubscribed');

    assert.match(await (await postForm(app, '/subscribe', { email: 'back@example.com' })).text(), /Check your inbox/);
    const [pending] = await subscribers(app, 'unconfirmed');
    assert.equal(pending.email, 'back@example.com');
    assert.notEqual(pending.id, old.id);
    await createIncident(app, { name: 'While pending', body: 'y' });
    const [, , confirmation] = await deliver(3);
    await app.herald.worker.runOnce();
    assert.deepEqual(smtp.inbox.map((m) => m.parsed.subject), ['[Status] Confirm your subscription', '[Status] New incident: First', '[Status] Confirm your subscription']);

    await assertPage(await app.fetch(confirmPathIn(confirmation!)), 200, '<h1>You are subscribed</h1>');
    assert.equal(await stateOf(app, pending.id), 'active');
    await createIncident(app, { name: 'Welcome back', body: 'z' });
    assert.equal((await deliver(4))[3]!.parsed.subject, '[Status] New incident: Welcome back');
  });

  test('a quarantined webhook that subscribes again stays quarantined until its contact confirms, then gets what it was owed', async (t) => {
    const { app, deliver } = await startWorld(t, { QUARANTINE_AFTER_FAILURES: '1', QUARANTINE_MIN_SPAN: '0s' });
    const receiver = await startWebhookReceiver(t);
    receiver.respondWith(503);
    assert.equal((await publicApi(app, { email: 'hooks@example.com', endpoint: receiver.url })).status, 202);
    const [secret] = secretsIn(await confirmWebhook(app, (await deliver(1))[0]!));
    const [subscriber] = await subscribers(app, 'active');

    const owed = await createIncident(app, { name: 'Owed', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal(await stateOf(app, subscriber.id), 'quarantined');
    const [, notice] = await deliver(2);
    assert.equal(notice!.parsed.subject, `[Status] Webhook notifications to ${receiver.url} are paused`);

    receiver.respondWith(204);
    assert.match(await (await postForm(app, '/subscribe', { email: 'hooks@example.com', endpoint: receiver.url })).text(), /Check your inbox/);
    const [, , confirmation] = await deliver(3);
    assert.equal(confirmation!.parsed.subject, '[Status] Confirm your subscription');
    assert.equal(await stateOf(app, subscriber.id), 'quarantined', 'asking again reactivates nothing');
    assert.equal(receiver.received.length, 1);

    const html = await confirmWebhook(app, confirmation!);
    assert.match(html, /<h1>You are subscribed<\/h1>/);
    assert.deepEqual(secretsIn(html), [secret]);
    assert.equal(await stateOf(app, subscriber.id), 'active');
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal(receiver.received.length, 2);
    const payload = verify(secret!, receiver.received[1]!);
    assert.equal(payload.incident.id, owed.id);
    assert.equal(payload.meta.event_type, 'incident.created');
  });
});

describe('operator', () => {
  test('the manage API lists self-serve subscribers by state: unconfirmed, active, quarantined, unsubscribed', async (t) => {
    const { app, deliver } = await startWorld(t);
    const receiver = await startWebhookReceiver(t);
    receiver.respondWith(410);
    for (const email of ['pending@example.com', 'active@example.com', 'gone@example.com']) await postForm(app, '/subscribe', { email });
    await publicApi(app, { email: 'hooks@example.com', endpoint: receiver.url });
    const mails = await deliver(4);
    for (const email of ['active@example.com', 'gone@example.com']) await app.fetch(confirmPathIn(mailTo(mails, email)[0]!));
    await confirmWebhook(app, mailTo(mails, 'hooks@example.com')[0]!);
    await createIncident(app, { name: 'Gone', body: 'x' });
    await deliver(6);
    await app.fetch(headerUnsubscribePath(mailTo(mails, 'gone@example.com')[0]!), { method: 'POST' });

    const listed = async (state: string) => (await subscribers(app, state)).map((s) => `${s.mode} ${s.endpoint ?? s.email} ${s.state}`);
    assert.deepEqual(await listed('unconfirmed'), ['email pending@example.com unconfirmed']);
    assert.deepEqual(await listed('active'), ['email active@example.com active']);
    assert.deepEqual(await listed('quarantined'), [`webhook ${receiver.url} quarantined`]);
    assert.deepEqual(await listed('unsubscribed'), ['email gone@example.com unsubscribed']);
    assert.equal((await subscribers(app, 'all')).length, 4);
    const [quarantined] = await subscribers(app, 'quarantined');
    assert.equal(quarantined.quarantine_reason, 'the endpoint answered 410 Gone');
  });
});

describe('page settings', () => {
  test('with email and webhook subscriptions both off the page offers no form; with email off it offers no email sign-up', async (t) => {
    const { app } = await startWorld(t);
    await setPage(app, { allow_email_subscribers: false, allow_webhook_subscribers: false });
    const off = await assertPage(await app.fetch('/subscribe'), 200, 'Subscriptions are turned off on this page.');
    assert.doesNotMatch(off, /<form/);
    await setPage(app, { allow_webhook_subscribers: true });
    const webhookOnly = await assertPage(await app.fetch('/subscribe'), 200, '<input id="endpoint" name="endpoint"');
    assert.doesNotMatch(mainOf(webhookOnly), /leave empty to get email/, 'the form must not invite an email sign-up it will refuse');
  });

  test('allow_email_subscribers=false refuses email sign-ups on the form and the API, and existing email subscribers get nothing until it is back on', async (t) => {
    const { app, smtp, deliver } = await startWorld(t);
    await postForm(app, '/subscribe', { email: 'reader@example.com' });
    await app.fetch(confirmPathIn((await deliver(1))[0]!));
    await setPage(app, { allow_email_subscribers: false });

    const html = await assertPage(await postForm(app, '/subscribe', { email: 'new@example.com' }), 422, '<span id="email-error" class="error">email subscriptions are turned off on this page</span>');
    assert.match(html, /aria-describedby="email-error"/);
    const api = await publicApi(app, { email: 'new@example.com' });
    assert.equal(api.status, 422);
    assert.deepEqual(await api.json(), { error: 'subscriber.email: email subscriptions are turned off on this page' });
    await createIncident(app, { name: 'While off', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 0);

    await setPage(app, { allow_email_subscribers: true });
    await createIncident(app, { name: 'Back on', body: 'y' });
    await deliver(2);
    await app.herald.worker.runOnce();
    assert.deepEqual(smtp.inbox.map((m) => m.parsed.subject), ['[Status] Confirm your subscription', '[Status] New incident: Back on']);
    assert.deepEqual((await subscribers(app, 'all')).map((s) => s.email), ['reader@example.com']);
  });

  test('allow_webhook_subscribers=false removes the webhook field, refuses webhook sign-ups with a visible message, and existing webhooks get nothing meanwhile', async (t) => {
    const { app } = await startWorld(t);
    const receiver = await startWebhookReceiver(t);
    const created = await app.api('POST', '/subscribers', { subscriber: { email: 'ops@example.com', endpoint: receiver.url } });
    assert.equal(created.status, 201, created.text);
    await setPage(app, { allow_webhook_subscribers: false });

    assert.doesNotMatch(await (await app.fetch('/subscribe')).text(), /name="endpoint"/);
    const api = await publicApi(app, { email: 'new@example.com', endpoint: receiver.url });
    assert.equal(api.status, 422);
    assert.deepEqual(await api.json(), { error: 'subscriber.endpoint: webhook subscriptions are turned off on this page' });
    await createIncident(app, { name: 'While off', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 0);
    assert.equal(receiver.received.length, 0);

    await setPage(app, { allow_webhook_subscribers: true });
    await createIncident(app, { name: 'Back on', body: 'y' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal(verify(created.body.secret, receiver.received[0]!).incident.name, 'Back on');

    await setPage(app, { allow_webhook_subscribers: false });
    const form = await postForm(app, '/subscribe', { email: 'new@example.com', endpoint: receiver.url });
    await assertPage(form, 422, 'webhook subscriptions are turned off on this page');
    assert.equal((await subscribers(app, 'all')).length, 1);
  });

  test('allow_incident_subscribers=false refuses following an incident on the form and the API', async (t) => {
    const { app } = await startWorld(t);
    const incident = await createIncident(app, { name: 'Ongoing', body: 'x' });
    await setPage(app, { allow_incident_subscribers: false });
    await assertPage(
      await postForm(app, '/subscribe', { email: 'follower@example.com', incident_id: incident.id }),
      422,
      '<p class="error">following a single incident is turned off on this page</p>',
    );
    const api = await publicApi(app, { email: 'follower@example.com', incident_id: incident.id });
    assert.equal(api.status, 422);
    assert.deepEqual(await api.json(), { error: 'subscriber.incident_id: following a single incident is turned off on this page' });
    assert.deepEqual(await subscribers(app, 'all'), []);
  });

  test('allow_page_subscribers=false requires choosing components, at sign-up and on the manage page', async (t) => {
    const { app, deliver } = await startWorld(t);
    const api = await createComponent(app, { name: 'API' });
    await setPage(app, { allow_page_subscribers: false });
    assert.match(await (await app.fetch('/subscribe')).text(), /<legend>Choose the components you want to hear about<\/legend>/);
    const html = await assertPage(await postForm(app, '/subscribe', { email: 'all@example.com' }), 422, '<span id="components-error" class="error">choose the components you want to hear about</span>');
    assert.match(html, /<fieldset aria-describedby="components-error">/);
    const refused = await publicApi(app, { email: 'all@example.com' });
    assert.equal(refused.status, 422);
    assert.deepEqual(await refused.json(), { error: 'subscriber.component_ids: choose the components you want to hear about' });

    assert.equal((await postForm(app, '/subscribe', { email: 'some@example.com', component_ids: [api.id] })).status, 200);
    await app.fetch(confirmPathIn((await deliver(1))[0]!));
    await postForm(app, '/subscribe', { email: 'some@example.com', component_ids: [api.id] });
    const [, manageMail] = await deliver(2);
    const cleared = await postForm(app, managePathIn(manageMail!), {});
    await assertPage(cleared, 422, '<span id="components-error" class="error">choose at least one component</span>');
    assert.deepEqual((await subscribers(app, 'active'))[0].component_ids, [api.id]);
  });
});

describe('pages', () => {
  test('a component named <img src=x onerror=alert(1)> renders inert on the subscribe, confirmed and manage pages and in the mail', async (t) => {
    const { app, deliver } = await startWorld(t);
    const hostile = '<img src=x onerror=alert(1)>';
    const component = await createComponent(app, { name: hostile });
    const form = await (await app.fetch('/subscribe')).text();
    assert.ok(form.includes(`value="${component.id}"> ${escapeHtml(hostile)}</label>`), mainOf(form));
    assert.ok(!form.includes('<img'));

    await postForm(app, '/subscribe', { email: 'curious@example.com', component_ids: [component.id] });
    const [confirmation] = await deliver(1);
    assert.ok(!String(confirmation!.parsed.html).includes('<img'));
    const confirmed = await (await app.fetch(confirmPathIn(confirmation!))).text();
    assert.ok(confirmed.includes(`that affect: ${escapeHtml(hostile)}.`), mainOf(confirmed));
    assert.ok(!confirmed.includes('<img'));

    await postForm(app, '/subscribe', { email: 'curious@example.com' });
    const [, manageMail] = await deliver(2);
    const manage = await (await app.fetch(managePathIn(manageMail!))).text();
    assert.ok(manage.includes(`value="${component.id}" checked> ${escapeHtml(hostile)}</label>`), mainOf(manage));
    assert.ok(manage.includes(`that affect: ${escapeHtml(hostile)}.`));
    assert.ok(!manage.includes('<img'));
  });

  test('every page of the flow works without JavaScript: no scripts, plain forms posting to same-origin paths', async (t) => {
    const { app, deliver } = await startWorld(t);
    const receiver = await startWebhookReceiver(t);
    const api = await createComponent(app, { name: 'API' });
    const forms: string[] = [];
    const check = async (res: Response, includes: string) => {
      const html = await assertPage(res, res.status, includes);
      assert.doesNotMatch(html, /<script/i);
      assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
      for (const tag of html.match(/<form\b[^>]*>/g) ?? []) {
        assert.match(tag, /^<form method="post" action="\/(?!\/)[^"]*"( class="subscribe")?>$/);
        forms.push(tag.match(/action="([^"]*)"/)![1]!);
      }
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'.*form-action 'self'/);
      return html;
    };
    await check(await app.fetch('/subscribe'), '<form method="post" action="/subscribe" class="subscribe">');
    await check(await postForm(app, '/subscribe', { email: 'reader@example.com' }), 'Check your inbox');
    await postForm(app, '/subscribe', { email: 'hooks@example.com', endpoint: receiver.url });
    const mails = await deliver(2);
    await check(await app.fetch(confirmPathIn(mailTo(mails, 'reader@example.com')[0]!)), 'You are subscribed');
    await check(await app.fetch(confirmPathIn(mailTo(mails, 'hooks@example.com')[0]!)), 'Confirm your webhook');
    await check(await postForm(app, forms.at(-1)!, {}), 'Your signing secret');

    await postForm(app, '/subscribe', { email: 'reader@example.com' });
    const manageMail = (await deliver(3))[2]!;
    await check(await app.fetch(managePathIn(manageMail)), 'Unsubscribe from everything');
    const [save, unsubscribe] = forms.slice(-2);
    await check(await postForm(app, save!, { component_ids: [api.id] }), 'Your choices are saved.');
    await check(await app.fetch(unsubscribePathIn(manageMail)), '<button type="submit">Unsubscribe</button>');
    await check(await postForm(app, unsubscribe!, {}), '<h1>Unsubscribed</h1>');
    await check(await app.fetch('/subscriptions/manage/nothing-here'), 'link is not valid');
    assert.deepEqual((await subscribers(app, 'all')).map((s) => `${s.email} ${s.state}`).sort(), ['hooks@example.com active', 'reader@example.com unsubscribed']);
  });
});
