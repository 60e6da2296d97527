import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readResponse, startApp, type ApiResponse, type TestApp } from '../helpers/app.js';

const isoMs = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const cssKeys = [
  'css_body_background_color', 'css_font_color', 'css_light_font_color', 'css_greens', 'css_yellows', 'css_oranges',
  'css_reds', 'css_blues', 'css_border_color', 'css_graph_color', 'css_link_color', 'css_no_data',
];
const allowKeys = [
  'allow_page_subscribers', 'allow_incident_subscribers', 'allow_email_subscribers', 'allow_sms_subscribers',
  'allow_rss_atom_feeds', 'allow_webhook_subscribers',
];
const booleanKeys = [...allowKeys, 'hidden_from_search', 'viewers_must_be_team_members'];
const nullableStringKeys = [
  'page_description', 'headline', 'subdomain', 'domain', 'support_url', 'notifications_from_email',
  'notifications_email_footer', 'twitter_username', 'ip_restrictions', 'city', 'state', 'country',
  'favicon_logo', 'transactional_logo', 'hero_cover', 'email_logo', 'twitter_logo', ...cssKeys,
];
/** The Page object of the manage reference, section 2.1. */
const pageKeys = [
  'id', 'created_at', 'updated_at', 'name', 'branding', 'url', 'activity_score', 'time_zone',
  ...booleanKeys, ...nullableStringKeys,
].sort();

function assertError(res: ApiResponse, status: number, pattern?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(Object.keys(res.body), ['error']);
  assert.equal(typeof res.body.error, 'string');
  if (pattern) assert.match(res.body.error, pattern);
}

const patchPage = (app: TestApp, page: Record<string, unknown>, method = 'PATCH') => app.api(method, '', { page });
const getPage = async (app: TestApp) => (await app.api('GET', '')).body;
const envelope = async (app: TestApp) => (await readResponse(await app.fetch('/api/v2/status.json'))).body.page;

describe('manage API: pages', () => {
  test('GET /pages answers an array holding the one page', async (t) => {
    const app = await startApp(t);
    const res = await readResponse(await app.fetch('/api/v1/pages', { headers: { authorization: `OAuth ${app.apiKey}` } }));
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.body));
    assert.equal(res.body.length, 1);
    assert.deepEqual(res.body[0], await getPage(app));
  });

  test('GET /pages/{id} carries every Page field with its JSON type, null where unset', async (t) => {
    const app = await startApp(t);
    const res = await app.api('GET', '');
    assert.equal(res.status, 200);
    const page = res.body;
    assert.deepEqual(Object.keys(page).sort(), pageKeys);
    assert.equal(page.id, app.pageId);
    assert.match(page.id, /^[a-z0-9]{12}$/);
    assert.equal(page.created_at, '2026-03-02T10:00:00.000Z');
    assert.match(page.updated_at, isoMs);
    assert.equal(page.name, 'Status');
    assert.equal(page.url, 'http://status.test');
    assert.equal(page.time_zone, 'Etc/UTC');
    assert.ok(['basic', 'premium'].includes(page.branding));
    assert.equal(typeof page.activity_score, 'number');
    for (const key of booleanKeys) assert.equal(typeof page[key], 'boolean', key);
    for (const key of nullableStringKeys) assert.ok(page[key] === null || typeof page[key] === 'string', key);
    for (const key of [...cssKeys, 'favicon_logo', 'page_description', 'notifications_from_email']) assert.equal(page[key], null, key);
  });

  test('PATCH and PUT with {"page": {...}} change the name and leave other fields alone', async (t) => {
    const app = await startApp(t);
    const before = await getPage(app);
    app.clock.set('2026-03-02T12:00:00.000Z');
    const patched = await patchPage(app, { name: 'Acme Status' });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body, { ...before, name: 'Acme Status', updated_at: '2026-03-02T12:00:00.000Z' });
    const put = await patchPage(app, { name: 'Acme', headline: 'All about Acme' }, 'PUT');
    assert.equal(put.status, 200);
    assert.deepEqual([put.body.name, put.body.headline, put.body.time_zone], ['Acme', 'All about Acme', 'Etc/UTC']);
    assert.deepEqual(await getPage(app), put.body);
  });

  test('a blank or over-long name answers 422 and keeps the old one', async (t) => {
    const app = await startApp(t);
    assertError(await patchPage(app, { name: '  ' }), 422, /name/);
    assertError(await patchPage(app, { name: 'n'.repeat(256) }), 422, /name/);
    assert.equal((await getPage(app)).name, 'Status');
  });

  test('time_zone accepts a valid IANA zone and answers 422 to Mars/Olympus', async (t) => {
    const app = await startApp(t);
    const ok = await patchPage(app, { time_zone: 'Europe/Berlin' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.time_zone, 'Europe/Berlin');
    assertError(await patchPage(app, { time_zone: 'Mars/Olympus' }), 422, /time_zone/);
    assert.equal((await getPage(app)).time_zone, 'Europe/Berlin');
  });

  test('url accepts http(s) and answers 422 to anything else', async (t) => {
    const app = await startApp(t);
    const ok = await patchPage(app, { url: 'https://status.acme.test' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.url, 'https://status.acme.test');
    for (const url of ['ftp://status.acme.test', 'javascript:alert(1)', 'not a url']) {
      assertError(await patchPage(app, { url }), 422, /url/);
    }
    assert.equal((await getPage(app)).url, 'https://status.acme.test');
  });

  test('allow_* settings take JSON booleans', async (t) => {
    const app = await startApp(t);
    const before = await getPage(app);
    const flipped = Object.fromEntries(allowKeys.map((key) => [key, !before[key]]));
    const res = await patchPage(app, flipped);
    assert.equal(res.status, 200);
    for (const key of allowKeys) assert.equal(res.body[key], !before[key], key);
    assertError(await patchPage(app, { allow_email_subscribers: 'maybe' }), 422, /allow_email_subscribers/);
  });

  test('allow_* settings take the form values t and f', async (t) => {
    const app = await startApp(t);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const off = await app.api('PATCH', '', 'page[allow_email_subscribers]=f&page[allow_sms_subscribers]=t', form);
    assert.equal(off.status, 200, off.text);
    assert.deepEqual([off.body.allow_email_subscribers, off.body.allow_sms_subscribers], [false, true]);
    const on = await app.api('PUT', '', 'page[allow_email_subscribers]=t&page[allow_sms_subscribers]=f', form);
    assert.deepEqual([on.body.allow_email_subscribers, on.body.allow_sms_subscribers], [true, false]);
    assert.deepEqual([(await getPage(app)).allow_email_subscribers, (await getPage(app)).allow_sms_subscribers], [true, false]);
  });

  test('css_* colours are stored and returned; the others stay null', async (t) => {
    const app = await startApp(t);
    const res = await patchPage(app, { css_greens: '#22aa44', css_reds: '#cf222e' });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.css_greens, res.body.css_reds, res.body.css_blues], ['#22aa44', '#cf222e', null]);
    await patchPage(app, { css_blues: '#0969da' });
    const page = await getPage(app);
    assert.deepEqual([page.css_greens, page.css_reds, page.css_blues], ['#22aa44', '#cf222e', '#0969da']);
  });

  test('an unknown page id answers 404 to GET, PATCH and PUT', async (t) => {
    const app = await startApp(t);
    const headers = { authorization: `OAuth ${app.apiKey}`, 'content-type': 'application/json' };
    for (const method of ['GET', 'PATCH', 'PUT']) {
      const init: RequestInit = { method, headers };
      if (method !== 'GET') init.body = JSON.stringify({ page: { name: 'Hijacked' } });
      assertError(await readResponse(await app.fetch('/api/v1/pages/nosuchpage12', init)), 404);
    }
    assert.equal((await getPage(app)).name, 'Status');
  });

  test('the public page envelope reflects the new name, url and time_zone', async (t) => {
    const app = await startApp(t);
    app.clock.set('2026-03-02T12:34:56.789Z');
    await patchPage(app, { name: 'Acme', time_zone: 'America/Tijuana', url: 'https://status.acme.test' });
    assert.deepEqual(await envelope(app), {
      id: app.pageId,
      name: 'Acme',
      url: 'https://status.acme.test',
      time_zone: 'America/Tijuana',
      updated_at: '2026-03-02T12:34:56.789Z',
    });
    const html = await (await app.fetch('/')).text();
    assert.ok(html.includes('Acme'));
    assert.ok(html.includes('America/Tijuana'));
  });
});
