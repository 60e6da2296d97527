import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { AdminUserRow } from '../../admin/internal.js';
import { findSession, type SessionRow } from '../../admin/sessions.js';
import { AppError } from '../../errors.js';
import { readCookie, sessionCookie, writeCookie } from './cookies.js';
import { text } from './forms.js';
import type { AdminDeps } from './options.js';

export interface Viewer {
  user: AdminUserRow;
  session: SessionRow;
}

/** The logged-in user of this request; only reachable behind requireSession. */
export function viewerOf(res: Response): Viewer {
  const viewer = (res.locals as { viewer?: Viewer }).viewer;
  if (!viewer) throw new AppError('internal', 'console route reached without a session');
  return viewer;
}

/** Equal tokens, compared in constant time whatever their lengths. */
export function sameToken(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return a.length > 0 && timingSafeEqual(digest(a), digest(b));
}

/**
 * Lets the request through with a live session; otherwise sends the browser to the login page
 * (saying so when the session has expired, and coming back here afterwards for a GET).
 */
export function requireSession(deps: AdminDeps): RequestHandler {
  return (req, res, next) => {
    const token = readCookie(req, sessionCookie);
    const found = token ? findSession(deps.ctx.db, deps.ctx.clock.now(), token, deps.options.session) : { state: 'none' as const };
    if (found.state === 'active') {
      (res.locals as { viewer?: Viewer }).viewer = { user: found.user, session: found.session };
      next();
      return;
    }
    if (token) writeCookie(res, sessionCookie, '', { secure: deps.options.secureCookies, maxAge: 0 });
    const query = new URLSearchParams();
    if (found.state === 'expired') query.set('expired', '1');
    if (req.method === 'GET') query.set('next', req.originalUrl);
    res.redirect(303, `/admin/login${query.size > 0 ? `?${query}` : ''}`);
  };
}

/** Refuses a POST whose hidden `_csrf` field is not this session's token: another site cannot make the browser act. */
export const requireCsrf: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || sameToken(text(req.body, '_csrf'), viewerOf(res).session.csrfToken)) {
    next();
    return;
  }
  next(new AppError('forbidden', 'This form did not come from your current console session, so nothing was changed. Go back, reload the page and try again.'));
};
