import { eq } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';
import { adminSessions, adminUsers } from '../db/schema/index.js';
import { newId } from '../ids.js';
import { parseInput } from '../validation.js';
import { recordAudit } from './audit-log.js';
import { findAdminUser, type AdminUserRow } from './internal.js';
import { generatePassword, hashPassword } from './password.js';
import { SetPasswordInput } from './schemas.js';

export interface SetPasswordResult {
  user: AdminUserRow;
  created: boolean;
}

/**
 * Sets a console user's password, creating the user if needed. Every session of that user
 * ends: whoever knew the old password is logged out.
 */
export async function setAdminPassword(db: Db, clock: Clock, raw: unknown, actor = 'cli'): Promise<SetPasswordResult> {
  const input = parseInput(SetPasswordInput, raw);
  const passwordHash = await hashPassword(input.password);
  const now = clock.now();
  return db.transaction((tx) => {
    const existing = findAdminUser(tx, input.username);
    const user = existing
      ? tx.update(adminUsers).set({ passwordHash, updatedAt: now }).where(eq(adminUsers.id, existing.id)).returning().get()!
      : tx.insert(adminUsers).values({ id: newId(), username: input.username, passwordHash, createdAt: now, updatedAt: now }).returning().get();
    tx.delete(adminSessions).where(eq(adminSessions.userId, user.id)).run();
    recordAudit(tx, { actor, action: 'admin_user.set_password', targetType: 'admin_user', targetId: user.username, at: now });
    return { user, created: !existing };
  });
}

export interface FirstAdmin {
  username: string;
  /** Not stored anywhere, so the first start can show it only once. */
  password: string;
}

/** Creates the user `admin` with a random password; called once, inside the first start's transaction. */
export function createFirstAdmin(tx: Tx, clock: Clock): FirstAdmin {
  const { password, hash } = generatePassword();
  const now = clock.now();
  tx.insert(adminUsers).values({ id: newId(), username: 'admin', passwordHash: hash, createdAt: now, updatedAt: now }).run();
  recordAudit(tx, { actor: 'system', action: 'admin_user.create', targetType: 'admin_user', targetId: 'admin', at: now });
  return { username: 'admin', password };
}
