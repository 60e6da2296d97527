/** Jitter spreads retries of a big fan-out so a recovering receiver is not hit all at once. */
export const jitterFraction = 0.2;
/** A receiver's Retry-After is honoured up to this long (and never earlier than the schedule). */
export const maxRetryAfterMs = 60 * 60 * 1000;

export interface RetryInput {
  /** Attempts made so far, including the one that just failed. */
  attemptsMade: number;
  /** Delay before each attempt: scheduleMs[0] before the first, scheduleMs[1] before the second, … */
  scheduleMs: readonly number[];
  retryAfterMs?: number | undefined;
  random: () => number;
}

/**
 * Milliseconds until the next attempt, or undefined when the schedule is used up.
 * The scheduled delay gets ±20 % jitter; a Retry-After is honoured within [that delay, 1 h].
 */
export function nextRetryDelay({ attemptsMade, scheduleMs, retryAfterMs, random }: RetryInput): number | undefined {
  const base = scheduleMs[attemptsMade];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (1 - jitterFraction + 2 * jitterFraction * random()));
  if (retryAfterMs === undefined) return jittered;
  return Math.min(Math.max(retryAfterMs, jittered), Math.max(jittered, maxRetryAfterMs));
}
