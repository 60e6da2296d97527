import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { deliveries, deliveryAttempts, subscribers } from '../db/schema/index.js';
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

const maxErrorLength = 1000;

/**
 * Records one attempt: the attempt log row, the delivery's new state and the endpoint's health,
 * in one transaction fenced by the lease token (a late result from an older lease changes nothing).
 * `countsForEndpoint` is false for mail about the subscription (quarantine notices), which says
 * nothing about the health of a webhook endpoint.
 */
export function recordResult(
  db: Db,
  delivery: ClaimedDelivery,
  result: DeliveryResult,
  started: Date,
  now: Date,
  policy: RecordPolicy,
  countsForEndpoint: boolean,
): RecordOutcome {
  return db.transaction((tx) => {
    const current = tx
      .select({ state: deliveries.state })
      .from(deliveries)
      .where(and(eq(deliveries.id, delivery.id), eq(deliveries.leaseToken, delivery.leaseToken)))
      .get();
    if (!current) return 'stale';

    tx.insert(deliveryAttempts)
      .values({
        deliveryId: delivery.id,
        attemptNumber: delivery.attemptCount,
        startedAt: started,
        durationMs: result.durationMs,
        statusCode: result.statusCode ?? null,
        error: result.ok ? null : result.error.slice(0, maxErrorLength),
        responseExcerpt: result.responseExcerpt ?? null,
      })
      .run();

    const subscriber = countsForEndpoint ? noteEndpointHealth(tx, delivery, result, now, policy) : undefined;
    let outcome: RecordOutcome;
    let nextAttemptAt = now;
    if (result.ok) {
      outcome = 'delivered';
    } else {
      const delay = result.retryable
        ? nextRetryDelay({ attemptsMade: delivery.attemptCount, scheduleMs: policy.retryScheduleMs, retryAfterMs: result.retryAfterMs, random: policy.random })
        : undefined;
      if (delay === undefined) outcome = 'failed';
      // What a quarantined endpoint was owed is kept, not retried, until it is reactivated.
      else if (subscriber?.state === 'quarantined') outcome = 'held';
      else {
        outcome = 'retry';
        nextAttemptAt = new Date(now.getTime() + delay);
      }
    }
    tx.update(deliveries)
      .set({
        state: outcome === 'retry' ? 'pending' : outcome,
        nextAttemptAt,
        leaseToken: null,
        lastError: result.ok ? null : result.error.slice(0, maxErrorLength),
        lastStatusCode: result.statusCode ?? null,
        deliveredAt: result.ok ? now : null,
        updatedAt: now,
      })
      .where(eq(deliveries.id, delivery.id))
      .run();
    return outcome;
  });
}

function noteEndpointHealth(tx: Tx, delivery: ClaimedDelivery, result: DeliveryResult, now: Date, policy: RecordPolicy) {
  if (result.ok) {
    return tx
      .update(subscribers)
      .set({ failureStreak: 0, failingSince: null, lastSuccessAt: now })
      .where(eq(subscribers.id, delivery.subscriberId))
      .returning({ state: subscribers.state })
      .get();
  }
  const updated = tx
    .update(subscribers)
    .set({ failureStreak: sql`${subscribers.failureStreak} + 1`, failingSince: sql`coalesce(${subscribers.failingSince}, ${now.getTime()})` })
    .where(eq(subscribers.id, delivery.subscriberId))
    .returning()
    .get();
  if (!updated || updated.state !== 'active') return updated;
  const longEnough =
    updated.failureStreak >= policy.quarantineAfterFailures &&
    now.getTime() - (updated.failingSince?.getTime() ?? now.getTime()) >= policy.quarantineMinSpanMs;
  const reason = result.gone
    ? `the endpoint answered ${result.statusCode} Gone`
    : !result.retryable
      ? `a permanent failure that retrying cannot fix (${result.error})`
      : longEnough
        ? `${updated.failureStreak} consecutive failed attempts since ${updated.failingSince?.toISOString()} (last: ${result.error})`
        : undefined;
  if (!reason) return updated;
  return quarantine(tx, updated.id, updated.pageId, updated.mode, reason, now);
}

/** Stops sending to a subscriber, keeps what it was owed, and (for webhooks) tells its contact why. */
function quarantine(tx: Tx, subscriberId: string, pageId: string, mode: 'email' | 'webhook', reason: string, now: Date) {
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
  return updated;
}
