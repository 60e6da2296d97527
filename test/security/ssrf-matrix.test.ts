import assert from 'node:assert/strict';
import type { lookup as dnsLookup } from 'node:dns';
import { describe, test, type TestContext } from 'node:test';
import { createWebhookChannel } from '../../src/channels/webhook.js';
import { createAddressPolicy, parseCidrList } from '../../src/net/address-policy.js';
import type { Resolve } from '../../src/net/check-endpoint.js';
import { createIncident, readResponse, startApp, type ApiResponse, type TestApp } from '../helpers/app.js';
import { manualClock } from '../helpers/clock.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const publicAddress = '93.184.216.34';
const why = 'webhooks may only reach public addresses (WEBHOOK_ALLOWED_CIDRS can allow a range)';

/** A fixed DNS for subscribe time: what these names resolve to on a typical host, the rest do not resolve. */
const table: Record<string, string[]> = {
  localhost: ['127.0.0.1'],
  'localhost.': ['127.0.0.1'],
  'example.com': [publicAddress],
};
const tableResolve: Resolve = async (hostname) => {
  const found = table[hostname];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return found;
};

/** The real app (real SQLite, real HTTP on loopback) with a chosen subscribe-time resolver. */
const startHerald = (t: TestContext, env: Record<string, string>, resolve: Resolve = tableResolve): Promise<TestApp> =>
  startApp(t, { clock: manualClock(new Date()), resolve, env: { OUTBOX_RETRY_SCHEDULE: '0s,0s,0s,0s,0s,0s', ...env } });

const subscribe = (app: TestApp, endpoint: string): Promise<ApiResponse> =>
  app.api('POST', '/subscribers', { subscriber: { email: 'hooks@example.com', endpoint } });

const refusal = (host: string, address: string, what: string) => `subscriber.endpoint: ${host} resolves to ${address} is ${what}; ${why}`;
const loopback = 'a loopback address';
const privateNet = 'a private network address';
const linkLocal = 'a link-local address (this includes cloud metadata services)';

/** Every private, loopback, link-local, unique-local and metadata form, with the exact answer. */
const refused: Array<[string, string]> = [
  ['http://127.0.0.1/', refusal('127.0.0.1', '127.0.0.1', loopback)],
  ['http://127.1/', refusal('127.0.0.1', '127.0.0.1', loopback)],
  ['http://2130706433/', refusal('127.0.0.1', '127.0.0.1', loopback)],
  ['http://0x7f000001/', refusal('127.0.0.1', '127.0.0.1', loopback)],
  ['http://017700000001/', refusal('127.0.0.1', '127.0.0.1', loopback)],
  ['http://0177.0.0.1/', refusal('127.0.0.1', '127.0.0.1', loopback)],
  ['http://127.000.000.001:8080/x', refusal('127.0.0.1', '127.0.0.1', loopback)],
  ['http://%31%32%37.0.0.1/', refusal('127.0.0.1', '127.0.0.1', loopback)],
  ['http://0x7f.1/', refusal('127.0.0.1', '127.0.0.1', loopback)],
  ['http://127\u30020\u30020\u30021/', refusal('127.0.0.1', '127.0.0.1', loopback)],
  ['http://localhost/', refusal('localhost', '127.0.0.1', loopback)],
  ['http://LOCALHOST./', refusal('localhost.', '127.0.0.1', loopback)],
  ['http://[::1]/', refusal('[::1]', '::1', loopback)],
  ['http://[::ffff:127.0.0.1]/', refusal('[::ffff:7f00:1]', '::ffff:7f00:1', loopback)],
  ['http://[::ffff:7f00:1]/', refusal('[::ffff:7f00:1]', '::ffff:7f00:1', loopback)],
  ['http://[0:0:0:0:0:ffff:127.0.0.1]/', refusal('[::ffff:7f00:1]', '::ffff:7f00:1', loopback)],
  ['http://10.0.0.1/', refusal('10.0.0.1', '10.0.0.1', privateNet)],
  ['http://172.16.0.1/', refusal('172.16.0.1', '172.16.0.1', privateNet)],
  ['http://192.168.0.1/', refusal('192.168.0.1', '192.168.0.1', privateNet)],
  ['http://[::ffff:192.168.0.1]/', refusal('[::ffff:c0a8:1]', '::ffff:c0a8:1', privateNet)],
  ['http://169.254.169.254/latest/meta-data/', refusal('169.254.169.254', '169.254.169.254', linkLocal)],
  ['http://[::ffff:169.254.169.254]/', refusal('[::ffff:a9fe:a9fe]', '::ffff:a9fe:a9fe', linkLocal)],
  ['http://[64:ff9b::a9fe:a9fe]/', refusal('[64:ff9b::a9fe:a9fe]', '64:ff9b::a9fe:a9fe', 'a NAT64 address')],
  ['http://[2002:a9fe:a9fe::]/', refusal('[2002:a9fe:a9fe::]', '2002:a9fe:a9fe::', 'a 6to4 address')],
  ['http://[fe80::1]/', refusal('[fe80::1]', 'fe80::1', linkLocal)],
  ['http://[fd00::1]/', refusal('[fd00::1]', 'fd00::1', 'a unique-local IPv6 address')],
  ['http://100.64.0.1/', refusal('100.64.0.1', '100.64.0.1', 'a carrier-grade NAT address')],
  ['http://0.0.0.0/', refusal('0.0.0.0', '0.0.0.0', 'the unspecified address')],
  ['http://[::]/', refusal('[::]', '::', 'the unspecified address')],
  ['http://metadata.google.internal/computeMetadata/v1/', 'subscriber.endpoint: the host metadata.google.internal does not resolve'],
  ['http://user:pass@example.com/', 'subscriber.endpoint: must not contain a user name or password'],
  ['http://example.com@127.0.0.1/', 'subscriber.endpoint: must not contain a user name or password'],
  ['http://127.0.0.1%2f@example.com/', 'subscriber.endpoint: must not contain a user name or password'],
  ['gopher://127.0.0.1:25/', 'subscriber.endpoint: must use http or https, not gopher'],
  ['file:///etc/passwd', 'subscriber.endpoint: must use http or https, not file'],
];

describe('webhook endpoints refused at subscribe time', () => {
  test('POST /api/v1/pages/{id}/subscribers refuses every private, loopback, link-local, unique-local and metadata form with 422 naming the reason, and stores nothing', async (t) => {
    const app = await startHerald(t, {});
    for (const [endpoint, message] of refused) {
      const res = await subscribe(app, endpoint);
      assert.equal(res.status, 422, `${endpoint}: ${res.text}`);
      assert.deepEqual(res.body, { error: message }, endpoint);
    }
    assert.deepEqual((await app.api('GET', '/subscribers?state=all')).body, []);
  });

  test('an IPv4-compatible IPv6 address ([::127.0.0.1], deprecated ::/96) is not a public address and is refused', async (t) => {
    const app = await startHerald(t, {});
    for (const endpoint of ['http://[::127.0.0.1]/', 'http://[::7f00:1]/', 'http://[::a9fe:a9fe]/']) {
      const res = await subscribe(app, endpoint);
      assert.equal(res.status, 422, `${endpoint} was accepted: ${res.text}`);
      assert.match(res.body.error, /^subscriber\.endpoint: \[::[0-9a-f:]+\] resolves to ::[0-9a-f:]+ is .+; webhooks may only reach public addresses/);
    }
  });

  test('with the system resolver, localhost is refused as loopback', async (t) => {
    const app = await startApp(t);
    const res = await subscribe(app, 'http://localhost:8080/hook');
    assert.equal(res.status, 422);
    assert.match(res.body.error, new RegExp(`^subscriber\\.endpoint: localhost resolves to (127\\.0\\.0\\.1|::1) is a loopback address; ${why.replace(/[()]/g, '\\$&')}$`));
  });

  test('metadata.google.internal is refused as link-local where it resolves (as on GCP, to 169.254.169.254)', async (t) => {
    const app = await startHerald(t, {}, async (host) => (host === 'metadata.google.internal' ? ['169.254.169.254'] : tableResolve(host)));
    const res = await subscribe(app, 'http://metadata.google.internal/computeMetadata/v1/');
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, { error: refusal('metadata.google.internal', '169.254.169.254', linkLocal) });
  });

  test('a hostname is refused when any one of its addresses is private', async (t) => {
    const app = await startHerald(t, {}, async (host) => (host === 'mixed.test' ? [publicAddress, '10.1.2.3'] : tableResolve(host)));
    const res = await subscribe(app, 'https://mixed.test/hook');
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, { error: refusal('mixed.test', '10.1.2.3', privateNet) });
  });

  test('the public sign-up (JSON and the page form) refuses a metadata address with 422 and the same reason', async (t) => {
    const app = await startHerald(t, {});
    const json = await readResponse(await app.fetch('/api/v2/subscribers.json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscriber: { email: 'a@example.com', endpoint: 'http://169.254.169.254/' } }),
    }));
    assert.equal(json.status, 422);
    assert.deepEqual(json.body, { error: refusal('169.254.169.254', '169.254.169.254', linkLocal) });
    const form = await app.fetch('/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'a@example.com', endpoint: 'http://[::ffff:127.0.0.1]/' }),
    });
    assert.equal(form.status, 422);
    const html = await form.text();
    assert.ok(html.includes('<span id="endpoint-error" class="error">[::ffff:7f00:1] resolves to ::ffff:7f00:1 is a loopback address; webhooks may only reach public addresses (WEBHOOK_ALLOWED_CIDRS can allow a range)</span>'), html);
    assert.deepEqual((await app.api('GET', '/subscribers?state=all')).body, []);
  });
});

describe('WEBHOOK_ALLOWED_CIDRS allows exactly the ranges it names', () => {
  const loopbackForms = [
    ['http://127.0.0.1/f0', 'http://127.0.0.1/f0'],
    ['http://127.1/f1', 'http://127.0.0.1/f1'],
    ['http://2130706433/f2', 'http://127.0.0.1/f2'],
    ['http://0x7f000001/f3', 'http://127.0.0.1/f3'],
    ['http://017700000001/f4', 'http://127.0.0.1/f4'],
    ['http://0177.0.0.1/f5', 'http://127.0.0.1/f5'],
    ['http://localhost/f6', 'http://localhost/f6'],
    ['http://LOCALHOST./f7', 'http://localhost./f7'],
    ['http://[::ffff:127.0.0.1]/f8', 'http://[::ffff:7f00:1]/f8'],
    ['http://[::ffff:7f00:1]/f9', 'http://[::ffff:7f00:1]/f9'],
    ['http://127.9.9.9:4000/f10', 'http://127.9.9.9:4000/f10'],
  ] as const;

  test('127.0.0.0/8 allows every 127.0.0.1 form (stored normalized) and nothing outside it', async (t) => {
    const app = await startHerald(t, { WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' });
    for (const [endpoint, stored] of loopbackForms) {
      const res = await subscribe(app, endpoint);
      assert.equal(res.status, 201, `${endpoint}: ${res.text}`);
      assert.equal(res.body.endpoint, stored, endpoint);
    }
    const still: Array<[string, string]> = [
      ['http://[::1]/', refusal('[::1]', '::1', loopback)],
      ['http://10.0.0.1/', refusal('10.0.0.1', '10.0.0.1', privateNet)],
      ['http://169.254.169.254/', refusal('169.254.169.254', '169.254.169.254', linkLocal)],
      ['http://0.0.0.0/', refusal('0.0.0.0', '0.0.0.0', 'the unspecified address')],
    ];
    for (const [endpoint, message] of still) {
      const res = await subscribe(app, endpoint);
      assert.equal(res.status, 422, endpoint);
      assert.deepEqual(res.body, { error: message }, endpoint);
    }
  });

  test('10.0.0.0/8 allows 10.0.0.1 but still refuses every 127.0.0.1 form and the other private ranges', async (t) => {
    const app = await startHerald(t, { WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/8' });
    const allowed = await subscribe(app, 'http://10.0.0.1/hook');
    assert.equal(allowed.status, 201, allowed.text);
    assert.equal(allowed.body.endpoint, 'http://10.0.0.1/hook');
    for (const [endpoint] of loopbackForms) {
      const res = await subscribe(app, endpoint);
      assert.equal(res.status, 422, endpoint);
      assert.match(res.body.error, new RegExp(`is a loopback address; ${why.replace(/[()]/g, '\\$&')}$`), endpoint);
    }
    for (const [endpoint, host] of [['http://172.16.0.1/', '172.16.0.1'], ['http://192.168.0.1/', '192.168.0.1']]) {
      assert.deepEqual((await subscribe(app, endpoint!)).body, { error: refusal(host!, host!, privateNet) });
    }
  });

  test('an IPv6 range allows only IPv6 addresses in it: ::1/128 allows [::1], fd00::/8 allows [fd00::1], 127.0.0.1 stays refused', async (t) => {
    const app = await startHerald(t, { WEBHOOK_ALLOWED_CIDRS: '::1/128' });
    assert.equal((await subscribe(app, 'http://[::1]:4000/hook')).status, 201);
    assert.deepEqual((await subscribe(app, 'http://127.0.0.1/')).body, { error: refusal('127.0.0.1', '127.0.0.1', loopback) });
    const ula = await startHerald(t, { WEBHOOK_ALLOWED_CIDRS: 'fd00::/8' });
    assert.equal((await subscribe(ula, 'http://[fd00::1]/hook')).status, 201);
    assert.deepEqual((await subscribe(ula, 'http://[fe80::1]/')).body, { error: refusal('[fe80::1]', 'fe80::1', linkLocal) });
  });
});

describe('webhook endpoints checked again when sending', () => {
  test('a redirect from an allowed receiver to another loopback receiver is a failed attempt with a clear error, and the second receiver gets nothing', async (t) => {
    const app = await startHerald(t, { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' });
    const first = await startWebhookReceiver(t);
    const second = await startWebhookReceiver(t);
    const statuses = [301, 302, 303, 307, 308];
    first.queue(...statuses.map((status) => ({ kind: 'status' as const, status, headers: { location: second.url } })));
    assert.equal((await subscribe(app, first.url)).status, 201);
    await createIncident(app, { name: 'Moved', body: 'x' });
    for (const _ of statuses) assert.equal(await app.herald.worker.runOnce(), 1);
    const [row] = (await app.api('GET', '/deliveries')).body;
    const detail = (await app.api('GET', `/deliveries/${row.id}`)).body;
    assert.deepEqual(
      detail.attempts.map((a: any) => [a.status_code, a.error]),
      statuses.map((s) => [s, `HTTP ${s} (redirects are not followed; update the endpoint URL)`]),
    );
    assert.equal(detail.state, 'pending');
    assert.equal(first.received.length, statuses.length);
    assert.equal(second.received.length, 0, 'the Location target receives nothing');
  });

  test('DNS rebinding end to end: a host that resolved to a public address at subscribe time but to loopback at connect time is refused, and nothing reaches it', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const port = new URL(receiver.url).port;
    // Subscribe-time DNS says public; the real resolver used when sending says 127.0.0.1 (/etc/hosts).
    const app = await startHerald(t, {}, async (host) => (host === 'localhost' ? [publicAddress] : tableResolve(host)));
    const created = await subscribe(app, `http://localhost:${port}/hook`);
    assert.equal(created.status, 201, created.text);
    await createIncident(app, { name: 'Rebound', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const [row] = (await app.api('GET', '/deliveries')).body;
    assert.equal(row.state, 'failed', 'a refused address is not retried');
    assert.match(row.last_error, new RegExp(`^refused: localhost resolves to (127\\.0\\.0\\.1|::1) is a loopback address; ${why.replace(/[()]/g, '\\$&')}$`));
    assert.equal(receiver.received.length, 0);
    const subscriber = (await app.api('GET', `/subscribers/${created.body.id}`)).body;
    assert.equal(subscriber.state, 'quarantined');
    assert.match(subscriber.quarantine_reason, /^a permanent failure that retrying cannot fix \(refused: localhost resolves to/);
  });

  test('the same rebinding host is delivered to when WEBHOOK_ALLOWED_CIDRS allows loopback (the refusal above is the policy)', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const port = new URL(receiver.url).port;
    const app = await startHerald(t, { WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' }, async (host) => (host === 'localhost' ? [publicAddress] : tableResolve(host)));
    assert.equal((await subscribe(app, `http://localhost:${port}/hook`)).status, 201);
    await createIncident(app, { name: 'Rebound', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal((await app.api('GET', '/deliveries')).body[0].state, 'delivered');
    assert.equal(receiver.received.length, 1);
  });

  test('rebind.test: the channel checks every address its connect-time lookup returns (private among public, IPv4-mapped loopback)', async (t) => {
    const receiver = await startWebhookReceiver(t);
    const port = new URL(receiver.url).port;
    const answers: Array<[string, Array<{ address: string; family: number }>, string | undefined]> = [
      ['public then loopback', [{ address: publicAddress, family: 4 }, { address: '127.0.0.1', family: 4 }], `refused: rebind.test resolves to 127.0.0.1 is ${loopback}; ${why}`],
      ['IPv4-mapped loopback', [{ address: '::ffff:127.0.0.1', family: 6 }], `refused: rebind.test resolves to ::ffff:127.0.0.1 is ${loopback}; ${why}`],
      ['metadata', [{ address: '169.254.169.254', family: 4 }], `refused: rebind.test resolves to 169.254.169.254 is ${linkLocal}; ${why}`],
    ];
    for (const [name, addresses, error] of answers) {
      const lookup = ((_host: string, _options: unknown, callback: (e: Error | null, a: typeof addresses) => void) => callback(null, addresses)) as unknown as typeof dnsLookup;
      const channel = createWebhookChannel({ timeoutMs: 2000, policy: createAddressPolicy(parseCidrList('')), userAgent: 'test', lookup });
      t.after(() => channel.close());
      const result = await channel.send({ url: `http://rebind.test:${port}/hook`, body: '{}', headers: { 'content-type': 'application/json' } });
      assert.equal(result.ok, false, name);
      assert.equal(result.ok === false && result.error, error, name);
      assert.equal(result.ok === false && result.retryable, false, name);
    }
    assert.equal(receiver.received.length, 0);
  });
});
