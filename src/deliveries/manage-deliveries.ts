import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import { deliveries, deliveryAttempts, events, subscribers } from '../db/schema/index.js';
import { deliveryStates, type DeliveryState } from '../db/schema/constants.js';
import { AppError, NotFoundError, ValidationError } from '../errors.js';
import { getPageOrThrow } from '../pages/internal.js';

export interface ListDeliveriesQuery {
  state?: string | undefined;
  subscriberId?: string | undefined;
  eventId?: string | undefined;
  limit: number;
  offset: number;
}

const deliveryColumns = {
  delivery: deliveries,
  eventPublicId: events.publicId,
  eventType: events.type,
  pageId: subscribers.pageId,
  endpoint: subscribers.endpoint,
  email: subscribers.email,
};

export type DeliveryView = { delivery: typeof deliveries.$inferSelect; eventPublicId: string; eventType: string; endpoint: string | null; email: string };

function baseQuery(ctx: DomainContext, where: SQL | undefined) {
  return ctx.db
    .select(deliveryColumns)
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(subscribers, eq(subscribers.id, deliveries.subscriberId))
    .where(where);
}

// Failures and held deliveries first: they are what an operator comes to look at.
const attentionFirst = sql`CASE ${deliveries.state} WHEN 'failed' THEN 0 WHEN 'held' THEN 1 WHEN 'pending' THEN 2 WHEN 'sending' THEN 3 ELSE 4 END`;

/** Deliveries of the page, newest first within state, failures first; filter by state, subscriber or event. */
export function listDeliveries(ctx: DomainContext, pageId: string, query: ListDeliveriesQuery): DeliveryView[] {
  getPageOrThrow(ctx.db, pageId);
  if (query.state && !(deliveryStates as readonly string[]).includes(query.state)) {
    throw new ValidationError(`state: must be one of ${deliveryStates.join(', ')}`, 'state');
  }
  return baseQuery(
    ctx,
    and(
      eq(subscribers.pageId, pageId),
      query.state ? eq(deliveries.state, query.state as DeliveryState) : undefined,
      query.subscriberId ? eq(deliveries.subscriberId, query.subscriberId) : undefined,
      query.eventId ? eq(events.publicId, query.eventId) : undefined,
    ),
  )
    .orderBy(attentionFirst, desc(deliveries.id))
    .limit(query.limit)
    .offset(query.offset)
    .all();
}

export function getDelivery(ctx: DomainContext, pageId: string, id: string) {
  const numeric = /^\d{1,15}$/.test(id) ? Number(id) : -1;
  const view = baseQuery(ctx, and(eq(subscribers.pageId, pageId), eq(deliveries.id, numeric))).get();
  if (!view) throw new NotFoundError('delivery', id);
  const attempts = ctx.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, numeric)).orderBy(asc(deliveryAttempts.attemptNumber)).all();
  return { ...view, attempts };
}

/** Makes a failed, held or cancelled delivery due now (an operator's manual retry). */
export function retryDelivery(ctx: DomainContext, pageId: string, id: string) {
  const current = getDelivery(ctx, pageId, id);
  const now = ctx.clock.now();
  const updated = ctx.db
    .update(deliveries)
    .set({ state: 'pending', nextAttemptAt: now, updatedAt: now })
    .where(and(eq(deliveries.id, current.delivery.id), inArray(deliveries.state, ['failed', 'held', 'cancelled'])))
    .run();
  if (updated.changes === 0) throw new AppError('conflict', `delivery ${id} is ${current.delivery.state}; only failed, held or cancelled deliveries can be retried`);
  ctx.changed();
  return getDelivery(ctx, pageId, id);
}
