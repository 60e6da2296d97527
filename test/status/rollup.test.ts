import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ComponentStatus, Impact, IncidentStatus } from '../../src/db/schema/constants.js';
import { rollupPageStatus } from '../../src/status/rollup.js';

const rollup = (components: ComponentStatus[], incidents: Array<[IncidentStatus, Impact]> = []) =>
  rollupPageStatus({ componentStatuses: components, incidents: incidents.map(([status, impact]) => ({ status, impact })) });

describe('rollupPageStatus', () => {
  const table: Array<[string, ComponentStatus[], Array<[IncidentStatus, Impact]>, string, string]> = [
    ['no components, no incidents', [], [], 'none', 'All Systems Operational'],
    ['all operational', ['operational', 'operational'], [], 'none', 'All Systems Operational'],
    ['a degraded component', ['operational', 'degraded_performance'], [], 'minor', 'Partially Degraded Service'],
    ['a partial outage', ['degraded_performance', 'partial_outage'], [], 'major', 'Partial System Outage'],
    ['a major outage', ['partial_outage', 'major_outage'], [], 'critical', 'Major Service Outage'],
    ['under maintenance only', ['operational', 'under_maintenance'], [], 'maintenance', 'Service Under Maintenance'],
    ['maintenance loses to degradation', ['under_maintenance', 'degraded_performance'], [], 'minor', 'Partially Degraded Service'],
    ['a minor incident alone', ['operational'], [['investigating', 'minor']], 'minor', 'Minor Service Outage'],
    ['a major incident', ['operational'], [['identified', 'major']], 'major', 'Partial System Outage'],
    ['a critical incident', [], [['monitoring', 'critical']], 'critical', 'Major Service Outage'],
    ['an incident with impact none', ['operational'], [['investigating', 'none']], 'none', 'All Systems Operational'],
    ['a resolved critical incident no longer counts', ['operational'], [['resolved', 'critical']], 'none', 'All Systems Operational'],
    ['a postmortem no longer counts', [], [['postmortem', 'major']], 'none', 'All Systems Operational'],
    ['maintenance in progress', [], [['in_progress', 'maintenance']], 'maintenance', 'Service Under Maintenance'],
    ['maintenance verifying', [], [['verifying', 'maintenance']], 'maintenance', 'Service Under Maintenance'],
    ['upcoming maintenance does not count', [], [['scheduled', 'maintenance']], 'none', 'All Systems Operational'],
    ['completed maintenance does not count', [], [['completed', 'maintenance']], 'none', 'All Systems Operational'],
    ['incident worse than components', ['degraded_performance'], [['investigating', 'critical']], 'critical', 'Major Service Outage'],
    ['components worse than incident', ['major_outage'], [['investigating', 'minor']], 'critical', 'Major Service Outage'],
    ['degraded component with minor incident', ['degraded_performance'], [['investigating', 'minor']], 'minor', 'Partially Degraded Service'],
  ];
  for (const [name, components, incidents, indicator, description] of table) {
    test(`${name} → ${indicator} / ${description}`, () => {
      assert.deepEqual(rollup(components, incidents), { indicator, description });
    });
  }
});
