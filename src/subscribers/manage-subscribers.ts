import { and, asc, desc, eq, or, type SQL } from 'drizzle-orm';
import { containsText } from '../db/search.js';
import type { DomainContext } from '../context.js';
import { subscribers } from '../db/schema/index.js';
import { subscriberStates, type SubscriberState } from '../db/schema/constants.js';
import { getPageOrThrow } from '../pages/internal.js';
import { parseInput } from '../validation.js';
import { reactivateSubscriber, resendConfirmation, unsubscribeSubscriber } from './change-subscriber.js';
import { getSubscriberOrThrow, withComponents, type SubscriberWithComponents } from './internal.js';
import { BulkSubscribersInput } from './schemas.js';

export interface ListSubscribersQuery {
  q?: string | undefined;
  type?: string | undefined;
  state?: string | undefined;
  limit: number;
  offset: number;
  sortField?: string | undefined;
  sortDirection?: string | undefined;
}

/** Subscribers of the page; `state` defaults to active, as on Statuspage. */
export function listSubscribers(ctx: DomainContext, pageId: string, query: ListSubscribersQuery): SubscriberWithComponents[] {
  getPageOrThrow(ctx.db, pageId);
  const state = query.state ?? 'active';
  const filters: Array<SQL | undefined> = [eq(subscribers.pageId, pageId)];
  if (state !== 'all') filters.push(eq(subscribers.state, state as SubscriberState));
  if (query.type) filters.push(eq(subscribers.mode, query.type as 'email'));
  if (query.q) filters.push(or(containsText(subscribers.email, query.q), containsText(subscribers.endpoint, query.q)));
  const column = query.sortField === 'quarantined_at' ? subscribers.quarantinedAt : query.sortField === 'primary' ? subscribers.email : subscribers.createdAt;
  const order = query.sortDirection === 'asc' ? asc(column) : desc(column);
  const rows = ctx.db
    .select()
    .from(subscribers)
    .where(and(...filters))
    .orderBy(order, asc(subscribers.id))
    .limit(query.limit)
    .offset(query.offset)
    .all();
  return withComponents(ctx.db, rows);
}

export const listableStates = [...subscriberStates, 'all'] as const;

export function unsubscribe(ctx: DomainContext, pageId: string, id: string): SubscriberWithComponents {
  ctx.db.transaction((tx) => {
    getSubscriberOrThrow(tx, pageId, id);
    unsubscribeSubscriber(tx, id, ctx.clock.now());
  });
  ctx.changed();
  return getSubscriberOrThrow(ctx.db, pageId, id);
}

export function reactivate(ctx: DomainContext, pageId: string, id: string): SubscriberWithComponents {
  ctx.db.transaction((tx) => {
    getSubscriberOrThrow(tx, pageId, id);
    reactivateSubscriber(tx, id, ctx.clock.now());
  });
  ctx.changed();
  return getSubscriberOrThrow(ctx.db, pageId, id);
}

export function resend(ctx: DomainContext, pageId: string, id: string): void {
  ctx.db.transaction((tx) => resendConfirmation(tx, getSubscriberOrThrow(tx, pageId, id), ctx.clock.now()));
  ctx.changed();
}

type BulkAction = 'unsubscribe' | 'reactivate' | 'resend_confirmation';
const defaultStates: Record<BulkAction, SubscriberState> = { unsubscribe: 'active', reactivate: 'quarantined', resend_confirmation: 'unconfirmed' };

/** The bulk forms: `{"subscribers": [ids] | "all", "type"?, "state"?}`. Returns how many changed. */
export function bulkChange(ctx: DomainContext, pageId: string, action: BulkAction, raw: unknown): number {
  const input = parseInput(BulkSubscribersInput, raw);
  const now = ctx.clock.now();
  const count = ctx.db.transaction((tx) => {
    getPageOrThrow(tx, pageId);
    const defaultState = defaultStates[action];
    const targets =
      input.subscribers === 'all'
        ? tx
            .select({ id: subscribers.id })
            .from(subscribers)
            .where(
              and(
                eq(subscribers.pageId, pageId),
                input.type ? eq(subscribers.mode, input.type) : undefined,
                (input.state ?? defaultState) === 'all' ? undefined : eq(subscribers.state, (input.state ?? defaultState) as SubscriberState),
              ),
            )
            .all()
            .map((r) => r.id)
        : input.subscribers.map((id) => getSubscriberOrThrow(tx, pageId, id).id);
    for (const id of targets) {
      if (action === 'unsubscribe') unsubscribeSubscriber(tx, id, now);
      else if (action === 'reactivate') reactivateSubscriber(tx, id, now);
      else resendConfirmation(tx, getSubscriberOrThrow(tx, pageId, id), now);
    }
    return targets.length;
  });
  ctx.changed();
  return count;
}
