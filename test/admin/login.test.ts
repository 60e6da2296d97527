import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAuditLog } from '../../src/admin/audit-log.js';
import { setAdminPassword } from '../../src/admin/set-password.js';
import { cookiePair, formBody, plain, read, startConsole, assertFieldError } from './console.js';

const hour = 3_600_000;
const auditActions = (db: Parameters<typeof listAuditLog>[0]) => listAuditLog(db, { limit: 100, offset: 0 }).map((r) => `${r.actor} ${r.action}`);

describe('console login', () => {
  test('the password printed on first start logs in as admin; the session cookie is HttpOnly, SameSite=Lax, scoped to /admin', async (t) => {
    const c = await startConsole(t);
    const res = await c.attemptLogin('admin', c.password);
    assert.equal(res.status, 303);
    assert.equal(res.location, '/admin');
    const setCookie = res.headers.getSetCookie().find((h) => h.startsWith('herald_admin='))!;
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Lax/);
    assert.match(setCookie, /; Path=\/admin/);
    assert.doesNotMatch(setCookie, /Secure/, 'plain http keeps the cookie usable');
    const home = await read(await c.app.fetch('/admin/incidents', { headers: { cookie: cookiePair(res.headers, 'herald_admin')! } }));
    assert.equal(home.status, 200);
    assert.match(home.html, /<h1>Incidents<\/h1>/);
    assert.match(home.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(home.headers.get('cache-control'), 'no-store');
    assert.ok(auditActions(c.app.herald.db).includes('admin session.login'));
  });

  test('behind an https public URL the cookies are Secure', async (t) => {
    const c = await startConsole(t, { env: { PUBLIC_URL: 'https://status.example.com' } });
    const loginPage = await c.app.fetch('/admin/login');
    assert.match(loginPage.headers.getSetCookie()[0]!, /; Secure/);
    const res = await c.attemptLogin('admin', c.password);
    assert.match(res.headers.getSetCookie().find((h) => h.startsWith('herald_admin='))!, /; Secure/);
  });

  test('a wrong password answers 401 with the error next to the password field, keeps the username and sets no session', async (t) => {
    const c = await startConsole(t);
    const res = await c.attemptLogin('admin', 'not the password');
    assert.equal(res.status, 401);
    assert.equal(cookiePair(res.headers, 'herald_admin'), undefined);
    assertFieldError(res.html, 'login-password', /Wrong username or password/);
    assert.match(res.html, /id="login-username" name="username" value="admin"/);
    assert.doesNotMatch(res.html, /not the password/, 'the password is never echoed');
  });

  test('an unknown username gets the same answer as a wrong password', async (t) => {
    const c = await startConsole(t);
    const unknown = await c.attemptLogin('nobody', c.password);
    const wrong = await c.attemptLogin('admin', 'wrong password!');
    assert.equal(unknown.status, 401);
    assert.equal(plain(/<p class="error"[^>]*>[^<]*<\/p>/.exec(unknown.html)![0]), plain(/<p class="error"[^>]*>[^<]*<\/p>/.exec(wrong.html)![0]));
  });

  test('usernames are case-insensitive', async (t) => {
    const c = await startConsole(t);
    assert.equal((await c.attemptLogin('  ADMIN ', c.password)).status, 303);
  });

  test('a console page without a session redirects to the login page, which comes back to it afterwards', async (t) => {
    const c = await startConsole(t);
    const res = await read(await c.app.fetch('/admin/components?x=1', { redirect: 'manual' }));
    assert.equal(res.status, 303);
    assert.equal(res.location, '/admin/login?next=%2Fadmin%2Fcomponents%3Fx%3D1');
    const form = await c.app.fetch(res.location!);
    const html = await form.text();
    assert.match(html, /name="next" value="\/admin\/components\?x=1"/);
    const login = await read(
      await c.app.fetch('/admin/login', {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookiePair(form.headers, 'herald_login')!, 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody({ _csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1], username: 'admin', password: c.password, next: '/admin/components?x=1' }),
      }),
    );
    assert.equal(login.location, '/admin/components?x=1');
  });

  test('the login page never redirects outside the console', async (t) => {
    const c = await startConsole(t);
    for (const next of ['https://evil.example/', '//evil.example/admin', '/\\evil.example', '/administrator']) {
      const html = await (await c.app.fetch(`/admin/login?next=${encodeURIComponent(next)}`)).text();
      assert.match(html, /name="next" value="\/admin"/, next);
    }
  });

  test('a login post without the login form\'s CSRF cookie is refused with 403', async (t) => {
    const c = await startConsole(t);
    const res = await read(
      await c.app.fetch('/admin/login', {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody({ _csrf: 'forged', username: 'admin', password: c.password }),
      }),
    );
    assert.equal(res.status, 403);
    assert.equal(cookiePair(res.headers, 'herald_admin'), undefined);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  });

  test('logout ends the session: the old cookie no longer opens the console', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    const out = await s.post('/admin/logout');
    assert.equal(out.status, 303);
    assert.equal(out.location, '/admin/login?logged_out=1');
    assert.match(out.headers.getSetCookie().find((h) => h.startsWith('herald_admin='))!, /Max-Age=0/);
    const after = await s.get('/admin/incidents');
    assert.equal(after.status, 303);
    assert.match(after.location ?? '', /^\/admin\/login/);
    assert.equal(auditActions(c.app.herald.db)[0], 'admin session.logout');
  });
});

describe('console sessions expire', () => {
  test('a session idle for 12 hours is over: the next page goes to the login page saying so', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    c.app.clock.advance(12 * hour - 1000);
    assert.equal((await s.get('/admin/incidents')).status, 200, 'still live just before the idle limit');
    c.app.clock.advance(12 * hour);
    const res = await s.get('/admin/incidents');
    assert.equal(res.status, 303);
    assert.equal(res.location, '/admin/login?expired=1&next=%2Fadmin%2Fincidents');
    const page = await (await c.app.fetch(res.location!)).text();
    assert.match(plain(page), /Your session has expired/);
  });

  test('an expired session cannot change anything: the form post goes to the login page', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    c.app.clock.advance(13 * hour);
    const res = await s.post('/admin/components', { name: 'Late', status: 'operational' });
    assert.equal(res.status, 303);
    assert.equal(res.location, '/admin/login?expired=1');
    assert.deepEqual((await c.app.api('GET', '/components')).body, []);
  });

  test('a session in constant use still ends 7 days after login', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    for (let elapsed = 0; elapsed < 7 * 24 * hour - 11 * hour; elapsed += 11 * hour) {
      c.app.clock.advance(11 * hour);
      assert.equal((await s.get('/admin/incidents')).status, 200, `live after ${elapsed / hour + 11} h`);
    }
    c.app.clock.advance(11 * hour);
    assert.equal((await s.get('/admin/incidents')).status, 303);
  });
});

describe('login throttling', () => {
  test('after 5 failed logins for a username, further tries get a 429 page with Retry-After, even with the right password', async (t) => {
    const c = await startConsole(t);
    for (let i = 0; i < 5; i++) assert.equal((await c.attemptLogin('admin', `wrong guess ${i}`)).status, 401);
    const refused = await c.attemptLogin('admin', c.password);
    assert.equal(refused.status, 429);
    assert.equal(cookiePair(refused.headers, 'herald_admin'), undefined);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After ${retryAfter}`);
    assert.match(plain(refused.html), /Too many failed logins\. Try again in 15 minute\(s\)/);
    c.app.clock.advance(retryAfter * 1000);
    assert.equal((await c.attemptLogin('admin', c.password)).status, 303, 'allowed again once the window has passed');
  });

  test('after 20 failed logins from one client, any username is refused from it', async (t) => {
    const c = await startConsole(t);
    for (let i = 0; i < 20; i++) assert.equal((await c.attemptLogin(`user${i}`, 'wrong password')).status, 401);
    assert.equal((await c.attemptLogin('admin', c.password)).status, 429);
  });

  test('parallel guesses cannot slip past the limit while passwords are being checked', async (t) => {
    const c = await startConsole(t);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => c.attemptLogin('admin', `parallel guess ${i}`)));
    assert.deepEqual(results.map((r) => r.status).sort(), [401, 401, 401, 401, 401, 429, 429, 429]);
  });

  test('a successful login forgives the username\'s earlier failures', async (t) => {
    const c = await startConsole(t);
    for (let i = 0; i < 4; i++) await c.attemptLogin('admin', 'wrong password');
    assert.equal((await c.attemptLogin('admin', c.password)).status, 303);
    for (let i = 0; i < 4; i++) assert.equal((await c.attemptLogin('admin', 'wrong password')).status, 401);
  });
});

describe('setAdminPassword', () => {
  test('sets a new password, ends the user\'s sessions and records who did it', async (t) => {
    const c = await startConsole(t);
    const s = await c.login();
    const result = await setAdminPassword(c.app.herald.db, c.app.clock, { username: 'Admin', password: 'a much better passphrase' });
    assert.equal(result.created, false);
    assert.equal((await s.get('/admin/incidents')).status, 303, 'the old session is over');
    assert.equal((await c.attemptLogin('admin', c.password)).status, 401);
    assert.equal((await c.attemptLogin('admin', 'a much better passphrase')).status, 303);
    assert.ok(auditActions(c.app.herald.db).includes('cli admin_user.set_password'));
  });

  test('creates a missing user, and refuses passwords under 12 characters', async (t) => {
    const c = await startConsole(t);
    await assert.rejects(setAdminPassword(c.app.herald.db, c.app.clock, { username: 'ops', password: 'short pass' }), /at least 12 characters/);
    const made = await setAdminPassword(c.app.herald.db, c.app.clock, { username: 'ops', password: 'twelve chars' });
    assert.equal(made.created, true);
    const s = await c.login('ops', 'twelve chars');
    assert.match((await s.get('/admin/incidents')).html, />ops</);
  });
});
