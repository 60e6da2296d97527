import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createComponent, createIncident, readResponse, type TestApp } from '../helpers/app.js';
import { manualClock } from '../helpers/clock.js';
import { startSmtpServer, type ReceivedMail } from '../helpers/smtp-server.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { startConsole } from '../admin/console.js';
import { linkIn, postForm } from '../subscriptions/helpers.js';

const script = '<script>alert(1)</script>';
const img = '"><img src=x onerror=alert(2)>';
const hostile = `${script} ${img} javascript:alert(3) ' OR 1=1 -- ]]><x> \u202etxt.exe`;
const escapedScript = '&lt;script&gt;alert(1)&lt;/script&gt;';
const escapedImg = '&quot;&gt;&lt;img src=x onerror=alert(2)&gt;';
const pageName = `Acme ${hostile}`;
const incidentName = `Outage ${hostile}`;
const body = `Line one ${hostile}\nhttps://ok.example/x"onmouseover="alert(4) and <a href="javascript:alert(5)">click</a>\n${'<svg/onload=alert(6)>'.repeat(1000)}`;
const longName = `${'<img src=x onerror=alert(7)>'.repeat(10)}`.slice(0, 255);
const oddEmail = "o'reilly'--@example.com";
const hostileEmail = '"<svg/onload=alert(1)>"@example.com';

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (entities[e] ?? m));

const forbiddenTags = new Set(['script', 'img', 'svg', 'x', 'iframe', 'object', 'embed', 'math']);
const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data']);

/** No script element, no injected element, no event-handler attribute and no javascript: URL anywhere in the markup. */
function assertInert(html: string, where: string): void {
  assert.ok(!/<script/i.test(html), `${where}: a raw <script`);
  for (const tag of html.matchAll(/<([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    const name = tag[1]!.toLowerCase();
    assert.ok(!forbiddenTags.has(name), `${where}: an injected <${name}> element: ${tag[0].slice(0, 160)}`);
    for (const attr of tag[2]!.matchAll(/([^\s"'=<>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?/g)) {
      const attrName = attr[1]!.toLowerCase();
      assert.ok(!attrName.startsWith('on'), `${where}: an event handler attribute ${attrName}: ${tag[0].slice(0, 160)}`);
      const value = decode((attr[2] ?? '').replace(/^["']|["']$/g, '')).replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
      if (urlAttributes.has(attrName)) assert.ok(!value.startsWith('javascript:'), `${where}: a javascript: URL in ${tag[0].slice(0, 160)}`);
    }
  }
  assert.ok(!/href\s*=\s*["']?\s*javascript:/i.test(html), `${where}: href="javascript:`);
}

interface Recorded {
  label: string;
  status: number;
  headers: Headers;
  text: string;
}

/** The SMTP sink closes after the app (after-hooks run in registration order). */
function deferredContext(t: TestContext) {
  const hooks: Array<() => unknown> = [];
  const ctx = { after: (fn: () => unknown) => void hooks.push(fn) } as unknown as TestContext;
  return { ctx, register: () => t.after(async () => { for (const hook of hooks) await hook(); }) };
}

async function until<T>(what: string, find: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A page, components, a group, incidents, maintenance and subscribers all named with hostile strings; every page, mail and feed rendered. */
async function buildWorld(t: TestContext) {
  const deferred = deferredContext(t);
  const smtp = await startSmtpServer(deferred.ctx);
  const c = await startConsole(t, { clock: manualClock(new Date()), env: { SMTP_URL: smtp.url, SMTP_RATE_LIMIT: '0', WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', OUTBOX_RETRY_SCHEDULE: '0s,1h' } });
  deferred.register();
  const app: TestApp = c.app;
  const responses: Recorded[] = [];
  const record = async (label: string, res: Response) => {
    const r = { label, status: res.status, headers: res.headers, text: await res.text() };
    responses.push(r);
    return r;
  };
  const get = (label: string, path: string, init: RequestInit = {}) => app.fetch(path, { redirect: 'manual', ...init, headers: { accept: 'text/html', ...init.headers } }).then((res) => record(label, res));
  // Rows of a busy subscriber are put back 250 ms later: move the clock on until nothing is left.
  const drain = async () => {
    for (let idle = 0; idle < 2; ) {
      if ((await app.herald.worker.runOnce()) > 0) idle = 0;
      else {
        idle += 1;
        app.clock.advance(1000);
      }
    }
  };
  const mailTo = (to: string, subject: RegExp) => until(`mail to ${to} ${subject}`, () => smtp.inbox.find((m) => m.to.includes(to) && subject.test(m.parsed.subject ?? '')));

  assert.equal((await app.api('PATCH', '', { page: { name: pageName } })).status, 200);
  const c1 = await createComponent(app, { name: `API ${hostile}`, description: `Desc ${hostile}` });
  const c2 = await createComponent(app, { name: `Web ${hostile}` });
  const group = await app.api('POST', '/component-groups', { description: `Group desc ${hostile}`, component_group: { name: `Group ${hostile}`, components: [c2.id] } });
  assert.equal(group.status, 201, group.text);

  // Subscribers: an email one through the form, a webhook one through the form and one through the API.
  const failing = await startWebhookReceiver(t);
  failing.respondWith(410, { 'content-type': 'text/html' }, `${script}${img}`);
  const receiving = await startWebhookReceiver(t);
  assert.equal((await postForm(app, '/subscribe', { email: oddEmail })).status, 200);
  assert.equal((await postForm(app, '/subscribe', { email: 'hooks2@example.com', endpoint: `${receiving.url}?x='><img src=x onerror=alert(2)>` })).status, 200);
  const viaApi = await app.api('POST', '/subscribers', { subscriber: { email: 'hooks@example.com', endpoint: `${failing.url}?q="><script>alert(1)</script>&j=javascript:alert(3)` } });
  assert.equal(viaApi.status, 201, viaApi.text);
  await drain();
  const emailConfirm = linkIn(await mailTo(oddEmail, /Confirm your subscription/), /\/subscriptions\/confirm\/\S+/);
  const hookConfirm = linkIn(await mailTo('hooks2@example.com', /Confirm your subscription/), /\/subscriptions\/confirm\/\S+/);
  await get('confirmed (email)', emailConfirm);
  await get('confirm webhook (GET)', hookConfirm);
  await record('confirmed webhook (POST)', await app.fetch(hookConfirm, { method: 'POST' }));
  assert.equal((await postForm(app, '/subscribe', { email: oddEmail })).status, 200);
  await drain();
  const manageMail = await mailTo(oddEmail, /Manage your subscription/);
  const managePath = linkIn(manageMail, /\/subscriptions\/manage\/\S+/);
  const unsubscribePath = linkIn(manageMail, /\/subscriptions\/unsubscribe\/\S+/);

  const incident = await createIncident(app, { name: incidentName, status: 'investigating', body, components: { [c1.id]: 'major_outage' } });
  assert.equal((await app.api('PATCH', `/incidents/${incident.id}`, { incident: { status: 'identified', body: `Update ${hostile}` } })).status, 200);
  const start = new Date(app.clock.now().getTime() + 86_400_000);
  const maintenance = await createIncident(app, {
    name: `Maintenance ${hostile}`, status: 'scheduled', body: `Maintenance body ${hostile}`,
    scheduled_for: start.toISOString(), scheduled_until: new Date(start.getTime() + 3_600_000).toISOString(), components: { [c2.id]: 'operational' },
  });
  const long = await createIncident(app, { name: longName, status: 'investigating', body: 'x' });
  const injected = await createIncident(app, { name: 'Header\r\nBcc: attacker@example.com\r\nX-Injected: yes', status: 'investigating', body: 'y' });
  await drain();
  await mailTo(oddEmail, /Outage/);
  await mailTo('hooks@example.com', /paused/);

  // Public pages.
  await get('status page', '/');
  await get('incident page', `/incidents/${incident.id}`);
  await get('maintenance page', `/incidents/${maintenance.id}`);
  await get('long-named incident page', `/incidents/${long.id}`);
  await get('history', '/history');
  await get('history page out of range', '/history?page=%3Cscript%3E');
  await get('subscribe', '/subscribe');
  await get('subscribe to one incident', `/subscribe?incident=${incident.id}`);
  await record('subscribe refused', await postForm(app, '/subscribe', { email: hostileEmail, endpoint: `javascript:alert(3)//${script}` }));
  await record('subscribe refused endpoint', await postForm(app, '/subscribe', { email: 'ok@example.com', endpoint: `http://10.0.0.1/?${script}` }));
  await get('webhooks documentation', '/webhooks');
  await get('not found page', `/nothing-here/${encodeURIComponent(script)}`);
  await get('unknown incident', '/incidents/nope');
  await get('manage page', managePath);
  await get('unsubscribe page', unsubscribePath);
  await get('bad manage token', '/subscriptions/manage/abc.def');
  // The console.
  const s = await c.login();
  const adminGet = async (label: string, path: string) => record(label, await app.fetch(path, { redirect: 'manual', headers: { cookie: s.cookie, accept: 'text/html' } }));
  const deliveries = (await app.api('GET', `/deliveries?subscriber_id=${viaApi.body.id}`)).body as Array<{ id: string }>;
  const updateId = incident.incident_updates[0].id as string;
  for (const [label, path] of [
    ['admin incidents', '/admin/incidents'], ['admin new incident', '/admin/incidents/new'], ['admin incident', `/admin/incidents/${incident.id}`],
    ['admin update edit', `/admin/incidents/${incident.id}/updates/${updateId}`], ['admin maintenance', '/admin/maintenance'],
    ['admin new maintenance', '/admin/maintenance/new'], ['admin maintenance item', `/admin/incidents/${maintenance.id}`], ['admin components', '/admin/components'],
    ['admin settings', '/admin/settings'], ['admin subscribers', '/admin/subscribers?state=all'],
    ['admin subscriber search', `/admin/subscribers?state=all&q=${encodeURIComponent(hostile)}`],
    ['admin deliveries', '/admin/deliveries'], ['admin delivery', `/admin/deliveries/${deliveries[0]!.id}`],
    ['admin not found', `/admin/${encodeURIComponent(script)}`],
  ] as const) await adminGet(label, path);
  const adminPost = async (label: string, path: string, fields: Record<string, string>) =>
    record(label, await app.fetch(path, { method: 'POST', redirect: 'manual', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) }));
  await adminPost('admin api key created', '/admin/api-keys', { _csrf: s.csrf, name: `Key ${hostile}` });
  await adminGet('admin api keys', '/admin/api-keys');
  await adminGet('admin audit', '/admin/audit');
  await adminPost('admin component refused', '/admin/components', { _csrf: s.csrf, name: `${hostile}${'x'.repeat(300)}`, description: hostile, status: 'operational' });
  await adminPost('admin forbidden', '/admin/components', { name: hostile });
  await get('admin login', `/admin/login?next=${encodeURIComponent('javascript:alert(1)')}`);
  await record('unsubscribed', await app.fetch(unsubscribePath, { method: 'POST' }));

  return { app, smtp, incident, maintenance, long, injected, c1, c2, group: group.body, responses, oddEmail };
}

const isHtml = (r: Recorded) => (r.headers.get('content-type') ?? '').startsWith('text/html');
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: false, htmlEntities: true });

describe('hostile strings come out inert', () => {
  test('page, component, group, incident, maintenance and subscriber fields with hostile strings render inert in pages, mails, feeds, the badge and JSON', async (t) => {
    const w = await buildWorld(t);
    const html = w.responses.filter(isHtml);

    await t.test('every HTML page answers with the expected status and renders the hostile strings as escaped text only', () => {
      assert.deepEqual(w.responses.map((r) => `${r.label} ${r.status}`), [
        'confirmed (email) 200', 'confirm webhook (GET) 200', 'confirmed webhook (POST) 200', 'status page 200', 'incident page 200', 'maintenance page 200',
        'long-named incident page 200', 'history 200', 'history page out of range 400', 'subscribe 200', 'subscribe to one incident 200', 'subscribe refused 422',
        'subscribe refused endpoint 422', 'webhooks documentation 200', 'not found page 404', 'unknown incident 404', 'manage page 200', 'unsubscribe page 200',
        'bad manage token 404', 'admin incidents 200', 'admin new incident 200', 'admin incident 200', 'admin update edit 200', 'admin maintenance 200',
        'admin new maintenance 200', 'admin maintenance item 200', 'admin components 200', 'admin settings 200', 'admin subscribers 200', 'admin subscriber search 200',
        'admin deliveries 200', 'admin delivery 200', 'admin not found 404', 'admin api key created 201', 'admin api keys 200', 'admin audit 200',
        'admin component refused 422', 'admin forbidden 403', 'admin login 200', 'unsubscribed 200',
      ]);
      assert.equal(html.length, w.responses.length, 'every one is HTML');
      for (const r of html) assertInert(r.text, r.label);
      // Where hostile text is shown, it is shown escaped (so the checks above looked at real output). These five show none of it.
      const quiet = ['admin subscribers', 'admin deliveries', 'admin not found', 'admin forbidden', 'admin login'];
      for (const r of html.filter((r) => !quiet.includes(r.label))) assert.ok(r.text.includes(escapedScript), `${r.label} shows the hostile text escaped`);
      const byLabel = (label: string) => html.find((r) => r.label === label)!.text;
      assert.ok(byLabel('incident page').includes(escapedImg));
      assert.ok(byLabel('incident page').includes('<a href="https://ok.example/x" rel="nofollow noopener noreferrer">https://ok.example/x</a>&quot;onmouseover=&quot;alert(4)'));
      assert.ok(byLabel('incident page').includes('&lt;a href=&quot;javascript:alert(5)&quot;&gt;click&lt;/a&gt;'));
      assert.ok(byLabel('incident page').includes('&lt;svg/onload=alert(6)&gt;'.repeat(1000)), 'the 25 kB body is kept whole and escaped');
      assert.ok(byLabel('long-named incident page').includes(`<h1>${longName.replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</h1>`));
      assert.ok(byLabel('manage page').includes('<code>o&#39;reilly&#39;--@example.com</code>'));
      assert.ok(byLabel('admin delivery').includes(`${escapedScript}${escapedImg}`), 'the receiver’s hostile response excerpt is escaped');
      assert.ok(byLabel('admin component refused').includes(escapedScript), 'refused form input is echoed escaped');
      assert.ok(byLabel('subscribe refused').includes('value="&quot;&lt;svg/onload=alert(1)&gt;&quot;@example.com"'));
      assert.ok(byLabel('admin subscribers').includes('%22%3E%3Cscript%3Ealert(1)%3C/script%3E&amp;j=javascript:alert(3)'), 'the endpoint query is shown percent-encoded');
      assert.ok(byLabel('admin login').includes('name="next" value="/admin"'), 'a javascript: next is replaced');
    });

    await t.test('an address with markup in it is refused as invalid, by the manage API, the public API and the form', async () => {
      const api = await w.app.api('POST', '/subscribers', { subscriber: { email: hostileEmail } });
      assert.equal(api.status, 422);
      assert.deepEqual(api.body, { error: 'subscriber.email: must be an email address such as ops@example.com' });
      const pub = await readResponse(await w.app.fetch('/api/v2/subscribers.json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subscriber: { email: hostileEmail } }) }));
      assert.equal(pub.status, 422);
      assert.deepEqual(pub.body, { error: 'subscriber.email: must be an email address such as ops@example.com' });
      assert.match(w.responses.find((r) => r.label === 'subscribe refused')!.text, /<span id="email-error" class="error">must be an email address such as ops@example.com<\/span>/);
      const tooLong = await w.app.api('POST', '/incidents', { incident: { name: `${longName}x`, status: 'investigating' } });
      assert.equal(tooLong.status, 422);
      assert.deepEqual(tooLong.body, { error: 'incident.name: must be at most 255 characters' });
    });

    await t.test('every kind of mail (confirmation, manage link, notification, quarantine notice) has an inert HTML part and verbatim text', () => {
      const kinds = new Map<string, ReceivedMail>();
      for (const mail of w.smtp.inbox) {
        const subject = mail.parsed.subject ?? '';
        const kind = /Confirm your subscription/.test(subject) ? 'confirmation' : /Manage your subscription/.test(subject) ? 'manage' : /paused/.test(subject) ? 'quarantine' : 'notification';
        kinds.set(kind, kinds.get(kind) ?? mail);
        assert.ok(subject.startsWith(`[${pageName}] `), `subject keeps the page name verbatim: ${subject}`);
        const htmlPart = String(mail.parsed.html);
        assertInert(htmlPart, `mail "${subject}"`);
        assert.ok(htmlPart.includes(escapedScript), `mail "${subject}" shows the page name escaped`);
        assert.ok((mail.parsed.text ?? '').includes(pageName), `mail "${subject}" text part has the page name verbatim`);
      }
      assert.deepEqual([...kinds.keys()].sort(), ['confirmation', 'manage', 'notification', 'quarantine']);
      const notice = String(kinds.get('quarantine')!.parsed.html);
      assert.ok(notice.includes('<code>http://127.0.0.1:'), 'the notice names the endpoint');
      assert.ok(notice.includes('?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&amp;j=javascript:alert(3)</code>'));
      const outage = w.smtp.inbox.find((m) => m.parsed.subject === `[${pageName}] New incident: ${incidentName}`);
      assert.ok(outage, 'the notification subject is the incident name verbatim');
      assert.ok(String(outage.parsed.html).includes(`&lt;svg/onload=alert(6)&gt;`));
      assert.ok((outage.parsed.text ?? '').includes(body), 'the text part carries the body verbatim');
    });

    await t.test('a name with line breaks cannot add mail headers or recipients', () => {
      const mail = w.smtp.inbox.find((m) => (m.parsed.subject ?? '').includes('Header'));
      assert.ok(mail, `the notification was sent: ${JSON.stringify(w.smtp.inbox.map((m) => [m.to, m.parsed.subject]))}`);
      assert.deepEqual(mail.to, [w.oddEmail]);
      assert.equal(mail.parsed.headers.get('bcc'), undefined);
      assert.equal(mail.parsed.headers.get('x-injected'), undefined);
      const headerBlock = mail.raw.split(/\r?\n\r?\n/)[0]!;
      assert.ok(!/^(Bcc|X-Injected):/im.test(headerBlock), `no injected header line:\n${headerBlock}`);
      assert.match(mail.parsed.subject ?? '', /New incident: Header Bcc: attacker@example\.com X-Injected: yes$/);
    });

    await t.test('Atom and RSS are well-formed; titles decode verbatim and entry content decodes to escaped, inert HTML', async () => {
      for (const path of ['/history.atom', '/history.rss']) {
        const res = await w.app.fetch(path);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        const xml = await res.text();
        assert.equal(XMLValidator.validate(xml), true, path);
        const doc = parser.parse(xml);
        const entries: any[] = path.endsWith('atom') ? [doc.feed.entry].flat() : [doc.rss.channel.item].flat();
        const titles = entries.map((e) => (typeof e.title === 'string' ? e.title : e.title['#text']));
        assert.ok(titles.includes(incidentName), `${path}: ${JSON.stringify(titles)}`);
        assert.ok(titles.includes(longName));
        const feedTitle = path.endsWith('atom') ? doc.feed.title : doc.rss.channel.title;
        assert.equal(typeof feedTitle === 'string' ? feedTitle : feedTitle['#text'], `${pageName} Status - Incident History`);
        const entry = entries[titles.indexOf(incidentName)];
        const content: string = path.endsWith('atom') ? entry.content['#text'] : entry.description;
        assertInert(content, `${path} entry content`);
        assert.ok(content.includes(`<strong>Investigating</strong> - Line one ${escapedScript} ${escapedImg}`), content.slice(0, 300));
        assert.ok(content.includes(']]&gt;&lt;x&gt;'));
      }
    });

    await t.test('the badge is valid SVG with nothing of the hostile strings', async () => {
      const res = await w.app.fetch('/badge.svg');
      assert.equal(res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const svg = await res.text();
      assert.equal(XMLValidator.validate(svg), true);
      assert.equal(parser.parse(svg).svg['@aria-label'], 'status: Major Service Outage');
      assertInert(svg.replace(/^<svg [^>]*>/, ''), 'badge');
    });

    await t.test('the public JSON is valid and carries every hostile value verbatim; a quote in a search is text, not SQL', async () => {
      const summary = await readResponse(await w.app.fetch('/api/v2/summary.json'));
      assert.equal(summary.headers.get('x-content-type-options'), 'nosniff');
      assert.deepEqual(JSON.parse(summary.text), summary.body);
      assert.equal(summary.body.page.name, pageName);
      const names = summary.body.components.map((x: any) => [x.name, x.description]);
      assert.deepEqual(names.find((n: string[]) => n[0] === w.c1.name), [`API ${hostile}`, `Desc ${hostile}`]);
      assert.deepEqual(names.find((n: string[]) => n[0] === `Group ${hostile}`), [`Group ${hostile}`, `Group desc ${hostile}`]);
      const incidents = (await readResponse(await w.app.fetch('/api/v2/incidents.json'))).body.incidents;
      const outage = incidents.find((i: any) => i.id === w.incident.id);
      assert.equal(outage.name, incidentName);
      assert.deepEqual(outage.incident_updates.map((u: any) => u.body), [`Update ${hostile}`, body]);
      const maintenance = (await readResponse(await w.app.fetch('/api/v2/scheduled-maintenances.json'))).body.scheduled_maintenances;
      assert.equal(maintenance[0].name, `Maintenance ${hostile}`);
      const searched = await w.app.api('GET', `/incidents?q=${encodeURIComponent("' OR '1'='1")}`);
      assert.deepEqual(searched.body, []);
      const literal = await w.app.api('GET', `/incidents?q=${encodeURIComponent("' OR 1=1 --")}`);
      assert.deepEqual(literal.body.map((i: any) => i.id).sort(), [w.incident.id, w.maintenance.id].sort());
    });
  });
});

const assertHtmlHeaders = (headers: Headers, where: string) => {
  const csp = headers.get('content-security-policy');
  assert.ok(csp, `${where}: a Content-Security-Policy`);
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
  assert.ok(scriptSrc, `${where}: script-src or default-src`);
  assert.ok(!scriptSrc.includes("'unsafe-inline'") && !scriptSrc.includes("'unsafe-eval'"), `${where}: ${csp}`);
  assert.ok(['\'none\'', '\'self\''].includes((directives.get('frame-ancestors') ?? []).join(' ')), `${where}: frame-ancestors in ${csp}`);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', where);
  assert.ok(headers.get('referrer-policy'), `${where}: a Referrer-Policy`);
};

describe('security headers', () => {
  test('every HTML response (pages, 404s, error pages, console pages, /webhooks) carries a strict CSP, nosniff, frame-ancestors and a Referrer-Policy; JSON carries nosniff', async (t) => {
    const w = await buildWorld(t);
    for (const r of w.responses.filter(isHtml)) assertHtmlHeaders(r.headers, r.label);
    assert.equal(w.responses.find((r) => r.label === 'status page')!.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
    const key = { authorization: `OAuth ${w.app.apiKey}` };
    const jsonPaths: Array<[string, RequestInit]> = [
      ['/api/v2/summary.json', {}], ['/api/v2/status.json', {}], ['/api/v2/nope.json', {}], ['/api/v1/pages', {}], ['/api/v1/pages', { headers: key }],
      [`/api/v1/pages/${w.app.pageId}/components/nope`, { headers: key }], ['/api/v2/subscribers.json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }],
      ['/nothing-here', { headers: { accept: 'application/json' } }],
    ];
    for (const [path, init] of jsonPaths) {
      const res = await w.app.fetch(path, init);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    }
    const head = await w.app.fetch('/', { method: 'HEAD' });
    assertHtmlHeaders(head.headers, 'HEAD /');
  });

  test('redirects a browser receives as HTML carry the same headers as every other HTML response', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    const browser = { accept: 'text/html,application/xhtml+xml' };
    const redirects: Array<[string, Response]> = [
      ['GET /admin/incidents without a session', await c.app.fetch('/admin/incidents', { redirect: 'manual', headers: browser })],
      ['GET /admin with a session', await c.app.fetch('/admin', { redirect: 'manual', headers: { ...browser, cookie: s.cookie } })],
      ['POST /admin/components with a session', await c.app.fetch('/admin/components', {
        method: 'POST',
        redirect: 'manual',
        headers: { ...browser, cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: s.csrf, name: 'API', status: 'operational' }),
      })],
    ];
    for (const [label, res] of redirects) {
      assert.equal(res.status, 303, label);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, `${label} has an HTML body`);
      assertHtmlHeaders(res.headers, label);
    }
  });
});
