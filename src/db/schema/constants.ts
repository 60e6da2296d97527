// Kept free of drizzle imports so validation and presenters can use the enums
// without pulling in the schema graph.

export const componentStatuses = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;
export type ComponentStatus = (typeof componentStatuses)[number];

export const realtimeIncidentStatuses = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] as const;
export const maintenanceStatuses = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export const incidentStatuses = [...realtimeIncidentStatuses, ...maintenanceStatuses] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

/** Statuses in which an incident or maintenance is over. */
export const closedIncidentStatuses: readonly IncidentStatus[] = ['resolved', 'postmortem', 'completed'];
export const unresolvedRealtimeStatuses: readonly IncidentStatus[] = ['investigating', 'identified', 'monitoring'];
export const activeMaintenanceStatuses: readonly IncidentStatus[] = ['in_progress', 'verifying'];

export const impacts = ['none', 'maintenance', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof impacts)[number];

export const eventTypes = [
  'incident.created',
  'incident.updated',
  'incident.resolved',
  'maintenance.scheduled',
  'maintenance.started',
  'maintenance.updated',
  'maintenance.completed',
  'component.status_changed',
  // Notices told only to the subscriber concerned, by email.
  'subscriber.quarantined',
  'subscriber.confirmation_requested',
  'subscriber.manage_link_requested',
] as const;
export type EventType = (typeof eventTypes)[number];

/** Events addressed to one subscriber about its own subscription: sent whatever its state. */
export const isSubscriberNotice = (type: EventType) => type.startsWith('subscriber.');

export const subscriberModes = ['email', 'webhook'] as const;
export type SubscriberMode = (typeof subscriberModes)[number];
export const subscriberStates = ['unconfirmed', 'active', 'quarantined', 'unsubscribed'] as const;
export type SubscriberState = (typeof subscriberStates)[number];
export const subscriberScopes = ['page', 'components', 'incident'] as const;
export type SubscriberScope = (typeof subscriberScopes)[number];

export type DeliveryChannel = SubscriberMode;
/** held: owed to a quarantined subscriber, kept until it is reactivated. */
export const deliveryStates = ['pending', 'sending', 'delivered', 'failed', 'held', 'cancelled'] as const;
export type DeliveryState = (typeof deliveryStates)[number];
