import { createHash, randomBytes } from 'node:crypto';
import { eq, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { adminSessions, adminUsers } from '../db/schema/index.js';
import type { AdminUserRow } from './internal.js';

export interface SessionPolicy {
  /** A session unused this long is over. */
  idleMs: number;
  /** A session is over this long after login, however busy. */
  absoluteMs: number;
}

export const defaultSessionPolicy: SessionPolicy = { idleMs: 12 * 3_600_000, absoluteMs: 7 * 86_400_000 };

export type SessionRow = typeof adminSessions.$inferSelect;

export interface OpenedSession {
  /** Goes into the cookie; only its SHA-256 is stored, so a database leak opens no session. */
  token: string;
  session: SessionRow;
}

export type SessionLookup =
  | { state: 'active'; session: SessionRow; user: AdminUserRow }
  | { state: 'expired' }
  | { state: 'none' };

const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

// Touching last_seen_at on every request would write on every page view; a minute is precise enough for a 12 h idle limit.
const touchEveryMs = 60_000;

/** Starts a session for a user who has just proven who they are; also clears out sessions that are over. */
export function createSession(db: Db, now: Date, userId: string, policy: SessionPolicy): OpenedSession {
  const token = randomBytes(32).toString('base64url');
  return db.transaction((tx) => {
    tx.delete(adminSessions)
      .where(or(lt(adminSessions.expiresAt, now), lt(adminSessions.lastSeenAt, new Date(now.getTime() - policy.idleMs))))
      .run();
    const session = tx
      .insert(adminSessions)
      .values({
        id: sessionId(token),
        userId,
        csrfToken: randomBytes(32).toString('base64url'),
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + policy.absoluteMs),
      })
      .returning()
      .get();
    return { token, session };
  });
}

/** The session a cookie token names, if it is still live; a session found over is deleted. */
export function findSession(db: Db, now: Date, token: string, policy: SessionPolicy): SessionLookup {
  const row = db
    .select({ session: adminSessions, user: adminUsers })
    .from(adminSessions)
    .innerJoin(adminUsers, eq(adminUsers.id, adminSessions.userId))
    .where(eq(adminSessions.id, sessionId(token)))
    .get();
  if (!row) return { state: 'none' };
  const idleFor = now.getTime() - row.session.lastSeenAt.getTime();
  if (now.getTime() >= row.session.expiresAt.getTime() || idleFor >= policy.idleMs) {
    db.delete(adminSessions).where(eq(adminSessions.id, row.session.id)).run();
    return { state: 'expired' };
  }
  if (idleFor >= touchEveryMs) {
    db.update(adminSessions).set({ lastSeenAt: now }).where(eq(adminSessions.id, row.session.id)).run();
  }
  return { state: 'active', session: row.session, user: row.user };
}

/** Ends the session a cookie token names (logout). */
export function endSession(db: Db, token: string): void {
  db.delete(adminSessions).where(eq(adminSessions.id, sessionId(token))).run();
}
