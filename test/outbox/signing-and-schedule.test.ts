import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signatureHeader, signWebhook } from '../../src/channels/signature.js';
import { parseDuration, parseDurationList } from '../../src/durations.js';
import { createAddressPolicy, parseCidrList } from '../../src/net/address-policy.js';
import { checkEndpoint, type Resolve } from '../../src/net/check-endpoint.js';
import { maxRetryAfterMs, nextRetryDelay } from '../../src/outbox/retry-schedule.js';

// The Standard Webhooks reference test vector (the svix / standardwebhooks library suites use it).
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

/** HMAC-SHA256 over `id.timestamp.body`, keyed with the base64-decoded secret, computed here without the code under test. */
const independentSignature = (secret: string, id: string, timestamp: number, body: string) =>
  `v1,${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64')}`;

const headersFor = (id: string, timestamp: number, signature: string) => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});

describe('webhook signatures', () => {
  test('signWebhook reproduces the Standard Webhooks test vector', () => {
    assert.equal(independentSignature(vector.secret, vector.id, vector.timestamp, vector.body), vector.signature);
    assert.equal(signWebhook(vector.secret, vector.id, vector.timestamp, vector.body), vector.signature);
  });

  test('signWebhook is byte-for-byte what standardwebhooks signs, for a fresh secret and a unicode body', () => {
    const secret = newWebhookSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/, '32 random bytes, base64, whsec_ prefix');
    assert.equal(Buffer.from(secret.slice(6), 'base64').length, 32);
    const body = JSON.stringify({ incident: { name: 'Störung – API ✓', body: 'line\nbreak' } });
    const at = new Date('2026-03-02T10:00:00.000Z');
    const timestamp = Math.floor(at.getTime() / 1000);
    const ours = signWebhook(secret, 'msg_0123456789abcdef', timestamp, body);
    assert.equal(ours, new Webhook(secret).sign('msg_0123456789abcdef', at, body));
    assert.equal(ours, independentSignature(secret, 'msg_0123456789abcdef', timestamp, body));
  });

  test('a signed message verifies with standardwebhooks, and a changed byte does not', () => {
    const secret = newWebhookSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const body = '{"meta":{},"incident":{"id":"abc"}}';
    const header = signatureHeader([secret], 'msg_1', timestamp, body);
    assert.deepEqual(new Webhook(secret).verify(body, headersFor('msg_1', timestamp, header)), { meta: {}, incident: { id: 'abc' } });
    assert.throws(() => new Webhook(secret).verify(`${body} `, headersFor('msg_1', timestamp, header)), /No matching signature/);
    assert.throws(() => new Webhook(newWebhookSecret()).verify(body, headersFor('msg_1', timestamp, header)), /No matching signature/);
  });

  test('during rotation the header carries one signature per secret, space-separated, and either secret verifies', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const body = '{"x":1}';
    const header = signatureHeader([current, previous], 'msg_rot', timestamp, body);
    assert.deepEqual(header.split(' '), [independentSignature(current, 'msg_rot', timestamp, body), independentSignature(previous, 'msg_rot', timestamp, body)]);
    for (const secret of [current, previous]) {
      assert.deepEqual(new Webhook(secret).verify(body, headersFor('msg_rot', timestamp, header)), { x: 1 });
    }
    assert.throws(() => new Webhook(newWebhookSecret()).verify(body, headersFor('msg_rot', timestamp, header)), /No matching signature/);
  });
});

describe('retry schedule', () => {
  const schedule = [0, 10_000, 60_000];

  test('the delay before attempt n+1 is scheduleMs[n] with ±20 % jitter', () => {
    assert.equal(nextRetryDelay({ attemptsMade: 1, scheduleMs: schedule, random: () => 0 }), 8_000);
    assert.equal(nextRetryDelay({ attemptsMade: 1, scheduleMs: schedule, random: () => 0.5 }), 10_000);
    assert.equal(nextRetryDelay({ attemptsMade: 1, scheduleMs: schedule, random: () => 1 }), 12_000);
    assert.equal(nextRetryDelay({ attemptsMade: 2, scheduleMs: schedule, random: () => 0 }), 48_000);
    assert.equal(nextRetryDelay({ attemptsMade: 2, scheduleMs: schedule, random: () => 1 }), 72_000);
  });

  test('jitter stays within ±20 % for any random value', () => {
    for (let i = 0; i <= 100; i += 1) {
      const delay = nextRetryDelay({ attemptsMade: 1, scheduleMs: schedule, random: () => i / 100 })!;
      assert.ok(delay >= 8_000 && delay <= 12_000, `${delay} for random ${i / 100}`);
    }
  });

  test('the schedule is exhausted once every attempt it lists was made', () => {
    assert.equal(nextRetryDelay({ attemptsMade: 3, scheduleMs: schedule, random: () => 0.5 }), undefined);
    assert.equal(nextRetryDelay({ attemptsMade: 4, scheduleMs: schedule, random: () => 0.5 }), undefined);
    assert.equal(nextRetryDelay({ attemptsMade: 1, scheduleMs: [0], random: () => 0.5 }), undefined);
  });

  test('Retry-After is honoured when longer than the scheduled delay', () => {
    assert.equal(nextRetryDelay({ attemptsMade: 1, scheduleMs: schedule, retryAfterMs: 120_000, random: () => 0.5 }), 120_000);
  });

  test('Retry-After never brings the retry earlier than the scheduled delay', () => {
    assert.equal(nextRetryDelay({ attemptsMade: 1, scheduleMs: schedule, retryAfterMs: 1_000, random: () => 0.5 }), 10_000);
    assert.equal(nextRetryDelay({ attemptsMade: 1, scheduleMs: schedule, retryAfterMs: 0, random: () => 0 }), 8_000);
  });

  test('Retry-After is capped at one hour', () => {
    assert.equal(maxRetryAfterMs, 3_600_000);
    assert.equal(nextRetryDelay({ attemptsMade: 1, scheduleMs: schedule, retryAfterMs: 86_400_000, random: () => 0.5 }), 3_600_000);
  });

  test('a scheduled delay longer than the Retry-After cap is kept', () => {
    assert.equal(nextRetryDelay({ attemptsMade: 1, scheduleMs: [0, 7_200_000], retryAfterMs: 86_400_000, random: () => 0.5 }), 7_200_000);
  });

  test('Retry-After does not revive an exhausted schedule', () => {
    assert.equal(nextRetryDelay({ attemptsMade: 3, scheduleMs: schedule, retryAfterMs: 5_000, random: () => 0.5 }), undefined);
  });
});

describe('durations', () => {
  test('parseDuration reads ms, s, m, h, d and bare milliseconds', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('5s'), 5_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseDuration('1500'), 1_500);
    assert.equal(parseDuration('0s'), 0);
    assert.equal(parseDuration('1.5s'), 1_500);
    assert.equal(parseDuration(' 30 M '), 1_800_000);
  });

  test('parseDuration refuses what it cannot read', () => {
    for (const text of ['', 'abc', '5 minutes', '-5s', '5w', 's', '1e3', '5s5']) {
      assert.equal(parseDuration(text), undefined, JSON.stringify(text));
    }
  });

  test('parseDurationList reads a comma-separated schedule and refuses it whole if one entry is bad', () => {
    assert.deepEqual(parseDurationList('0s,5s,5m,30m,2h,5h,10h,10h'), [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    assert.deepEqual(parseDurationList('0s, 10s , 1m'), [0, 10_000, 60_000]);
    assert.equal(parseDurationList('0s,soon,1m'), undefined);
    assert.equal(parseDurationList('0s,,1m'), undefined);
    assert.equal(parseDurationList(''), undefined);
  });
});

describe('webhook address policy', () => {
  const strict = createAddressPolicy([]);
  const loopbackAllowed = createAddressPolicy(parseCidrList('127.0.0.1/32'));
  const names: Record<string, string[]> = {
    'localhost': ['127.0.0.1'],
    'hooks.example.com': ['93.184.216.34'],
    'internal.example.com': ['93.184.216.34', '10.1.2.3'],
    'metadata.example.com': ['169.254.169.254'],
  };
  const resolve: Resolve = async (hostname) => {
    const found = names[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
  const refusedWith = (pattern: RegExp) => (error: unknown) => {
    assert.equal((error as { code?: string }).code, 'validation');
    assert.equal((error as { details?: { field?: string } }).details?.field, 'endpoint');
    assert.match((error as Error).message, pattern);
    return true;
  };

  const refusedUrls: Array<[string, RegExp]> = [
    ['http://127.0.0.1/hook', /^endpoint: .*127\.0\.0\.1 is a loopback address/],
    ['http://localhost:8080/hook', /^endpoint: localhost resolves to 127\.0\.0\.1 is a loopback address/],
    ['http://10.0.0.1/', /10\.0\.0\.1 is a private network address/],
    ['http://172.16.0.1/', /172\.16\.0\.1 is a private network address/],
    ['http://192.168.1.1/', /192\.168\.1\.1 is a private network address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address \(this includes cloud metadata services\)/],
    ['http://100.64.0.1/', /100\.64\.0\.1 is a carrier-grade NAT address/],
    ['http://0.0.0.0/', /0\.0\.0\.0 is the unspecified address/],
    ['http://[::1]/', /::1 is a loopback address/],
    ['http://[fd00::1]/', /fd00::1 is a unique-local IPv6 address/],
    ['http://[fe80::1]/', /fe80::1 is a link-local address/],
    ['http://[::ffff:127.0.0.1]/', /::ffff:7f00:1 is a loopback address/],
    ['http://[::ffff:169.254.169.254]/', /is a link-local address/],
    ['http://0x7f000001/', /127\.0\.0\.1 is a loopback address/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback address/],
    ['http://017700000001/', /127\.0\.0\.1 is a loopback address/],
    ['http://127.1/', /127\.0\.0\.1 is a loopback address/],
    ['http://0/', /0\.0\.0\.0 is the unspecified address/],
    ['http://[::]/', /:: is the unspecified address/],
    ['http://[::ffff:a00:1]/', /is a private network address/],
    ['http://metadata.example.com/', /metadata\.example\.com resolves to 169\.254\.169\.254 is a link-local address/],
    ['http://internal.example.com/', /internal\.example\.com resolves to 10\.1\.2\.3 is a private network address/],
  ];
  for (const [url, reason] of refusedUrls) {
    test(`checkEndpoint refuses ${url} and names why`, async () => {
      await assert.rejects(checkEndpoint(url, strict, resolve), refusedWith(reason));
      await assert.rejects(checkEndpoint(url, strict, resolve), /webhooks may only reach public addresses/);
    });
  }

  test('checkEndpoint refuses credentials in the URL', async () => {
    await assert.rejects(checkEndpoint('http://user:pass@example.com/', strict, resolve), refusedWith(/^endpoint: must not contain a user name or password$/));
    await assert.rejects(checkEndpoint('https://token@hooks.example.com/', strict, resolve), refusedWith(/user name or password/));
  });

  test('checkEndpoint refuses schemes other than http and https', async () => {
    await assert.rejects(checkEndpoint('ftp://hooks.example.com/file', strict, resolve), refusedWith(/^endpoint: must use http or https, not ftp$/));
    await assert.rejects(checkEndpoint('javascript:alert(1)', strict, resolve), refusedWith(/^endpoint: must use http or https, not javascript$/));
    await assert.rejects(checkEndpoint('file:///etc/passwd', strict, resolve), refusedWith(/not file$/));
  });

  test('checkEndpoint refuses what is not a URL and a host that does not resolve', async () => {
    await assert.rejects(checkEndpoint('not a url', strict, resolve), refusedWith(/^endpoint: must be an absolute http\(s\) URL$/));
    await assert.rejects(checkEndpoint('/relative/path', strict, resolve), refusedWith(/absolute http\(s\) URL/));
    await assert.rejects(checkEndpoint('https://nowhere.example.com/', strict, resolve), refusedWith(/^endpoint: the host nowhere\.example\.com does not resolve$/));
  });

  test('checkEndpoint names the field it was given', async () => {
    await assert.rejects(checkEndpoint('http://10.0.0.1/', strict, resolve, 'subscriber.endpoint'), (error: Error & { details?: { field?: string } }) => {
      assert.equal(error.details?.field, 'subscriber.endpoint');
      assert.match(error.message, /^subscriber\.endpoint: /);
      return true;
    });
  });

  test('checkEndpoint allows a public address and a hostname resolving to one, and normalizes the URL', async () => {
    assert.equal(await checkEndpoint('https://93.184.216.34/hook', strict, resolve), 'https://93.184.216.34/hook');
    assert.equal(await checkEndpoint('https://HOOKS.example.com:8443/a?b=1#frag', strict, resolve), 'https://hooks.example.com:8443/a?b=1');
    assert.equal(await checkEndpoint('http://[2606:4700:4700::1111]/', strict, resolve), 'http://[2606:4700:4700::1111]/');
  });

  test('the policy allows public unicast addresses and refuses private ones', () => {
    assert.equal(strict.refusal('8.8.8.8'), undefined);
    assert.equal(strict.refusal('2606:4700:4700::1111'), undefined);
    assert.match(strict.refusal('127.0.0.1')!, /^127\.0\.0\.1 is a loopback address; webhooks may only reach public addresses \(WEBHOOK_ALLOWED_CIDRS can allow a range\)$/);
    assert.match(strict.refusal('not-an-ip')!, /^not-an-ip is not an IP address$/);
    assert.match(strict.refusal('224.0.0.1')!, /multicast/);
    assert.match(strict.refusal('255.255.255.255')!, /broadcast/);
  });

  test('127.0.0.1 is allowed only when WEBHOOK_ALLOWED_CIDRS names it, and other private ranges stay refused', async () => {
    assert.equal(loopbackAllowed.refusal('127.0.0.1'), undefined);
    assert.equal(await checkEndpoint('http://127.0.0.1:4000/hook', loopbackAllowed, resolve), 'http://127.0.0.1:4000/hook');
    assert.equal(await checkEndpoint('http://localhost:4000/hook', loopbackAllowed, resolve), 'http://localhost:4000/hook');
    assert.match(loopbackAllowed.refusal('127.0.0.2')!, /loopback/);
    assert.match(loopbackAllowed.refusal('::1')!, /loopback/);
    await assert.rejects(checkEndpoint('http://10.0.0.1/', loopbackAllowed, resolve), refusedWith(/10\.0\.0\.1 is a private network address/));
    await assert.rejects(checkEndpoint('http://169.254.169.254/', loopbackAllowed, resolve), refusedWith(/link-local/));
    await assert.rejects(checkEndpoint('http://0.0.0.0/', loopbackAllowed, resolve), refusedWith(/unspecified/));
  });

  test('parseCidrList reads CIDRs and bare addresses and throws on anything else', () => {
    assert.deepEqual(parseCidrList('127.0.0.0/8, 10.1.0.0/16,::1').map(([range, bits]) => `${range.toString()}/${bits}`), ['127.0.0.0/8', '10.1.0.0/16', '::1/128']);
    assert.deepEqual(parseCidrList(''), []);
    assert.throws(() => parseCidrList('localhost'));
    assert.throws(() => parseCidrList('10.0.0.0/33'));
  });
});
