import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createComponent, createIncident } from '../helpers/app.js';
import { linkIn, postForm, startWorld } from './helpers.js';

describe('self-serve email subscription', () => {
  test('subscribe with the form, confirm with the mailed link, then receive the next incident', async (t) => {
    const { app, smtp, deliver } = await startWorld(t);
    const form = await app.fetch('/subscribe');
    assert.match(await form.text(), /<form method="post" action="\/subscribe"/);

    const sent = await postForm(app, '/subscribe', { email: 'Visitor@Example.com' });
    assert.equal(sent.status, 200);
    assert.match(await sent.text(), /Check your inbox/);
    await createIncident(app, { name: 'Before confirming', body: 'x' });
    const [confirmation] = await deliver(1);
    assert.equal(confirmation!.parsed.subject, '[Status] Confirm your subscription');
    assert.deepEqual(confirmation!.to.map((a) => a.toLowerCase()), ['visitor@example.com']);
    await app.herald.worker.runOnce();
    assert.equal(smtp.inbox.length, 1, 'nothing but the confirmation before the link is followed');

    const confirmPath = linkIn(confirmation!, /\/subscriptions\/confirm\/\S+/);
    const confirmed = await app.fetch(confirmPath);
    assert.equal(confirmed.status, 200);
    const page = await confirmed.text();
    assert.match(page, /You are subscribed/);
    assert.match(page, /all incident and maintenance notifications of Status/);

    const again = await (await app.fetch(confirmPath)).text();
    assert.match(again, /already used/, 'a reused link says so');

    await createIncident(app, { name: 'After confirming', body: 'y' });
    const mails = await deliver(2);
    assert.equal(mails[1]!.parsed.subject, '[Status] New incident: After confirming');
  });

  test('the same answer whether the address is new, subscribed or unsubscribed; a subscribed one gets a manage link', async (t) => {
    const { app, deliver } = await startWorld(t);
    const first = await (await postForm(app, '/subscribe', { email: 'a@example.com' })).text();
    const [confirmation] = await deliver(1);
    await app.fetch(linkIn(confirmation!, /\/subscriptions\/confirm\/\S+/));
    const second = await (await postForm(app, '/subscribe', { email: 'a@example.com' })).text();
    assert.equal(second, first, 'identical pages');
    const [, manageMail] = await deliver(2);
    assert.equal(manageMail!.parsed.subject, '[Status] Manage your subscription');
    const manage = await app.fetch(linkIn(manageMail!, /\/subscriptions\/manage\/\S+/));
    assert.match(await manage.text(), /Email to <code>a@example.com<\/code> \(active\)/);

    const api = await app.fetch('/api/v2/subscribers.json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'subscriber[email]=a@example.com',
    });
    const fresh = await app.fetch('/api/v2/subscribers.json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscriber: { email: 'new@example.com' } }),
    });
    assert.equal(api.status, 202);
    assert.equal(fresh.status, 202);
    assert.deepEqual(await api.json(), await fresh.json());
  });

  test('components chosen at sign-up, changed from the manage page, take effect on the next incident', async (t) => {
    const { app, smtp, deliver } = await startWorld(t);
    const a = await createComponent(app, { name: 'A' });
    const b = await createComponent(app, { name: 'B' });
    await postForm(app, '/subscribe', { email: 'picky@example.com', component_ids: [a.id] });
    const [confirmation] = await deliver(1);
    assert.match(confirmation!.parsed.text ?? '', /that affect: A/);
    await app.fetch(linkIn(confirmation!, /\/subscriptions\/confirm\/\S+/));

    await createIncident(app, { name: 'Only B', components: { [b.id]: 'major_outage' } });
    await app.herald.worker.runOnce();
    assert.equal(smtp.inbox.length, 1, 'B is not followed');

    await createIncident(app, { name: 'A too', components: { [a.id]: 'partial_outage' } });
    const [, aMail] = await deliver(2);
    assert.match(aMail!.parsed.subject ?? '', /A too/);
    const managePath = linkIn(aMail!, /\/subscriptions\/manage\/\S+/);
    const saved = await postForm(app, managePath, { component_ids: [b.id] });
    assert.match(await saved.text(), /Your choices are saved/);

    await createIncident(app, { name: 'A again', components: { [a.id]: 'major_outage' } });
    await createIncident(app, { name: 'B now', components: { [b.id]: 'partial_outage' } });
    const mails = await deliver(3);
    await app.herald.worker.runOnce();
    assert.deepEqual(mails.slice(2).map((m) => m.parsed.subject), ['[Status] New incident: B now']);
  });
});
