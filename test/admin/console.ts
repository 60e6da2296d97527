import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { startApp, type TestApp } from '../helpers/app.js';
import type { ManualClock } from '../helpers/clock.js';

/** One console response: status, headers, the HTML (or other text) and the redirect target. */
export interface Page {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

export type Fields = Record<string, string | string[] | boolean | undefined>;

export interface ConsoleSession {
  /** `herald_admin=<token>`, to send as the Cookie header. */
  cookie: string;
  /** The session's CSRF token, read from a rendered form. */
  csrf: string;
  get(path: string): Promise<Page>;
  /** Posts a form with this session's cookie and (unless `csrf` is given) its CSRF token. */
  post(path: string, fields?: Fields, options?: { csrf?: string | null }): Promise<Page>;
}

export interface TestConsole {
  app: TestApp;
  /** The password printed on first start for the user `admin`. */
  password: string;
  /** Logs in through the login form and returns the session; fails the test if login fails. */
  login(username?: string, password?: string): Promise<ConsoleSession>;
  /** Sends the login form and returns the raw answer (for failure cases). */
  attemptLogin(username: string, password: string, headers?: Record<string, string>): Promise<Page>;
}

export async function read(res: Response): Promise<Page> {
  return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get('location') };
}

export function formBody(fields: Fields): URLSearchParams {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === false) continue;
    for (const item of Array.isArray(value) ? value : [value === true ? 'true' : value]) body.append(name, item);
  }
  return body;
}

/** The `name=value` part of a Set-Cookie header in a response. */
export const cookiePair = (headers: Headers, name: string) =>
  headers.getSetCookie().map((c) => c.split(';')[0]!).find((pair) => pair.startsWith(`${name}=`));

/** The `value` of the hidden `_csrf` field in a page. */
export function csrfIn(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token, 'the page has a CSRF field');
  return token;
}

/** Starts the real app (real SQLite file, loopback port) with the console, and the first-start admin password. */
export async function startConsole(t: TestContext, options: { env?: Record<string, string>; clock?: ManualClock } = {}): Promise<TestConsole> {
  const app = await startApp(t, options);
  const password = app.herald.bootstrap.firstAdmin?.password;
  assert.ok(password, 'first start creates the console user admin');

  const attemptLogin = async (username: string, pass: string, headers: Record<string, string> = {}) => {
    const form = await app.fetch('/admin/login', { headers });
    const loginCookie = cookiePair(form.headers, 'herald_login');
    assert.ok(loginCookie, 'the login page sets its CSRF cookie');
    const html = await form.text();
    return read(
      await app.fetch('/admin/login', {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: formBody({ _csrf: csrfIn(html), username, password: pass }),
      }),
    );
  };

  const session = (cookie: string, csrf: string): ConsoleSession => ({
    cookie,
    csrf,
    get: async (path) => read(await app.fetch(path, { redirect: 'manual', headers: { cookie } })),
    post: async (path, fields = {}, opts = {}) => {
      const token = opts.csrf === undefined ? csrf : opts.csrf;
      const body = formBody({ ...(token === null ? {} : { _csrf: token }), ...fields });
      return read(await app.fetch(path, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body }));
    },
  });

  return {
    app,
    password,
    attemptLogin,
    async login(username = 'admin', pass = password) {
      const res = await attemptLogin(username, pass);
      assert.equal(res.status, 303, `login as ${username} succeeds`);
      const cookie = cookiePair(res.headers, 'herald_admin');
      assert.ok(cookie, 'login sets the session cookie');
      const home = await read(await app.fetch('/admin/incidents', { headers: { cookie } }));
      assert.equal(home.status, 200);
      return session(cookie, csrfIn(home.html));
    },
  };
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };
/** Text with the HTML tags removed and the usual entities decoded. */
export const plain = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (e) => entities[e]!).replace(/\s+/g, ' ').trim();

/**
 * Asserts that the control with this id shows an error next to it: a message element
 * `<id>-error` matching `message`, referenced by the control's aria-describedby, and the control marked invalid.
 */
export function assertFieldError(html: string, id: string, message: RegExp): void {
  const control = new RegExp(`<(?:input|select|textarea|fieldset)[^>]*\\sid="${id}"[^>]*>`).exec(html)?.[0];
  assert.ok(control, `a control with id ${id}`);
  const describedBy = /aria-describedby="([^"]+)"/.exec(control)?.[1]?.split(' ') ?? [];
  assert.ok(describedBy.includes(`${id}-error`), `${id} is described by its error: ${control}`);
  if (!control.startsWith('<fieldset')) assert.match(control, /aria-invalid="true"/);
  const error = new RegExp(`<p class="error" id="${id}-error">([^<]*)</p>`).exec(html)?.[1];
  assert.ok(error !== undefined, `an error message ${id}-error`);
  assert.match(plain(error), message);
  assert.match(html, /class="error-summary" role="alert"/, 'the error summary is shown too');
}
