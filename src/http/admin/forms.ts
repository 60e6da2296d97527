import { AppError } from '../../errors.js';

/** A form's errors: one message beside each field it concerns, and the same list as a summary at the top. */
export interface FormErrors {
  fields: Record<string, string>;
  summary: Array<{ field: string | undefined; message: string }>;
}

export const noErrors = (): FormErrors => ({ fields: {}, summary: [] });

export interface FormSpec {
  /** The prefix of the verb's field paths: `incident` for `incident.name`. */
  prefix?: string;
  /** Verb field → form field, where they differ (`body` → `message`). */
  aliases?: Record<string, string>;
  /** Form field → label, for the messages; a field not listed here is shown in the summary only. */
  labels: Record<string, string>;
}

const asRecord = (body: unknown): Record<string, unknown> => (body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {});

/** A single text field of a parsed form; absent or repeated fields read as empty. */
export function text(body: unknown, name: string): string {
  const value = asRecord(body)[name];
  return typeof value === 'string' ? value : '';
}

/** A checkbox: browsers send it only when ticked. */
export const checked = (body: unknown, name: string): boolean => text(body, name) !== '';

/** Bracketed fields (`components[abc]=…`) as a string map. */
export function textMap(body: unknown, name: string): Record<string, string> {
  const value = asRecord(body)[name];
  const entries = Object.entries(asRecord(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return Object.fromEntries(entries);
}

/** Repeated fields (`component_ids=a&component_ids=b`, or with `[]`) as a list. */
export function textList(body: unknown, name: string): string[] {
  const record = asRecord(body);
  const value = record[name] ?? record[`${name}[]`];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

/**
 * Turns a ValidationError from a verb into a message beside the form field it names (through
 * `details.field`, e.g. `incident.name`). Any other error is rethrown for the error page.
 */
export function formErrors(error: unknown, spec: FormSpec): FormErrors {
  if (!(error instanceof AppError) || error.code !== 'validation') throw error;
  const path = error.details.field;
  const detail = path && error.message.startsWith(`${path}: `) ? error.message.slice(path.length + 2) : error.message;
  const relative = path && spec.prefix && path.startsWith(`${spec.prefix}.`) ? path.slice(spec.prefix.length + 1) : path;
  const first = relative?.split('.')[0];
  const field = first === undefined ? undefined : (spec.aliases?.[first] ?? first);
  const label = field === undefined ? undefined : spec.labels[field];
  if (field === undefined || label === undefined) return { fields: {}, summary: [{ field: undefined, message: sentence(detail) }] };
  const message = `${label} ${detail}`;
  return { fields: { [field]: sentence(message) }, summary: [{ field, message: sentence(message) }] };
}

function sentence(s: string): string {
  const trimmed = s.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
