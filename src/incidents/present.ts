import { toComponentJson, toPublicComponentJson } from '../components/present.js';
import { iso } from '../pages/present.js';
import { effectiveImpact, isMaintenance, type IncidentUpdateRow, type IncidentWithRelations } from './internal.js';

export const shortlink = (publicUrl: string, id: string) => `${publicUrl}/incidents/${id}`;

/** The public v2 incident_update. */
export function toPublicIncidentUpdateJson(update: IncidentUpdateRow) {
  return {
    id: update.id,
    status: update.status,
    body: update.body,
    incident_id: update.incidentId,
    created_at: iso(update.createdAt),
    updated_at: iso(update.updatedAt),
    display_at: iso(update.displayAt),
    affected_components: update.affectedComponents,
    deliver_notifications: update.deliverNotifications,
    custom_tweet: update.customTweet,
    tweet_id: update.tweetId,
  };
}

/** The manage API's IncidentUpdate. */
export function toIncidentUpdateJson(update: IncidentUpdateRow) {
  return {
    ...toPublicIncidentUpdateJson(update),
    twitter_updated_at: iso(update.twitterUpdatedAt),
    wants_twitter_update: update.wantsTwitterUpdate,
  };
}

const affectedComponents = (incident: IncidentWithRelations) =>
  incident.incidentComponents.map((link) => link.component).sort((a, b) => a.position - b.position);

/** The public v2 incident; scheduled maintenances add `scheduled_for`/`scheduled_until`. */
export function toPublicIncidentJson(incident: IncidentWithRelations, publicUrl: string) {
  return {
    id: incident.id,
    name: incident.name,
    status: incident.status,
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.updatedAt),
    monitoring_at: iso(incident.monitoringAt),
    resolved_at: iso(incident.resolvedAt),
    impact: effectiveImpact(incident),
    shortlink: shortlink(publicUrl, incident.id),
    started_at: iso(incident.startedAt),
    page_id: incident.pageId,
    incident_updates: incident.updates.map(toPublicIncidentUpdateJson),
    components: affectedComponents(incident).map((c) => toPublicComponentJson(c, undefined)),
    ...(isMaintenance(incident)
      ? { scheduled_for: iso(incident.scheduledFor), scheduled_until: iso(incident.scheduledUntil) }
      : {}),
  };
}

/** The manage API's Incident (also the `incident` of webhook payloads): every documented key. */
export function toIncidentJson(incident: IncidentWithRelations, publicUrl: string) {
  return {
    id: incident.id,
    name: incident.name,
    status: incident.status,
    impact: effectiveImpact(incident),
    impact_override: incident.impactOverride,
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.updatedAt),
    started_at: iso(incident.startedAt),
    monitoring_at: iso(incident.monitoringAt),
    resolved_at: iso(incident.resolvedAt),
    shortlink: shortlink(publicUrl, incident.id),
    page_id: incident.pageId,
    backfilled: incident.backfilled,
    metadata: incident.metadata,
    postmortem_body: incident.postmortemBody,
    postmortem_body_last_updated_at: iso(incident.postmortemBodyLastUpdatedAt),
    postmortem_ignored: incident.postmortemIgnored,
    postmortem_notified_subscribers: incident.postmortemNotifiedSubscribers,
    postmortem_notified_twitter: incident.postmortemNotifiedTwitter,
    postmortem_published_at: iso(incident.postmortemPublishedAt),
    scheduled_for: iso(incident.scheduledFor),
    scheduled_until: iso(incident.scheduledUntil),
    scheduled_remind_prior: incident.scheduledRemindPrior,
    scheduled_reminded_at: iso(incident.scheduledRemindedAt),
    scheduled_auto_in_progress: incident.scheduledAutoInProgress,
    scheduled_auto_completed: incident.scheduledAutoCompleted,
    auto_transition_to_maintenance_state: incident.autoTransitionToMaintenanceState,
    auto_transition_to_operational_state: incident.autoTransitionToOperationalState,
    auto_transition_deliver_notifications_at_start: incident.autoTransitionDeliverNotificationsAtStart,
    auto_transition_deliver_notifications_at_end: incident.autoTransitionDeliverNotificationsAtEnd,
    reminder_intervals: incident.reminderIntervals,
    incident_impacts: [],
    components: affectedComponents(incident).map((c) => toComponentJson(c)),
    incident_updates: incident.updates.map(toIncidentUpdateJson),
  };
}
