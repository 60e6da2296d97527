import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createComponent, createIncident, startApp, type ApiResponse, type TestApp } from '../helpers/app.js';
import { manualClock } from '../helpers/clock.js';
import { startWebhookReceiver, type ReceivedWebhook } from '../helpers/webhook-receiver.js';

const loopback = { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' };

// The Subscriber object of the manage reference (§2.7), plus page_id and component_ids.
const referenceFields = [
  'id', 'skip_confirmation_notification', 'mode', 'email', 'endpoint', 'phone_number', 'phone_country',
  'display_phone_number', 'obfuscated_channel_name', 'workspace_name', 'quarantined_at', 'purge_at',
  'components', 'page_access_user_id', 'created_at', 'page_id', 'component_ids',
];

async function setup(t: TestContext, env: Record<string, string> = {}) {
  // Real time: webhook receivers check webhook-timestamp against their own clock.
  return startApp(t, { clock: manualClock(new Date()), env: { ...loopback, ...env } });
}

async function create(app: TestApp, fields: Record<string, unknown>): Promise<any> {
  const res = await app.api('POST', '/subscribers', { subscriber: fields });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

function assertError(res: ApiResponse, status: number, pattern: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(Object.keys(res.body), ['error']);
  assert.match(res.body.error, pattern);
}

const ids = (res: ApiResponse) => (res.body as any[]).map((s) => s.id);
const signatures = (hook: ReceivedWebhook) => String(hook.headers['webhook-signature']).split(' ');
const verifies = (secret: string, hook: ReceivedWebhook) => {
  try {
    new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

describe('creating subscribers', () => {
  test('an email subscriber is created active, with every field of the reference and no secret', async (t) => {
    const app = await setup(t);
    const now = app.clock.now().toISOString();
    const res = await app.api('POST', '/subscribers', { subscriber: { email: 'reader@example.com' } });
    assert.equal(res.status, 201, res.text);
    for (const field of referenceFields) assert.ok(field in res.body, `missing ${field}`);
    assert.equal('secret' in res.body, false);
    assert.match(res.body.id, /^[a-z0-9]{12}$/);
    assert.deepEqual({ ...res.body, id: 'x' }, {
      id: 'x', page_id: app.pageId, mode: 'email', state: 'active', email: 'reader@example.com', endpoint: null,
      incident_id: null, components: [], component_ids: [], skip_confirmation_notification: true,
      quarantined_at: null, quarantine_reason: null, purge_at: null, phone_number: null, phone_country: null,
      display_phone_number: null, obfuscated_channel_name: null, workspace_name: null, page_access_user_id: null,
      created_at: now, updated_at: now,
    });
    assert.deepEqual((await app.api('GET', `/subscribers/${res.body.id}`)).body, res.body);
  });

  test('a webhook subscriber gets its whsec_ secret once, at creation; reads never show it', async (t) => {
    const app = await setup(t);
    const receiver = await startWebhookReceiver(t);
    const c = await createComponent(app, { name: 'API' });
    const res = await app.api('POST', '/subscribers', { subscriber: { email: 'ops@example.com', endpoint: receiver.url, component_ids: [c.id] } });
    assert.equal(res.status, 201, res.text);
    assert.match(res.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(res.body.mode, 'webhook');
    assert.equal(res.body.state, 'active');
    assert.equal(res.body.endpoint, receiver.url);
    assert.deepEqual(res.body.components, [c.id]);
    for (const field of referenceFields) assert.ok(field in res.body, `missing ${field}`);

    const shown = await app.api('GET', `/subscribers/${res.body.id}`);
    assert.equal('secret' in shown.body, false);
    assert.deepEqual(shown.body, Object.fromEntries(Object.entries(res.body).filter(([k]) => k !== 'secret')));
    const listed = await app.api('GET', '/subscribers');
    assert.equal(listed.body.length, 1);
    assert.equal('secret' in listed.body[0], false);
    assert.doesNotMatch(listed.text + shown.text, /whsec_/);
    const patched = await app.api('PATCH', `/subscribers/${res.body.id}`, { component_ids: [] });
    assert.doesNotMatch(patched.text, /whsec_/);
  });

  test('invalid input answers 422 naming the field', async (t) => {
    const app = await setup(t);
    const incident = await createIncident(app, { name: 'I', body: 'x' });
    const c = await createComponent(app, { name: 'A' });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ email: 'not-an-email' }, /^subscriber\.email: must be an email address/],
      [{}, /^subscriber\.email: must be an email address/],
      [{ endpoint: 'https://hooks.example.com/x' }, /^subscriber\.email: /],
      [{ email: 'a@example.com', endpoint: 'http://10.0.0.1/hook' }, /^subscriber\.endpoint: .*10\.0\.0\.1 is a private network address/],
      [{ email: 'a@example.com', endpoint: 'http://169.254.169.254/latest' }, /^subscriber\.endpoint: .*link-local/],
      [{ email: 'a@example.com', endpoint: 'http://[::1]:8080/' }, /^subscriber\.endpoint: .*loopback/],
      [{ email: 'a@example.com', endpoint: 'not a url' }, /^subscriber\.endpoint: must be an absolute http\(s\) URL$/],
      [{ email: 'a@example.com', endpoint: 'javascript:alert(1)' }, /^subscriber\.endpoint: must use http or https, not javascript$/],
      [{ email: 'a@example.com', endpoint: 'http://user:pw@127.0.0.1/' }, /^subscriber\.endpoint: must not contain a user name or password$/],
      [{ email: 'a@example.com', component_ids: ['nosuchcompo1'] }, /^subscriber\.component_ids: component "nosuchcompo1" does not exist on this page$/],
      [{ email: 'a@example.com', component_ids: [c.id, 'nosuchcompo2'] }, /^subscriber\.component_ids: component "nosuchcompo2"/],
      [{ email: 'a@example.com', incident_id: 'nosuchincid1' }, /^subscriber\.incident_id: incident "nosuchincid1" does not exist on this page$/],
      [{ email: 'a@example.com', component_ids: [c.id], incident_id: incident.id }, /^subscriber\.incident_id: .*either components or one incident, not both/],
    ];
    for (const [fields, pattern] of cases) {
      assertError(await app.api('POST', '/subscribers', { subscriber: fields }), 422, pattern);
    }
    assert.deepEqual((await app.api('GET', '/subscribers?state=all')).body, [], 'nothing was created');
  });

  test('a second live subscription for the same email (any case) or endpoint answers 409; an unsubscribed one does not count', async (t) => {
    const app = await setup(t);
    const receiver = await startWebhookReceiver(t);
    const first = await create(app, { email: 'reader@example.com' });
    assertError(await app.api('POST', '/subscribers', { subscriber: { email: 'reader@example.com' } }), 409, /^a subscription for this email address already exists$/);
    assertError(await app.api('POST', '/subscribers', { subscriber: { email: 'Reader@Example.com' } }), 409, /email address already exists/);
    await create(app, { email: 'ops@example.com', endpoint: receiver.url });
    assertError(await app.api('POST', '/subscribers', { subscriber: { email: 'other@example.com', endpoint: receiver.url } }), 409, /^a subscription for this endpoint already exists$/);
    assert.equal((await app.api('DELETE', `/subscribers/${first.id}`)).status, 200);
    const again = await create(app, { email: 'reader@example.com' });
    assert.notEqual(again.id, first.id);
  });
});

describe('listing subscribers', () => {
  async function population(app: TestApp, t: TestContext) {
    const receiver = await startWebhookReceiver(t);
    const made: Record<string, any> = {};
    for (const [key, fields] of [
      ['alpha', { email: 'alpha@example.com' }],
      ['beta', { email: 'beta_team@example.com' }],
      ['betaX', { email: 'betaXteam@example.com' }],
      ['hook', { email: 'delta@example.com', endpoint: receiver.url }],
      ['gone', { email: 'gone@example.com' }],
    ] as const) {
      made[key] = await create(app, fields);
      app.clock.advance(1_000);
    }
    await app.api('DELETE', `/subscribers/${made['gone'].id}`);
    return made;
  }

  test('state defaults to active; state=all and state=unsubscribed include unsubscribed ones', async (t) => {
    const app = await setup(t);
    const s = await population(app, t);
    const asc = 'sort_field=created_at&sort_direction=asc';
    assert.deepEqual(ids(await app.api('GET', `/subscribers?${asc}`)), [s.alpha.id, s.beta.id, s.betaX.id, s.hook.id]);
    assert.deepEqual(ids(await app.api('GET', `/subscribers?state=active&${asc}`)), [s.alpha.id, s.beta.id, s.betaX.id, s.hook.id]);
    assert.deepEqual(ids(await app.api('GET', `/subscribers?state=all&${asc}`)), [s.alpha.id, s.beta.id, s.betaX.id, s.hook.id, s.gone.id]);
    assert.deepEqual(ids(await app.api('GET', '/subscribers?state=unsubscribed')), [s.gone.id]);
    assert.deepEqual(ids(await app.api('GET', '/subscribers?state=quarantined')), []);
    assertError(await app.api('GET', '/subscribers?state=bogus'), 422, /state must be one of/);
  });

  test('type filters by mode', async (t) => {
    const app = await setup(t);
    const s = await population(app, t);
    assert.deepEqual(ids(await app.api('GET', '/subscribers?type=webhook')), [s.hook.id]);
    assert.deepEqual(ids(await app.api('GET', '/subscribers?type=email&sort_field=created_at&sort_direction=asc')), [s.alpha.id, s.beta.id, s.betaX.id]);
    assertError(await app.api('GET', '/subscribers?type=sms'), 422, /type must be email or webhook/);
  });

  test('q matches email or endpoint, case-insensitively', async (t) => {
    const app = await setup(t);
    const s = await population(app, t);
    assert.deepEqual(ids(await app.api('GET', '/subscribers?q=ALPHA')), [s.alpha.id]);
    assert.deepEqual(ids(await app.api('GET', '/subscribers?q=127.0.0.1')), [s.hook.id]);
    assert.deepEqual(ids(await app.api('GET', '/subscribers?q=nobody')), []);
    assert.deepEqual(ids(await app.api('GET', '/subscribers?q=gone')), [], 'unsubscribed ones are not listed by default');
  });

  test('q is matched literally: _ and % are not wildcards', async (t) => {
    const app = await setup(t);
    const s = await population(app, t);
    assert.deepEqual(ids(await app.api('GET', '/subscribers?q=beta_team')), [s.beta.id]);
    assert.deepEqual(ids(await app.api('GET', `/subscribers?q=${encodeURIComponent('%')}`)), []);
  });

  test('page is 0-based and limit sets the page size', async (t) => {
    const app = await setup(t);
    const s = await population(app, t);
    const asc = 'sort_field=created_at&sort_direction=asc';
    assert.deepEqual(ids(await app.api('GET', `/subscribers?${asc}&limit=3&page=0`)), [s.alpha.id, s.beta.id, s.betaX.id]);
    assert.deepEqual(ids(await app.api('GET', `/subscribers?${asc}&limit=3&page=1`)), [s.hook.id]);
    assert.deepEqual(ids(await app.api('GET', `/subscribers?${asc}&limit=3&page=2`)), []);
    assert.deepEqual(ids(await app.api('GET', `/subscribers?${asc}&limit=2`)), [s.alpha.id, s.beta.id], 'no page means page 0');
    assert.deepEqual(ids(await app.api('GET', '/subscribers?sort_field=created_at&sort_direction=desc&limit=1')), [s.hook.id]);
  });
});

describe('changing subscribers', () => {
  test('PATCH sets component_ids given at the top level or under subscriber; an empty list means the whole page', async (t) => {
    const app = await setup(t);
    const [a, b] = [await createComponent(app, { name: 'A' }), await createComponent(app, { name: 'B' })];
    const s = await create(app, { email: 'reader@example.com' });
    const top = await app.api('PATCH', `/subscribers/${s.id}`, { component_ids: [a.id] });
    assert.equal(top.status, 200, top.text);
    assert.deepEqual(top.body.component_ids, [a.id]);
    assert.deepEqual(top.body.components, [a.id]);
    const wrapped = await app.api('PATCH', `/subscribers/${s.id}`, { subscriber: { component_ids: [b.id, a.id] } });
    assert.equal(wrapped.status, 200, wrapped.text);
    assert.deepEqual([...wrapped.body.component_ids].sort(), [a.id, b.id].sort());
    assert.deepEqual((await app.api('GET', `/subscribers/${s.id}`)).body.component_ids.sort(), [a.id, b.id].sort());
    assert.deepEqual((await app.api('PUT', `/subscribers/${s.id}`, { component_ids: [] })).body.component_ids, []);
    assertError(await app.api('PATCH', `/subscribers/${s.id}`, { component_ids: ['nosuchcompo1'] }), 422, /^subscriber\.component_ids: /);
  });

  test('DELETE unsubscribes: 200 with the subscriber in state unsubscribed', async (t) => {
    const app = await setup(t);
    const s = await create(app, { email: 'reader@example.com' });
    const res = await app.api('DELETE', `/subscribers/${s.id}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, s.id);
    assert.equal(res.body.state, 'unsubscribed');
    assert.equal((await app.api('GET', `/subscribers/${s.id}`)).body.state, 'unsubscribed');
    await createIncident(app, { name: 'After', body: 'x' });
    assert.deepEqual((await app.api('GET', '/deliveries')).body, [], 'an unsubscribed subscriber is not notified');
  });

  test('bulk unsubscribe and reactivate answer 201 with no body', async (t) => {
    const app = await setup(t);
    const receiver = await startWebhookReceiver(t);
    const one = await create(app, { email: 'one@example.com' });
    const two = await create(app, { email: 'two@example.com' });
    const hook = await create(app, { email: 'ops@example.com', endpoint: receiver.url });
    const state = async (id: string) => (await app.api('GET', `/subscribers/${id}`)).body.state;

    const unsub = await app.api('POST', '/subscribers/unsubscribe', { subscribers: [one.id, two.id] });
    assert.equal(unsub.status, 201, unsub.text);
    assert.equal(unsub.text, '');
    assert.deepEqual([await state(one.id), await state(two.id), await state(hook.id)], ['unsubscribed', 'unsubscribed', 'active']);

    const back = await app.api('POST', '/subscribers/reactivate', { subscribers: [one.id] });
    assert.equal(back.status, 201, back.text);
    assert.equal(back.text, '');
    assert.deepEqual([await state(one.id), await state(two.id)], ['active', 'unsubscribed']);

    assert.equal((await app.api('POST', '/subscribers/unsubscribe', { subscribers: 'all', type: 'email' })).status, 201);
    assert.deepEqual([await state(one.id), await state(hook.id)], ['unsubscribed', 'active']);
    assertError(await app.api('POST', '/subscribers/unsubscribe', { subscribers: [hook.id, 'nosuchsubsc1'] }), 404, /nosuchsubsc1/);
    assert.equal(await state(hook.id), 'active', 'a bulk action with an unknown id changes nothing');
  });

  test('rotate_secret: during the overlap both secrets sign and verify; after it only the new one', async (t) => {
    const app = await setup(t, { WEBHOOK_SECRET_OVERLAP: '1m' });
    const receiver = await startWebhookReceiver(t);
    const s = await create(app, { email: 'ops@example.com', endpoint: receiver.url });
    const oldSecret: string = s.secret;
    const rotated = await app.api('POST', `/subscribers/${s.id}/rotate_secret`);
    assert.equal(rotated.status, 200, rotated.text);
    const newSecret: string = rotated.body.secret;
    assert.match(newSecret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(newSecret, oldSecret);
    assert.equal(rotated.body.previous_secret_expires_at, new Date(app.clock.now().getTime() + 60_000).toISOString());
    assert.doesNotMatch((await app.api('GET', `/subscribers/${s.id}`)).text, /whsec_/);

    await createIncident(app, { name: 'During', body: 'x' });
    await app.herald.worker.runOnce();
    const during = await receiver.nextRequest();
    assert.equal(signatures(during).length, 2);
    assert.equal(verifies(newSecret, during), true);
    assert.equal(verifies(oldSecret, during), true);

    app.clock.advance(60_000);
    await createIncident(app, { name: 'After', body: 'x' });
    await app.herald.worker.runOnce();
    const after = await receiver.nextRequest();
    assert.equal(signatures(after).length, 1);
    assert.equal(verifies(newSecret, after), true);
    assert.equal(verifies(oldSecret, after), false);

    const email = await create(app, { email: 'reader@example.com' });
    assertError(await app.api('POST', `/subscribers/${email.id}/rotate_secret`), 422, /only webhook subscribers have a signing secret/);
  });

  test('unknown subscriber ids answer 404 everywhere', async (t) => {
    const app = await setup(t);
    for (const [method, path, body] of [
      ['GET', '/subscribers/nosuchsubsc1', undefined],
      ['PATCH', '/subscribers/nosuchsubsc1', { component_ids: [] }],
      ['DELETE', '/subscribers/nosuchsubsc1', undefined],
      ['POST', '/subscribers/nosuchsubsc1/reactivate', undefined],
      ['POST', '/subscribers/nosuchsubsc1/rotate_secret', undefined],
      ['POST', '/subscribers/reactivate', { subscribers: ['nosuchsubsc1'] }],
    ] as const) {
      assertError(await app.api(method, path, body), 404, /^subscriber "nosuchsubsc1" not found$/);
    }
  });
});

describe('deliveries API', () => {
  test('lists deliveries failed first, then held, then the rest newest first; filters by state, subscriber_id and event_id', async (t) => {
    const app = await setup(t, { OUTBOX_RETRY_SCHEDULE: '0s,1m', QUARANTINE_AFTER_FAILURES: '1', QUARANTINE_MIN_SPAN: '0s' });
    const [failing, gone, healthy] = [await startWebhookReceiver(t), await startWebhookReceiver(t), await startWebhookReceiver(t)];
    failing.respondWith(500);
    gone.respondWith(410);
    const heldSub = await create(app, { email: 'held@example.com', endpoint: failing.url });
    const goneSub = await create(app, { email: 'gone@example.com', endpoint: gone.url });
    const okSub = await create(app, { email: 'ok@example.com', endpoint: healthy.url });
    const mailSub = await create(app, { email: 'reader@example.com' });
    await createIncident(app, { name: 'One', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 4);
    await createIncident(app, { name: 'Two', body: 'y' });

    const all = (await app.api('GET', '/deliveries')).body as any[];
    assert.deepEqual(all.map((d) => d.state), ['failed', 'held', 'pending', 'pending', 'pending', 'pending', 'delivered', 'delivered']);
    assert.equal(all[0].subscriber_id, goneSub.id);
    assert.equal(all[0].last_status_code, 410);
    assert.equal(all[1].subscriber_id, heldSub.id);
    assert.equal(all[1].last_error, 'HTTP 500');
    const pendingIds = all.slice(2, 6).map((d) => Number(d.id));
    assert.deepEqual(pendingIds, [...pendingIds].sort((x, y) => y - x), 'newest first within a state');
    assert.deepEqual(all.slice(6).map((d) => d.subscriber_id).sort(), [okSub.id, mailSub.id].sort());

    const [held] = (await app.api('GET', '/deliveries?state=held')).body;
    assert.equal(held.subscriber_id, heldSub.id);
    assert.equal((await app.api('GET', '/deliveries?state=held')).body.length, 1);
    assert.deepEqual((await app.api('GET', `/deliveries?subscriber_id=${okSub.id}`)).body.map((d: any) => d.state), ['pending', 'delivered']);
    const eventOne = held.event_id;
    const ofEventOne = (await app.api('GET', `/deliveries?event_id=${eventOne}`)).body as any[];
    assert.deepEqual(ofEventOne.map((d) => d.subscriber_id).sort(), [heldSub.id, goneSub.id, okSub.id, mailSub.id].sort());
    assert.ok(ofEventOne.every((d) => d.event_id === eventOne && d.event_type === 'incident.created'));
    assert.deepEqual((await app.api('GET', `/deliveries?state=delivered&subscriber_id=${okSub.id}`)).body.map((d: any) => d.event_id), [eventOne]);
    assert.deepEqual((await app.api('GET', '/deliveries?event_id=evt_nosuchevent')).body, []);
    assertError(await app.api('GET', '/deliveries?state=bogus'), 422, /^state: must be one of/);
  });

  test('a delivery shows its attempts; unknown delivery ids answer 404', async (t) => {
    const app = await setup(t);
    const receiver = await startWebhookReceiver(t);
    const s = await create(app, { email: 'ops@example.com', endpoint: receiver.url });
    await createIncident(app, { name: 'One', body: 'x' });
    await app.herald.worker.runOnce();
    const [row] = (await app.api('GET', '/deliveries')).body;
    const detail = await app.api('GET', `/deliveries/${row.id}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.subscriber_id, s.id);
    assert.equal(detail.body.target, receiver.url);
    assert.equal(detail.body.channel, 'webhook');
    assert.deepEqual(detail.body.attempts.map((a: any) => [a.attempt_number, a.status_code, a.error]), [[1, 204, null]]);
    for (const path of ['/deliveries/999999', '/deliveries/abc', '/deliveries/1e3']) {
      assertError(await app.api('GET', path), 404, /^delivery ".*" not found$/);
    }
    assertError(await app.api('POST', '/deliveries/999999/retry'), 404, /^delivery "999999" not found$/);
  });
});

describe('authentication', () => {
  test('the subscribers and deliveries API answer 401 without a valid key', async (t) => {
    const app = await setup(t);
    const s = await create(app, { email: 'reader@example.com' });
    for (const [method, path] of [
      ['GET', '/subscribers'],
      ['POST', '/subscribers'],
      ['GET', `/subscribers/${s.id}`],
      ['DELETE', `/subscribers/${s.id}`],
      ['POST', `/subscribers/${s.id}/rotate_secret`],
      ['POST', '/subscribers/unsubscribe'],
      ['GET', '/deliveries'],
      ['POST', '/deliveries/1/retry'],
    ] as const) {
      for (const headers of [{}, { authorization: 'OAuth not-a-real-key' }]) {
        const res = await app.fetch(`/api/v1/pages/${app.pageId}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          ...(method === 'POST' ? { body: JSON.stringify({ subscriber: { email: 'x@example.com' }, subscribers: 'all' }) } : {}),
        });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.deepEqual(await res.json(), { error: 'Could not authenticate' });
      }
    }
    assert.equal((await app.api('GET', `/subscribers/${s.id}`)).body.state, 'active', 'nothing changed');
    assert.equal((await app.api('GET', '/subscribers')).body.length, 1);
  });
});
