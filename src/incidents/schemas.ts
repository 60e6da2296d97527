import { z } from 'zod';
import { impacts, incidentStatuses } from '../db/schema/constants.js';
import { componentStatus } from '../components/schemas.js';
import { bool, dateTime, idList, name, nullable, text } from '../validation.js';

export const maxBodyLength = 25_000;

export const maxMetadataDepth = 8;
export const maxMetadataBytes = 16_384;

/** How deeply a parsed JSON value nests, counted without recursion (a hostile value can nest thousands deep). */
function nestingWithin(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return false;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return true;
}

const metadata = z
  .record(
    z.string().max(255),
    z.record(z.string().max(255), z.unknown(), { error: 'top-level values must be objects, e.g. {"jira": {"issue_id": "A-1"}}' }),
    { error: 'must be an object whose top-level values are objects' },
  )
  .superRefine((value, ctx) => {
    // Depth first: serializing a value nested thousands deep would overflow the stack.
    if (!nestingWithin(value, maxMetadataDepth)) ctx.addIssue({ code: 'custom', message: `must nest at most ${maxMetadataDepth} levels deep` });
    else if (JSON.stringify(value).length > maxMetadataBytes) ctx.addIssue({ code: 'custom', message: `must be at most ${maxMetadataBytes} bytes as JSON` });
  });

/**
 * `components` is a map {component_id: status}; the spec's prose sample also sends an
 * array of ids, which means `component_ids`.
 */
const componentsField = z.union([z.record(z.string().max(64), componentStatus), idList], {
  error: 'must be a map of component id to status, e.g. {"abc123": "major_outage"}',
});

/** The `incident` body of create and PATCH; Statuspage accepts the same fields for both. */
export const IncidentInput = z
  .object({
    name,
    status: z.enum(incidentStatuses, { error: `must be one of ${incidentStatuses.join(', ')}` }),
    impact_override: nullable(z.enum(impacts, { error: `must be one of ${impacts.join(', ')}` })),
    scheduled_for: nullable(dateTime),
    scheduled_until: nullable(dateTime),
    scheduled_remind_prior: bool,
    scheduled_auto_in_progress: bool,
    scheduled_auto_completed: bool,
    scheduled_auto_transition: bool,
    auto_transition_to_maintenance_state: bool,
    auto_transition_to_operational_state: bool,
    auto_transition_deliver_notifications_at_start: bool,
    auto_transition_deliver_notifications_at_end: bool,
    reminder_intervals: nullable(text(255)),
    metadata,
    deliver_notifications: bool,
    backfilled: bool,
    backfill_date: dateTime,
    body: text(maxBodyLength),
    message: text(maxBodyLength),
    components: componentsField,
    component_ids: idList,
    wants_twitter_update: bool,
    auto_tweet_at_beginning: bool,
    auto_tweet_on_completion: bool,
    auto_tweet_on_creation: bool,
    auto_tweet_one_hour_before: bool,
  })
  .partial();
export type IncidentInput = z.infer<typeof IncidentInput>;

export const IncidentUpdateInput = z
  .object({
    body: text(maxBodyLength),
    display_at: dateTime,
    deliver_notifications: bool,
    wants_twitter_update: bool,
  })
  .partial();
export type IncidentUpdateInput = z.infer<typeof IncidentUpdateInput>;
