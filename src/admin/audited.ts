import type { DomainContext } from '../context.js';
import { recordAudit, type AuditEntry } from './audit-log.js';

export type AuditNote = Omit<AuditEntry, 'actor' | 'at'>;

/**
 * Runs a verb and writes its audit row in one transaction. The verb's own transaction becomes
 * a savepoint of this one (better-sqlite3 nests them), so the change and its record commit or
 * roll back together. The verb's `changed()` is held until the commit, so the public snapshot
 * is never rebuilt from a change that could still roll back.
 */
export function runAudited<T>(ctx: DomainContext, actor: string, verb: (ctx: DomainContext) => T, note: (result: T) => AuditNote): T {
  let changed = false;
  const deferred: DomainContext = {
    ...ctx,
    changed: () => {
      changed = true;
    },
  };
  const result = ctx.db.transaction(() => {
    const value = verb(deferred);
    recordAudit(ctx.db, { ...note(value), actor, at: ctx.clock.now() });
    return value;
  });
  if (changed) ctx.changed();
  return result;
}
