import { and, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DomainContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { closedIncidentStatuses } from '../db/schema/constants.js';
import { incidents, subscribers } from '../db/schema/index.js';
import { ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { queueNotice } from '../outbox/fan-out.js';
import { newWebhookSecret } from '../channels/signature.js';
import { getPageOrThrow, type PageRow } from '../pages/internal.js';
import { idList, parseInput } from '../validation.js';
import { checkComponentIds, setSubscriberComponents, type SubscriberRow } from './internal.js';
import { emailAddress } from './schemas.js';
import { newSecret } from './tokens.js';
import { newUnsubscribeToken } from './create-subscriber.js';

export const SubscriptionRequestInput = z.object({
  email: emailAddress,
  endpoint: z.string({ error: 'must be a URL string' }).trim().max(2048, 'must be at most 2048 characters').optional(),
  component_ids: idList.optional(),
  incident_id: z.string().max(64).optional(),
});

export interface RequestContext {
  clientIp: string | undefined;
  userAgent: string | undefined;
}

function checkAllowed(page: PageRow, input: z.infer<typeof SubscriptionRequestInput>, field: (name: string) => string): void {
  if (input.endpoint !== undefined && !page.allowWebhookSubscribers) throw new ValidationError(`${field('endpoint')}: webhook subscriptions are turned off on this page`, field('endpoint'));
  if (input.endpoint === undefined && !page.allowEmailSubscribers) throw new ValidationError(`${field('email')}: email subscriptions are turned off on this page`, field('email'));
  if (input.incident_id !== undefined && !page.allowIncidentSubscribers) {
    throw new ValidationError(`${field('incident_id')}: following a single incident is turned off on this page`, field('incident_id'));
  }
  if (input.incident_id === undefined && !input.component_ids?.length && !page.allowPageSubscribers) {
    throw new ValidationError(`${field('component_ids')}: choose the components you want to hear about`, field('component_ids'));
  }
  if (input.incident_id !== undefined && input.component_ids?.length) {
    throw new ValidationError(`${field('incident_id')}: follow either components or one incident, not both`, field('incident_id'));
  }
}

/** The live (not unsubscribed) subscription this request would duplicate, if any. */
function findLive(tx: Tx, pageId: string, email: string, endpoint: string | undefined, incidentId: string | undefined): SubscriberRow | undefined {
  const live = and(eq(subscribers.pageId, pageId), ne(subscribers.state, 'unsubscribed'));
  if (endpoint) return tx.select().from(subscribers).where(and(live, eq(subscribers.mode, 'webhook'), eq(subscribers.endpoint, endpoint))).get();
  return tx
    .select()
    .from(subscribers)
    .where(
      and(
        live,
        eq(subscribers.mode, 'email'),
        sql`lower(${subscribers.email}) = lower(${email})`,
        incidentId ? eq(subscribers.incidentId, incidentId) : sql`${subscribers.incidentId} IS NULL`,
      ),
    )
    .get();
}

/**
 * A visitor asks to subscribe. Whatever the address's history, the visible outcome is the same
 * ("check your inbox"): a new or pending subscription gets a confirmation mail, an active one a
 * fresh manage link, a quarantined one a confirmation that reactivates it. Nothing is sent but
 * that one mail until the link is followed.
 */
export async function requestSubscription(ctx: DomainContext, pageId: string, raw: unknown, request: RequestContext, prefix = 'subscriber'): Promise<{ mode: 'email' | 'webhook' }> {
  const input = parseInput(SubscriptionRequestInput, raw, prefix);
  const field = (name: string) => `${prefix}.${name}`;
  checkAllowed(getPageOrThrow(ctx.db, pageId), input, field);
  const endpoint = input.endpoint === undefined ? undefined : await ctx.subscriptions.checkEndpoint(input.endpoint, field('endpoint'));
  const now = ctx.clock.now();
  ctx.db.transaction((tx) => {
    const page = getPageOrThrow(tx, pageId);
    checkAllowed(page, input, field);
    const componentIds = input.component_ids?.length ? checkComponentIds(tx, pageId, input.component_ids, field('component_ids')) : [];
    if (input.incident_id) {
      const incident = tx.select().from(incidents).where(and(eq(incidents.pageId, pageId), eq(incidents.id, input.incident_id))).get();
      if (!incident) throw new ValidationError(`${field('incident_id')}: incident ${JSON.stringify(input.incident_id)} does not exist`, field('incident_id'));
      if (closedIncidentStatuses.includes(incident.status)) {
        throw new ValidationError(`${field('incident_id')}: this incident is over; there is nothing more to follow`, field('incident_id'));
      }
    }
    const scope = input.incident_id ? 'incident' : componentIds.length > 0 ? 'components' : 'page';
    const existing = findLive(tx, pageId, input.email, endpoint, input.incident_id);
    if (existing?.state === 'active') {
      queueNotice(tx, { pageId, subscriberId: existing.id, type: 'subscriber.manage_link_requested', payload: { requested_at: now.toISOString() } }, now);
      return;
    }
    let subscriberId: string;
    if (existing) {
      // Pending or quarantined: the new choices replace the old ones, and a new confirmation is sent.
      subscriberId = existing.id;
      tx.update(subscribers)
        .set({ scope, incidentId: input.incident_id ?? null, signupIp: request.clientIp ?? null, signupUserAgent: request.userAgent ?? null, updatedAt: now })
        .where(eq(subscribers.id, existing.id))
        .run();
    } else {
      subscriberId = tx
        .insert(subscribers)
        .values({
          id: newId(),
          pageId,
          mode: endpoint ? 'webhook' : 'email',
          state: 'unconfirmed',
          email: input.email,
          endpoint: endpoint ?? null,
          scope,
          incidentId: input.incident_id ?? null,
          secret: endpoint ? newWebhookSecret() : null,
          unsubscribeToken: newUnsubscribeToken(),
          manageSecret: newSecret(),
          signupIp: request.clientIp ?? null,
          signupUserAgent: request.userAgent?.slice(0, 500) ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: subscribers.id })
        .get().id;
    }
    setSubscriberComponents(tx, subscriberId, componentIds);
    queueNotice(tx, { pageId, subscriberId, type: 'subscriber.confirmation_requested', payload: { requested_at: now.toISOString() } }, now);
  });
  ctx.changed();
  return { mode: endpoint ? 'webhook' : 'email' };
}
