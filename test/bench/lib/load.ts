import autocannon, { type Instance } from 'autocannon';
import type { Measurement } from './types.js';

export interface LoadTarget {
  label: string;
  url: string;
}

export interface LoadOptions {
  rounds: number;
  /** Seconds per round and target. */
  durationS: number;
  /** Seconds of unmeasured load per target first, so both sides are JIT-warm. */
  warmupS: number;
  connections?: number;
}

export interface Round {
  rate: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  total: number;
}

export interface TargetResult {
  measurement: Measurement;
  rounds: Round[];
  non2xx: number;
  errors: number;
  timeouts: number;
  total: number;
}

let active: Instance | undefined;
let stopped = false;

/** Stops the load for good (on interrupt or deadline): a cut-short round must not be reported. */
export function stopLoad(): void {
  stopped = true;
  active?.stop();
}

async function hit(url: string, durationS: number, connections: number): Promise<Round> {
  if (stopped) throw new Error('load stopped');
  active = autocannon({ url, connections, pipelining: 1, duration: durationS });
  try {
    const r = await active;
    if (stopped) throw new Error('load stopped');
    return {
      rate: r.requests.average,
      p99Ms: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      total: r.requests.total,
    };
  } finally {
    active = undefined;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Loads each target in turn for several rounds and keeps the medians. The order flips
 * every round so that a burst of outside noise (the 2 cores are shared) hits both sides.
 */
export async function compareTargets(targets: LoadTarget[], options: LoadOptions, log: (line: string) => void): Promise<Map<string, TargetResult>> {
  const connections = options.connections ?? 50;
  for (const target of targets) await hit(target.url, options.warmupS, connections);
  const rounds = new Map<string, Round[]>(targets.map((t) => [t.label, []]));
  for (let i = 0; i < options.rounds; i += 1) {
    const order = i % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const round = await hit(target.url, options.durationS, connections);
      rounds.get(target.label)!.push(round);
      log(`round ${i + 1}/${options.rounds} ${target.label.padEnd(6)} ${Math.round(round.rate).toLocaleString('en-US')} req/s, p99 ${round.p99Ms} ms`);
    }
  }
  const sum = (list: Round[], key: 'non2xx' | 'errors' | 'timeouts' | 'total') => list.reduce((n, r) => n + r[key], 0);
  return new Map(
    [...rounds].map(([label, list]) => [
      label,
      {
        measurement: {
          label,
          rate: median(list.map((r) => r.rate)),
          unit: 'req/s',
          p99Ms: median(list.map((r) => r.p99Ms)),
          roundRates: list.map((r) => r.rate),
          roundP99s: list.map((r) => r.p99Ms),
        },
        rounds: list,
        non2xx: sum(list, 'non2xx'),
        errors: sum(list, 'errors'),
        timeouts: sum(list, 'timeouts'),
        total: sum(list, 'total'),
      },
    ]),
  );
}
