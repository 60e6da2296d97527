import { eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { components, incidents } from '../db/schema/index.js';
import type { SubscriberWithComponents } from './internal.js';

/** What a subscriber will hear about, in words, for confirmation mails and pages. */
export function describeScope(db: Db | Tx, subscriber: Pick<SubscriberWithComponents, 'scope' | 'incidentId' | 'componentIds' | 'mode'>, pageName: string): string {
  const what = subscriber.mode === 'webhook' ? 'incident, maintenance and component status notifications' : 'incident and maintenance notifications';
  if (subscriber.scope === 'incident' && subscriber.incidentId) {
    const incident = db.select({ name: incidents.name }).from(incidents).where(eq(incidents.id, subscriber.incidentId)).get();
    return `updates about the incident "${incident?.name ?? 'unknown'}" until it is resolved`;
  }
  if (subscriber.scope === 'components' && subscriber.componentIds.length > 0) {
    const rows = db.select({ name: components.name, isGroup: components.isGroup }).from(components).where(inArray(components.id, subscriber.componentIds)).all();
    const names = rows.map((r) => (r.isGroup ? `${r.name} (all of its components)` : r.name));
    return `${what} of ${pageName} that affect: ${names.join(', ')}`;
  }
  return `all ${what} of ${pageName}`;
}
