import { desc } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditEntry {
  /** Who: a console username, `cli` or `system`. */
  actor: string;
  /** What, as `<thing>.<verb>`: `incident.create`, `api_key.revoke`, … */
  action: string;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** A few fields worth reading later; never secrets. */
  details?: Record<string, unknown> | undefined;
  at: Date;
}

/**
 * Writes one audit row. Pass the action's transaction: if the row cannot be written the
 * action rolls back too, so nothing happens unrecorded.
 */
export function recordAudit(db: Db | Tx, entry: AuditEntry): AuditRow {
  return db
    .insert(auditLog)
    .values({
      actor: entry.actor,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      details: entry.details ?? null,
      createdAt: entry.at,
    })
    .returning()
    .get();
}

/** Audit rows, newest first. */
export function listAuditLog(db: Db, paging: { limit: number; offset: number }): AuditRow[] {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(paging.limit).offset(paging.offset).all();
}
