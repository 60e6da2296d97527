import type { Eta } from 'eta';
import type { EmailMessage } from '../channels/email.js';
import type { WebhookRequest } from '../channels/webhook.js';
import { signatureHeader } from '../channels/signature.js';
import type { EventType } from '../db/schema/constants.js';
import { timeFormatter } from '../public/status-page-view.js';
import { statusLabel } from '../status/labels.js';
import { linkToken, subscriptionUrls } from '../subscribers/tokens.js';

/** The links a message carries; `confirm` only in a confirmation mail. */
export interface MessageLinks {
  unsubscribe: string;
  manage?: string | undefined;
  confirm?: string | undefined;
  /** Mailbox for List-Unsubscribe's mailto: target, when configured. */
  mailto?: string | undefined;
  /** What the subscription covers, in words (confirmation mails). */
  scope?: string | undefined;
}

export const unsubscribeUrl = (publicUrl: string, subscriber: Pick<SubscriberForDelivery, 'id' | 'unsubscribeToken'>) =>
  subscriptionUrls(publicUrl).unsubscribe(linkToken(subscriber.id, subscriber.unsubscribeToken));

export interface EventForDelivery {
  id: number;
  publicId: string;
  type: EventType;
  createdAt: Date;
  payload: Record<string, unknown>;
  /** The payload serialized once, without its braces, so 10,000 deliveries do not serialize it 10,000 times. */
  payloadJsonInner: string;
}

export interface SubscriberForDelivery {
  id: string;
  email: string;
  endpoint: string | null;
  secret: string | null;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  unsubscribeToken: string;
}

export interface PageForDelivery {
  name: string;
  timeZone: string;
  notificationsFromEmail: string | null;
}

export const webhookDocsUrl = (publicUrl: string) => `${publicUrl}/webhooks`;

/**
 * Statuspage's envelope: `meta`, then `page` and `incident` (or `component` + `component_update`).
 * Everything in it is fixed when the event is written, so every attempt sends the same bytes.
 */
export function webhookBody(event: EventForDelivery, subscriber: SubscriberForDelivery, publicUrl: string): string {
  const meta = {
    unsubscribe: unsubscribeUrl(publicUrl, subscriber),
    documentation: webhookDocsUrl(publicUrl),
    generated_at: event.createdAt.toISOString(),
    event_type: event.type,
    event_id: event.publicId,
  };
  return `{"meta":${JSON.stringify(meta)},${event.payloadJsonInner}}`;
}

export function webhookRequest(
  event: EventForDelivery,
  subscriber: SubscriberForDelivery,
  messageId: string,
  publicUrl: string,
  userAgent: string,
  now: Date,
): WebhookRequest {
  const body = webhookBody(event, subscriber, publicUrl);
  const timestamp = Math.floor(now.getTime() / 1000);
  const secrets = [subscriber.secret!];
  // During a rotation both secrets sign, so receivers can switch keys at their own pace.
  if (subscriber.previousSecret && subscriber.previousSecretExpiresAt && subscriber.previousSecretExpiresAt > now) {
    secrets.push(subscriber.previousSecret);
  }
  return {
    url: subscriber.endpoint!,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': userAgent,
      'webhook-id': messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, messageId, timestamp, body),
    },
  };
}

interface IncidentPayload {
  name: string;
  status: string;
  impact: string;
  shortlink: string;
  scheduled_for: string | null;
  scheduled_until: string | null;
  incident_updates: Array<{ status: string; body: string; display_at: string; affected_components: Array<{ name: string; new_status: string }> | null }>;
  components: Array<{ name: string; status: string }>;
}

const subjects: Partial<Record<EventType, string>> = {
  'incident.created': 'New incident',
  'incident.resolved': 'Resolved',
  'maintenance.scheduled': 'Scheduled maintenance',
  'maintenance.started': 'Maintenance in progress',
  'maintenance.completed': 'Maintenance completed',
};

/** Every mail Herald sends a subscriber: subject, HTML and text parts rendered by eta from the same view model. */
export function notificationEmail(
  views: Eta,
  event: EventForDelivery,
  subscriber: SubscriberForDelivery,
  page: PageForDelivery,
  messageId: string,
  publicUrl: string,
  from: string,
  links: MessageLinks,
): EmailMessage {
  const time = timeFormatter(page.timeZone);
  const base = { pageName: page.name, publicUrl, unsubscribeUrl: links.unsubscribe, manageUrl: links.manage ?? '', transactional: false };
  let subject: string;
  let model: Record<string, unknown>;
  let template: string;
  if (event.type === 'subscriber.quarantined') {
    const p = event.payload as { endpoint: string; reason: string };
    subject = `[${page.name}] Webhook notifications to ${p.endpoint} are paused`;
    template = 'quarantine-notice';
    model = { ...base, endpoint: p.endpoint, reason: p.reason };
  } else if (event.type === 'subscriber.confirmation_requested') {
    subject = `[${page.name}] Confirm your subscription`;
    template = 'confirm-subscription';
    model = { ...base, transactional: true, confirmUrl: links.confirm, scope: links.scope ?? '', endpoint: subscriber.endpoint };
  } else if (event.type === 'subscriber.manage_link_requested') {
    subject = `[${page.name}] Manage your subscription`;
    template = 'manage-link';
    model = { ...base, transactional: true, endpoint: subscriber.endpoint };
  } else {
    const incident = event.payload['incident'] as IncidentPayload;
    const latest = incident.incident_updates[0];
    subject = `[${page.name}] ${subjects[event.type] ?? statusLabel(latest?.status ?? incident.status)}: ${incident.name}`;
    template = 'incident-notification';
    model = {
      ...base,
      name: incident.name,
      status: statusLabel(latest?.status ?? incident.status),
      message: latest?.body ?? '',
      at: latest ? time(new Date(latest.display_at)) : '',
      url: incident.shortlink,
      window: incident.scheduled_for ? `${time(new Date(incident.scheduled_for))} – ${time(new Date(incident.scheduled_until!))}` : '',
      components: (latest?.affected_components ?? []).map((c) => ({ name: c.name, status: statusLabel(c.new_status) })),
    };
  }
  return {
    from: page.notificationsFromEmail ?? from,
    to: subscriber.email,
    subject,
    text: views.render(`emails/${template}-text`, model),
    html: views.render(`emails/${template}`, model),
    messageId: `<${messageId}@${new URL(publicUrl).hostname}>`,
    unsubscribe: {
      url: links.unsubscribe,
      ...(links.mailto ? { mailto: `mailto:${links.mailto}?subject=${encodeURIComponent(`unsubscribe ${subscriber.id}`)}` } : {}),
    },
  };
}
