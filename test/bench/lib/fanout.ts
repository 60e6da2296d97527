import type { HeraldProcess } from './herald.js';
import { pollUntil, round1, wallMs } from './measure.js';
import type { OutboxWatch } from './outbox-db.js';
import type { Measurement } from './types.js';

export interface TimedPost {
  incidentId: string;
  /** Request sent → response read: the fan-out transaction plus the rest of the request. */
  postMs: number;
  respondedAt: number;
}

export async function timedPost(herald: HeraldProcess, body: unknown): Promise<TimedPost> {
  const sent = wallMs();
  const created = (await herald.api('POST', '/incidents', body)) as { id: string };
  const respondedAt = wallMs();
  return { incidentId: created.id, postMs: respondedAt - sent, respondedAt };
}

export interface DrainRound {
  rate: number;
  p99Ms: number;
  postMs: number;
  rows: number;
  seconds: number;
  /** What the receiving side counted. */
  received: number;
  /** False when time ran out first: the rate then covers what was delivered by then. */
  complete: boolean;
  /** Set when the figures are wrong, not just slow: rows lost, failed, or miscounted. */
  problem?: string;
}

/**
 * Creates one incident and waits (polling every 100 ms) until every delivery it queued is
 * `delivered` and the receiving side has counted as many. The rate runs from the POST's
 * response to the last delivered_at Herald wrote, so the polling interval does not blur it.
 */
export async function drainRound(
  herald: HeraldProcess,
  watch: OutboxWatch,
  incident: unknown,
  received: () => Promise<number>,
  expected: number,
  timeoutMs: number,
): Promise<DrainRound> {
  const post = await timedPost(herald, incident);
  const event = watch.event(post.incidentId);
  const rows = watch.deliveries(event.id).total;
  const complete = await pollUntil(async () => (watch.deliveries(event.id).states['delivered'] ?? 0) >= rows && (await received()) >= rows, 100, timeoutMs);
  const { states, lastDeliveredAt } = watch.deliveries(event.id);
  const count = await received();
  const delivered = states['delivered'] ?? 0;
  const seconds = ((lastDeliveredAt ?? Date.now()) - post.respondedAt) / 1000;
  // Slow is a result; anything but pending, in flight or delivered means the run measured something else.
  const stray = Object.entries(states).filter(([state]) => !['pending', 'sending', 'delivered'].includes(state));
  const problems = [
    rows === expected ? undefined : `the incident queued ${rows} deliveries, not ${expected}`,
    stray.length === 0 ? undefined : `deliveries ended ${JSON.stringify(Object.fromEntries(stray))}`,
    delivered >= rows && count < rows ? `herald marked ${delivered} delivered but the receiver counted ${count}` : undefined,
  ].filter((p) => p !== undefined);
  return {
    rate: delivered / seconds,
    p99Ms: watch.attemptP99Ms(event.id),
    postMs: post.postMs,
    rows,
    seconds,
    received: count,
    complete,
    ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
  };
}

/** A note on rounds that ran out of time (a slow result, not an error), or undefined when all finished. */
export function incompleteNote(rounds: readonly DrainRound[], timeoutMs: number): string | undefined {
  const cut = rounds.filter((r) => !r.complete);
  if (cut.length === 0) return undefined;
  return `${cut.length} herald round(s) did not finish within ${timeoutMs / 1000} s (${cut.map((r) => `${r.received} of ${r.rows}`).join(', ')} received); their rate covers what was delivered by then`;
}

/** One side's rounds as a Measurement: the mean rate (rounds are few) and the worst round's p99. */
export function measurement(label: string, unit: string, rounds: ReadonlyArray<{ rate: number; p99Ms: number }>): Measurement {
  return {
    label,
    rate: rounds.reduce((sum, r) => sum + r.rate, 0) / rounds.length,
    unit,
    p99Ms: round1(Math.max(...rounds.map((r) => r.p99Ms))),
    roundRates: rounds.map((r) => r.rate),
    roundP99s: rounds.map((r) => round1(r.p99Ms)),
  };
}

/** Runs `herald` and `baseline` `rounds` times each, alternating who goes first (B H, H B, …) so outside load hits both. */
export async function alternate(rounds: number, herald: (round: number) => Promise<void>, baseline: (round: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    if (i % 2 === 0) {
      await baseline(i);
      await herald(i);
    } else {
      await herald(i);
      await baseline(i);
    }
  }
}
