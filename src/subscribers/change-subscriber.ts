import { and, eq, inArray, ne } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { deliveries, subscribers } from '../db/schema/index.js';
import { AppError, ValidationError } from '../errors.js';
import { newWebhookSecret } from '../channels/signature.js';
import { queueNotice } from '../outbox/fan-out.js';
import { parseInput } from '../validation.js';
import { checkComponentIds, getSubscriberOrThrow, setSubscriberComponents, type SubscriberWithComponents } from './internal.js';
import { UpdateSubscriberInput } from './schemas.js';

/** Sets the components a subscriber follows; no component_ids means the whole page. */
export function updateSubscriberComponents(ctx: DomainContext, pageId: string, id: string, raw: unknown): SubscriberWithComponents {
  const input = parseInput(UpdateSubscriberInput, raw, 'subscriber');
  const now = ctx.clock.now();
  ctx.db.transaction((tx) => {
    const current = getSubscriberOrThrow(tx, pageId, id);
    if (current.scope === 'incident') {
      throw new ValidationError('subscriber.component_ids: this subscriber follows one incident; subscribe anew to follow components', 'subscriber.component_ids');
    }
    const ids = input.component_ids?.length ? checkComponentIds(tx, pageId, input.component_ids, 'subscriber.component_ids') : [];
    setSubscriberComponents(tx, id, ids);
    tx.update(subscribers).set({ scope: ids.length > 0 ? 'components' : 'page', updatedAt: now }).where(eq(subscribers.id, id)).run();
  });
  return getSubscriberOrThrow(ctx.db, pageId, id);
}

/** Stops all notifications to a subscriber; what was still queued for it is cancelled. */
export function unsubscribeSubscriber(tx: Tx, subscriberId: string, now: Date): void {
  tx.update(subscribers)
    .set({ state: 'unsubscribed', unsubscribedAt: now, updatedAt: now })
    .where(and(eq(subscribers.id, subscriberId), ne(subscribers.state, 'unsubscribed')))
    .run();
  tx.update(deliveries)
    .set({ state: 'cancelled', leaseToken: null, updatedAt: now })
    .where(and(eq(deliveries.subscriberId, subscriberId), inArray(deliveries.state, ['pending', 'held'])))
    .run();
}

/**
 * Makes a quarantined or unsubscribed subscriber active again. A quarantined endpoint gets
 * what it was owed: its held deliveries are due at once.
 */
export function reactivateSubscriber(tx: Tx, subscriberId: string, now: Date): void {
  try {
    tx.update(subscribers)
      .set({ state: 'active', quarantinedAt: null, quarantineReason: null, unsubscribedAt: null, failureStreak: 0, failingSince: null, updatedAt: now })
      .where(eq(subscribers.id, subscriberId))
      .run();
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new AppError('conflict', `subscriber ${subscriberId} cannot be reactivated: another live subscription has the same address`);
    }
    throw error;
  }
  tx.update(deliveries)
    .set({ state: 'pending', nextAttemptAt: now, updatedAt: now })
    .where(and(eq(deliveries.subscriberId, subscriberId), eq(deliveries.state, 'held')))
    .run();
}

/** Sends a pending subscriber a new confirmation mail (the previous link stops working). */
export function resendConfirmation(tx: Tx, subscriber: { id: string; pageId: string; state: string }, now: Date): void {
  if (subscriber.state !== 'unconfirmed') {
    throw new AppError('conflict', `subscriber ${subscriber.id} is ${subscriber.state}; only unconfirmed subscribers are sent a confirmation`);
  }
  queueNotice(tx, { pageId: subscriber.pageId, subscriberId: subscriber.id, type: 'subscriber.confirmation_requested', payload: { requested_at: now.toISOString() } }, now);
}

export interface RotatedSecret {
  secret: string;
  previousSecretExpiresAt: Date;
}

/** Gives a webhook subscriber a new secret; the old one keeps signing too until the overlap ends. */
export function rotateSubscriberSecret(ctx: DomainContext, pageId: string, id: string): RotatedSecret {
  const now = ctx.clock.now();
  const previousSecretExpiresAt = new Date(now.getTime() + ctx.subscriptions.secretOverlapMs);
  const secret = newWebhookSecret();
  ctx.db.transaction((tx) => {
    const current = getSubscriberOrThrow(tx, pageId, id);
    if (current.mode !== 'webhook') throw new ValidationError('subscriber: only webhook subscribers have a signing secret');
    tx.update(subscribers)
      .set({ secret, previousSecret: current.secret, previousSecretExpiresAt, updatedAt: now })
      .where(eq(subscribers.id, id))
      .run();
  });
  return { secret, previousSecretExpiresAt };
}
