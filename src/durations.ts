const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `5s`, `5m`, `2h`, `1d` (or a bare number of milliseconds). Returns undefined if unreadable. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * units[(match[2] ?? 'ms').toLowerCase()]!);
}

/** Parses a comma-separated list of durations such as `0s,5s,5m,30m`. */
export function parseDurationList(text: string): number[] | undefined {
  const parts = text.split(',').map(parseDuration);
  return parts.every((p) => p !== undefined) ? (parts as number[]) : undefined;
}
