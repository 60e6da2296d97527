import Database from 'better-sqlite3';
import { openDb } from '../../../src/db/client.js';
import { percentile } from './measure.js';
import { subscriberId, unsubscribeToken, webhookSecret } from './seeded-subscriber.js';

/**
 * Inserts `count` active page-wide subscribers straight into Herald's SQLite file in one
 * transaction: the manage API would take minutes for 10,000. Webhook subscribers when
 * `endpoint` is given (secrets per seeded-subscriber.ts), email subscribers otherwise.
 */
export function seedSubscribers(file: string, pageId: string, count: number, endpoint?: (n: number) => string): void {
  const db = openDb(file);
  try {
    const insert = db.$client.prepare<[string, string, string, string, string | null, string | null, string, number, number, number]>(`
      INSERT INTO subscribers (id, page_id, mode, state, email, endpoint, scope, secret, unsubscribe_token,
                               skip_confirmation_notification, confirmed_at, created_at, updated_at)
      VALUES (?, ?, ?, 'active', ?, ?, 'page', ?, ?, 1, ?, ?, ?)`);
    const now = Date.now();
    db.$client.transaction(() => {
      for (let n = 0; n < count; n += 1) {
        const id = subscriberId(n);
        if (endpoint) insert.run(id, pageId, 'webhook', `ops+${n}@example.com`, endpoint(n), webhookSecret(n), unsubscribeToken(n), now, now, now);
        else insert.run(id, pageId, 'email', `reader${n}@example.com`, null, null, unsubscribeToken(n), now, now, now);
      }
    })();
  } finally {
    db.$client.close();
  }
}

export interface EventDeliveries {
  /** Rows per state, e.g. { delivered: 9_990, sending: 10 }. */
  states: Record<string, number>;
  total: number;
  /** Latest delivered_at (epoch ms), when the last delivery was acknowledged. */
  lastDeliveredAt: number | undefined;
}

/** A read-only view of Herald's outbox, polled while Herald works; SQL is far cheaper than the manage API. */
export function watchOutbox(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const eventOf = db.prepare<[string], { id: number; payload: string }>(`SELECT id, payload FROM events WHERE incident_id = ? ORDER BY id LIMIT 1`);
  const states = db.prepare<[number], { state: string; n: number }>(`SELECT state, count(*) AS n FROM deliveries WHERE event_id = ? GROUP BY state`);
  const last = db.prepare<[number], { at: number | null }>(`SELECT max(delivered_at) AS at FROM deliveries WHERE event_id = ?`);
  const durations = db.prepare<[number], { ms: number }>(`
    SELECT a.duration_ms AS ms FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = ?`);
  return {
    /** The event a new incident wrote, with its payload as stored (the JSON every delivery embeds). */
    event(incidentId: string): { id: number; payload: string } {
      const row = eventOf.get(incidentId);
      if (!row) throw new Error(`no event for incident ${incidentId}`);
      return row;
    },
    deliveries(eventId: number): EventDeliveries {
      const byState = Object.fromEntries(states.all(eventId).map((r) => [r.state, r.n]));
      const total = Object.values(byState).reduce((a, b) => a + b, 0);
      return { states: byState, total, lastDeliveredAt: last.get(eventId)?.at ?? undefined };
    },
    /** p99 of Herald's own attempt durations (whole ms, queueing in its HTTP agent or SMTP pool included). */
    attemptP99Ms(eventId: number): number {
      return percentile(durations.all(eventId).map((r) => r.ms), 99);
    },
    close: () => db.close(),
  };
}

export type OutboxWatch = ReturnType<typeof watchOutbox>;
