import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createComponent, createIncident, startApp, type TestApp } from '../helpers/app.js';
import { manualClock } from '../helpers/clock.js';

const text = async (app: TestApp, path: string) => {
  const res = await app.fetch(path);
  return { status: res.status, headers: res.headers, body: await res.text() };
};
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

describe('status page', () => {
  test('shows the banner, incidents with their latest updates, maintenance and grouped components', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const eu = await createComponent(app, { name: 'EU region' });
    await createComponent(app, { name: 'Hidden when fine', only_show_if_degraded: true });
    await app.api('POST', '/component-groups', { component_group: { name: 'Regions', components: [eu.id] } });
    await createIncident(app, { name: 'API errors', body: 'Looking into it', components: { [api.id]: 'major_outage' } });
    await createIncident(app, { name: 'DB upgrade', scheduled_for: '2026-03-05T02:00:00Z', scheduled_until: '2026-03-05T03:00:00Z', body: 'Planned' });

    const page = await text(app, '/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(page.body, /<p class="banner critical" role="status">Major Service Outage<\/p>/);
    assert.match(page.body, /API errors[\s\S]*<strong>Investigating<\/strong> - Looking into it/);
    assert.match(page.body, /DB upgrade[\s\S]*Scheduled for Mar 5, 2026, 02:00 UTC until Mar 5, 2026, 03:00 UTC/);
    assert.match(page.body, /<details class="group">\s*<summary>[\s\S]*Regions/);
    assert.ok(page.body.includes('EU region'));
    assert.ok(!page.body.includes('Hidden when fine'), 'only_show_if_degraded hides an operational component');
    assert.match(page.body, /aria-label="API: [\d.]+% uptime over the last 90 days"/);
    assert.match(page.body, /<link rel="alternate" type="application\/atom\+xml"[^>]*href="\/history.atom">/);
    assert.ok(Buffer.byteLength(page.body) < 30_000, `HTML is ${Buffer.byteLength(page.body)} bytes`);
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'/);
    assert.ok(!/script-src[^;]*unsafe-inline/.test(csp));
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');

    const degraded = await app.api('GET', '/components');
    const hidden = degraded.body.find((c: any) => c.name === 'Hidden when fine');
    await app.api('PATCH', `/components/${hidden.id}`, { component: { status: 'degraded_performance' } });
    assert.ok((await text(app, '/')).body.includes('Hidden when fine'), 'and shows it once degraded');
  });

  test('a group opens by itself when one of its components is not operational', async (t) => {
    const app = await startApp(t);
    const eu = await createComponent(app, { name: 'EU region' });
    await app.api('POST', '/component-groups', { component_group: { name: 'Regions', components: [eu.id] } });
    await app.api('PATCH', `/components/${eu.id}`, { component: { status: 'partial_outage' } });
    assert.match((await text(app, '/')).body, /<details class="group" open>/);
  });

  test('the uptime bar colours each day by its worst status from the component history', async (t) => {
    const clock = manualClock('2026-03-01T00:00:00Z');
    const app = await startApp(t, { clock });
    const api = await createComponent(app, { name: 'API' });
    clock.set('2026-03-01T06:00:00Z');
    await app.api('PATCH', `/components/${api.id}`, { component: { status: 'major_outage' } });
    clock.set('2026-03-01T12:00:00Z');
    await app.api('PATCH', `/components/${api.id}`, { component: { status: 'operational' } });
    clock.set('2026-03-02T12:00:00Z');
    const page = (await text(app, '/')).body;
    assert.match(page, /<i class=n style="flex:88" title="No data before Mar 1"><\/i>/);
    assert.match(page, /<i class=m title="Mar 1: 75.00%"><\/i><i title="Mar 2: 100%"><\/i>/);
    assert.match(page, /83.33% uptime/);
  });

  test('past incidents are grouped by day in the page time zone, which is named', async (t) => {
    const clock = manualClock('2026-03-02T14:50:00Z');
    const app = await startApp(t, { clock });
    await app.api('PATCH', '', { page: { time_zone: 'Asia/Tokyo' } });
    await createIncident(app, { name: 'Late evening in Tokyo', status: 'resolved', body: 'x' });
    clock.set('2026-03-02T15:10:00Z');
    await createIncident(app, { name: 'Just after midnight in Tokyo', status: 'resolved', body: 'y' });
    clock.set('2026-03-02T16:00:00Z');
    const page = (await text(app, '/')).body;
    assert.match(page, /Days and times in Asia\/Tokyo/);
    const mar3 = page.indexOf('<h3>Mar 3, 2026</h3>');
    const mar2 = page.indexOf('<h3>Mar 2, 2026</h3>');
    assert.ok(mar3 > 0 && mar2 > mar3, 'newest day first');
    assert.ok(page.indexOf('Just after midnight in Tokyo') > mar3 && page.indexOf('Just after midnight in Tokyo') < mar2);
    assert.ok(page.indexOf('Late evening in Tokyo') > mar2);
    assert.match(page, /GMT\+9/);
  });

  test('hostile incident text renders inert on the page, the incident page and the feeds', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, {
      name: '<img src=x onerror=alert(1)>',
      body: '<script>alert(2)</script> javascript:alert(3) https://ok.example/x"onmouseover="alert(4)',
    });
    for (const path of ['/', `/incidents/${incident.id}`]) {
      const body = (await text(app, path)).body;
      assert.ok(!body.includes('<script>alert'), path);
      assert.ok(!body.includes('<img src=x'), path);
      assert.ok(!/href="javascript:/i.test(body), path);
      assert.ok(!body.includes('"onmouseover="'), path);
      assert.ok(body.includes('&lt;script&gt;alert(2)&lt;/script&gt;'), path);
    }
    const atom = parser.parse((await text(app, '/history.atom')).body);
    const content: string = atom.feed.entry['content']['#text'];
    assert.ok(!content.includes('<script>') && content.includes('&lt;script&gt;'), 'feed HTML is escaped');
  });
});

describe('incident and history pages', () => {
  test('the incident page shows the whole timeline newest first, affected components and the duration', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const incident = await createIncident(app, { name: 'API errors', body: 'Looking.\nSecond line with https://example.com/x', components: { [api.id]: 'partial_outage' } });
    app.clock.advance(65 * 60_000);
    await app.api('PATCH', `/incidents/${incident.id}`, { incident: { status: 'resolved', body: 'Fixed.', components: { [api.id]: 'operational' } } });
    const page = (await text(app, `/incidents/${incident.id}`)).body;
    assert.match(page, /<h1>API errors<\/h1>/);
    assert.ok(page.indexOf('<strong>Resolved</strong>') < page.indexOf('<strong>Investigating</strong>'), 'newest first');
    assert.match(page, /Looking.<br>\nSecond line with <a href="https:\/\/example.com\/x" rel="nofollow noopener noreferrer">/);
    assert.match(page, /<li>API <span class="s-operational">\(Operational now\)<\/span><\/li>/);
    assert.match(page, /Resolved after 1 h 5 min\./);
    assert.match(page, /Mar 2, 2026, 11:05 UTC/);
  });

  test('unknown incidents and bad history pages get an HTML error page', async (t) => {
    const app = await startApp(t);
    const missing = await text(app, '/incidents/nosuchincid0');
    assert.equal(missing.status, 404);
    assert.match(missing.body, /There is no such incident/);
    assert.equal((await text(app, '/history?page=abc')).status, 400);
    assert.equal((await text(app, '/history?page=0')).status, 400);
  });

  test('history lists incidents and maintenance by month and pages back in time', async (t) => {
    const clock = manualClock('2025-10-15T12:00:00Z');
    const app = await startApp(t, { clock });
    await createIncident(app, { name: 'October outage', status: 'resolved', body: 'x' });
    clock.set('2026-03-02T10:00:00Z');
    await createIncident(app, { name: 'March outage', status: 'resolved', body: 'y' });
    const first = (await text(app, '/history')).body;
    assert.match(first, /<h2 id="m-2026-03">March 2026<\/h2>[\s\S]*March outage/);
    assert.match(first, /<h2 id="m-2026-01">January 2026<\/h2>\s*<p class="muted">No incidents reported.<\/p>/);
    assert.ok(!first.includes('October outage'));
    assert.match(first, /href="\/history\?page=2" rel="next"/);
    const second = (await text(app, '/history?page=2')).body;
    assert.match(second, /<h2 id="m-2025-10">October 2025<\/h2>[\s\S]*October outage/);
    assert.match(second, /href="\/history" rel="prev"/);
    assert.ok(!second.includes('rel="next"'), 'nothing older');
  });
});

describe('feeds and badge', () => {
  test('the Atom and RSS feeds have Statuspage ids, dates and newest-first update content', async (t) => {
    const app = await startApp(t);
    const incident = await createIncident(app, { name: 'API errors', body: 'Looking & seeing' });
    app.clock.advance(60_000);
    await app.api('PATCH', `/incidents/${incident.id}`, { incident: { status: 'resolved', body: 'Fixed' } });

    const atomText = await text(app, '/history.atom');
    assert.match(atomText.headers.get('content-type')!, /^application\/atom\+xml/);
    assert.equal(XMLValidator.validate(atomText.body), true);
    const atom = parser.parse(atomText.body).feed;
    assert.equal(atom.id, 'tag:status.test,2005:/history');
    assert.equal(atom.entry.id, `tag:status.test,2005:Incident/${incident.id}`);
    assert.equal(atom.entry.published, '2026-03-02T10:00:00.000Z');
    assert.equal(atom.entry.updated, '2026-03-02T10:01:00.000Z');
    assert.equal(atom.entry.link['@href'], `http://status.test/incidents/${incident.id}`);
    const content: string = atom.entry.content['#text'];
    assert.match(content, /^<p><small>Mar 2, 2026, 10:01 UTC<\/small><br><strong>Resolved<\/strong> - Fixed<\/p><p>.*<strong>Investigating<\/strong> - Looking &amp; seeing<\/p>$/);

    const rssText = await text(app, '/history.rss');
    assert.equal(XMLValidator.validate(rssText.body), true);
    const item = parser.parse(rssText.body).rss.channel.item;
    assert.equal(item.guid['#text'], `tag:status.test,2005:Incident/${incident.id}`);
    assert.equal(item.pubDate, 'Mon, 02 Mar 2026 10:00:00 GMT');
    assert.match(item.description, /^<p><small>[^<]+<\/small><br><strong>Resolved<\/strong> - Fixed/);
  });

  test('feeds disappear when the page turns them off', async (t) => {
    const app = await startApp(t);
    await app.api('PATCH', '', { page: { allow_rss_atom_feeds: false } });
    assert.equal((await app.fetch('/history.atom')).status, 404);
    assert.ok(!(await text(app, '/')).body.includes('history.atom'));
  });

  test('the badge is a valid SVG naming the rollup in its colour, cacheable for a minute', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const states: Array<[string, string, string]> = [
      ['operational', 'All Systems Operational', '#2e7d32'],
      ['partial_outage', 'Partial System Outage', '#c2410c'],
      ['under_maintenance', 'Service Under Maintenance', '#0366d6'],
    ];
    for (const [status, description, colour] of states) {
      await app.api('PATCH', `/components/${api.id}`, { component: { status } });
      const badge = await text(app, '/badge.svg');
      assert.equal(badge.status, 200);
      assert.match(badge.headers.get('content-type')!, /^image\/svg\+xml/);
      assert.equal(badge.headers.get('cache-control'), 'public, max-age=60');
      assert.equal(XMLValidator.validate(badge.body), true);
      const svg = parser.parse(badge.body).svg;
      assert.equal(svg['@aria-label'], `status: ${description}`);
      assert.ok(badge.body.includes(`fill="${colour}"`), status);
    }
  });

  test('the page is served from the snapshot with a strong ETag and 304', async (t) => {
    const app = await startApp(t);
    const first = await app.fetch('/');
    const etag = first.headers.get('etag')!;
    assert.match(etag, /^"[\w-]+"$/);
    const again = await app.fetch('/', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    await createComponent(app, { name: 'New' });
    const changed = await app.fetch('/', { headers: { 'if-none-match': etag } });
    assert.equal(changed.status, 200);
  });
});
