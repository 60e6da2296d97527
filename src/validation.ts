import { z } from 'zod';
import { ValidationError } from './errors.js';

const truthy = new Set(['true', 't', '1', 'yes', 'on']);
const falsy = new Set(['false', 'f', '0', 'no', 'off']);

/** Booleans as JSON, or as Statuspage's form values (`t`/`f`, `true`/`false`, `1`/`0`). */
export const bool = z.preprocess((v) => {
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (truthy.has(s)) return true;
    if (falsy.has(s)) return false;
  }
  if (v === 1) return true;
  if (v === 0) return false;
  return v;
}, z.boolean({ error: 'must be a boolean (true/false)' }));

/** A form field that may arrive as the string "null" (Statuspage's way to clear a value). */
export const nullable = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === 'null' || v === '' ? null : v), schema.nullable());

const earliest = Date.UTC(1970, 0, 1);
const latest = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const isoDateTimePattern = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO-8601 date-time. Times without an offset are read as UTC, so the stored
 * instant never depends on the server's zone.
 */
export const dateTime = z
  .string({ error: 'must be an ISO-8601 date-time string' })
  .trim()
  .regex(isoDateTimePattern, 'must be an ISO-8601 date-time such as 2026-03-05T02:00:00Z')
  .transform((s, ctx) => {
    // `new Date` rolls impossible values over (Feb 30 → Mar 2); the fields must exist as written.
    const [year, month, day, hour = 0, minute = 0, second = 0] = (s.match(/\d+/g) ?? []).slice(0, 6).map(Number) as number[];
    const probe = new Date(Date.UTC(year!, month! - 1, day!));
    if (probe.getUTCMonth() !== month! - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
      ctx.addIssue({ code: 'custom', message: 'is not a real date and time (check the day of the month and the time)' });
      return z.NEVER;
    }
    const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(s) && s.length > 10;
    const normalized = s.replace(' ', 'T');
    const date = new Date(hasOffset ? normalized : s.length === 10 ? `${normalized}T00:00:00Z` : `${normalized}Z`);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid date-time' });
      return z.NEVER;
    }
    // Outside these years an instant no longer prints as plain ISO-8601 (`-000001-12-31T…`).
    if (date.getTime() < earliest || date.getTime() > latest) {
      ctx.addIssue({ code: 'custom', message: 'must be between the years 1970 and 9999' });
      return z.NEVER;
    }
    return date;
  });

export const calendarDate = z
  .string({ error: 'must be a date string (YYYY-MM-DD)' })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-01-31')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: 'is not a valid calendar date',
  });

// C0 controls other than tab, newline and carriage return, and DEL: they have no place in names or messages.
const controlChars = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Text that people will read: no control characters, bounded length. */
export const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !controlChars.test(s), 'must not contain control characters');

/** A one-line name: trimmed, non-empty, at most 255 characters. */
export const name = text(255)
  .transform((s) => s.trim())
  .refine((s) => s.length > 0, 'must not be blank');

/** An id sent by a client, as a list: one id, an array, or a form's `ids[]`. */
export const idList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
  z.array(z.string({ error: 'must be a list of id strings' }).max(64, 'is not a known id')).max(1000, 'lists at most 1000 ids'),
);

/** Parses input with a zod schema, throwing a ValidationError that names the offending field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, prefix?: string): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  throw new ValidationError(path ? `${path}: ${issue.message}` : issue.message, path || undefined);
}
