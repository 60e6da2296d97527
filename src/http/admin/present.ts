import { componentStatuses, impacts, maintenanceStatuses, realtimeIncidentStatuses } from '../../db/schema/constants.js';
import { toLocalDateTimeValue } from '../../time/zoned.js';
import type { FormErrors } from './forms.js';
import { statusLabel as label } from '../../status/labels.js';

export { label };


/** A status, impact or state as people read it. */


export interface Option {
  value: string;
  label: string;
}

const options = (values: readonly string[]): Option[] => values.map((value) => ({ value, label: label(value) }));
export const componentStatusOptions = options(componentStatuses);
export const incidentStatusOptions = options(realtimeIncidentStatuses);
export const maintenanceStatusOptions = options(maintenanceStatuses);
export const impactOverrideOptions: Option[] = [
  { value: '', label: 'Computed from the components' },
  ...options(impacts.filter((i) => i !== 'maintenance')),
];

/** An instant as the page's wall-clock time with the zone named: `2026-03-02 11:00 Europe/Berlin`. */
export function formatTime(instant: Date | null | undefined, timeZone: string): string {
  return instant ? `${toLocalDateTimeValue(instant, timeZone).replace('T', ' ')} ${timeZone}` : '';
}

/** The machine-readable twin of formatTime, for `<time datetime>`. */
export const isoTime = (instant: Date | null | undefined) => (instant ? instant.toISOString() : '');

export interface FormView {
  /** Prefixes element ids, so several forms on one page keep unique ids. */
  id: string;
  values: Record<string, unknown>;
  errors: FormErrors;
}

export interface FieldProps {
  id: string;
  name: string;
  label: string;
  value: unknown;
  error: string | undefined;
  type: string;
  hint?: string;
  options?: Option[];
  required?: boolean;
  autocomplete?: string;
  list?: string;
}

/** What the field partial needs, from a form view: the value kept from the user's input and its error. */
export function field(form: FormView, name: string, fieldLabel: string, extra: Partial<FieldProps> = {}): FieldProps {
  return {
    id: `${form.id}-${name}`,
    name,
    label: fieldLabel,
    value: form.values[name] ?? '',
    error: form.errors.fields[name],
    type: 'text',
    ...extra,
  };
}

// Redirects after a change carry a code, never text, so no one can put words on a console page through a link.
const notices: Record<string, string> = {
  'incident-created': 'Incident created.',
  'maintenance-scheduled': 'Maintenance scheduled.',
  updated: 'Saved.',
  resolved: 'Resolved.',
  completed: 'Maintenance completed.',
  'update-edited': 'Update text changed.',
  'component-created': 'Component added.',
  'component-updated': 'Component saved.',
  'component-moved': 'Order changed.',
  'group-created': 'Group created.',
  'group-updated': 'Group saved.',
  'settings-saved': 'Settings saved.',
  'key-revoked': 'API key revoked.',
  unsubscribed: 'Subscriber unsubscribed.',
  reactivated: 'Subscriber reactivated.',
  retried: 'Delivery queued to be sent again.',
};

export const noticeText = (code: unknown): string | undefined => (typeof code === 'string' ? notices[code] : undefined);

/** `?page=N` of a console list (from 1); anything unreadable is the first page. */
export function pageNumber(value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return Math.max(n, 1);
}
