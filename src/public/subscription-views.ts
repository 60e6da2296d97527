import type { Db } from '../db/client.js';
import { childrenByGroup, listComponents } from '../components/internal.js';
import type { PageRow } from '../pages/internal.js';
import { describeScope } from '../subscribers/describe-scope.js';
import type { SubscriberWithComponents } from '../subscribers/internal.js';

export interface FormState {
  values?: { email?: string; endpoint?: string; component_ids?: string[] };
  /** Messages by field name (`email`, `endpoint`, `component_ids`, `incident_id`, `form`). */
  errors?: Record<string, string>;
}

/** Component checkboxes: groups with their components, so choosing a group covers new members too. */
export function componentChoices(db: Db, pageId: string, chosen: readonly string[]) {
  const rows = listComponents(db, pageId);
  const children = childrenByGroup(rows);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return rows
    .filter((r) => r.groupId === null || !byId.has(r.groupId))
    .map((r) => ({
      id: r.id,
      name: r.name,
      checked: chosen.includes(r.id),
      children: (children.get(r.id) ?? []).map((id) => ({ id, name: byId.get(id)!.name, checked: chosen.includes(id) })),
    }));
}

export function subscribeFormView(db: Db, page: PageRow, incident: { id: string; name: string } | undefined, state: FormState = {}) {
  return {
    pageName: page.name,
    allow: {
      email: page.allowEmailSubscribers,
      webhook: page.allowWebhookSubscribers,
      page: page.allowPageSubscribers,
    },
    incident,
    components: incident ? [] : componentChoices(db, page.id, state.values?.component_ids ?? []),
    values: { email: state.values?.email ?? '', endpoint: state.values?.endpoint ?? '' },
    errors: (state.errors ?? {}) as Record<string, string>,
  };
}

export function manageView(db: Db, page: PageRow, subscriber: SubscriberWithComponents, token: string, notice?: string, errors: Record<string, string> = {}) {
  return {
    pageName: page.name,
    token,
    notice,
    errors,
    mode: subscriber.mode,
    address: subscriber.endpoint ?? subscriber.email,
    state: subscriber.state,
    scope: describeScope(db, subscriber, page.name),
    followsIncident: subscriber.scope === 'incident',
    allowPage: page.allowPageSubscribers,
    components: componentChoices(db, page.id, subscriber.componentIds),
  };
}
