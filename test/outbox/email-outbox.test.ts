import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { eq } from 'drizzle-orm';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { subscribers } from '../../src/db/schema/index.js';
import { autoStartBody, autoCompleteBody } from '../../src/maintenance/run-due-transitions.js';
import { createComponent, createIncident, startApp, type TestApp } from '../helpers/app.js';
import { tempDir } from '../helpers/db.js';
import { startSmtpServer, type ReceivedMail, type SmtpSink } from '../helpers/smtp-server.js';

/**
 * Starts a real SMTP sink and the app pointed at it. The sink's cleanup is registered after
 * the app's, so Herald closes its SMTP pool before the sink waits for its connections to end
 * (otherwise smtp-server waits out its 30 s close timeout).
 */
async function setup(t: TestContext, env: Record<string, string> = {}, rateLimit: 'off' | 'default' = 'off'): Promise<{ app: TestApp; smtp: SmtpSink }> {
  const sinkCleanups: Array<() => unknown> = [];
  const smtp = await startSmtpServer({ after: (fn: () => unknown) => void sinkCleanups.push(fn) } as unknown as TestContext);
  const closeSink = async () => {
    for (const fn of sinkCleanups) await fn();
  };
  try {
    const app = await startApp(t, { env: { SMTP_URL: smtp.url, ...(rateLimit === 'off' ? { SMTP_RATE_LIMIT: '0' } : {}), ...env } });
    t.after(closeSink);
    return { app, smtp };
  } catch (error) {
    await closeSink();
    throw error;
  }
}

async function subscribe(app: TestApp, email: string, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await app.api('POST', '/subscribers', { subscriber: { email, ...extra } });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

async function listDeliveries(app: TestApp): Promise<any[]> {
  const res = await app.api('GET', '/deliveries');
  assert.equal(res.status, 200, res.text);
  return res.body;
}

async function deliveryDetail(app: TestApp, id: string): Promise<any> {
  const res = await app.api('GET', `/deliveries/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** The link token of a subscriber's unsubscribe URL: `<id>.<secret>`. */
function unsubscribeToken(app: TestApp, subscriberId: string): string {
  const row = app.herald.db.select({ token: subscribers.unsubscribeToken }).from(subscribers).where(eq(subscribers.id, subscriberId)).get();
  assert.ok(row, `subscriber ${subscriberId} exists`);
  return `${subscriberId}.${row.token}`;
}

/** The raw header lines with this (lower-case) name, unfolded as RFC 5322 says (CRLF before WSP removed). */
function rawHeaders(parsed: ParsedMail, key: string): string[] {
  return parsed.headerLines.filter((h) => h.key === key).map((h) => h.line.replace(/\r?\n(?=[ \t])/g, ''));
}

const addressesOf = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

const textLines = (mail: ReceivedMail | ParsedMail): string[] => (('parsed' in mail ? mail.parsed : mail).text ?? '').split('\n');

const htmlOf = (mail: ReceivedMail): string => {
  const html = mail.parsed.html;
  assert.equal(typeof html, 'string', 'the message has an HTML part');
  return html as string;
};

describe('email notifications through the outbox', () => {
  test('an incident sends one message per active email subscriber, each to its own address, none to an unsubscribed one', async (t) => {
    const { app, smtp } = await setup(t);
    const emails = Array.from({ length: 10 }, (_, i) => `user${i}@example.com`);
    const ids: string[] = [];
    for (const email of emails) ids.push((await subscribe(app, email)).id);
    const gone = await subscribe(app, 'gone@example.com');
    const removed = await app.api('DELETE', `/subscribers/${gone.id}`);
    assert.equal(removed.status, 200, removed.text);
    assert.equal(removed.body.state, 'unsubscribed');

    await createIncident(app, { name: 'API errors', body: 'Investigating' });
    assert.equal(await app.herald.worker.runOnce(), 10);
    const inbox = await smtp.waitFor(10);
    assert.equal(inbox.length, 10);
    assert.deepEqual(inbox.map((m) => m.to.join(',')).sort(), [...emails].sort(), 'envelope recipients');
    for (const mail of inbox) {
      assert.deepEqual(addressesOf(mail.parsed.to), mail.to, 'the To header names only the envelope recipient');
      assert.deepEqual(addressesOf(mail.parsed.cc), []);
      assert.equal(mail.parsed.subject, '[Status] New incident: API errors');
    }
    assert.equal(new Set(inbox.map((m) => m.parsed.messageId)).size, 10, 'every message has its own Message-ID');

    const rows = await listDeliveries(app);
    assert.deepEqual(rows.map((r) => r.subscriber_id).sort(), [...ids].sort());
    assert.ok(rows.every((r) => r.channel === 'email' && r.state === 'delivered' && r.event_type === 'incident.created'));
    assert.equal(await app.herald.worker.runOnce(), 0, 'nothing is left to send');
  });

  test('subject names page and incident; HTML and text parts carry the same name, status, body, components and link', async (t) => {
    const { app, smtp } = await setup(t);
    const sub = await subscribe(app, 'reader@example.com');
    const component = await createComponent(app, { name: 'Edge API' });
    const incident = await createIncident(app, {
      name: 'API errors',
      body: 'Rates & latency are elevated',
      components: { [component.id]: 'partial_outage' },
    });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const [mail] = await smtp.waitFor(1);
    const link = `http://status.test/incidents/${incident.id}`;
    const unsubscribe = `http://status.test/subscriptions/unsubscribe/${unsubscribeToken(app, sub.id)}`;

    assert.equal(mail!.parsed.subject, '[Status] New incident: API errors');
    assert.match(mail!.raw, /^Content-Type: multipart\/alternative;/m);
    assert.match(mail!.raw, /^Content-Type: text\/plain; charset=utf-8$/m);
    assert.match(mail!.raw, /^Content-Type: text\/html; charset=utf-8$/m);

    const text = textLines(mail!);
    for (const line of [
      'API errors',
      'Investigating (Mar 2, 2026, 10:00 UTC)',
      'Rates & latency are elevated',
      '- Edge API: Partial outage',
      `View the incident: ${link}`,
      `Unsubscribe: ${unsubscribe}`,
    ]) {
      assert.ok(text.includes(line), `text part has the line ${JSON.stringify(line)}:\n${text.join('\n')}`);
    }
    assert.ok(!mail!.parsed.text!.includes('&amp;'), 'the text part is not HTML-escaped');

    const html = htmlOf(mail!);
    assert.match(html, /<h1[^>]*>API errors<\/h1>/, 'incident name as the heading');
    assert.match(html, /<strong>Investigating<\/strong>/);
    assert.ok(html.includes('Mar 2, 2026, 10:00 UTC'), 'update time');
    assert.ok(html.includes('Rates &amp; latency are elevated'), 'update body, escaped');
    assert.ok(!html.includes('Rates & latency'), 'no unescaped & in the HTML source');
    assert.ok(html.includes('<li>Edge API: Partial outage</li>'), 'affected component');
    assert.ok(html.includes(`<a href="${link}"`), 'link to the incident');
    assert.ok(html.includes(`<a href="${unsubscribe}"`), 'unsubscribe link');
  });

  test('hostile incident names and bodies are inert in the HTML part and verbatim in the text part', async (t) => {
    const { app, smtp } = await setup(t);
    await subscribe(app, 'reader@example.com');
    const name = 'Outage <script>alert(1)</script>';
    const body = '<img src=x onerror=alert(2)> & <script>alert(3)</script>';
    await createIncident(app, { name, body });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const [mail] = await smtp.waitFor(1);

    assert.equal(mail!.parsed.subject, `[Status] New incident: ${name}`);
    const text = textLines(mail!);
    assert.ok(text.includes(name), 'name verbatim in text');
    assert.ok(text.includes(body), 'body verbatim in text');

    const html = htmlOf(mail!);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<[^>]*onerror=/i, 'no tag carries an onerror attribute');
    assert.ok(html.includes('Outage &lt;script&gt;alert(1)&lt;/script&gt;'), 'name escaped in HTML');
    assert.ok(html.includes('&lt;img src=x onerror=alert(2)&gt; &amp; &lt;script&gt;alert(3)&lt;/script&gt;'), 'body escaped in HTML');
  });

  test('a retried delivery keeps its Message-ID: <message_id@PUBLIC_URL host> from the delivery log', async (t) => {
    const { app, smtp } = await setup(t, { OUTBOX_RETRY_SCHEDULE: '0s,10s,1m' });
    await subscribe(app, 'retry@example.com');
    smtp.rejectNext(451);
    await createIncident(app, { name: 'Flaky', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    assert.equal(smtp.inbox.length, 0, 'the first try was refused');
    const [before] = await listDeliveries(app);
    assert.match(before.message_id, /^msg_[0-9a-f]{32}$/);

    app.clock.advance(12_001);
    assert.equal(await app.herald.worker.runOnce(), 1);
    const [mail] = await smtp.waitFor(1);
    const [after] = await listDeliveries(app);
    assert.equal(after.id, before.id);
    assert.equal(after.message_id, before.message_id, 'the delivery keeps its message id');
    assert.equal(after.attempt_count, 2);
    assert.deepEqual(rawHeaders(mail!.parsed, 'message-id'), [`Message-ID: <${before.message_id}@status.test>`]);
    assert.equal(mail!.parsed.messageId, `<${before.message_id}@status.test>`);
  });

  test('From is the page notifications_from_email when set, else MAIL_FROM', async (t) => {
    const { app, smtp } = await setup(t, { MAIL_FROM: 'alerts@ops.example' });
    await subscribe(app, 'reader@example.com');
    const fromOf = async (incidentName: string, count: number) => {
      await createIncident(app, { name: incidentName, body: 'x' });
      assert.equal(await app.herald.worker.runOnce(), 1);
      const mail = (await smtp.waitFor(count))[count - 1]!;
      assert.equal(mail.parsed.subject, `[Status] New incident: ${incidentName}`);
      return { line: rawHeaders(mail.parsed, 'from'), address: addressesOf(mail.parsed.from) };
    };

    assert.deepEqual(await fromOf('One', 1), { line: ['From: alerts@ops.example'], address: ['alerts@ops.example'] });
    const set = await app.api('PATCH', '', { page: { notifications_from_email: 'status@acme.example' } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.notifications_from_email, 'status@acme.example');
    assert.deepEqual(await fromOf('Two', 2), { line: ['From: status@acme.example'], address: ['status@acme.example'] });
    const cleared = await app.api('PATCH', '', { page: { notifications_from_email: null } });
    assert.equal(cleared.status, 200, cleared.text);
    assert.deepEqual(await fromOf('Three', 3), { line: ['From: alerts@ops.example'], address: ['alerts@ops.example'] });
  });

  test('without MAIL_FROM or a page address, From is noreply@<PUBLIC_URL host>', async (t) => {
    const { app, smtp } = await setup(t, { PUBLIC_URL: 'https://status.acme.example' });
    await subscribe(app, 'reader@example.com');
    await createIncident(app, { name: 'API errors', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const [mail] = await smtp.waitFor(1);
    assert.deepEqual(rawHeaders(mail!.parsed, 'from'), ['From: noreply@status.acme.example']);
  });

  test('every mail has List-Unsubscribe <https URL with the subscriber token> and List-Unsubscribe-Post One-Click', async (t) => {
    const { app, smtp } = await setup(t, { PUBLIC_URL: 'https://status.acme.example' });
    const a = await subscribe(app, 'a@example.com');
    const b = await subscribe(app, 'b@example.com');
    await createIncident(app, { name: 'API errors', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 2);
    const inbox = await smtp.waitFor(2);
    const tokens = new Map([
      ['a@example.com', unsubscribeToken(app, a.id)],
      ['b@example.com', unsubscribeToken(app, b.id)],
    ]);
    assert.notEqual(tokens.get('a@example.com'), tokens.get('b@example.com'));
    for (const mail of inbox) {
      const token = tokens.get(mail.to[0]!)!;
      assert.match(token, /^[a-z0-9]{12}\.[A-Za-z0-9_-]{20,}$/, 'the subscriber id and an opaque URL-safe secret');
      assert.deepEqual(rawHeaders(mail.parsed, 'list-unsubscribe'), [
        `List-Unsubscribe: <https://status.acme.example/subscriptions/unsubscribe/${token}>`,
      ]);
      assert.deepEqual(rawHeaders(mail.parsed, 'list-unsubscribe-post'), ['List-Unsubscribe-Post: List-Unsubscribe=One-Click']);
    }
  });

  test('SMTP 451 is a failed attempt with status_code 451, retried on the schedule and then delivered', async (t) => {
    const { app, smtp } = await setup(t, { OUTBOX_RETRY_SCHEDULE: '0s,10s,1m' });
    const sub = await subscribe(app, 'soft@example.com');
    smtp.rejectNext(451);
    await createIncident(app, { name: 'Soft bounce', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const [pending] = await listDeliveries(app);
    assert.equal(pending.state, 'pending');
    assert.equal(pending.last_status_code, 451);
    assert.match(pending.last_error, /^SMTP 451: /);
    const due = Date.parse(pending.next_attempt_at) - app.clock.now().getTime();
    assert.ok(due >= 8_000 && due <= 12_000, `retry due in 10 s ± 20 %, got ${due} ms`);
    assert.equal(await app.herald.worker.runOnce(), 0, 'nothing is due before the retry delay');

    app.clock.advance(12_001);
    assert.equal(await app.herald.worker.runOnce(), 1);
    const [mail] = await smtp.waitFor(1);
    assert.deepEqual(mail!.to, ['soft@example.com']);
    const detail = await deliveryDetail(app, pending.id);
    assert.equal(detail.state, 'delivered');
    assert.deepEqual(detail.attempts.map((a: any) => [a.attempt_number, a.status_code]), [[1, 451], [2, null]]);
    assert.match(detail.attempts[0].error, /^SMTP 451: /);
    assert.equal(detail.attempts[1].error, null);
    assert.equal((await app.api('GET', `/subscribers/${sub.id}`)).body.state, 'active', 'a soft bounce does not quarantine');
  });

  test('SMTP 550 fails the delivery at once, quarantines the address, and the next incident sends it nothing', async (t) => {
    const { app, smtp } = await setup(t);
    const hard = await subscribe(app, 'hard@example.com');
    smtp.rejectNext(550);
    await createIncident(app, { name: 'First', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 1);

    const [failed] = await listDeliveries(app);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.next_attempt_at, null);
    assert.equal(failed.last_status_code, 550);
    const detail = await deliveryDetail(app, failed.id);
    assert.deepEqual(detail.attempts.map((a: any) => [a.attempt_number, a.status_code]), [[1, 550]]);
    const after = (await app.api('GET', `/subscribers/${hard.id}`)).body;
    assert.equal(after.state, 'quarantined');
    assert.match(after.quarantine_reason, /permanent failure/);
    assert.match(after.quarantine_reason, /550/);

    app.clock.advance(24 * 60 * 60 * 1000);
    assert.equal(await app.herald.worker.runOnce(), 0, 'a permanent failure is not retried');
    assert.equal(smtp.inbox.length, 0, 'no quarantine notice to a bouncing mailbox');

    await subscribe(app, 'ok@example.com');
    await createIncident(app, { name: 'Second', body: 'y' });
    assert.equal(await app.herald.worker.runOnce(), 1);
    const inbox = await smtp.waitFor(1);
    assert.deepEqual(inbox.map((m) => m.to), [['ok@example.com']]);
    const rows = await listDeliveries(app);
    assert.deepEqual(rows.filter((r) => r.subscriber_id === hard.id).map((r) => r.id), [failed.id], 'nothing new queued for it');
  });

  test('a bare component status change sends no email; an incident changing the component mails its subscribers', async (t) => {
    const { app, smtp } = await setup(t);
    const api = await createComponent(app, { name: 'API' });
    const web = await createComponent(app, { name: 'Web' });
    await subscribe(app, 'api@example.com', { component_ids: [api.id] });
    await subscribe(app, 'web@example.com', { component_ids: [web.id] });
    await subscribe(app, 'all@example.com');

    const changed = await app.api('PATCH', `/components/${api.id}`, { component: { status: 'partial_outage' } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.status, 'partial_outage');
    assert.equal(await app.herald.worker.runOnce(), 0);
    assert.deepEqual(await listDeliveries(app), []);

    await createIncident(app, { name: 'API down', body: 'x', components: { [api.id]: 'major_outage' } });
    assert.equal(await app.herald.worker.runOnce(), 2);
    const inbox = await smtp.waitFor(2);
    assert.deepEqual(inbox.map((m) => m.to[0]).sort(), ['all@example.com', 'api@example.com']);
    assert.ok(inbox.every((m) => m.parsed.subject === '[Status] New incident: API down'));
    assert.ok(textLines(inbox[0]!).includes('- API: Major outage'));
  });

  test('maintenance mails show the window in the page time zone with the zone named, when scheduled, started and completed', async (t) => {
    const { app, smtp } = await setup(t);
    const zone = await app.api('PATCH', '', { page: { time_zone: 'Europe/Berlin' } });
    assert.equal(zone.status, 200, zone.text);
    await subscribe(app, 'ops@example.com');
    // 22:00 UTC on 1 July is midnight on 2 July in Berlin (CEST, UTC+2).
    const window = 'Jul 2, 2026, 00:00 GMT+2 – Jul 2, 2026, 03:00 GMT+2';
    const maintenance = await createIncident(app, {
      name: 'Database upgrade',
      body: 'Planned & announced',
      scheduled_for: '2026-07-01T22:00:00Z',
      scheduled_until: '2026-07-02T01:00:00Z',
      scheduled_auto_in_progress: true,
      scheduled_auto_completed: true,
      auto_transition_deliver_notifications_at_start: true,
      auto_transition_deliver_notifications_at_end: true,
    });

    assert.equal(await app.herald.worker.runOnce(), 1);
    const [scheduled] = await smtp.waitFor(1);
    assert.equal(scheduled!.parsed.subject, '[Status] Scheduled maintenance: Database upgrade');
    const text = textLines(scheduled!);
    assert.ok(text.includes(`Scheduled for ${window}`), text.join('\n'));
    assert.ok(text.includes('Planned & announced'));
    assert.ok(text.includes(`View the incident: http://status.test/incidents/${maintenance.id}`));
    assert.ok(htmlOf(scheduled!).includes(`Scheduled for ${window}`), 'the HTML part carries the window too');

    app.clock.set(maintenance.scheduled_for);
    assert.equal(app.herald.scheduler.runOnce(), 1);
    assert.equal(await app.herald.worker.runOnce(), 1);
    const started = (await smtp.waitFor(2))[1]!;
    assert.equal(started.parsed.subject, '[Status] Maintenance in progress: Database upgrade');
    const startedText = textLines(started);
    assert.ok(startedText.includes(`Scheduled for ${window}`), startedText.join('\n'));
    assert.ok(startedText.includes('In progress (Jul 2, 2026, 00:00 GMT+2)'), startedText.join('\n'));
    assert.ok(startedText.includes(autoStartBody));

    app.clock.set(maintenance.scheduled_until);
    assert.equal(app.herald.scheduler.runOnce(), 1);
    assert.equal(await app.herald.worker.runOnce(), 1);
    const completed = (await smtp.waitFor(3))[2]!;
    assert.equal(completed.parsed.subject, '[Status] Maintenance completed: Database upgrade');
    const completedText = textLines(completed);
    assert.ok(completedText.includes('Completed (Jul 2, 2026, 03:00 GMT+2)'), completedText.join('\n'));
    assert.ok(completedText.includes(autoCompleteBody));

    const types = (await listDeliveries(app)).map((r) => r.event_type).sort();
    assert.deepEqual(types, ['maintenance.completed', 'maintenance.scheduled', 'maintenance.started']);
  });

  test('deliver_notifications: false sends nothing, for the incident and for its updates', async (t) => {
    const { app, smtp } = await setup(t);
    await subscribe(app, 'reader@example.com');
    const incident = await createIncident(app, { name: 'Quiet', body: 'x', deliver_notifications: false });
    assert.equal(await app.herald.worker.runOnce(), 0);
    const quietUpdate = await app.api('PATCH', `/incidents/${incident.id}`, {
      incident: { status: 'identified', body: 'found it', deliver_notifications: false },
    });
    assert.equal(quietUpdate.status, 200, quietUpdate.text);
    assert.equal(await app.herald.worker.runOnce(), 0);
    assert.deepEqual(await listDeliveries(app), []);
    assert.equal(smtp.inbox.length, 0);

    const loud = await app.api('PATCH', `/incidents/${incident.id}`, { incident: { status: 'resolved', body: 'fixed' } });
    assert.equal(loud.status, 200, loud.text);
    assert.equal(await app.herald.worker.runOnce(), 1);
    const [mail] = await smtp.waitFor(1);
    assert.equal(mail!.parsed.subject, '[Status] Resolved: Quiet');
  });

  test('without SMTP_URL each message is written as a parseable .eml file under mail/ beside the database file', async (t) => {
    const dir = tempDir(t, 'herald-eml-');
    const app = await startApp(t, { env: { DATABASE_FILE: join(dir, 'data', 'herald.db') } });
    await subscribe(app, 'a@example.com');
    await subscribe(app, 'b@example.com');
    await createIncident(app, { name: 'Disk full', body: 'Cleaning up' });
    assert.equal(await app.herald.worker.runOnce(), 2);

    const folder = join(dir, 'data', 'mail');
    const files = readdirSync(folder);
    assert.equal(files.length, 2, files.join(', '));
    assert.ok(files.every((f) => f.endsWith('.eml')));
    const parsed = await Promise.all(files.map((f) => simpleParser(readFileSync(join(folder, f)))));
    assert.deepEqual(parsed.map((m) => addressesOf(m.to).join(',')).sort(), ['a@example.com', 'b@example.com']);
    const rows = await listDeliveries(app);
    assert.ok(rows.every((r) => r.state === 'delivered'));
    for (const mail of parsed) {
      assert.equal(mail.subject, '[Status] New incident: Disk full');
      assert.ok(textLines(mail).includes('Cleaning up'));
      const row = rows.find((r) => r.target === addressesOf(mail.to)[0]);
      assert.equal(mail.messageId, `<${row.message_id}@status.test>`);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['data']);
  });

  test('with the default SMTP rate limit a handful of messages still arrive', async (t) => {
    const { app, smtp } = await setup(t, {}, 'default');
    const emails = ['r0@example.com', 'r1@example.com', 'r2@example.com', 'r3@example.com', 'r4@example.com'];
    for (const email of emails) await subscribe(app, email);
    await createIncident(app, { name: 'Rate limited', body: 'x' });
    assert.equal(await app.herald.worker.runOnce(), 5);
    const inbox = await smtp.waitFor(5, 3000);
    assert.deepEqual(inbox.map((m) => m.to[0]).sort(), emails);
    assert.ok((await listDeliveries(app)).every((r) => r.state === 'delivered'));
  });
});
