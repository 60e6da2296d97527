import { and, eq, isNull } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import type { Db, Tx } from '../db/client.js';
import { subscribers } from '../db/schema/index.js';
import { AppError, ValidationError } from '../errors.js';
import { getPageOrThrow } from '../pages/internal.js';
import { idList, parseInput } from '../validation.js';
import { z } from 'zod';
import { reactivateSubscriber, unsubscribeSubscriber } from './change-subscriber.js';
import { checkComponentIds, getSubscriberOrThrow, setSubscriberComponents, withComponents, type SubscriberRow, type SubscriberWithComponents } from './internal.js';
import { hashSecret, matchesHash, newSecret, sameSecret, splitToken, type TokenPurpose } from './tokens.js';

const invalidLink = (what: string) => new AppError('not_found', `This ${what} link is not valid. It may be mistyped, or a newer one may have been sent.`);
const describe: Record<TokenPurpose, string> = { confirm: 'confirmation', manage: 'manage', unsubscribe: 'unsubscribe' };

/** The subscriber a manage or unsubscribe link names, after a constant-time check of its secret. */
export function subscriberByToken(db: Db | Tx, token: string, purpose: 'manage' | 'unsubscribe'): SubscriberWithComponents {
  const parts = splitToken(token);
  const row = parts && db.select().from(subscribers).where(eq(subscribers.id, parts.subscriberId)).get();
  const stored = row && (purpose === 'manage' ? row.manageSecret : row.unsubscribeToken);
  if (!parts || !row || !stored || !sameSecret(parts.secret, stored)) throw invalidLink(describe[purpose]);
  return withComponents(db, [row])[0]!;
}

export interface ConfirmOutcome {
  subscriber: SubscriberWithComponents;
  /** The webhook signing secret, shown on the confirming request only. */
  webhookSecret: string | undefined;
  alreadyConfirmed: boolean;
}

/** Checks a confirmation link without using it (the page before a webhook's confirm button). */
export function checkConfirmation(db: Db | Tx, now: Date, token: string): { subscriber: SubscriberWithComponents; used: boolean } {
  const parts = splitToken(token);
  const row = parts && db.select().from(subscribers).where(eq(subscribers.id, parts.subscriberId)).get();
  if (!parts || !row || !row.confirmSecretHash || !matchesHash(parts.secret, row.confirmSecretHash)) throw invalidLink('confirmation');
  const used = row.confirmExpiresAt === null;
  if (!used && row.confirmExpiresAt!.getTime() <= now.getTime()) {
    throw new AppError('gone', 'This confirmation link has expired. Subscribe again to get a new one.');
  }
  if (row.state === 'unsubscribed') throw invalidLink('confirmation');
  return { subscriber: withComponents(db, [row])[0]!, used };
}

/**
 * Follows a confirmation link: single use, expiring, and bound to one subscriber. Confirming a
 * quarantined subscription reactivates it, with what it was owed.
 */
export function confirmSubscription(ctx: DomainContext, token: string): ConfirmOutcome {
  const now = ctx.clock.now();
  const outcome = ctx.db.transaction((tx) => {
    const { subscriber, used } = checkConfirmation(tx, now, token);
    if (used) return { subscriber, webhookSecret: undefined, alreadyConfirmed: true };
    // The hash stays so a second click can be told "already used"; the expiry going means "used".
    tx.update(subscribers).set({ confirmExpiresAt: null, confirmedAt: now, updatedAt: now }).where(eq(subscribers.id, subscriber.id)).run();
    reactivateSubscriber(tx, subscriber.id, now);
    return { subscriber: getSubscriberOrThrow(tx, subscriber.pageId, subscriber.id), webhookSecret: subscriber.secret ?? undefined, alreadyConfirmed: false };
  });
  ctx.changed();
  return outcome;
}

const ManageInput = z.object({ component_ids: idList.optional() });

/** Changes what a subscriber follows from its manage link: chosen components, or the whole page. */
export function updateManagedSubscription(ctx: DomainContext, token: string, raw: unknown): SubscriberWithComponents {
  const input = parseInput(ManageInput, raw, 'subscriber');
  const now = ctx.clock.now();
  return ctx.db.transaction((tx) => {
    const subscriber = subscriberByToken(tx, token, 'manage');
    if (subscriber.state === 'unsubscribed') throw new AppError('conflict', 'This subscription was cancelled. Subscribe again from the status page.');
    if (subscriber.scope === 'incident') throw new ValidationError('subscriber.component_ids: this subscription follows one incident until it ends', 'subscriber.component_ids');
    const page = getPageOrThrow(tx, subscriber.pageId);
    const ids = input.component_ids?.length ? checkComponentIds(tx, subscriber.pageId, input.component_ids, 'subscriber.component_ids') : [];
    if (ids.length === 0 && !page.allowPageSubscribers) {
      throw new ValidationError('subscriber.component_ids: choose at least one component', 'subscriber.component_ids');
    }
    setSubscriberComponents(tx, subscriber.id, ids);
    tx.update(subscribers).set({ scope: ids.length > 0 ? 'components' : 'page', updatedAt: now }).where(eq(subscribers.id, subscriber.id)).run();
    return getSubscriberOrThrow(tx, subscriber.pageId, subscriber.id);
  });
}

/** Unsubscribes through a manage or unsubscribe link (the one-click POST included). Idempotent. */
export function unsubscribeByToken(ctx: DomainContext, token: string, purpose: 'manage' | 'unsubscribe'): SubscriberWithComponents {
  const now = ctx.clock.now();
  return ctx.db.transaction((tx) => {
    const subscriber = subscriberByToken(tx, token, purpose);
    unsubscribeSubscriber(tx, subscriber.id, now);
    return getSubscriberOrThrow(tx, subscriber.pageId, subscriber.id);
  });
}

/**
 * Issues the secret of a confirmation mail as it is sent; only its hash is stored, so the link
 * exists nowhere but in that mail. A newer mail's link replaces the older one.
 */
export function issueConfirmationSecret(db: Db, subscriberId: string, now: Date, ttlMs: number): string {
  const secret = newSecret();
  db.update(subscribers)
    .set({ confirmSecretHash: hashSecret(secret), confirmExpiresAt: new Date(now.getTime() + ttlMs), confirmationSentAt: now })
    .where(eq(subscribers.id, subscriberId))
    .run();
  return secret;
}

/** The manage secret, created on first use for subscribers that predate manage links. */
export function ensureManageSecret(db: Db, subscriber: Pick<SubscriberRow, 'id' | 'manageSecret'>): string {
  if (subscriber.manageSecret) return subscriber.manageSecret;
  const secret = newSecret();
  db.update(subscribers).set({ manageSecret: secret }).where(and(eq(subscribers.id, subscriber.id), isNull(subscribers.manageSecret))).run();
  return db.select({ s: subscribers.manageSecret }).from(subscribers).where(eq(subscribers.id, subscriber.id)).get()!.s!;
}
