import {
  activeMaintenanceStatuses,
  type ComponentStatus,
  type Impact,
  type IncidentStatus,
  unresolvedRealtimeStatuses,
} from '../db/schema/constants.js';

export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

export interface PageStatus {
  indicator: Indicator;
  description: string;
}

// Order of severity; maintenance ranks above none but below any outage.
const severity: Record<Impact, number> = { none: 0, maintenance: 1, minor: 2, major: 3, critical: 4 };

/** The impact a component status implies (Statuspage's mapping). */
export function impactOfComponentStatus(status: ComponentStatus): Impact {
  switch (status) {
    case 'degraded_performance':
      return 'minor';
    case 'partial_outage':
      return 'major';
    case 'major_outage':
      return 'critical';
    case 'under_maintenance':
      return 'maintenance';
    case 'operational':
      return 'none';
  }
}

export function worstImpact(impacts: Iterable<Impact>): Impact {
  let worst: Impact = 'none';
  for (const impact of impacts) if (severity[impact] > severity[worst]) worst = impact;
  return worst;
}

const componentStatusSeverity: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

/** The status a group shows: the worst of its components. */
export function worstComponentStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = 'operational';
  for (const s of statuses) if (componentStatusSeverity[s] > componentStatusSeverity[worst]) worst = s;
  return worst;
}

export interface RollupInput {
  /** Statuses of the page's components (groups excluded: theirs derive from these). */
  componentStatuses: Iterable<ComponentStatus>;
  /** Incidents and maintenances with their status and effective impact. */
  incidents: Iterable<{ status: IncidentStatus; impact: Impact }>;
}

/**
 * The page's `status` object: the worst of unresolved incident impact and component
 * status. The descriptions are literal strings that consumers compare.
 */
export function rollupPageStatus({ componentStatuses, incidents }: RollupInput): PageStatus {
  const impacts: Impact[] = [];
  let degradedComponent = false;
  for (const status of componentStatuses) {
    impacts.push(impactOfComponentStatus(status));
    if (status === 'degraded_performance') degradedComponent = true;
  }
  for (const incident of incidents) {
    const counts =
      unresolvedRealtimeStatuses.includes(incident.status) || activeMaintenanceStatuses.includes(incident.status);
    if (counts) impacts.push(incident.impact);
  }
  switch (worstImpact(impacts)) {
    case 'none':
      return { indicator: 'none', description: 'All Systems Operational' };
    case 'maintenance':
      return { indicator: 'maintenance', description: 'Service Under Maintenance' };
    case 'minor':
      // A degraded component reads as degraded service; a minor incident alone as a minor outage.
      return { indicator: 'minor', description: degradedComponent ? 'Partially Degraded Service' : 'Minor Service Outage' };
    case 'major':
      return { indicator: 'major', description: 'Partial System Outage' };
    case 'critical':
      return { indicator: 'critical', description: 'Major Service Outage' };
  }
}
