import type { ComponentStatus } from '../db/schema/constants.js';
import { worstComponentStatus } from '../status/rollup.js';
import { localDate, nextDate, startOfLocalDay } from '../time/zoned.js';

/**
 * How much of a minute in each status counts as downtime. Statuspage's weighting: a major outage is
 * down, a partial outage counts 30 %, degraded performance and maintenance count as up.
 */
export const downtimeWeight: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 0,
  degraded_performance: 0,
  partial_outage: 0.3,
  major_outage: 1,
};

export interface StatusChange {
  at: Date;
  from: ComponentStatus;
  to: ComponentStatus;
}

export interface DayUptime {
  /** Local date in the page's zone, `YYYY-MM-DD`. */
  date: string;
  /** The worst status of the day; null before the component existed. */
  worst: ComponentStatus | null;
  /** Fraction of the day up, 0–1; null before the component existed. */
  uptime: number | null;
}

export interface DayBounds {
  date: string;
  start: number;
  end: number;
}

/** The last `days` local days up to today, with the instants they start and end: computed once per page build. */
export function localDayBounds(now: Date, timeZone: string, days: number): DayBounds[] {
  const today = localDate(now, timeZone);
  const dates = Array.from({ length: days + 1 }, (_, i) => nextDate(today, i - (days - 1)));
  const starts = dates.map((date) => startOfLocalDay(date, timeZone).getTime());
  return dates.slice(0, days).map((date, i) => ({ date, start: starts[i]!, end: starts[i + 1]! }));
}

export interface UptimeInput {
  /** When history starts: the component's start date or creation. */
  since: Date;
  currentStatus: ComponentStatus;
  /** Status changes, oldest first; changes before the window only matter through the last one. */
  changes: readonly StatusChange[];
  now: Date;
  /** From localDayBounds. */
  days: readonly DayBounds[];
}

/** One cell per local day, oldest first, and the uptime over all days with data. */
export function componentUptime(input: UptimeInput): { days: DayUptime[]; uptime: number | null } {
  const { changes, now } = input;
  const today = input.days.at(-1)?.date;
  // Status segments: [start, end) with one status, from the first change (or `since`) to now.
  const initial = changes[0]?.from ?? input.currentStatus;
  const segments: Array<{ start: number; end: number; status: ComponentStatus }> = [];
  let cursor = Math.min(input.since.getTime(), changes[0]?.at.getTime() ?? Infinity);
  let status = initial;
  for (const change of changes) {
    segments.push({ start: cursor, end: change.at.getTime(), status });
    cursor = change.at.getTime();
    status = change.to;
  }
  segments.push({ start: cursor, end: now.getTime(), status });

  let totalDown = 0;
  let totalSpan = 0;
  const days: DayUptime[] = [];
  for (const { date, start: dayStart, end: dayEnd } of input.days) {
    const start = Math.max(dayStart, input.since.getTime());
    const end = Math.min(dayEnd, now.getTime());
    if (end <= start) {
      // Created this very moment: today shows its current status, with no time to weigh yet.
      const justCreated = date === today && input.since.getTime() <= now.getTime();
      days.push(justCreated ? { date, worst: status, uptime: 1 - downtimeWeight[status] } : { date, worst: null, uptime: null });
      continue;
    }
    let down = 0;
    const seen: ComponentStatus[] = [];
    for (const segment of segments) {
      const overlap = Math.min(end, segment.end) - Math.max(start, segment.start);
      if (overlap <= 0) continue;
      seen.push(segment.status);
      down += overlap * downtimeWeight[segment.status];
    }
    totalDown += down;
    totalSpan += end - start;
    days.push({ date, worst: worstComponentStatus(seen), uptime: 1 - down / (end - start) });
  }
  const latest = days.at(-1);
  return { days, uptime: totalSpan > 0 ? 1 - totalDown / totalSpan : (latest?.uptime ?? null) };
}

/** 99.95 → "99.95%"; never rounds a bad day up to 100 %. */
export function formatPercent(fraction: number): string {
  const percent = Math.floor(fraction * 10_000) / 100;
  return `${percent.toFixed(percent === 100 ? 0 : 2)}%`;
}
