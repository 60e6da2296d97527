/**
 * Fuzzing of every public and manage endpoint: the endpoint list, the shared fast-check
 * arbitraries, the wire client, the public JSON schema and the suite itself.
 *
 * Not a test file: test/fuzz/api-fuzz.test.ts (npm test) and test/long/fuzz.long.ts
 * (npm run test:long) call defineFuzzSuite() with their own number of runs and seed.
 *
 * Generation is pure: ids of real rows appear in generated values as placeholders
 * (`@@ID:component:3@@`, `@@KEY@@`, `@@T:3600@@`, `@@DEEP:a:5000@@`) that are resolved against the
 * database of the running app just before the request is sent, so shrinking works on
 * plain data and a counterexample can name "the 3rd component" without knowing its id.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { startApp, type TestApp } from '../helpers/app.js';

// ---------------------------------------------------------------------------------------------
// Endpoints

export type GroupName =
  | 'manage: pages'
  | 'manage: components'
  | 'manage: component-groups'
  | 'manage: incidents'
  | 'manage: subscribers'
  | 'manage: deliveries'
  | 'manage: api-keys'
  | 'public: JSON API'
  | 'public: subscribe API and form'
  | 'public: pages, feeds and badge'
  | 'public: subscription links';

/** Which request body an endpoint reads. */
export interface BodyShape {
  /** The resource wrapper (`{"component": {...}}`, `component[name]=…`), when there is one. */
  wrapper?: string;
  /** The fields the handler reads, filled with plausible and wrong values. */
  fields: readonly string[];
  /** Fields a create needs; always there before mutations. */
  required?: readonly string[];
  /** HTML forms read only urlencoded bodies. */
  form?: boolean;
}

export interface Endpoint {
  group: GroupName;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The route; `:name` parameters are filled from the pool of that name (see poolOf). */
  path: string;
  /** Other spellings of the same route (`component_groups`, `api_keys`, no `.json`). */
  aliases?: readonly string[];
  /** Manage endpoints are sent with the admin key (mostly; some cases try broken credentials). */
  auth: boolean;
  body?: BodyShape;
  /** Query parameters the handler reads. */
  query?: readonly string[];
}

const P = '/api/v1/pages/:pageId';
const pageFields = [
  'name', 'url', 'time_zone', 'page_description', 'headline', 'branding', 'subdomain', 'domain', 'support_url',
  'hidden_from_search', 'viewers_must_be_team_members', 'allow_page_subscribers', 'allow_incident_subscribers',
  'allow_email_subscribers', 'allow_sms_subscribers', 'allow_rss_atom_feeds', 'allow_webhook_subscribers',
  'notifications_from_email', 'notifications_email_footer', 'twitter_username', 'ip_restrictions', 'city', 'state',
  'country', 'css_body_background_color', 'css_greens', 'css_reds', 'css_link_color',
] as const;
const componentFields = ['name', 'description', 'status', 'only_show_if_degraded', 'group_id', 'showcase', 'start_date'] as const;
const groupFields = ['name', 'description', 'components'] as const;
const incidentFields = [
  'name', 'status', 'impact_override', 'scheduled_for', 'scheduled_until', 'scheduled_remind_prior',
  'scheduled_auto_in_progress', 'scheduled_auto_completed', 'scheduled_auto_transition',
  'auto_transition_to_maintenance_state', 'auto_transition_to_operational_state',
  'auto_transition_deliver_notifications_at_start', 'auto_transition_deliver_notifications_at_end',
  'reminder_intervals', 'metadata', 'deliver_notifications', 'backfilled', 'backfill_date', 'body', 'message',
  'components', 'component_ids', 'wants_twitter_update', 'auto_tweet_at_beginning',
] as const;
const updateFields = ['body', 'display_at', 'deliver_notifications', 'wants_twitter_update'] as const;
const subscriberFields = ['email', 'endpoint', 'component_ids', 'incident_id', 'skip_confirmation_notification', 'phone_number', 'phone_country'] as const;
const bulkFields = ['subscribers', 'type', 'state', 'skip_unsubscription_notification'] as const;
const paging = ['page', 'per_page', 'limit'] as const;

export const endpoints: readonly Endpoint[] = [
  // Pages
  { group: 'manage: pages', method: 'GET', path: '/api/v1/pages', auth: true },
  { group: 'manage: pages', method: 'GET', path: P, auth: true },
  { group: 'manage: pages', method: 'PATCH', path: P, auth: true, body: { wrapper: 'page', fields: pageFields } },
  { group: 'manage: pages', method: 'PUT', path: P, auth: true, body: { wrapper: 'page', fields: pageFields } },
  // Components
  { group: 'manage: components', method: 'GET', path: `${P}/components`, auth: true, query: paging },
  { group: 'manage: components', method: 'POST', path: `${P}/components`, auth: true, body: { wrapper: 'component', fields: componentFields, required: ['name'] } },
  { group: 'manage: components', method: 'GET', path: `${P}/components/:componentId`, auth: true },
  { group: 'manage: components', method: 'PATCH', path: `${P}/components/:componentId`, auth: true, body: { wrapper: 'component', fields: componentFields } },
  { group: 'manage: components', method: 'PUT', path: `${P}/components/:componentId`, auth: true, body: { wrapper: 'component', fields: componentFields } },
  { group: 'manage: components', method: 'DELETE', path: `${P}/components/:componentId`, auth: true },
  // Component groups
  ...(['GET', 'POST'] as const).map(
    (method): Endpoint => ({
      group: 'manage: component-groups', method, path: `${P}/component-groups`, aliases: [`${P}/component_groups`], auth: true,
      ...(method === 'GET' ? { query: paging } : { body: { wrapper: 'component_group', fields: groupFields, required: ['name', 'components'] } }),
    }),
  ),
  ...(['GET', 'PATCH', 'PUT', 'DELETE'] as const).map(
    (method): Endpoint => ({
      group: 'manage: component-groups', method, path: `${P}/component-groups/:groupId`, aliases: [`${P}/component_groups/:groupId`], auth: true,
      ...(method === 'PATCH' || method === 'PUT' ? { body: { wrapper: 'component_group', fields: groupFields } } : {}),
    }),
  ),
  // Incidents
  { group: 'manage: incidents', method: 'GET', path: `${P}/incidents`, auth: true, query: ['q', ...paging] },
  ...['unresolved', 'upcoming', 'active_maintenance', 'scheduled'].map(
    (list): Endpoint => ({ group: 'manage: incidents', method: 'GET', path: `${P}/incidents/${list}`, auth: true, query: paging }),
  ),
  { group: 'manage: incidents', method: 'POST', path: `${P}/incidents`, auth: true, body: { wrapper: 'incident', fields: incidentFields, required: ['name'] } },
  { group: 'manage: incidents', method: 'GET', path: `${P}/incidents/:incidentId`, auth: true },
  { group: 'manage: incidents', method: 'PATCH', path: `${P}/incidents/:incidentId`, auth: true, body: { wrapper: 'incident', fields: incidentFields } },
  { group: 'manage: incidents', method: 'PUT', path: `${P}/incidents/:incidentId`, auth: true, body: { wrapper: 'incident', fields: incidentFields } },
  ...(['PATCH', 'PUT'] as const).map(
    (method): Endpoint => ({
      group: 'manage: incidents', method, path: `${P}/incidents/:incidentId/incident_updates/:updateId`,
      aliases: [`${P}/incidents/:incidentId/incidents_update/:updateId`], auth: true, body: { wrapper: 'incident_update', fields: updateFields },
    }),
  ),
  { group: 'manage: incidents', method: 'DELETE', path: `${P}/incidents/:incidentId`, auth: true },
  // Subscribers and their actions
  { group: 'manage: subscribers', method: 'GET', path: `${P}/subscribers`, auth: true, query: ['q', 'type', 'state', 'sort_field', 'sort_direction', ...paging] },
  { group: 'manage: subscribers', method: 'POST', path: `${P}/subscribers`, auth: true, body: { wrapper: 'subscriber', fields: subscriberFields, required: ['email'] } },
  { group: 'manage: subscribers', method: 'GET', path: `${P}/incidents/:incidentId/subscribers`, auth: true, query: paging },
  { group: 'manage: subscribers', method: 'POST', path: `${P}/incidents/:incidentId/subscribers`, auth: true, body: { wrapper: 'subscriber', fields: subscriberFields, required: ['email'] } },
  ...['unsubscribe', 'reactivate', 'resend_confirmation'].map(
    (action): Endpoint => ({ group: 'manage: subscribers', method: 'POST', path: `${P}/subscribers/${action}`, auth: true, body: { fields: bulkFields, required: ['subscribers'] } }),
  ),
  { group: 'manage: subscribers', method: 'GET', path: `${P}/subscribers/:subscriberId`, auth: true },
  { group: 'manage: subscribers', method: 'PATCH', path: `${P}/subscribers/:subscriberId`, auth: true, body: { wrapper: 'subscriber', fields: ['component_ids'] } },
  { group: 'manage: subscribers', method: 'PUT', path: `${P}/subscribers/:subscriberId`, auth: true, body: { wrapper: 'subscriber', fields: ['component_ids'] } },
  { group: 'manage: subscribers', method: 'DELETE', path: `${P}/subscribers/:subscriberId`, auth: true, query: ['skip_unsubscription_notification'] },
  ...['resend_confirmation', 'reactivate', 'rotate_secret'].map(
    (action): Endpoint => ({ group: 'manage: subscribers', method: 'POST', path: `${P}/subscribers/:subscriberId/${action}`, auth: true }),
  ),
  // Deliveries
  { group: 'manage: deliveries', method: 'GET', path: `${P}/deliveries`, auth: true, query: ['state', 'subscriber_id', 'event_id', ...paging] },
  { group: 'manage: deliveries', method: 'GET', path: `${P}/deliveries/:deliveryId`, auth: true },
  { group: 'manage: deliveries', method: 'POST', path: `${P}/deliveries/:deliveryId/retry`, auth: true },
  // API keys
  { group: 'manage: api-keys', method: 'GET', path: '/api/v1/api-keys', aliases: ['/api/v1/api_keys'], auth: true },
  { group: 'manage: api-keys', method: 'POST', path: '/api/v1/api-keys', aliases: ['/api/v1/api_keys'], auth: true, body: { wrapper: 'api_key', fields: ['name'], required: ['name'] } },
  { group: 'manage: api-keys', method: 'DELETE', path: '/api/v1/api-keys/:keyId', aliases: ['/api/v1/api_keys/:keyId'], auth: true },
  // Public pull API: served from the snapshot before express
  ...[
    'status', 'summary', 'components', 'incidents', 'incidents/unresolved', 'scheduled-maintenances',
    'scheduled-maintenances/upcoming', 'scheduled-maintenances/active',
  ].map((name): Endpoint => ({ group: 'public: JSON API', method: 'GET', path: `/api/v2/${name}.json`, aliases: [`/api/v2/${name}`], auth: false })),
  // Public sign-up
  {
    group: 'public: subscribe API and form', method: 'POST', path: '/api/v2/subscribers.json', aliases: ['/api/v2/subscribers'], auth: false,
    body: { wrapper: 'subscriber', fields: ['email', 'endpoint', 'component_ids', 'incident_id'], required: ['email'] },
  },
  { group: 'public: subscribe API and form', method: 'GET', path: '/subscribe', auth: false, query: ['incident'] },
  { group: 'public: subscribe API and form', method: 'POST', path: '/subscribe', auth: false, body: { fields: ['email', 'endpoint', 'component_ids', 'incident_id'], required: ['email'], form: true } },
  // Pages, feeds and the badge
  { group: 'public: pages, feeds and badge', method: 'GET', path: '/', auth: false },
  { group: 'public: pages, feeds and badge', method: 'GET', path: '/history', auth: false, query: ['page'] },
  { group: 'public: pages, feeds and badge', method: 'GET', path: '/incidents/:incidentId', auth: false },
  { group: 'public: pages, feeds and badge', method: 'GET', path: '/history.atom', auth: false },
  { group: 'public: pages, feeds and badge', method: 'GET', path: '/history.rss', auth: false },
  { group: 'public: pages, feeds and badge', method: 'GET', path: '/badge.svg', auth: false },
  // Subscription links from mails
  { group: 'public: subscription links', method: 'GET', path: '/subscriptions/confirm/:confirmToken', auth: false },
  { group: 'public: subscription links', method: 'POST', path: '/subscriptions/confirm/:confirmToken', auth: false },
  { group: 'public: subscription links', method: 'GET', path: '/subscriptions/manage/:manageToken', auth: false },
  { group: 'public: subscription links', method: 'POST', path: '/subscriptions/manage/:manageToken', auth: false, body: { fields: ['component_ids'], form: true } },
  { group: 'public: subscription links', method: 'POST', path: '/subscriptions/manage/:manageToken/unsubscribe', auth: false },
  { group: 'public: subscription links', method: 'GET', path: '/subscriptions/unsubscribe/:unsubscribeToken', auth: false },
  { group: 'public: subscription links', method: 'POST', path: '/subscriptions/unsubscribe/:unsubscribeToken', auth: false, body: { fields: ['List-Unsubscribe'], form: true } },
];

export const groupNames: readonly GroupName[] = [...new Set(endpoints.map((e) => e.group))];
export const endpointName = (e: Endpoint) => `${e.method} ${e.path}`;

// ---------------------------------------------------------------------------------------------
// Pools of real values, and placeholders that name them

export const poolNames = [
  'page', 'component', 'group', 'incident', 'update', 'updateIncident', 'subscriber', 'delivery', 'event', 'apiKey',
  'confirmToken', 'manageToken', 'unsubscribeToken',
] as const;
export type PoolName = (typeof poolNames)[number];
export type Pools = Record<PoolName, string[]>;

/** The pool a route parameter draws its known values from. */
function poolOf(param: string): PoolName {
  const pools: Record<string, PoolName> = {
    pageId: 'page', componentId: 'component', groupId: 'group', incidentId: 'incident', updateId: 'update',
    subscriberId: 'subscriber', deliveryId: 'delivery', keyId: 'apiKey', confirmToken: 'confirmToken',
    manageToken: 'manageToken', unsubscribeToken: 'unsubscribeToken',
  };
  const pool = pools[param];
  if (!pool) throw new Error(`no pool for route parameter :${param}`);
  return pool;
}

const mods = ['upper', 'trunc', 'x', 'dot', 'twice'] as const;
type Mod = (typeof mods)[number];
const poolSpan = 40;
const placeholder = (pool: PoolName, index: number, mod?: Mod) => `@@ID:${pool}:${index}${mod ? `:${mod}` : ''}@@`;
/** A real value of `pool` (the n-th, modulo the pool's size), resolved when the request is sent. */
const ref = (pool: PoolName) => fc.nat({ max: poolSpan - 1 }).map((i) => placeholder(pool, i));
/** A real value, slightly wrong: upper-cased, cut short, one character longer, with a dot, doubled. */
const refMutated = (pool: PoolName) =>
  fc.tuple(fc.nat({ max: poolSpan - 1 }), fc.constantFrom(...mods)).map(([i, mod]) => placeholder(pool, i, mod));

const missingId = 'zzzzzzzzzzzz';
const placeholderPattern = /@@ID:(\w+):(\d+)(?::(\w+))?@@/g;
const deepPattern = /@@DEEP:([ao]):(\d+)@@/g;

function resolveRefs(text: string, pools: Pools, adminKey: string, nowMs: number): string {
  return text
    .replaceAll('@@KEY@@', adminKey)
    .replace(/@@T:(-?\d+)@@/g, (_all, seconds: string) => new Date(nowMs + Number(seconds) * 1000).toISOString())
    .replace(placeholderPattern, (_all, pool: string, index: string, mod: string | undefined) => {
      const list = pools[pool as PoolName] ?? [];
      const value = list.length > 0 ? list[Number(index) % list.length]! : missingId;
      switch (mod as Mod | undefined) {
        case 'upper':
          return value.toUpperCase();
        case 'trunc':
          return value.slice(0, -1);
        case 'x':
          return `${value}x`;
        case 'dot':
          return `${value}.`;
        case 'twice':
          return value + value;
        default:
          return value;
      }
    });
}

/** Deep nesting, written as text: building it as an object would overflow this side's stack first. */
const deepJson = (kind: string, depth: number) => (kind === 'a' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

// ---------------------------------------------------------------------------------------------
// Values

/** `arb` in one case out of `n`, otherwise undefined; shrinks to undefined. */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: n - 1 }, { arbitrary: arb, weight: 1 });

const trickyStrings = [
  '', ' ', 'null', 'undefined', 'true', 'false', 't', 'f', '0', '-1', '1e309', 'NaN', 'Infinity', '__proto__', 'constructor',
  'toString', 'hasOwnProperty', '<script>alert(1)</script>', "' OR 1=1 --", '"; DROP TABLE incidents; --', '%00', '%', '%%',
  '\u0000', '\u0007', '\r\n', '\t', '\ud800', '\udfff', '\u202e', '\ufeff', '\u2028', '🤖', '👩‍👩‍👧‍👦', 'ǅ', 'İ', 'ß', 'ﷺ', '\u0301',
  'Ω'.repeat(300), '../../etc/passwd', '..\\..\\', '{{7*7}}', '<%= 7*7 %>', '${7*7}', '@@', 'all', 'operational',
  'major_outage', 'under_maintenance', 'investigating', 'resolved', 'scheduled', 'in_progress', 'completed', 'critical',
  'maintenance', 'email', 'webhook', 'quarantined', 'unsubscribed',
];
const tricky = fc.constantFrom(...trickyStrings);
/** Long strings, cheap to make and to shrink (the length shrinks). */
const hugeText = fc
  .tuple(fc.constantFrom('x', 'é', '🤖', 'a b', '<i>', '\u0000', '\ud800', '%'), fc.integer({ min: 256, max: 30_000 }))
  .map(([unit, n]) => unit.repeat(n));
/** Any text: unicode, lone surrogates, control characters, markup, very long. */
export const text = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }), weight: 3 },
  { arbitrary: tricky, weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 24 }), weight: 1 },
  { arbitrary: hugeText, weight: 1 },
);
/** Text for query strings, form keys and headers: long, but within what a request head can carry. */
const shortText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  tricky,
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.tuple(fc.constantFrom('x', 'é', '🤖', '%'), fc.integer({ min: 100, max: 1500 })).map(([unit, n]) => unit.repeat(n)),
);
/** `@@DEEP:a:n@@` becomes n nested arrays (or objects) in a JSON body, n brackets in a form key. */
const deepMarker = fc
  .tuple(fc.constantFrom('a', 'o'), fc.oneof({ arbitrary: fc.integer({ min: 1, max: 64 }), weight: 1 }, { arbitrary: fc.integer({ min: 4_000, max: 12_000 }), weight: 2 }))
  .map(([kind, n]) => `@@DEEP:${kind}:${n}@@`);
const keyText = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'name', 'a.b', 'a[b]', '[]', 'toString'), fc.string({ maxLength: 10 }));
const junkScalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, 0.5),
  text,
);
/** Any JSON value: scalars, arrays and objects of them, and deep nesting. */
export const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { arbitrary: junkScalar, weight: 8 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 2 },
    { arbitrary: fc.dictionary(keyText, tie('value'), { maxKeys: 4 }), weight: 2 },
    { arbitrary: deepMarker, weight: 1 },
  ),
})).value;

const componentStatuses = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'];
const realtimeStatuses = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'];
const maintenanceStatuses = ['scheduled', 'in_progress', 'verifying', 'completed'];
const incidentStatuses = [...realtimeStatuses, ...maintenanceStatuses];
const controlChars = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const goodText = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).filter((s) => s.trim().length > 0 && !controlChars.test(s));
const goodBool = fc.constantFrom<unknown>(true, false, 't', 'f', 'true', 'false', '1', '0');
const boolish = fc.constantFrom<unknown>('yes', 'no', 'on', 'off', 1, 0, 'TRUE', ' t ', 'maybe', 2, -1, '', null, 'null');
/**
 * Mostly `@@T:s@@`, the app's clock plus s seconds when the request is sent; sometimes the ends of
 * what the ISO-8601 pattern allows, offsets included (they can carry the instant past year 9999),
 * or days a month does not have (a lenient parser rolls them into the next month).
 */
const goodDateTime = fc.oneof(
  { arbitrary: fc.integer({ min: -60 * 86_400, max: 60 * 86_400 }).map((s) => `@@T:${s}@@`), weight: 5 },
  { arbitrary: fc.constantFrom('2024-02-29T12:00:00Z', '2026-02-29T12:00:00Z', '2026-02-30T10:00:00Z', '2026-04-31T00:00:00Z'), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '1970-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '0000-01-01T00:00:00+01:00', '0000-01-01T00:30:00+23:59',
      '9999-12-31T23:59:59-01:00', '9999-12-31T23:59:59.999999999-14:00', '9999-12-31 23:00-0100',
    ),
    weight: 1,
  },
);
const edgeDateTime = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-03-05T02:00:00Z', '2026-03-05 02:00', '2026-03-05', '2026-03-05T02:00', '2026-02-30T00:00:00Z', '2026-02-31T00:00:00Z',
    '2026-13-01T00:00:00Z', '2026-03-05T24:00:00Z', '2026-03-05T25:61:61Z', '0000-01-01T00:00:00Z', '0000-01-01T00:00:00+01:00',
    '0000-01-01T00:30:00+23:59', '9999-12-31T23:59:59Z', '9999-12-31T23:59:59-01:00', '9999-12-31T23:59:59.999999999-14:00',
    '2026-03-05T02:00:00+2400', '2026-03-05T02:00:00+99:99', '1969-12-31T23:59:59.999Z', '2026-03-05t02:00:00z', 'tomorrow',
    '  2026-03-05T02:00:00Z  ', '+275760-09-13T00:00:00Z', '2026-03-05T02:00:00.1234567890Z', '1234567890', '',
  ),
);
const goodDate = fc.date({ min: new Date('1990-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const edgeDate = fc.constantFrom('2024-02-29', '2026-02-29', '2026-02-30', '0000-01-01', '9999-12-31', '2026-1-1', '20260101', '2026-03-05T00:00:00Z', '');
const goodEmail = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9.+_-]{0,15}$/), fc.constantFrom('example.com', 'example.org', 'mail.example.net'))
  .map(([local, domain]) => `${local}@${domain}`);
const edgeEmail = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom(
    'OPS@Example.COM', ' ops@example.com ', 'visitor@example.com', 'a@b', '@example.com', 'a@@b.co', 'a@b.co\n', `${'a'.repeat(250)}@example.com`,
    '"quoted name"@example.com', 'ü@例え.jp', 'a@localhost', 'a@[127.0.0.1]', '',
  ),
);
// Webhook URLs never point anywhere real: TEST-NET-1 (allowed in the app, nothing answers), names that
// cannot resolve, and refused ranges.
const goodUrl = fc
  .tuple(fc.nat({ max: 255 }), fc.constantFrom('', ':8080', ':443'), fc.stringMatching(/^[a-z0-9/_-]{0,20}$/))
  .map(([n, port, path]) => `http://192.0.2.${n}${port}/${path}`);
const edgeUrl = fc.oneof(
  fc.constantFrom(
    'http://hook.invalid/x', 'http://127.0.0.1/', 'http://[::1]/', 'http://169.254.169.254/latest', 'http://10.0.0.1/', 'http://0.0.0.0/',
    'http://[fe80::1]/', 'http://0x7f.1/', 'http://2130706433/', 'https://user:pw@hook.invalid/', 'ftp://hook.invalid/', 'javascript:alert(1)',
    'http://', 'http://hook.invalid:99999/', 'http://192.0.2.1/#frag', 'HTTP://192.0.2.1/', 'http://localhost/', `http://192.0.2.1/${'a'.repeat(3000)}`,
    'mailto:a@b.co', 'http://[::ffff:127.0.0.1]/', '/relative', 'http://192.0.2.1:0/', 'http://192.0.2.1/%zz',
  ),
  fc
    .tuple(fc.constantFrom('http', 'https', 'gopher'), fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.string({ unit: 'grapheme', maxLength: 20 }))
    .map(([scheme, label, path]) => `${scheme}://${label}.invalid/${encodeURIComponent(path)}`),
);
const goodZone = fc.constantFrom('Etc/UTC', 'Europe/Berlin', 'America/Tijuana', 'Asia/Kathmandu', 'Pacific/Chatham', 'Pacific/Kiritimati', 'Australia/Lord_Howe');
const edgeZone = fc.constantFrom('UTC', 'utc', 'EST5EDT', 'Etc/GMT+12', 'Etc/GMT-14', '+05:30', 'Mars/Olympus', '', 'America/Argentina/ComodRivadavia', 'Antarctica/Troll');
const goodColour = fc.constantFrom<unknown>('#22aa44', '22aa44', '#fff', '#ABCDEF');
const edgeColour = fc.constantFrom<unknown>('#GGGGGG', 'red', '', 'null', null, '#1234567');

const allIdPools: PoolName[] = ['component', 'group', 'incident', 'subscriber', 'update'];
const wrongId = (pool: PoolName) =>
  fc.oneof(refMutated(pool), fc.constantFrom(...allIdPools).chain(ref), tricky, fc.string({ maxLength: 16 }), fc.constant('x'.repeat(65)));
const goodIds = (pool: PoolName, minLength = 0) => fc.array(ref(pool), { minLength, maxLength: 4 });
const edgeIds = (pool: PoolName) =>
  fc.oneof(
    fc.array(fc.oneof(ref(pool), wrongId(pool)), { maxLength: 5 }),
    fc.array(ref(pool), { minLength: 1, maxLength: 4 }).map((ids) => ids.join(',')),
    fc.constant<unknown>([]),
    fc.constant<unknown>(Array.from({ length: 1001 }, (_, i) => placeholder(pool, i))),
  );
const componentMap = (statuses: fc.Arbitrary<unknown>) =>
  fc.dictionary(fc.oneof({ arbitrary: ref('component'), weight: 4 }, { arbitrary: ref('group'), weight: 1 }), statuses, { maxKeys: 3 });
const simpleKey = fc.stringMatching(/^[a-z_]{1,10}$/);
// Any JSON may sit under the second level, however deeply nested: the schema accepts it.
const goodMetadata = fc.oneof(
  { arbitrary: fc.dictionary(simpleKey, fc.dictionary(simpleKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), { maxKeys: 3 }), weight: 2 },
  { arbitrary: fc.tuple(simpleKey, simpleKey, deepMarker).map(([a, b, deep]): unknown => ({ [a]: { [b]: deep } })), weight: 1 },
);
const edgeMetadata = fc.oneof(
  fc.tuple(simpleKey, simpleKey, deepMarker).map(([a, b, deep]) => ({ [a]: { [b]: deep } })),
  fc.dictionary(keyText, fc.dictionary(keyText, junk, { maxKeys: 3 }), { maxKeys: 3 }),
  fc.dictionary(simpleKey, junk, { minKeys: 1, maxKeys: 2 }),
);

interface FieldValues {
  /** Values the app should accept. */
  good: fc.Arbitrary<unknown>;
  /** Right type, wrong or edge value; or a neighbour's type. */
  edge: fc.Arbitrary<unknown>;
}

const fieldValues = (good: fc.Arbitrary<unknown>, edge: fc.Arbitrary<unknown>): FieldValues => ({ good, edge });

function valuesOf(field: string, wrapper: string | undefined): FieldValues {
  switch (field) {
    case 'name':
      return fieldValues(goodText(60), fc.oneof(text, fc.constant('n'.repeat(256))));
    case 'scheduled_for':
    case 'scheduled_until':
    case 'display_at':
    case 'backfill_date':
      return fieldValues(goodDateTime, edgeDateTime);
    case 'start_date':
      return fieldValues(goodDate, edgeDate);
    case 'status':
      return wrapper === 'component'
        ? fieldValues(fc.constantFrom(...componentStatuses), fc.constantFrom<unknown>(...incidentStatuses, '', 'OPERATIONAL'))
        : fieldValues(fc.constantFrom(...incidentStatuses), fc.constantFrom<unknown>(...componentStatuses, '', 'RESOLVED'));
    case 'impact_override':
      return fieldValues(fc.constantFrom<unknown>('none', 'maintenance', 'minor', 'major', 'critical', null), fc.constantFrom<unknown>('apocalyptic', 'null', '', 'MAJOR'));
    case 'metadata':
      return fieldValues(goodMetadata, edgeMetadata);
    case 'components':
      return wrapper === 'component_group'
        ? fieldValues(goodIds('component', 1), edgeIds('component'))
        : fieldValues(fc.oneof(componentMap(fc.constantFrom(...componentStatuses)), goodIds('component')), fc.oneof(componentMap(junk), edgeIds('component')));
    case 'component_ids':
      return fieldValues(goodIds('component', wrapper === 'subscriber' ? 1 : 0), edgeIds('component'));
    case 'group_id':
      return fieldValues(fc.oneof(ref('group'), fc.constant(null)), fc.oneof(wrongId('group'), fc.constantFrom<unknown>('null', ''), ref('component')));
    case 'incident_id':
      return fieldValues(ref('incident'), wrongId('incident'));
    case 'subscribers':
      return fieldValues(fc.oneof(fc.constant('all'), goodIds('subscriber', 1)), edgeIds('subscriber'));
    case 'type':
      return fieldValues(fc.constantFrom('email', 'webhook'), fc.constantFrom<unknown>('sms', '', 'EMAIL', 'slack'));
    case 'state':
      return wrapper === 'page'
        ? fieldValues(goodText(30), text)
        : fieldValues(fc.constantFrom('active', 'unconfirmed', 'quarantined', 'unsubscribed', 'all'), fc.constantFrom<unknown>('deleted', '', 'ACTIVE'));
    case 'email':
    case 'notifications_from_email':
      return fieldValues(goodEmail, edgeEmail);
    case 'endpoint':
      return fieldValues(goodUrl, edgeUrl);
    case 'url':
    case 'support_url':
      return fieldValues(fc.constantFrom('https://status.example.com', 'https://example.com/help', null), edgeUrl);
    case 'time_zone':
      return fieldValues(goodZone, edgeZone);
    case 'branding':
      return fieldValues(fc.constantFrom('basic', 'premium'), fc.constantFrom<unknown>('gold', ''));
    case 'body':
    case 'message':
      return fieldValues(goodText(200), fc.oneof(text, fc.constant('b'.repeat(25_001))));
    default:
      if (field.startsWith('css_')) return fieldValues(goodColour, edgeColour);
      if (
        field.startsWith('allow_') || field.startsWith('auto_') || field.startsWith('scheduled_') || field.startsWith('skip_') ||
        ['hidden_from_search', 'viewers_must_be_team_members', 'deliver_notifications', 'backfilled', 'wants_twitter_update', 'showcase', 'only_show_if_degraded'].includes(field)
      ) {
        return fieldValues(goodBool, boolish);
      }
      return fieldValues(goodText(40), text);
  }
}

const removeKey = '@@REMOVE@@';

/**
 * A resource object: the required fields and a few optional ones with good values, then
 * up to three mutations (an edge value, a wrong type, a removed field, a stray key).
 * Shrinking drops mutations and optional fields first.
 */
function resourceArb(shape: BodyShape, mutate = true): fc.Arbitrary<Record<string, unknown>> {
  const values = Object.fromEntries(shape.fields.map((f) => [f, valuesOf(f, shape.wrapper)])) as Record<string, FieldValues>;
  const required = shape.required ?? [];
  const optional = shape.fields.filter((f) => !required.includes(f));
  const good = fc.record(Object.fromEntries(shape.fields.map((f) => [f, values[f]!.good])) as Record<string, fc.Arbitrary<unknown>>);
  const mutation = fc.oneof(
    { arbitrary: fc.constantFrom(...shape.fields).chain((f) => values[f]!.edge.map((v): [string, unknown] => [f, v])), weight: 4 },
    { arbitrary: fc.tuple(fc.constantFrom(...shape.fields), junk), weight: 2 },
    { arbitrary: fc.tuple(fc.constantFrom(...shape.fields), fc.constant<unknown>(removeKey)), weight: 1 },
    { arbitrary: fc.tuple(keyText, junk), weight: 1 },
  );
  const mutations = mutate
    ? fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, { arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }), weight: 3 })
    : fc.constant([]);
  return fc.tuple(good, fc.subarray(optional, { maxLength: Math.min(4, optional.length) }), mutations).map(([all, chosen, changes]) => {
    const out: Record<string, unknown> = {};
    for (const f of [...required, ...chosen]) out[f] = all[f];
    for (const [f, v] of changes) {
      if (v === removeKey) delete out[f];
      else Object.defineProperty(out, f, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Requests

export type BodySpec =
  | { kind: 'none'; contentType: string | undefined }
  | { kind: 'json'; value: unknown; contentType: string }
  | { kind: 'form'; value: unknown; arrayStyle: ArrayStyle; extra: Array<[string, string]>; encode: boolean; contentType: string }
  | { kind: 'raw'; data: string | Uint8Array; contentType: string | undefined }
  | { kind: 'big'; size: number; contentType: string };
type ArrayStyle = '[]' | '[i]' | 'repeat';

export interface QuerySpec {
  pairs: Array<[string, string | undefined]>;
  encode: boolean;
  garbage: string | undefined;
}

export interface RequestSpec {
  method: string;
  params: string[];
  alias: number;
  jsonSuffix: boolean;
  trailingSlash: boolean;
  /** 'query' sends the key as ?api_key=, 'none' sends nothing, anything else is the Authorization header. */
  auth: string;
  query: QuerySpec;
  headers: Array<[string, string]>;
  body: BodySpec;
  /** Moves the app's clock first, so schedules, expiries and windows come due. */
  advanceMs: number | undefined;
}

const contentTypes = fc.constantFrom(
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16',
  'application/json; charset=nope', 'application/vnd.api+json', 'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=iso-8859-1', 'application/x-www-form-urlencoded; charset=bogus', 'text/plain', 'text/html',
  'multipart/form-data; boundary=xyz', 'application/xml', '', '*/*', 'application/', ';;;', 'application/json, text/plain', 'APPLICATION/JSON',
);
const jsonTypes = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 12 },
  { arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/merge-patch+json', 'Application/JSON'), weight: 1 },
  { arbitrary: contentTypes, weight: 1 },
);
const formTypes = fc.oneof({ arbitrary: fc.constant('application/x-www-form-urlencoded'), weight: 12 }, { arbitrary: contentTypes, weight: 1 });
const rawData = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '{"incident":', '\ufeff{}', '{"a":1}{"b":2}', 'null', '[]', '"str"', '1e999', '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}', 'a=1&a[b]=2', '%%%', '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--',
    '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', '{"a":"\\ud800"}', '{"a":1,"a":2}',
  ),
);
const bracketSegment = fc.oneof(
  fc.constantFrom('', 'name', 'components', 'component_ids', 'email', '0', '1', '999999', '-1', '__proto__', 'constructor', 'prototype'),
  ref('component'),
  fc.string({ maxLength: 8 }),
);
/** Rails-style keys: `incident[components][x]`, `x[]`, very deep brackets, broken brackets. */
function bracketKey(prefixes: readonly string[]) {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...prefixes), fc.array(bracketSegment, { maxLength: 4 })).map(([p, segs]) => p + segs.map((s) => `[${s}]`).join('')),
    fc.tuple(fc.constantFrom(...prefixes), fc.integer({ min: 1, max: 200 })).map(([p, n]) => p + '[a]'.repeat(n)),
    fc.constantFrom('[]', '[', ']', '[[]]', 'a[', 'a]', 'a[]]', 'a[][]', '__proto__[x]', 'constructor[prototype][x]', 'a[__proto__][b]', '&', '='),
    fc.string({ maxLength: 12 }),
  );
}
const pairValue = fc.oneof(shortText, ref('component'), fc.constant(''));

function bodyArb(shape: BodyShape | undefined): fc.Arbitrary<BodySpec> {
  const none = fc.record({ kind: fc.constant('none' as const), contentType: rarely(contentTypes, 6) });
  const effective: BodyShape = shape ?? { fields: ['name'] };
  const resource = resourceArb(effective);
  const wrapper = effective.wrapper;
  // Deep nesting in an otherwise good body: where the schema takes any JSON (incident metadata), or in any field.
  const nested = effective.fields.filter((f) => f === 'metadata');
  const deep = fc
    .tuple(resourceArb(effective, false), fc.constantFrom(...(nested.length > 0 ? nested : effective.fields)), simpleKey, simpleKey, deepMarker)
    .map(([r, f, a, b, marker]) => ({ ...r, [f]: f === 'metadata' ? { [a]: { [b]: marker } } : marker }));
  const structured: fc.Arbitrary<unknown> = wrapper
    ? fc.oneof(
        { arbitrary: resource.map((r) => ({ [wrapper]: r })), weight: 12 },
        { arbitrary: deep.map((r) => ({ [wrapper]: r })), weight: 2 },
        { arbitrary: resource, weight: 2 },
        { arbitrary: fc.tuple(resource, resource).map(([a, b]) => ({ ...b, [wrapper]: a })), weight: 1 },
        { arbitrary: junk.map((j) => ({ [wrapper]: j })), weight: 1 },
        { arbitrary: junk, weight: 1 },
      )
    : fc.oneof({ arbitrary: resource, weight: 12 }, { arbitrary: deep, weight: 1 }, { arbitrary: junk, weight: 1 });
  const prefixes = [...(wrapper ? [wrapper] : []), ...effective.fields, 'subscriber', 'incident', 'component'];
  const json = fc.record({ kind: fc.constant('json' as const), value: structured, contentType: jsonTypes });
  const form = fc.record({
    kind: fc.constant('form' as const),
    value: structured,
    arrayStyle: fc.constantFrom<ArrayStyle>('[]', '[i]', 'repeat'),
    extra: fc.oneof(
      { arbitrary: fc.constant<Array<[string, string]>>([]), weight: 2 },
      { arbitrary: fc.array(fc.tuple(bracketKey(prefixes), pairValue), { minLength: 1, maxLength: 4 }), weight: 1 },
    ),
    encode: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
    contentType: formTypes,
  });
  const raw = fc.record({ kind: fc.constant('raw' as const), data: rawData, contentType: fc.option(contentTypes, { nil: undefined }) });
  const big = fc.record({ kind: fc.constant('big' as const), size: fc.integer({ min: 17_000, max: 700_000 }), contentType: fc.oneof(jsonTypes, formTypes) });
  if (!shape) {
    // GET, DELETE and the actions read no body; a few cases send one anyway.
    return fc.oneof({ arbitrary: none, weight: 16 }, { arbitrary: json, weight: 1 }, { arbitrary: form, weight: 1 }, { arbitrary: raw, weight: 1 });
  }
  if (shape.form) {
    return fc.oneof({ arbitrary: form, weight: 12 }, { arbitrary: none, weight: 1 }, { arbitrary: json, weight: 1 }, { arbitrary: raw, weight: 1 }, { arbitrary: big, weight: 1 });
  }
  return fc.oneof({ arbitrary: json, weight: 10 }, { arbitrary: none, weight: 1 }, { arbitrary: form, weight: 4 }, { arbitrary: raw, weight: 1 }, { arbitrary: big, weight: 1 });
}

const commonQueryKeys = ['page', 'per_page', 'limit', 'q', 'state', 'type', 'api_key', 'incident', 'callback', 'format', '_method'];
const goodQueryValue = fc.constantFrom('1', '2', '100', '0', 'active', 'all', 'unconfirmed', 'email', 'webhook', 'asc', 'desc', 'primary', 'created_at', 'quarantined_at', 'failed', 'pending', 'delivered', 'true', 'f', 'api');
const queryValue = fc.oneof(
  { arbitrary: goodQueryValue, weight: 4 },
  { arbitrary: fc.oneof(ref('incident'), ref('subscriber'), ref('event')), weight: 2 },
  { arbitrary: fc.constantFrom('-1', '101', '999999999', '9999999999', '1e3', ' 1 ', '1.5', '0x10', ''), weight: 2 },
  { arbitrary: shortText, weight: 2 },
);
const queryGarbage = fc.constantFrom('%', '%%', '%zz', '&&&', '==', '%E0%A4%A', '%C0%AF', '%00', '+', '#frag', '?', ';', '&=&=', 'a=%FF%FE', '[]=1', '%5B%5D=1');

function queryArb(endpoint: Endpoint): fc.Arbitrary<QuerySpec> {
  const own = endpoint.query ?? [];
  const prefixes = [...(endpoint.body?.wrapper ? [endpoint.body.wrapper] : []), ...own, ...commonQueryKeys];
  const key = fc.oneof(
    ...(own.length > 0 ? [{ arbitrary: fc.constantFrom(...own), weight: 6 }] : []),
    { arbitrary: fc.constantFrom(...commonQueryKeys), weight: 2 },
    { arbitrary: bracketKey(prefixes), weight: 2 },
    { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
  );
  const pair = fc.tuple(key, fc.oneof({ arbitrary: queryValue, weight: 8 }, { arbitrary: fc.constant(undefined), weight: 1 }));
  // Bracket keys in the query string stand in for a body (Statuspage's Rails API merges them).
  const fromBody: fc.Arbitrary<Array<[string, string | undefined]>> = endpoint.body?.wrapper
    ? rarely(resourceArb(endpoint.body), 8).map((r) =>
        r === undefined ? [] : flatten(endpoint.body!.wrapper!, r, '[]').map(([k, v]): [string, string | undefined] => [k, v.slice(0, 300)]),
      )
    : fc.constant([]);
  return fc
    .tuple(
      fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.array(pair, { minLength: 1, maxLength: 5 }), weight: 2 }),
      fromBody,
      fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
      rarely(queryGarbage, 8),
    )
    .map(([pairs, bodyPairs, encode, garbage]) => ({ pairs: [...pairs, ...bodyPairs], encode, garbage }));
}

/** Header text: printable, latin-1 and long values (what a client can put on the wire). */
const headerText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.constantFrom('a', 'é', ' ', ','), fc.integer({ min: 100, max: 4000 })).map(([u, n]) => u.repeat(n)),
);
const goodAuth = fc.constantFrom('OAuth @@KEY@@', 'oauth @@KEY@@', 'Bearer @@KEY@@', 'bearer @@KEY@@', '  BEARER   @@KEY@@  ', 'OAUTH\t@@KEY@@', 'query');
const badAuth = fc.oneof(
  fc.constantFrom('none', 'Basic Zm9vOmJhcg==', 'OAuth', 'OAuth ', 'Bearer a b', '', 'OAuth @@KEY@@x', 'OAuth @@KEY@@ @@KEY@@', 'Digest @@KEY@@', 'OAuth hk_'),
  fc.tuple(fc.constantFrom('OAuth ', 'Bearer ', ''), headerText).map(([scheme, v]) => scheme + v),
  ref('apiKey').map((id) => `OAuth ${id}`),
);

function headersArb(): fc.Arbitrary<Array<[string, string]>> {
  const optional = (name: string, value: fc.Arbitrary<string>, oneIn = 6) => rarely(value.map((v): [string, string] => [name, v]), oneIn);
  const etags = fc.oneof(fc.constantFrom('*', '"x"', 'W/"x"', '"', '""', ',', '*, "a"', ' * ', '"a", "b", *'), headerText);
  return fc
    .tuple(
      optional('if-none-match', etags),
      optional('accept', fc.oneof(fc.constantFrom('text/html', 'application/json', '*/*', 'image/*', 'text/html;q=0', 'application/json;q=0, */*;q=0'), headerText)),
      optional('user-agent', headerText),
      optional('accept-language', headerText, 10),
      optional('origin', fc.oneof(fc.constantFrom('null', 'http://evil.invalid'), headerText), 10),
      optional('x-forwarded-for', fc.oneof(fc.constantFrom('1.2.3.4', '::1', 'unknown', '1.2.3.4, 5.6.7.8'), headerText), 10),
      optional('cookie', headerText, 10),
      optional('content-encoding', fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-garbage', 'gzip, gzip'), 25),
      optional('access-control-request-headers', headerText, 10),
      optional('x-http-method-override', fc.constantFrom('DELETE', 'PATCH', 'PUT'), 25),
    )
    .map((entries) => entries.filter((e): e is [string, string] => e !== undefined));
}

/** Route parameters: real values (mostly), values of the wrong kind, broken ids, percent-encoded bytes, `..`, very long. */
function paramArb(pool: PoolName): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: ref(pool), weight: 16 },
    { arbitrary: refMutated(pool), weight: 1 },
    { arbitrary: fc.constantFrom(...poolNames).chain(ref), weight: 1 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent), weight: 1 },
    { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '..', '.', '%2e%2e', '..%2f..%2fetc%2fpasswd', '%2F', '%00', '%', '%zz', '%E0%A4%A', 'null', 'undefined', '__proto__', 'constructor',
        '*', '%20', "'%20OR%201=1--", 'aaaaaaaaaaaa', 'AAAAAAAAAAAA', '0', '-1', '1e3', '9007199254740993', '999999999999999', '', '.json',
      ),
      weight: 1,
    },
    { arbitrary: fc.tuple(fc.constantFrom('x', '%41', '9', '.'), fc.integer({ min: 100, max: 3000 })).map(([u, n]) => u.repeat(n)), weight: 1 },
    { arbitrary: fc.tuple(ref('subscriber'), fc.string({ maxLength: 40 })).map(([id, secret]) => `${id}.${encodeURIComponent(secret)}`), weight: 1 },
  );
}

const routeParams = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);

/** All requests for one endpoint. Simplest choices come first in each oneof, so shrinking heads there. */
export function requestArb(endpoint: Endpoint): fc.Arbitrary<RequestSpec> {
  const names = routeParams(endpoint.path);
  const independent = fc.tuple(...names.map((name) => paramArb(poolOf(name))));
  // The same index for every parameter, so an incident update comes with its own incident.
  const joint = fc.nat({ max: poolSpan - 1 }).map((i) =>
    names.map((name) => placeholder(name === 'incidentId' && names.includes('updateId') ? 'updateIncident' : poolOf(name), i)),
  );
  // Routes naming an update and its incident mostly get a matching pair.
  const paired = names.includes('updateId');
  const params: fc.Arbitrary<string[]> =
    names.length === 0 ? fc.constant([]) : fc.oneof({ arbitrary: independent, weight: paired ? 1 : 3 }, { arbitrary: joint, weight: paired ? 3 : 1 });
  const otherMethods: string[] = [];
  if (endpoint.method === 'GET') otherMethods.push('HEAD');
  if (endpoint.group === 'public: JSON API') otherMethods.push('OPTIONS', 'POST', 'DELETE');
  const method = otherMethods.length === 0 ? fc.constant(endpoint.method) : fc.oneof({ arbitrary: fc.constant(endpoint.method), weight: 8 }, { arbitrary: fc.constantFrom(...otherMethods), weight: 1 });
  const auth = endpoint.auth
    ? fc.oneof({ arbitrary: goodAuth, weight: 12 }, { arbitrary: badAuth, weight: 1 })
    : fc.oneof({ arbitrary: fc.constant('none'), weight: 12 }, { arbitrary: badAuth, weight: 1 });
  return fc.record({
    method,
    params,
    alias: fc.nat({ max: endpoint.aliases?.length ?? 0 }),
    jsonSuffix: endpoint.auth ? fc.boolean() : fc.constant(false),
    trailingSlash: fc.oneof({ arbitrary: fc.constant(false), weight: 15 }, { arbitrary: fc.constant(true), weight: 1 }),
    auth,
    query: queryArb(endpoint),
    headers: headersArb(),
    body: bodyArb(endpoint.body),
    advanceMs: rarely(fc.integer({ min: 1, max: 8 * 86_400_000 }), 25),
  });
}

// ---------------------------------------------------------------------------------------------
// From a spec to bytes on the wire

export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** Rails bracket form of a JSON value: `incident[components][id]=major_outage`, `ids[]=a`. */
function flatten(prefix: string, value: unknown, style: ArrayStyle, out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === 'string') {
    const deep = /^@@DEEP:[ao]:(\d+)@@$/.exec(value);
    if (deep) out.push([`${prefix}${'[a]'.repeat(Math.min(Number(deep[1]), 300))}`, '1']);
    else out.push([prefix, value]);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => flatten(style === '[]' ? `${prefix}[]` : style === '[i]' ? `${prefix}[${i}]` : prefix, item, style, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) flatten(prefix ? `${prefix}[${key}]` : key, item, style, out);
  } else {
    out.push([prefix, value === null ? '' : String(value)]);
  }
  return out;
}

/** Percent-encodes what cannot go on the wire raw, leaving `%`, `&`, `=` and brackets as garbage. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = (s: string) => s.replace(loneSurrogate, '\ufffd');
const rawEncode = (s: string) => wellFormed(s).replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
const safeEncode = (s: string) => encodeURIComponent(wellFormed(s));
/** What Node lets into a header value: tab, printable ASCII and latin-1. */
const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

export function materialize(endpoint: Endpoint, spec: RequestSpec, pools: Pools, adminKey: string, nowMs: number): WireRequest {
  const resolve = (s: string) => resolveRefs(s, pools, adminKey, nowMs);
  const templates = [endpoint.path, ...(endpoint.aliases ?? [])];
  let i = 0;
  let path = templates[spec.alias % templates.length]!.replace(/:(\w+)/g, () => resolve(spec.params[i++] ?? ''));
  if (spec.jsonSuffix) path += '.json';
  if (spec.trailingSlash) path += '/';

  const encodePart = (s: string) => (spec.query.encode ? safeEncode(resolve(s)) : rawEncode(resolve(s)));
  const parts = spec.query.pairs.map(([k, v]) => (v === undefined ? encodePart(k) : `${encodePart(k)}=${encodePart(v)}`));
  if (spec.auth === 'query') parts.push(`api_key=${encodeURIComponent(adminKey)}`);
  if (spec.query.garbage) parts.push(spec.query.garbage);
  if (parts.length > 0) path += `?${parts.join('&')}`;

  const headers: Record<string, string> = {};
  for (const [name, value] of spec.headers) headers[name] = headerSafe(resolve(value));
  if (spec.auth !== 'query' && spec.auth !== 'none') headers['authorization'] = headerSafe(resolve(spec.auth));

  let body: Buffer | undefined;
  const b = spec.body;
  if (b.kind === 'json') {
    const textBody = resolve(JSON.stringify(b.value) ?? 'null').replace(new RegExp(`"${deepPattern.source}"`, 'g'), (_all, kind: string, n: string) => deepJson(kind, Number(n)));
    body = Buffer.from(textBody, 'utf8');
  } else if (b.kind === 'form') {
    const pairs = [...flatten('', b.value, b.arrayStyle), ...b.extra];
    const encode = (s: string) => (b.encode ? safeEncode(resolve(s)) : rawEncode(resolve(s)));
    body = Buffer.from(pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'), 'utf8');
  } else if (b.kind === 'raw') {
    body = typeof b.data === 'string' ? Buffer.from(resolve(b.data), 'utf8') : Buffer.from(b.data);
  } else if (b.kind === 'big') {
    body = Buffer.from(b.contentType.includes('json') ? `{"x":"${'x'.repeat(b.size)}"}` : `x=${'x'.repeat(b.size)}`, 'utf8');
  }
  if (b.contentType !== undefined) headers['content-type'] = headerSafe(b.contentType);
  return { method: spec.method, path, headers, body };
}

export interface WireResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends one request over a keep-alive connection and reads the whole answer. */
export function send(baseUrl: string, agent: Agent, req: WireRequest, timeoutMs = 15_000): Promise<WireResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = req.body.length;
    const r = httpRequest({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

const preview = (s: string, max = 300) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);
export function describeRequest(req: WireRequest): string {
  const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${preview(v, 120)}`);
  return [`${req.method} ${preview(req.path, 400)}`, ...headers, req.body ? `body: ${preview(req.body.toString('utf8'))}` : 'no body'].join('\n  ');
}

// ---------------------------------------------------------------------------------------------
// The public JSON, as the public reference (section 1) describes it

const isoMs = z.iso.datetime({ precision: 3 });
const id12 = z.string().regex(/^[a-z0-9]{12}$/);
const pageSchema = z.strictObject({ id: id12, name: z.string(), url: z.string(), time_zone: z.string(), updated_at: isoMs });
const statusSchema = z.strictObject({
  indicator: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
  description: z.enum([
    'All Systems Operational', 'Partially Degraded Service', 'Minor Service Outage', 'Partial System Outage', 'Major Service Outage',
    'Service Under Maintenance',
  ]),
});
const componentStatus = z.enum(componentStatuses as [string, ...string[]]);
const componentSchema = z
  .strictObject({
    id: id12, name: z.string(), status: componentStatus, created_at: isoMs, updated_at: isoMs, position: z.int().min(1),
    description: z.string().nullable(), showcase: z.boolean(), start_date: z.iso.date().nullable(), group_id: id12.nullable(),
    page_id: id12, group: z.boolean(), only_show_if_degraded: z.boolean(), components: z.array(id12).optional(),
  })
  .refine((c) => c.group === (c.components !== undefined), 'a group row (and only a group row) lists its child ids');
const updateSchema = z.strictObject({
  id: id12, status: z.enum(incidentStatuses as [string, ...string[]]), body: z.string(), incident_id: id12, created_at: isoMs,
  updated_at: isoMs, display_at: isoMs,
  affected_components: z.array(z.strictObject({ code: id12, name: z.string(), old_status: componentStatus, new_status: componentStatus })).nullable(),
  deliver_notifications: z.boolean(), custom_tweet: z.null(), tweet_id: z.null(),
});
const incidentFieldsSchema = {
  id: id12, name: z.string(), created_at: isoMs, updated_at: isoMs, monitoring_at: isoMs.nullable(), resolved_at: isoMs.nullable(),
  impact: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']), shortlink: z.url(), started_at: isoMs, page_id: id12,
  incident_updates: z.array(updateSchema), components: z.array(componentSchema),
};
const incidentSchema = (statuses: readonly string[]) =>
  z.strictObject({ ...incidentFieldsSchema, status: z.enum(statuses as [string, ...string[]]) });
const maintenanceSchema = (statuses: readonly string[]) =>
  z.strictObject({ ...incidentFieldsSchema, status: z.enum(statuses as [string, ...string[]]), scheduled_for: isoMs, scheduled_until: isoMs });
const realtime = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'];
const unresolved = ['investigating', 'identified', 'monitoring'];
const maintenance = ['scheduled', 'in_progress', 'verifying', 'completed'];

export const publicJsonSchemas: Record<string, z.ZodType> = {
  '/api/v2/status.json': z.strictObject({ page: pageSchema, status: statusSchema }),
  '/api/v2/summary.json': z.strictObject({
    page: pageSchema, status: statusSchema, components: z.array(componentSchema), incidents: z.array(incidentSchema(unresolved)),
    scheduled_maintenances: z.array(maintenanceSchema(['scheduled', 'in_progress', 'verifying'])),
  }),
  '/api/v2/components.json': z.strictObject({ page: pageSchema, components: z.array(componentSchema) }),
  '/api/v2/incidents.json': z.strictObject({ page: pageSchema, incidents: z.array(incidentSchema(realtime)).max(50) }),
  '/api/v2/incidents/unresolved.json': z.strictObject({ page: pageSchema, incidents: z.array(incidentSchema(unresolved)) }),
  '/api/v2/scheduled-maintenances.json': z.strictObject({ page: pageSchema, scheduled_maintenances: z.array(maintenanceSchema(maintenance)).max(50) }),
  '/api/v2/scheduled-maintenances/upcoming.json': z.strictObject({ page: pageSchema, scheduled_maintenances: z.array(maintenanceSchema(['scheduled'])) }),
  '/api/v2/scheduled-maintenances/active.json': z.strictObject({ page: pageSchema, scheduled_maintenances: z.array(maintenanceSchema(['in_progress', 'verifying'])) }),
};

// ---------------------------------------------------------------------------------------------
// The world each group fuzzes: one app, seeded with one of everything

export const adminKey = 'fuzz-admin-key-0123456789abcdef';

interface World {
  app: TestApp;
  agent: Agent;
  /** The real values placeholders resolve to, read from the database before every request. */
  pools(): Pools;
  get(path: string): Promise<WireResponse>;
}

async function must(app: TestApp, method: string, path: string, body: unknown, status: number): Promise<{ id: string }> {
  const res = await app.api(method, path, body);
  if (res.status !== status) throw new Error(`seeding ${method} ${path}: ${res.status} ${res.text}`);
  return res.body as { id: string };
}

/**
 * Tops up what the fuzzing of earlier endpoints may have deleted (components, a group, incidents
 * with updates), so every request can meet real rows. Run before each request; it writes only when something is missing.
 */
async function ensureFixtures(app: TestApp): Promise<void> {
  const db = app.herald.db.$client;
  const count = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
  for (let n = count('SELECT count(*) FROM components WHERE is_group = 0'); n < 3; n++) {
    await must(app, 'POST', '/components', { component: { name: `Component ${n + 1}`, description: 'Seeded' } }, 201);
  }
  const componentIds = db.prepare('SELECT id FROM components WHERE is_group = 0 ORDER BY rowid DESC LIMIT 3').pluck().all() as string[];
  if (count('SELECT count(*) FROM components WHERE is_group = 1') === 0) {
    await must(app, 'POST', '/component-groups', { component_group: { name: 'Core', components: componentIds.slice(0, 2) } }, 201);
  }
  if (count('SELECT count(*) FROM incidents WHERE scheduled_for IS NULL') < 2) {
    const components = { [componentIds[0]!]: 'partial_outage' };
    const incident = await must(app, 'POST', '/incidents', { incident: { name: 'API errors', body: 'Looking.', components, component_ids: [componentIds[0]] } }, 201);
    await must(app, 'PATCH', `/incidents/${incident.id}`, { incident: { status: 'identified', body: 'Found it.' } }, 200);
    await must(app, 'POST', '/incidents', { incident: { name: 'Old outage', status: 'resolved', body: 'Fixed.' } }, 201);
  }
  if (count('SELECT count(*) FROM incidents WHERE scheduled_for IS NOT NULL') === 0) {
    const at = (hours: number) => new Date(app.clock.now().getTime() + hours * 3_600_000).toISOString();
    await must(app, 'POST', '/incidents', { incident: { name: 'DB upgrade', status: 'scheduled', scheduled_for: at(48), scheduled_until: at(49), body: 'Read-only.' } }, 201);
  }
}

/** One of everything: components and a group, incidents, subscribers of each kind, an API key, pending sign-ups. */
async function seed(app: TestApp): Promise<void> {
  await ensureFixtures(app);
  const db = app.herald.db.$client;
  const [first, second] = db.prepare('SELECT id FROM components WHERE is_group = 0 ORDER BY rowid').pluck().all() as string[];
  const incident = db.prepare("SELECT id FROM incidents WHERE status = 'identified'").pluck().get() as string;
  await must(app, 'POST', '/subscribers', { subscriber: { email: 'active@example.com', skip_confirmation_notification: true } }, 201);
  await must(app, 'POST', '/subscribers', { subscriber: { email: 'pending@example.com' } }, 201);
  await must(app, 'POST', '/subscribers', { subscriber: { email: 'hooks@example.com', endpoint: 'http://192.0.2.1/hook', skip_confirmation_notification: true } }, 201);
  await must(app, 'POST', '/subscribers', { subscriber: { email: 'api@example.com', component_ids: [first], skip_confirmation_notification: true } }, 201);
  await must(app, 'POST', `/incidents/${incident}/subscribers`, { subscriber: { email: 'follower@example.com', skip_confirmation_notification: true } }, 201);
  // An incident after the subscribers: deliveries to list and retry.
  await must(app, 'PATCH', `/incidents/${incident}`, { incident: { status: 'monitoring', body: 'Watching.' } }, 200);
  const key = await app.fetch('/api/v1/api-keys', {
    method: 'POST',
    headers: { authorization: `OAuth ${app.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: { name: 'fuzz' } }),
  });
  if (key.status !== 201) throw new Error(`seeding POST /api/v1/api-keys: ${key.status} ${await key.text()}`);
  for (const subscriber of [{ email: 'visitor@example.com' }, { email: 'partial@example.com', component_ids: [second] }, { email: 'hook2@example.com', endpoint: 'http://192.0.2.2/hook' }]) {
    const res = await app.fetch('/api/v2/subscribers.json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subscriber }) });
    if (res.status !== 202) throw new Error(`seeding a public sign-up: ${res.status} ${await res.text()}`);
  }
  await app.herald.worker.runOnce();
}

/** Confirmation links are only ever in the mail: read them from the .eml files. */
async function confirmTokensFromMail(app: TestApp): Promise<string[]> {
  const folder = join(dirname(app.herald.db.$client.name), 'mail');
  for (let attempt = 0; attempt < 50; attempt++) {
    const tokens = new Set<string>();
    if (existsSync(folder)) {
      for (const file of readdirSync(folder)) {
        const mail = readFileSync(join(folder, file), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        for (const m of mail.matchAll(/\/subscriptions\/confirm\/([a-z0-9]{12}\.[A-Za-z0-9_-]{16,128})/g)) tokens.add(m[1]!);
      }
    }
    if (tokens.size >= 3) return [...tokens];
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new Error(`seeding: no confirmation links in ${folder}`);
}

function readPools(app: TestApp, confirmTokens: string[]): Pools {
  const db = app.herald.db.$client;
  const ids = (from: string, column = 'id') => {
    const first = db.prepare(`SELECT ${column} FROM ${from} ORDER BY rowid LIMIT ${poolSpan / 2}`).pluck().all() as string[];
    const last = db.prepare(`SELECT ${column} FROM ${from} ORDER BY rowid DESC LIMIT ${poolSpan / 2}`).pluck().all() as string[];
    return [...new Set([...first, ...last.reverse()])];
  };
  const updates = db.prepare(`SELECT id, incident_id FROM incident_updates ORDER BY rowid DESC LIMIT ${poolSpan}`).all() as Array<{ id: string; incident_id: string }>;
  return {
    page: ids('pages'),
    component: ids('components WHERE is_group = 0'),
    group: ids('components WHERE is_group = 1'),
    incident: ids('incidents'),
    update: updates.map((u) => u.id),
    updateIncident: updates.map((u) => u.incident_id),
    subscriber: ids('subscribers'),
    delivery: ids('deliveries', 'CAST(id AS TEXT)'),
    event: ids('events', 'public_id'),
    apiKey: ids('api_keys'),
    confirmToken: confirmTokens,
    manageToken: ids('subscribers WHERE manage_secret IS NOT NULL', "id || '.' || manage_secret"),
    unsubscribeToken: ids('subscribers', "id || '.' || unsubscribe_token"),
  };
}

async function startWorld(t: Parameters<typeof startApp>[0]): Promise<World> {
  const app = await startApp(t, {
    env: {
      ADMIN_API_KEY: adminKey,
      SUBSCRIBE_LIMIT_PER_CLIENT: '1000000',
      SUBSCRIBE_LIMIT_PER_ADDRESS: '1000000',
      // TEST-NET-1: webhook subscribers can exist; nothing there answers.
      WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24',
      WEBHOOK_TIMEOUT_MS: '1000',
      // One attempt: deliveries fail at once, so there are failed ones to retry.
      OUTBOX_RETRY_SCHEDULE: '0s',
    },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  await seed(app);
  const confirmTokens = await confirmTokensFromMail(app);
  return {
    app,
    agent,
    pools: () => readPools(app, confirmTokens),
    get: (path) => send(app.baseUrl, agent, { method: 'GET', path, headers: {}, body: undefined }),
  };
}

/** Fields a successful write stores as sent and answers with, by wrapper. */
const echoedTimes: Record<string, readonly string[]> = { incident_update: ['display_at'] };
// Hours 00-23 only: ISO-8601's 24:00 is the next day's 00:00, the same instant written another way.
const plainUtc = /^(\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):\d{2}:\d{2})(\.\d{3})?Z$/;

/**
 * A date-time the API accepted is the instant that was sent: `2026-02-30T10:00:00Z` must be
 * refused, not stored as 2 March. Checked where the answer echoes the field, for plain UTC input.
 */
function changedTime(endpoint: Endpoint, wire: WireRequest, res: WireResponse): string | undefined {
  const fields = echoedTimes[endpoint.body?.wrapper ?? ''];
  if (!fields || res.status >= 300 || !wire.body || !wire.headers['content-type']?.startsWith('application/json')) return undefined;
  let sent: unknown;
  let answer: unknown;
  try {
    sent = (JSON.parse(wire.body.toString('utf8')) as Record<string, unknown>)[endpoint.body!.wrapper!];
    answer = JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (sent === null || typeof sent !== 'object' || answer === null || typeof answer !== 'object') return undefined;
  for (const field of fields) {
    const value = (sent as Record<string, unknown>)[field];
    const m = typeof value === 'string' ? plainUtc.exec(value) : null;
    const echoed = (answer as Record<string, unknown>)[field];
    if (m && echoed !== `${m[1]}${m[2] ?? '.000'}Z`) return `${field} ${JSON.stringify(echoed)} for ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** Each schema issue with where it is and the value found there. */
function explainIssues(error: z.ZodError, data: unknown): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const found = issue.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key], data);
      return `  ${issue.path.join('.')}: ${issue.message}; found ${preview(JSON.stringify(found) ?? String(found), 120)}`;
    })
    .join('\n');
}

/** After an endpoint's runs: the server answers, the database is sound, the public JSON still validates. */
async function checkAfterwards(world: World, label: string): Promise<void> {
  const db = world.app.herald.db.$client;
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `${label}: PRAGMA integrity_check`);
  assert.deepEqual(db.pragma('foreign_key_check'), [], `${label}: PRAGMA foreign_key_check`);
  for (const [path, schema] of Object.entries(publicJsonSchemas)) {
    const res = await world.get(path);
    assert.equal(res.status, 200, `${label}: GET ${path} answers 200`);
    const body: unknown = JSON.parse(res.body.toString('utf8'));
    const parsed = schema.safeParse(body);
    assert.ok(parsed.success, `${label}: GET ${path} matches the public reference:\n${parsed.success ? '' : explainIssues(parsed.error, body)}`);
  }
  const home = await world.get('/');
  assert.equal(home.status, 200, `${label}: GET / answers 200`);
}

// ---------------------------------------------------------------------------------------------
// The suite

export interface FuzzOptions {
  /** Cases per endpoint. */
  runs: number;
  /** Base seed; each endpoint's seed is derived from it and printed on failure. */
  seed: number;
}

/**
 * FUZZ_RUNS and FUZZ_SEED override the defaults; FUZZ_ONLY keeps the endpoints whose name contains it;
 * FUZZ_TRACE=1 prints every request with its answer.
 */
export function fuzzOptionsFromEnv(defaults: FuzzOptions): FuzzOptions {
  const number = (name: string, fallback: number) => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not ${raw}`);
    return value;
  };
  return { runs: number('FUZZ_RUNS', defaults.runs), seed: number('FUZZ_SEED', defaults.seed) };
}

const hash = (s: string) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 7) >>> 1;

export function defineFuzzSuite(options: FuzzOptions): void {
  const only = process.env['FUZZ_ONLY'];
  const trace = process.env['FUZZ_TRACE'] === '1';
  for (const group of groupNames) {
    const members = endpoints.filter((e) => e.group === group && (!only || endpointName(e).includes(only)));
    if (members.length === 0) continue;
    test(`${group}: generated bodies, queries, headers and path parameters never get a 5xx, and the data stays sound`, async (t) => {
      const world = await startWorld(t);
      for (const endpoint of members) {
        const name = endpointName(endpoint);
        const seed = (options.seed + hash(name)) | 0;
        await t.test(`${name} answers every generated request below 500, with ISO-8601 timestamps stored as sent; then the server answers, integrity_check is ok, foreign_key_check is empty and the public JSON validates`, async (st) => {
          // How the answers spread (shown as a diagnostic): a fuzzer that only ever gets 400s tests little.
          const statuses: Record<number, number> = {};
          const property = fc.asyncProperty(requestArb(endpoint), async (spec) => {
            await ensureFixtures(world.app);
            if (spec.advanceMs !== undefined) world.app.clock.advance(spec.advanceMs);
            const wire = materialize(endpoint, spec, world.pools(), adminKey, world.app.clock.now().getTime());
            let res: WireResponse;
            try {
              res = await send(world.app.baseUrl, world.agent, wire);
              statuses[res.status] = (statuses[res.status] ?? 0) + 1;
              if (trace) console.error(`${res.status} ${preview(describeRequest(wire), 400).replace(/\n/g, ' |')} => ${preview(res.body.toString('utf8'), 200)}`);
            } catch (error) {
              throw new Error(`no answer (${String(error)}) to\n  ${describeRequest(wire)}`);
            }
            if (res.status >= 500) throw new Error(`${res.status} ${preview(res.body.toString('utf8'))}\nfor\n  ${describeRequest(wire)}`);
            // Times leave the system as ISO-8601 UTC with milliseconds: a year outside 0000-9999 is not that.
            const expanded = /"([+-]\d{6}-\d{2}-\d{2}T[^"]*)"/.exec(res.body.toString('utf8'));
            if (expanded) throw new Error(`${res.status} with the timestamp ${expanded[1]} in its body\nfor\n  ${describeRequest(wire)}`);
            const changed = changedTime(endpoint, wire, res);
            if (changed) throw new Error(`${res.status} stored ${changed}\nfor\n  ${describeRequest(wire)}`);
          });
          const failures: string[] = [];
          try {
            await fc.assert(property, { numRuns: options.runs, seed, includeErrorInReport: true });
          } catch (error) {
            failures.push(`${name} failed a generated case; reproduce with FUZZ_SEED=${options.seed} FUZZ_RUNS=${options.runs} FUZZ_ONLY='${name}' (fast-check seed ${seed})\n${(error as Error).message}`);
          }
          st.diagnostic(`statuses: ${JSON.stringify(statuses)}`);
          // Checked even after a failed property: a 5xx can come with a half-done write.
          try {
            await checkAfterwards(world, name);
          } catch (error) {
            failures.push((error as Error).message);
          }
          if (failures.length > 0) throw new Error(failures.join('\n\n'));
        });
      }
    });
  }
}
