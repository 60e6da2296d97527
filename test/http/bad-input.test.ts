import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { events, incidents } from '../../src/db/schema/index.js';
import { createComponent, readResponse, startApp, type TestApp } from '../helpers/app.js';

async function assertNothingWritten(app: TestApp) {
  assert.equal(app.herald.db.select().from(incidents).all().length, 0, 'no incident written');
  assert.equal(app.herald.db.select().from(events).all().length, 0, 'no event written');
}

describe('bad input on the manage API', () => {
  test('malformed JSON is a 400 that says so', async (t) => {
    const app = await startApp(t);
    const res = await app.api('POST', '/incidents', '{"incident": {"name": "x",');
    assert.equal(res.status, 400);
    assert.match(res.body.error, /Malformed JSON/);
    await assertNothingWritten(app);
  });

  test('wrong types are a 422 naming the field', async (t) => {
    const app = await startApp(t);
    const cases: Array<[unknown, RegExp]> = [
      [{ incident: { name: 42 } }, /incident\.name/],
      [{ incident: { name: 'x', deliver_notifications: 'sometimes' } }, /incident\.deliver_notifications: must be a boolean/],
      [{ incident: { name: 'x', components: 'abc' } }, /incident\.components/],
      [{ incident: { name: 'x', scheduled_for: 'tomorrow', scheduled_until: '2026-01-01T00:00:00Z' } }, /incident\.scheduled_for: must be an ISO-8601/],
      [{ incident: { name: 'x', metadata: { jira: 'A-1' } } }, /incident\.metadata/],
      [{ incident: [] }, /expected object/i],
    ];
    for (const [body, message] of cases) {
      const res = await app.api('POST', '/incidents', body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.match(res.body.error, message, JSON.stringify(body));
    }
    await assertNothingWritten(app);
  });

  test('unknown enum values are a 422 listing the allowed values', async (t) => {
    const app = await startApp(t);
    const component = await createComponent(app, { name: 'API' });
    const status = await app.api('PATCH', `/components/${component.id}`, { component: { status: 'on_fire' } });
    assert.equal(status.status, 422);
    assert.match(status.body.error, /component\.status: must be one of operational, degraded_performance/);
    const impact = await app.api('POST', '/incidents', { incident: { name: 'x', impact_override: 'apocalyptic' } });
    assert.equal(impact.status, 422);
    assert.match(impact.body.error, /impact_override/);
  });

  test('names over 255 characters and bodies over 25,000 characters are refused', async (t) => {
    const app = await startApp(t);
    const longName = await app.api('POST', '/incidents', { incident: { name: 'n'.repeat(256) } });
    assert.equal(longName.status, 422);
    assert.equal(longName.body.error, 'incident.name: must be at most 255 characters');
    const okName = await app.api('POST', '/incidents', { incident: { name: 'n'.repeat(255), body: 'b'.repeat(25_000) } });
    assert.equal(okName.status, 201);
    const longBody = await app.api('POST', '/incidents', { incident: { name: 'x', body: 'b'.repeat(25_001) } });
    assert.equal(longBody.status, 422);
    assert.equal(longBody.body.error, 'incident.body: must be at most 25000 characters');
    const blank = await app.api('POST', '/components', { component: { name: '   ' } });
    assert.equal(blank.status, 422);
    assert.equal(blank.body.error, 'component.name: must not be blank');
  });

  test('an oversized request body is a 413 and nothing is written', async (t) => {
    const app = await startApp(t, { env: { MAX_BODY_BYTES: '65536' } });
    const res = await app.api('POST', '/incidents', { incident: { name: 'x', body: 'b'.repeat(70_000) } });
    assert.equal(res.status, 413);
    assert.match(res.body.error, /larger than the 65536-byte limit/);
    await assertNothingWritten(app);
  });

  test('unknown ids are 404 with an error body', async (t) => {
    const app = await startApp(t);
    for (const path of ['/incidents/nosuchincid1', '/components/nosuchcomp12', '/component-groups/nosuchgroup1']) {
      const res = await app.api('GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(typeof res.body.error, 'string', path);
    }
    const otherPage = await readResponse(
      await app.fetch('/api/v1/pages/aaaaaaaaaaaa/incidents', { headers: { authorization: `OAuth ${app.apiKey}` } }),
    );
    assert.equal(otherPage.status, 404);
    assert.match(otherPage.body.error, /page "aaaaaaaaaaaa" not found/);
    const noRoute = await app.api('GET', '/nothing-here');
    assert.equal(noRoute.status, 404);
  });

  test('an incident naming an unknown component writes nothing at all', async (t) => {
    const app = await startApp(t);
    const api = await createComponent(app, { name: 'API' });
    const res = await app.api('POST', '/incidents', {
      incident: { name: 'Outage', components: { [api.id]: 'major_outage', ghost0000000: 'major_outage' } },
    });
    assert.equal(res.status, 422);
    assert.match(res.body.error, /"ghost0000000" does not exist/);
    await assertNothingWritten(app);
    const after = await app.api('GET', `/components/${api.id}`);
    assert.equal(after.body.status, 'operational', 'the valid component was not changed either');
  });

  test('control characters are refused; HTML and SQL are stored verbatim and rendered inert', async (t) => {
    const app = await startApp(t);
    const control = await app.api('POST', '/components', { component: { name: 'API\u0000\u0007' } });
    assert.equal(control.status, 422);
    assert.equal(control.body.error, 'component.name: must not contain control characters');

    const hostileName = `<script>alert("x")</script>'); DROP TABLE incidents; --`;
    const created = await app.api('POST', '/incidents', { incident: { name: hostileName, body: '<img src=x onerror=alert(1)>\nline two' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, hostileName);
    const listed = await app.api('GET', '/incidents', undefined);
    assert.equal(listed.body.length, 1, 'the incidents table is still there');

    const html = await (await app.fetch('/')).text();
    assert.ok(!html.includes('<script>alert'), 'script tag is escaped');
    assert.ok(!html.includes('<img src=x'), 'img tag is escaped');
    assert.ok(html.includes('&lt;script&gt;alert('), 'the name is shown as text');
  });

  test('a hostile page id, query or path never reaches a 500', async (t) => {
    const app = await startApp(t);
    const paths = [
      `/api/v1/pages/${encodeURIComponent("x' OR 1=1 --")}/incidents`,
      `/api/v1/pages/${app.pageId}/incidents?q=${encodeURIComponent("%' OR 1=1 --")}`,
      `/api/v1/pages/${app.pageId}/incidents?limit=-1`,
      `/api/v1/pages/${app.pageId}/incidents?page=0`,
      `/api/v1/pages/${app.pageId}/incidents?q[a]=b`,
      `/api/v1/pages/${app.pageId}/incidents/%E0%A4%A`,
      `/api/v1/pages/${app.pageId}/components/${'x'.repeat(5000)}`,
    ];
    for (const path of paths) {
      const res = await app.fetch(path, { headers: { authorization: `OAuth ${app.apiKey}` } });
      assert.ok(res.status >= 200 && res.status < 500, `${path.slice(0, 80)} → ${res.status}`);
      const body = (await res.json()) as { error?: unknown };
      if (res.status >= 400) assert.equal(typeof body.error, 'string');
    }
  });
});
