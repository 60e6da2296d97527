import { startHerald } from './lib/herald.js';
import { compareTargets, median, type TargetResult } from './lib/load.js';
import { record, startRawServer, type RecordedResponse } from './lib/raw-server.js';
import { seedRealisticPage } from './lib/seed.js';
import type { Benchmark, Outcome } from './lib/types.js';

// The JSON API's target comes from the core issue, the HTML page's from the status page issue.
const targets: Record<string, { minRatio: number; maxP99Ms?: number }> = {
  '/api/v2/summary.json': { minRatio: 0.7, maxP99Ms: 5 },
  '/api/v2/status.json': { minRatio: 0.7, maxP99Ms: 5 },
  '/': { minRatio: 0.5 },
};
const paths = Object.keys(targets);
// 3 paths × 2 targets × (1 s warm-up + 5 rounds × 3 s) ≈ 100 s of load. Short rounds
// alternate the targets more often, so outside noise lands on both more evenly.
const load = { rounds: 5, durationS: 3, warmupS: 1, connections: 50 };

function problems(label: string, r: TargetResult): string | undefined {
  const bad = r.non2xx + r.errors + r.timeouts;
  return bad === 0 ? undefined : `${label}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts of ${r.total.toLocaleString('en-US')}`;
}

export const benchmark: Benchmark = {
  name: 'read-path',
  description: 'public JSON and the HTML page served from the in-memory snapshot vs a raw node:http server returning the same bytes',
  budgetMs: 200_000,
  async run({ log }) {
    const herald = await startHerald();
    log(`herald up at ${herald.baseUrl}; seeding the page through the manage API`);
    await seedRealisticPage(herald);

    const recorded = new Map<string, RecordedResponse>();
    for (const path of paths) {
      const response = await record(`${herald.baseUrl}${path}`);
      recorded.set(path, response);
      log(`${path}: ${response.size.toLocaleString('en-US')} bytes, etag ${response.headers['etag']}`);
    }
    const raw = await startRawServer(recorded);

    const outcomes: Outcome[] = [];
    for (const path of paths) {
      log(`load on ${path}: ${load.rounds} rounds × ${load.durationS} s per target, -c ${load.connections}`);
      const results = await compareTargets(
        [
          { label: 'raw', url: `${raw.baseUrl}${path}` },
          { label: 'herald', url: `${herald.baseUrl}${path}` },
        ],
        load,
        log,
      );
      const heraldResult = results.get('herald')!;
      const rawResult = results.get('raw')!;
      // A rebuild during the run would mean Herald served other bytes than the baseline. The HTML page
      // may change with the clock alone (today's uptime figure moves while a component is down), so
      // for it only a change in size beyond a few bytes counts.
      const after = await record(`${herald.baseUrl}${path}`);
      const before = recorded.get(path)!;
      const drift = path === '/' ? Math.abs(after.body.length - before.body.length) > 64 : after.body !== before.body;
      const changed = drift ? 'Herald served different bytes after the run than before' : undefined;
      const name = path === '/' ? '/ (HTML)' : path.slice(path.lastIndexOf('/') + 1);
      outcomes.push({
        name,
        subject: heraldResult.measurement,
        baseline: rawResult.measurement,
        target: targets[path]!,
        notes: [
          `${after.size.toLocaleString('en-US')} bytes; herald answered ${heraldResult.total.toLocaleString('en-US')} requests: ` +
            `non-2xx ${heraldResult.non2xx}, errors ${heraldResult.errors}, timeouts ${heraldResult.timeouts}`,
          pairedRatios(heraldResult, rawResult),
        ],
        ...withInvalid(problems('herald', heraldResult) ?? problems('raw', rawResult) ?? changed),
      });
    }
    return outcomes;
  },
};

/** Each Herald round against the raw round next to it in time: less exposed to slow drifts in machine load. */
function pairedRatios(herald: TargetResult, raw: TargetResult): string {
  const ratios = herald.rounds.map((round, i) => round.rate / raw.rounds[i]!.rate);
  const percent = (r: number) => `${(r * 100).toFixed(0)} %`;
  return `herald/raw per round: ${ratios.map(percent).join(' / ')} (median ${percent(median(ratios))})`;
}

// exactOptionalPropertyTypes: leave the key out rather than set it to undefined.
function withInvalid(reason: string | undefined): { invalid?: string } {
  return reason === undefined ? {} : { invalid: reason };
}
