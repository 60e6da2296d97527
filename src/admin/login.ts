import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { AppError } from '../errors.js';
import { recordAudit } from './audit-log.js';
import { findAdminUser } from './internal.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifyPassword } from './password.js';
import { createSession, type OpenedSession, type SessionPolicy } from './sessions.js';

export interface LoginDeps {
  db: Db;
  clock: Clock;
  throttle: LoginThrottle;
  policy: SessionPolicy;
}

export interface LoginAttempt {
  username: string;
  password: string;
  /** The client's address, for throttling. */
  client: string;
}

/**
 * Checks a username and password and opens a session. Throws `rate_limited` (with
 * retryAfterSeconds) while the client or username is throttled, and `unauthorized` on a
 * wrong pair, with one message whether or not the username exists.
 */
export async function login(deps: LoginDeps, attempt: LoginAttempt): Promise<OpenedSession & { username: string }> {
  const username = attempt.username.trim().toLowerCase().slice(0, 64);
  const wait = deps.throttle.retryAfterSeconds(attempt.client, username, deps.clock.now());
  if (wait > 0) {
    throw new AppError('rate_limited', `Too many failed logins. Try again in ${Math.ceil(wait / 60)} minute(s).`, { retryAfterSeconds: wait });
  }
  // Counted as failed until proven otherwise: the check takes ~100 ms, and parallel guesses
  // must not all pass the throttle before the first of them is recorded.
  const startedAt = deps.clock.now();
  deps.throttle.recordFailure(attempt.client, username, startedAt);
  const user = username ? findAdminUser(deps.db, username) : undefined;
  const ok = await verifyPassword(attempt.password.slice(0, 1024), user?.passwordHash);
  if (!ok || !user) throw new AppError('unauthorized', 'Wrong username or password.', { field: 'password' });
  deps.throttle.recordSuccess(attempt.client, username, startedAt);
  const now = deps.clock.now();
  const opened = deps.db.transaction(() => {
    const session = createSession(deps.db, now, user.id, deps.policy);
    recordAudit(deps.db, { actor: user.username, action: 'session.login', targetType: 'admin_user', targetId: user.username, at: now });
    return session;
  });
  return { ...opened, username: user.username };
}
