import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { recordAudit } from '../../admin/audit-log.js';
import { login, type LoginDeps } from '../../admin/login.js';
import { endSession, findSession } from '../../admin/sessions.js';
import { AppError } from '../../errors.js';
import { loginCookie, readCookie, sessionCookie, writeCookie } from './cookies.js';
import { noErrors, text, type FormErrors } from './forms.js';
import type { AdminDeps } from './options.js';
import type { Render } from './render.js';
import { requireCsrf, requireSession, sameToken, viewerOf } from './session.js';

/** Only a path inside the console: an open redirect would turn the login page into a phishing aid. */
function safeNext(value: string): string {
  return /^\/admin(?:[/?]|$)/.test(value) && !value.includes('\\') && !value.startsWith('//') ? value : '/admin';
}

const notices: Record<string, string> = {
  expired: 'Your session has expired. Log in again to continue.',
  logged_out: 'You are logged out.',
};

/** Login, logout. The login form has its own CSRF token (a cookie and a field that must match), as no session exists yet. */
export function loginRoutes(deps: AdminDeps, render: Render, loginDeps: LoginDeps): Router {
  const router = Router();
  const secure = deps.options.secureCookies;

  const show = (req: Request, res: Response, form: { username: string; next: string; errors: FormErrors }, status = 200) => {
    const existing = readCookie(req, loginCookie);
    const token = existing && /^[\w-]{43}$/.test(existing) ? existing : randomBytes(32).toString('base64url');
    writeCookie(res, loginCookie, token, { secure, maxAge: 3600 });
    const notice = Object.keys(notices).find((key) => req.query[key] === '1');
    render(res, 'login', { title: 'Log in', csrf: token, form: { id: 'login', values: { username: form.username, next: form.next }, errors: form.errors }, notice: notice ? notices[notice] : undefined }, status);
  };

  router.get('/login', (req, res) => {
    const token = readCookie(req, sessionCookie);
    const next = safeNext(typeof req.query['next'] === 'string' ? req.query['next'] : '/admin');
    if (token && findSession(deps.ctx.db, deps.ctx.clock.now(), token, deps.options.session).state === 'active') {
      res.redirect(303, next);
      return;
    }
    show(req, res, { username: '', next, errors: noErrors() });
  });

  router.post('/login', async (req, res) => {
    const cookieToken = readCookie(req, loginCookie) ?? '';
    if (!sameToken(text(req.body, '_csrf'), cookieToken)) {
      throw new AppError('forbidden', 'The login form had expired or did not come from this site. Go back, reload the login page and try again.');
    }
    const username = text(req.body, 'username');
    const next = safeNext(text(req.body, 'next'));
    try {
      const opened = await login(loginDeps, { username, password: text(req.body, 'password'), client: req.ip ?? 'unknown' });
      writeCookie(res, loginCookie, '', { secure, maxAge: 0 });
      writeCookie(res, sessionCookie, opened.token, { secure, maxAge: Math.floor(deps.options.session.absoluteMs / 1000) });
      res.redirect(303, next);
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== 'unauthorized' && error.code !== 'rate_limited')) throw error;
      const wait = error.details.retryAfterSeconds;
      if (wait !== undefined) res.setHeader('retry-after', String(wait));
      else deps.logger.warn('console login failed', { username: username.slice(0, 64), client: req.ip });
      const errors: FormErrors = wait === undefined
        ? { fields: { password: error.message }, summary: [{ field: 'password', message: error.message }] }
        : { fields: {}, summary: [{ field: undefined, message: error.message }] };
      show(req, res, { username, next, errors }, wait === undefined ? 401 : 429);
    }
  });

  router.post('/logout', requireSession(deps), requireCsrf, (req, res) => {
    const { user } = viewerOf(res);
    const token = readCookie(req, sessionCookie) ?? '';
    deps.ctx.db.transaction(() => {
      endSession(deps.ctx.db, token);
      recordAudit(deps.ctx.db, { actor: user.username, action: 'session.logout', targetType: 'admin_user', targetId: user.username, at: deps.ctx.clock.now() });
    });
    writeCookie(res, sessionCookie, '', { secure, maxAge: 0 });
    res.redirect(303, '/admin/login?logged_out=1');
  });
  return router;
}
