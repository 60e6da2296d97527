import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createApiKey } from '../../src/api-keys/create-api-key.js';
import { revokeApiKey } from '../../src/api-keys/manage-api-keys.js';
import { readResponse, startApp } from '../helpers/app.js';

const unauthenticated = { error: 'Could not authenticate' };

describe('manage API authentication', () => {
  test('accepts OAuth, oauth and Bearer schemes and ?api_key=', async (t) => {
    const app = await startApp(t);
    const path = `/api/v1/pages/${app.pageId}`;
    for (const authorization of [`OAuth ${app.apiKey}`, `oauth ${app.apiKey}`, `Bearer ${app.apiKey}`, `BEARER ${app.apiKey}`]) {
      const res = await app.fetch(path, { headers: { authorization } });
      assert.equal(res.status, 200, authorization.split(' ')[0]);
      assert.equal(((await res.json()) as { id: string }).id, app.pageId);
    }
    const viaQuery = await app.fetch(`${path}?api_key=${encodeURIComponent(app.apiKey)}`);
    assert.equal(viaQuery.status, 200);
  });

  test('answers 401 {"error":"Could not authenticate"} and changes nothing without a valid key', async (t) => {
    const app = await startApp(t);
    const revoked = createApiKey(app.herald.db, app.clock, 'old');
    revokeApiKey(app.herald.db, app.clock, revoked.row.id);
    const attempts: Array<[string, Record<string, string>, string]> = [
      ['no key', {}, ''],
      ['malformed header', { authorization: 'OAuth' }, ''],
      ['unknown scheme', { authorization: `Basic ${app.apiKey}` }, ''],
      ['wrong key', { authorization: 'OAuth hk_wrongwrongwrongwrongwrong' }, ''],
      ['revoked key', { authorization: `OAuth ${revoked.key}` }, ''],
      ['wrong key in query', {}, '?api_key=nope'],
      ['revoked key in query', {}, `?api_key=${revoked.key}`],
    ];
    for (const [name, headers, query] of attempts) {
      const res = await readResponse(
        await app.fetch(`/api/v1/pages/${app.pageId}/components${query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ component: { name: `should not exist (${name})` } }),
        }),
      );
      assert.equal(res.status, 401, name);
      assert.deepEqual(res.body, unauthenticated, name);
    }
    const list = await app.api('GET', '/components');
    assert.deepEqual(list.body, []);
  });

  test('401 comes before 404, so page ids cannot be probed without a key', async (t) => {
    const app = await startApp(t);
    const res = await readResponse(await app.fetch('/api/v1/pages/doesnotexist/incidents'));
    assert.equal(res.status, 401);
  });

  test('accepts ADMIN_API_KEY from the configuration', async (t) => {
    const adminKey = 'automation-key-0123456789';
    const app = await startApp(t, { env: { ADMIN_API_KEY: adminKey } });
    const ok = await app.fetch(`/api/v1/pages/${app.pageId}`, { headers: { authorization: `Bearer ${adminKey}` } });
    assert.equal(ok.status, 200);
    const near = await app.fetch(`/api/v1/pages/${app.pageId}`, { headers: { authorization: `Bearer ${adminKey}x` } });
    assert.equal(near.status, 401);
  });

  test('a key made with the CLI verb works at once; revoking it stops it', async (t) => {
    const app = await startApp(t);
    const made = createApiKey(app.herald.db, app.clock, 'ci');
    const path = `/api/v1/pages/${app.pageId}`;
    assert.equal((await app.fetch(path, { headers: { authorization: `OAuth ${made.key}` } })).status, 200);
    revokeApiKey(app.herald.db, app.clock, made.row.id);
    assert.equal((await app.fetch(path, { headers: { authorization: `OAuth ${made.key}` } })).status, 401);
  });

  test('API keys are managed under /api/v1/api-keys: created once-visible, listed without the key, revoked', async (t) => {
    const app = await startApp(t);
    const auth = { authorization: `OAuth ${app.apiKey}`, 'content-type': 'application/json' };
    const created = await readResponse(await app.fetch('/api/v1/api-keys', { method: 'POST', headers: auth, body: JSON.stringify({ api_key: { name: 'terraform' } }) }));
    assert.equal(created.status, 201);
    assert.match(created.body.key, /^hk_[\w-]{30,}$/);
    assert.equal(created.body.name, 'terraform');
    const worksAt = await app.fetch(`/api/v1/pages/${app.pageId}`, { headers: { authorization: `Bearer ${created.body.key}` } });
    assert.equal(worksAt.status, 200);
    const listed = await readResponse(await app.fetch('/api/v1/api_keys.json', { headers: auth }));
    const row = listed.body.find((k: any) => k.id === created.body.id);
    assert.equal(row.key, undefined, 'the key is never listed');
    assert.equal(row.last_used_at, '2026-03-02T10:00:00.000Z');
    const revoked = await readResponse(await app.fetch(`/api/v1/api-keys/${created.body.id}`, { method: 'DELETE', headers: auth }));
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.revoked_at, '2026-03-02T10:00:00.000Z');
    assert.equal((await app.fetch(`/api/v1/pages/${app.pageId}`, { headers: { authorization: `Bearer ${created.body.key}` } })).status, 401);
    const missingName = await readResponse(await app.fetch('/api/v1/api-keys', { method: 'POST', headers: auth, body: '{}' }));
    assert.equal(missingName.status, 422);
  });
});
