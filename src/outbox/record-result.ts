import type Database from 'better-sqlite3';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import type { DeliveryState, SubscriberMode, SubscriberState } from '../db/schema/constants.js';
import { deliveries, subscribers } from '../db/schema/index.js';
import type { DeliveryResult } from '../channels/result.js';
import type { ClaimedDelivery } from './claim.js';
import { queueNotice } from './fan-out.js';
import { nextRetryDelay } from './retry-schedule.js';

export interface RecordPolicy {
  retryScheduleMs: readonly number[];
  quarantineAfterFailures: number;
  quarantineMinSpanMs: number;
  random: () => number;
}

export type RecordOutcome = 'delivered' | 'retry' | 'failed' | 'held' | 'stale';

export interface AttemptRecord {
  delivery: ClaimedDelivery;
  result: DeliveryResult;
  started: Date;
  now: Date;
  /** False for mail about the subscription itself (notices): it says nothing about an endpoint's health. */
  countsForEndpoint: boolean;
}

const maxErrorLength = 1000;

interface HealthRow {
  id: string;
  page_id: string;
  mode: SubscriberMode;
  state: SubscriberState;
  failure_streak: number;
  failing_since: number | null;
}

// Every delivery runs these, so they are prepared once per database rather than built per call.
const statementCache = new WeakMap<Database.Database, ReturnType<typeof prepare>>();
function prepare(sqlite: Database.Database) {
  return {
    leased: sqlite.prepare<[number, string], { state: DeliveryState }>('SELECT state FROM deliveries WHERE id = ? AND lease_token = ?'),
    attempt: sqlite.prepare<[number, number, number, number, number | null, string | null, string | null]>(
      `INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, duration_ms, status_code, error, response_excerpt) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    settle: sqlite.prepare<[string, number, string | null, number | null, number | null, number, number]>(
      `UPDATE deliveries SET state = ?, next_attempt_at = ?, lease_token = NULL, last_error = ?, last_status_code = ?, delivered_at = ?, updated_at = ? WHERE id = ?`,
    ),
    // A healthy endpoint is written to at most once a minute, not once per delivery.
    succeeded: sqlite.prepare<[number, string, number]>(
      `UPDATE subscribers SET failure_streak = 0, failing_since = NULL, last_success_at = ?
        WHERE id = ? AND (failure_streak > 0 OR last_success_at IS NULL OR last_success_at < ?)`,
    ),
    failed: sqlite.prepare<[number, string], HealthRow>(
      `UPDATE subscribers SET failure_streak = failure_streak + 1, failing_since = coalesce(failing_since, ?) WHERE id = ?
       RETURNING id, page_id, mode, state, failure_streak, failing_since`,
    ),
  };
}
const statementsFor = (db: Db) => {
  let statements = statementCache.get(db.$client);
  if (!statements) statementCache.set(db.$client, (statements = prepare(db.$client)));
  return statements;
};

/**
 * Records one attempt inside the caller's transaction: the attempt log row, the delivery's new
 * state and the endpoint's health, fenced by the lease token (a late result from an older lease
 * changes nothing).
 */
function recordInTransaction(db: Db, record: AttemptRecord, policy: RecordPolicy): RecordOutcome {
  const s = statementsFor(db);
  const { delivery, result, started, now } = record;
  if (!s.leased.get(delivery.id, delivery.leaseToken)) return 'stale';
  const error = result.ok ? null : result.error.slice(0, maxErrorLength);
  s.attempt.run(delivery.id, delivery.attemptCount, started.getTime(), result.durationMs, result.statusCode ?? null, error, result.responseExcerpt ?? null);

  const subscriberState = record.countsForEndpoint ? noteEndpointHealth(db, delivery, result, now, policy) : undefined;
  let outcome: RecordOutcome;
  let nextAttemptAt = now.getTime();
  if (result.ok) {
    outcome = 'delivered';
  } else {
    const delay = result.retryable
      ? nextRetryDelay({ attemptsMade: delivery.attemptCount, scheduleMs: policy.retryScheduleMs, retryAfterMs: result.retryAfterMs, random: policy.random })
      : undefined;
    if (delay === undefined) outcome = 'failed';
    // What a quarantined endpoint was owed is kept, not retried, until it is reactivated.
    else if (subscriberState === 'quarantined') outcome = 'held';
    else {
      outcome = 'retry';
      nextAttemptAt += delay;
    }
  }
  s.settle.run(outcome === 'retry' ? 'pending' : outcome, nextAttemptAt, error, result.statusCode ?? null, result.ok ? now.getTime() : null, now.getTime(), delivery.id);
  return outcome;
}

/** Records one attempt in its own transaction. */
export function recordResult(
  db: Db,
  delivery: ClaimedDelivery,
  result: DeliveryResult,
  started: Date,
  now: Date,
  policy: RecordPolicy,
  countsForEndpoint: boolean,
): RecordOutcome {
  return db.transaction(() => recordInTransaction(db, { delivery, result, started, now, countsForEndpoint }, policy));
}

/**
 * Records results in batches: every result that arrives in one turn of the event loop is written in
 * one transaction, which is most of the worker's write cost at fan-out rates. Each row is still
 * fenced on its own; a batch that fails is retried row by row so one bad row cannot sink the rest.
 */
export function createResultRecorder(db: Db, policy: RecordPolicy) {
  let queue: Array<{ record: AttemptRecord; resolve: (o: RecordOutcome) => void; reject: (e: unknown) => void }> = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    try {
      const outcomes = db.transaction(() => batch.map(({ record }) => recordInTransaction(db, record, policy)));
      batch.forEach((item, i) => item.resolve(outcomes[i]!));
    } catch {
      for (const item of batch) {
        try {
          item.resolve(recordResult(db, item.record.delivery, item.record.result, item.record.started, item.record.now, policy, item.record.countsForEndpoint));
        } catch (error) {
          item.reject(error);
        }
      }
    }
  };
  return {
    record(record: AttemptRecord): Promise<RecordOutcome> {
      return new Promise((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ record, resolve, reject });
      });
    },
  };
}

function noteEndpointHealth(db: Db, delivery: ClaimedDelivery, result: DeliveryResult, now: Date, policy: RecordPolicy): SubscriberState | undefined {
  const s = statementsFor(db);
  if (result.ok) {
    s.succeeded.run(now.getTime(), delivery.subscriberId, now.getTime() - 60_000);
    return undefined;
  }
  const updated = s.failed.get(now.getTime(), delivery.subscriberId);
  if (!updated || updated.state !== 'active') return updated?.state;
  const since = updated.failing_since ?? now.getTime();
  const longEnough = updated.failure_streak >= policy.quarantineAfterFailures && now.getTime() - since >= policy.quarantineMinSpanMs;
  const reason = result.gone
    ? `the endpoint answered ${result.statusCode} Gone`
    : !result.retryable
      ? `a permanent failure that retrying cannot fix (${result.error})`
      : longEnough
        ? `${updated.failure_streak} consecutive failed attempts since ${new Date(since).toISOString()} (last: ${result.error})`
        : undefined;
  if (!reason) return updated.state;
  quarantine(db, updated.id, updated.page_id, updated.mode, reason, now);
  return 'quarantined';
}

/** Stops sending to a subscriber, keeps what it was owed, and (for webhooks) tells its contact why. */
function quarantine(tx: Db | Tx, subscriberId: string, pageId: string, mode: SubscriberMode, reason: string, now: Date): void {
  const updated = tx
    .update(subscribers)
    .set({ state: 'quarantined', quarantinedAt: now, quarantineReason: reason, updatedAt: now })
    .where(eq(subscribers.id, subscriberId))
    .returning()
    .get()!;
  tx.update(deliveries)
    .set({ state: 'held', updatedAt: now })
    .where(and(eq(deliveries.subscriberId, subscriberId), inArray(deliveries.state, ['pending'])))
    .run();
  // A bouncing mailbox cannot be told anything; an endpoint's contact can.
  if (mode === 'webhook') {
    const payload = { subscriber_id: subscriberId, endpoint: updated.endpoint, reason, quarantined_at: now.toISOString() };
    queueNotice(tx, { pageId, subscriberId, type: 'subscriber.quarantined', payload }, now);
  }
}
