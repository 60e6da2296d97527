// Conversions between UTC instants and wall-clock times in an IANA zone, with Intl only.
// Time zones are the most repeated bug class of status pages, so every page and form goes through here.

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time in `timeZone` at an instant. */
export function wallTime(instant: Date, timeZone: string): WallTime {
  const parts = Object.fromEntries(partsFormatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    second: Number(parts['second']),
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given time. In a DST gap the
 * time does not exist and the result is the instant the clock jumps past it; in a DST overlap
 * the earlier of the two instants is chosen.
 */
export function zonedToUtc(w: Omit<WallTime, 'second'> & { second?: number }, timeZone: string): Date {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second ?? 0);
  // The offsets just before and after the wanted time give the (at most two) candidate instants.
  const candidates = [...new Set([naive - 86_400_000, naive + 86_400_000].map((probe) => naive - zoneOffsetMs(new Date(probe), timeZone)))].sort((a, b) => a - b);
  const shows = (t: number) => wallTimeEquals(wallTime(new Date(t), timeZone), naive);
  const exact = candidates.filter(shows);
  // Overlap: the earlier instant. Gap: no instant shows that time, take the later (the clock jumped past it).
  return new Date(exact.length > 0 ? exact[0]! : candidates[candidates.length - 1]!);
}

function wallTimeEquals(w: WallTime, naiveUtc: number): boolean {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) === naiveUtc;
}

/** `YYYY-MM-DD` of the day an instant falls on in the zone. */
export function localDate(instant: Date, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The instant the given local day (`YYYY-MM-DD`) starts in the zone. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return zonedToUtc({ year, month, day, hour: 0, minute: 0 }, timeZone);
}

/** The local day after `date`, as `YYYY-MM-DD` (calendar arithmetic, zone-independent). */
export function nextDate(date: string, days = 1): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** Parses an HTML `datetime-local` value (`YYYY-MM-DDTHH:mm`) as a wall time in the zone. */
export function parseLocalDateTime(value: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as number[];
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59) return undefined;
  return zonedToUtc({ year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second ?? 0 }, timeZone);
}

/** The `datetime-local` value showing an instant in the zone. */
export function toLocalDateTimeValue(instant: Date, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}
