import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';

/** One outbox row as the long tests look at it (epoch ms for times). */
export interface DeliveryRow {
  id: number;
  messageId: string;
  subscriberId: string;
  channel: 'webhook' | 'email';
  state: string;
  attemptCount: number;
  nextAttemptAt: number;
  leaseToken: string | null;
  lastError: string | null;
  deliveredAt: number | null;
}

/** One row of delivery_attempts (epoch ms). */
export interface AttemptRow {
  deliveryId: number;
  attemptNumber: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

interface RawRow {
  id: number;
  message_id: string;
  subscriber_id: string;
  channel: 'webhook' | 'email';
  state: string;
  attempt_count: number;
  next_attempt_at: number;
  lease_token: string | null;
  last_error: string | null;
  delivered_at: number | null;
}

/**
 * A read-only connection to Herald's file for checks a test makes between (or after) Herald's
 * processes. Read-only, so a check never checkpoints or rewrites what a killed process left.
 */
export function inspectOutbox(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const rows = db.prepare<[number], RawRow>(`
    SELECT id, message_id, subscriber_id, channel, state, attempt_count, next_attempt_at, lease_token, last_error, delivered_at
      FROM deliveries WHERE event_id = ? ORDER BY id`);
  const logged = db.prepare<[number], { delivery_id: number; n: number; max_number: number }>(`
    SELECT a.delivery_id, count(*) AS n, max(a.attempt_number) AS max_number
      FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = ? GROUP BY a.delivery_id`);
  const attemptLog = db.prepare<[number], AttemptRow>(`
    SELECT a.delivery_id AS deliveryId, a.attempt_number AS attemptNumber, a.started_at AS startedAt, a.duration_ms AS durationMs,
           a.status_code AS statusCode, a.error
      FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = ? ORDER BY a.delivery_id, a.attempt_number, a.id`);
  const delivered = db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM deliveries WHERE event_id = ? AND state = 'delivered'`);
  const subscriberStates = db.prepare<[], { id: string; state: string; failure_streak: number }>(`SELECT id, state, failure_streak FROM subscribers`);
  return {
    rows(eventId: number): DeliveryRow[] {
      return rows.all(eventId).map((r) => ({
        id: r.id,
        messageId: r.message_id,
        subscriberId: r.subscriber_id,
        channel: r.channel,
        state: r.state,
        attemptCount: r.attempt_count,
        nextAttemptAt: r.next_attempt_at,
        leaseToken: r.lease_token,
        lastError: r.last_error,
        deliveredAt: r.delivered_at,
      }));
    },
    delivered: (eventId: number): number => delivered.get(eventId)!.n,
    /** Every logged attempt of the event's deliveries, by delivery then attempt number. */
    attemptLog: (eventId: number): AttemptRow[] => attemptLog.all(eventId),
    /** Logged attempts per delivery id of the event, and the highest attempt number logged. */
    attempts(eventId: number): Map<number, { count: number; maxNumber: number }> {
      return new Map(logged.all(eventId).map((r) => [r.delivery_id, { count: r.n, maxNumber: r.max_number }]));
    },
    subscribers(): Map<string, { state: string; failureStreak: number }> {
      return new Map(subscriberStates.all().map((r) => [r.id, { state: r.state, failureStreak: r.failure_streak }]));
    },
    /** `PRAGMA integrity_check`, its rows joined: "ok" when the file is sound. */
    integrity(): string {
      return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
    },
    close: () => db.close(),
  };
}

export type OutboxInspect = ReturnType<typeof inspectOutbox>;

/** Rows per state, e.g. { delivered: 4_968, sending: 32 }. */
export function countStates(rows: ReadonlyArray<{ state: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.state] = (counts[row.state] ?? 0) + 1;
  return counts;
}

/** Size of the -wal file beside `file`, or undefined when there is none. */
export function walBytes(file: string): number | undefined {
  return existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : undefined;
}
