import { iso } from '../pages/present.js';
import type { SubscriberWithComponents } from './internal.js';

/** Statuspage's Subscriber object, plus Herald's `state` and `quarantine_reason`. */
export function toSubscriberJson(s: SubscriberWithComponents) {
  return {
    id: s.id,
    page_id: s.pageId,
    mode: s.mode,
    state: s.state,
    email: s.email,
    endpoint: s.endpoint,
    incident_id: s.incidentId,
    components: s.componentIds,
    component_ids: s.componentIds,
    skip_confirmation_notification: s.skipConfirmationNotification,
    quarantined_at: iso(s.quarantinedAt),
    quarantine_reason: s.quarantineReason,
    purge_at: null,
    phone_number: null,
    phone_country: null,
    display_phone_number: null,
    obfuscated_channel_name: null,
    workspace_name: null,
    page_access_user_id: null,
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
  };
}
