import type { ComponentRow } from '../../components/internal.js';
import { effectiveImpact, type IncidentWithRelations } from '../../incidents/internal.js';
import type { PageRow } from '../../pages/internal.js';
import { autoOptions, componentChoices, type IncidentFormValues, type IncidentKind } from './incident-form.js';
import type { FormErrors } from './forms.js';
import {
  componentStatusOptions,
  formatTime,
  impactOverrideOptions,
  incidentStatusOptions,
  isoTime,
  label,
  maintenanceStatusOptions,
} from './present.js';

export const kindOf = (incident: IncidentWithRelations): IncidentKind => (incident.scheduledFor ? 'maintenance' : 'incident');

/** One line of an incident list. */
export function incidentRow(incident: IncidentWithRelations, timeZone: string) {
  return {
    id: incident.id,
    href: `/admin/incidents/${incident.id}`,
    name: incident.name,
    status: incident.status,
    statusLabel: label(incident.status),
    impactLabel: label(effectiveImpact(incident)),
    startedAt: formatTime(incident.startedAt, timeZone),
    startedIso: isoTime(incident.startedAt),
    window: incident.scheduledFor ? `${formatTime(incident.scheduledFor, timeZone)} – ${formatTime(incident.scheduledUntil, timeZone)}` : '',
  };
}

/** Everything the incident/maintenance form partial needs besides the values and errors. */
export function incidentFormView(kind: IncidentKind, creating: boolean, values: IncidentFormValues, errors: FormErrors, page: PageRow, components: readonly ComponentRow[]) {
  return {
    id: creating ? 'new' : 'update',
    kind,
    creating,
    values: values as unknown as Record<string, unknown>,
    errors,
    timeZone: page.timeZone,
    statusOptions: kind === 'incident' ? incidentStatusOptions : maintenanceStatusOptions,
    impactOptions: impactOverrideOptions,
    componentStatusOptions,
    components: componentChoices(components),
    autoOptions,
  };
}
export type IncidentFormView = ReturnType<typeof incidentFormView>;

/** An incident's page: its facts and its updates, newest first, each with its component changes. */
export function incidentDetail(incident: IncidentWithRelations, timeZone: string) {
  return {
    ...incidentRow(incident, timeZone),
    kind: kindOf(incident),
    open: !['resolved', 'postmortem', 'completed'].includes(incident.status),
    resolvedAt: formatTime(incident.resolvedAt, timeZone),
    components: incident.incidentComponents
      .map((link) => link.component)
      .sort((a, b) => a.position - b.position)
      .map((c) => ({ name: c.name, statusLabel: label(c.status), status: c.status })),
    updates: incident.updates.map((u) => ({
      id: u.id,
      statusLabel: label(u.status),
      text: u.body,
      at: formatTime(u.displayAt, timeZone),
      atIso: isoTime(u.displayAt),
      notified: u.deliverNotifications,
      editHref: `/admin/incidents/${incident.id}/updates/${u.id}`,
      changes: (u.affectedComponents ?? []).map((a) => `${a.name}: ${label(a.old_status)} → ${label(a.new_status)}`),
    })),
  };
}
