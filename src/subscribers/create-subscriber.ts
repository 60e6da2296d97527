import { randomBytes } from 'node:crypto';
import type { DomainContext } from '../context.js';
import { subscribers } from '../db/schema/index.js';
import { AppError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { getPageOrThrow } from '../pages/internal.js';
import { newWebhookSecret } from '../channels/signature.js';
import { parseInput } from '../validation.js';
import { checkComponentIds, checkIncidentId, getSubscriberOrThrow, setSubscriberComponents, type SubscriberWithComponents } from './internal.js';
import { CreateSubscriberInput } from './schemas.js';
import { newSecret } from './tokens.js';

export interface CreatedSubscriber {
  subscriber: SubscriberWithComponents;
  /** The webhook signing secret; only returned here, at creation. */
  secret: string | undefined;
}

export const newUnsubscribeToken = () => randomBytes(24).toString('base64url');

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

/**
 * Adds a subscriber as an operator: active at once. A webhook subscriber (`endpoint` + contact
 * `email`) gets a whsec_ secret; scope is the whole page, chosen components or one incident.
 */
export async function createSubscriber(ctx: DomainContext, pageId: string, raw: unknown): Promise<CreatedSubscriber> {
  const input = parseInput(CreateSubscriberInput, raw, 'subscriber');
  if (input.phone_number !== undefined || input.phone_country !== undefined) {
    throw new ValidationError('subscriber.phone_number: SMS subscribers are not supported; use email or a webhook endpoint', 'subscriber.phone_number');
  }
  if (input.component_ids && input.incident_id) {
    throw new ValidationError('subscriber.incident_id: a subscriber follows either components or one incident, not both', 'subscriber.incident_id');
  }
  const endpoint = input.endpoint === undefined ? undefined : await ctx.subscriptions.checkEndpoint(input.endpoint, 'subscriber.endpoint');
  const secret = endpoint ? newWebhookSecret() : undefined;
  const now = ctx.clock.now();
  try {
    const id = ctx.db.transaction((tx) => {
      getPageOrThrow(tx, pageId);
      const componentIds = input.component_ids ? checkComponentIds(tx, pageId, input.component_ids, 'subscriber.component_ids') : [];
      if (input.incident_id) checkIncidentId(tx, pageId, input.incident_id, 'subscriber.incident_id');
      const row = tx
        .insert(subscribers)
        .values({
          id: newId(),
          pageId,
          mode: endpoint ? 'webhook' : 'email',
          state: 'active',
          email: input.email,
          endpoint: endpoint ?? null,
          scope: input.incident_id ? 'incident' : componentIds.length > 0 ? 'components' : 'page',
          incidentId: input.incident_id ?? null,
          secret: secret ?? null,
          unsubscribeToken: newUnsubscribeToken(),
          manageSecret: newSecret(),
          skipConfirmationNotification: true,
          confirmedAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      setSubscriberComponents(tx, row.id, componentIds);
      return row.id;
    });
    return { subscriber: getSubscriberOrThrow(ctx.db, pageId, id), secret };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('conflict', endpoint ? 'a subscription for this endpoint already exists' : 'a subscription for this email address already exists');
    }
    throw error;
  }
}
