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
  let count = 0;
  const done = await pollUntil(
    async () => {
      if ((watch.deliveries(event.id).states['delivered'] ?? 0) < rows) return false;
      count = await received();
      return count >= rows;
    },
    100,
    timeoutMs,
  );
  const state = watch.deliveries(event.id);
  if (!done) count = await received();
  const delivered = state.states['delivered'] ?? 0;
  const seconds = ((state.lastDeliveredAt ?? Date.now()) - post.respondedAt) / 1000;
  const problems = [
    done ? undefined : `only ${delivered} of ${rows} delivered (${count} received) within ${timeoutMs / 1000} s: ${JSON.stringify(state.states)}`,
    rows === expected ? undefined : `the incident queued ${rows} deliveries, not ${expected}`,
  ].filter((p) => p !== undefined);
  return {
    rate: delivered / seconds,
    p99Ms: watch.attemptP99Ms(event.id),
    postMs: post.postMs,
    rows,
    seconds,
    received: count,
    ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
  };
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
