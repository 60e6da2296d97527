import { iso } from '../pages/present.js';
import type { deliveryAttempts } from '../db/schema/index.js';
import type { DeliveryView } from './manage-deliveries.js';

export function toDeliveryJson(view: DeliveryView) {
  const d = view.delivery;
  return {
    id: String(d.id),
    message_id: d.messageId,
    event_id: view.eventPublicId,
    event_type: view.eventType,
    subscriber_id: d.subscriberId,
    channel: d.channel,
    target: d.channel === 'webhook' ? view.endpoint : view.email,
    state: d.state,
    attempt_count: d.attemptCount,
    next_attempt_at: d.state === 'pending' || d.state === 'sending' ? iso(d.nextAttemptAt) : null,
    last_error: d.lastError,
    last_status_code: d.lastStatusCode,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    delivered_at: iso(d.deliveredAt),
  };
}

export function toAttemptJson(a: typeof deliveryAttempts.$inferSelect) {
  return {
    attempt_number: a.attemptNumber,
    started_at: iso(a.startedAt),
    duration_ms: a.durationMs,
    status_code: a.statusCode,
    error: a.error,
    response_excerpt: a.responseExcerpt,
  };
}
