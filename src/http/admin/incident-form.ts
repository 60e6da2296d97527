import { inDisplayOrder, type ComponentRow } from '../../components/internal.js';
import { maintenanceStatuses, realtimeIncidentStatuses } from '../../db/schema/constants.js';
import { ValidationError } from '../../errors.js';
import type { IncidentWithRelations } from '../../incidents/internal.js';
import { parseLocalDateTime, toLocalDateTimeValue } from '../../time/zoned.js';
import { checked, text, textList, textMap, type FormSpec } from './forms.js';
import { label } from './present.js';

export type IncidentKind = 'incident' | 'maintenance';

export const autoOptions = [
  ['scheduled_auto_in_progress', 'Start it automatically at the start time'],
  ['scheduled_auto_completed', 'Complete it automatically at the end time'],
  ['auto_transition_to_maintenance_state', 'When it starts, set its components to Under maintenance'],
  ['auto_transition_to_operational_state', 'When it completes, set them back to Operational'],
  ['auto_transition_deliver_notifications_at_start', 'Notify subscribers when it starts'],
  ['auto_transition_deliver_notifications_at_end', 'Notify subscribers when it completes'],
] as const;
type AutoOption = (typeof autoOptions)[number][0];

/** What the incident and maintenance forms hold, exactly as typed, so a refused form comes back as it was sent. */
export interface IncidentFormValues extends Record<AutoOption, boolean> {
  name: string;
  status: string;
  impact_override: string;
  message: string;
  deliver_notifications: boolean;
  /** New status per component id; '' leaves it as it is (and, on create, unaffected). */
  components: Record<string, string>;
  /** Components a new maintenance concerns. */
  component_ids: string[];
  scheduled_for: string;
  scheduled_until: string;
}

export const incidentFormSpec: FormSpec = {
  prefix: 'incident',
  aliases: { body: 'message', component_ids: 'components', scheduled_auto_transition: 'scheduled_auto_in_progress' },
  labels: {
    name: 'Name',
    status: 'Status',
    impact_override: 'Impact',
    message: 'Message',
    components: 'Components',
    scheduled_for: 'Start',
    scheduled_until: 'End',
    deliver_notifications: 'Notify subscribers',
    ...Object.fromEntries(autoOptions),
  },
};

export function readIncidentForm(body: unknown): IncidentFormValues {
  return {
    name: text(body, 'name'),
    status: text(body, 'status'),
    impact_override: text(body, 'impact_override'),
    message: text(body, 'message'),
    deliver_notifications: checked(body, 'deliver_notifications'),
    components: textMap(body, 'components'),
    component_ids: textList(body, 'component_ids'),
    scheduled_for: text(body, 'scheduled_for'),
    scheduled_until: text(body, 'scheduled_until'),
    ...(Object.fromEntries(autoOptions.map(([key]) => [key, checked(body, key)])) as Record<AutoOption, boolean>),
  };
}

const allAuto = (on: boolean) => Object.fromEntries(autoOptions.map(([key]) => [key, on])) as Record<AutoOption, boolean>;

/** A new form: incidents start investigating, maintenances run and notify by themselves. */
export function blankIncidentForm(kind: IncidentKind): IncidentFormValues {
  return {
    name: '',
    status: kind === 'incident' ? 'investigating' : 'scheduled',
    impact_override: '',
    message: '',
    deliver_notifications: true,
    components: {},
    component_ids: [],
    scheduled_for: '',
    scheduled_until: '',
    ...allAuto(kind === 'maintenance'),
  };
}

/** The update form of an existing incident: its current settings, an empty message, components unchanged. */
export function incidentFormFrom(incident: IncidentWithRelations, timeZone: string): IncidentFormValues {
  return {
    ...blankIncidentForm(incident.scheduledFor ? 'maintenance' : 'incident'),
    name: incident.name,
    status: incident.status,
    impact_override: incident.impactOverride ?? '',
    scheduled_for: incident.scheduledFor ? toLocalDateTimeValue(incident.scheduledFor, timeZone) : '',
    scheduled_until: incident.scheduledUntil ? toLocalDateTimeValue(incident.scheduledUntil, timeZone) : '',
    scheduled_auto_in_progress: incident.scheduledAutoInProgress,
    scheduled_auto_completed: incident.scheduledAutoCompleted,
    auto_transition_to_maintenance_state: incident.autoTransitionToMaintenanceState,
    auto_transition_to_operational_state: incident.autoTransitionToOperationalState,
    auto_transition_deliver_notifications_at_start: incident.autoTransitionDeliverNotificationsAtStart,
    auto_transition_deliver_notifications_at_end: incident.autoTransitionDeliverNotificationsAtEnd,
  };
}

/** A datetime-local value read in the page's zone, as the ISO instant the verb takes. */
function instant(value: string, field: string, timeZone: string): string | undefined {
  if (value.trim() === '') return undefined;
  const at = parseLocalDateTime(value, timeZone);
  if (!at) throw new ValidationError(`incident.${field}: must be a date and time such as 2026-03-05T02:00 (${timeZone})`, `incident.${field}`);
  return at.toISOString();
}

/**
 * The verb's input from the form. Throws a ValidationError for what only the form can get
 * wrong (an unreadable date); everything else is left to the verb, so the console and the API check alike.
 */
export function toIncidentInput(values: IncidentFormValues, kind: IncidentKind, creating: boolean, timeZone: string): Record<string, unknown> {
  const components = Object.fromEntries(Object.entries(values.components).filter(([, status]) => status !== ''));
  const input: Record<string, unknown> = {
    name: values.name,
    body: values.message,
    deliver_notifications: values.deliver_notifications,
  };
  if (kind === 'incident') {
    // A maintenance status would make the verb read this as a maintenance and ask for its window,
    // which this form does not have; name the statuses the form offers instead.
    if ((maintenanceStatuses as readonly string[]).includes(values.status)) {
      throw new ValidationError(`incident.status: must be one of ${realtimeIncidentStatuses.join(', ')}`, 'incident.status');
    }
    return { ...input, status: values.status, impact_override: values.impact_override || null, components };
  }
  const window = {
    scheduled_for: instant(values.scheduled_for, 'scheduled_for', timeZone),
    scheduled_until: instant(values.scheduled_until, 'scheduled_until', timeZone),
  };
  const auto = Object.fromEntries(autoOptions.map(([key]) => [key, values[key]]));
  // The status says "maintenance" to the verb even when the start is missing, so it asks for one.
  if (creating) return { ...input, ...auto, ...window, status: 'scheduled', component_ids: values.component_ids };
  return { ...input, ...auto, ...window, status: values.status, components };
}

export interface ComponentChoice {
  id: string;
  name: string;
  groupName: string | undefined;
  status: string;
  statusLabel: string;
}

/** The components a form lists (groups take their children's worst status, so only components are offered). */
export function componentChoices(rows: readonly ComponentRow[]): ComponentChoice[] {
  const names = new Map(rows.map((row) => [row.id, row.name]));
  return inDisplayOrder(rows)
    .filter((row) => !row.isGroup)
    .map((row) => ({ id: row.id, name: row.name, groupName: row.groupId === null ? undefined : names.get(row.groupId), status: row.status, statusLabel: label(row.status) }));
}
