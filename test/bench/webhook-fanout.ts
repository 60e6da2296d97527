import { alternate, drainRound, incompleteNote, measurement, timedPost, type DrainRound } from './lib/fanout.js';
import { startHerald } from './lib/herald.js';
import { memoryOf } from './lib/measure.js';
import { seedSubscribers, watchOutbox } from './lib/outbox-db.js';
import { spawnNode } from './lib/processes.js';
import { hookPath } from './lib/seeded-subscriber.js';
import type { Benchmark, Outcome } from './lib/types.js';
import type { WebhookBaselineInput, WebhookBaselineResult } from './lib/webhook-baseline-main.js';
import { startWebhookSink, type SinkStats, type WebhookSink } from './lib/webhook-sink.js';

const subscribers = 10_000;
// Herald's default OUTBOX_CONCURRENCY, set explicitly so the baseline is sure to match it.
const concurrency = 32;
const rounds = 2;
// Two Herald rounds at this bound still fit the budget; a round that runs out reports what it got.
const roundTimeoutMs = 35_000;
const maxPeakRssMb = 250;
const incident = { name: 'Elevated API error rates in eu-west', body: 'We are investigating an increase in 5xx responses from the API for customers in eu-west.' };

interface BaselineRound {
  rate: number;
  p99Ms: number;
  sink: SinkStats;
  problem?: string;
}

async function baselineRound(sink: WebhookSink, event: WebhookBaselineInput['event'], maxSockets: number): Promise<BaselineRound> {
  await sink.reset();
  const input: WebhookBaselineInput = {
    sinkUrl: sink.baseUrl,
    count: subscribers,
    concurrency,
    maxSockets,
    publicUrl: 'https://status.example.com',
    userAgent: 'Herald-Webhooks/0.1 (+https://status.example.com/webhooks)',
    event,
  };
  const child = spawnNode('webhook baseline', ['test/bench/lib/webhook-baseline-main.ts'], { input: JSON.stringify(input) });
  const [, json] = await child.waitFor(/^result (.+)$/m, roundTimeoutMs);
  await child.stop();
  const result = JSON.parse(json!) as WebhookBaselineResult;
  const stats = await sink.stats();
  const bad = result.failed + stats.badSignatures + (subscribers - stats.requests);
  return {
    rate: result.ok / (result.durationMs / 1000),
    p99Ms: result.p99Ms,
    sink: stats,
    ...(bad > 0 ? { problem: `baseline: ${result.failed} failed posts, ${stats.requests} received, ${stats.badSignatures} bad signatures` } : {}),
  };
}

const avgBody = (s: SinkStats) => Math.round(s.bodyBytes / Math.max(1, s.requests));
const ms = (n: number) => `${n.toFixed(0)} ms`;

export const benchmark: Benchmark = {
  name: 'webhook-fanout',
  description: `one incident to ${subscribers.toLocaleString('en-US')} webhook subscribers on a loopback receiver vs a plain signing node:http loop`,
  budgetMs: 120_000,
  async run({ log }): Promise<Outcome[]> {
    const sink = await startWebhookSink();
    const herald = await startHerald({ WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', OUTBOX_CONCURRENCY: String(concurrency) });
    // Without notifications there is no fan-out: once the route is warm, this is what the POST costs anyway.
    let plain = await timedPost(herald, { incident: { ...incident, deliver_notifications: false } });
    for (let i = 0; i < 3; i += 1) plain = await timedPost(herald, { incident: { ...incident, deliver_notifications: false } });
    const seedStarted = Date.now();
    seedSubscribers(herald.databaseFile, herald.pageId, subscribers, (n) => `${sink.baseUrl}${hookPath(n)}`);
    log(`herald up at ${herald.baseUrl}; seeded ${subscribers.toLocaleString('en-US')} webhook subscribers in ${Date.now() - seedStarted} ms`);

    const watch = watchOutbox(herald.databaseFile);
    try {
      // The same incident text as the measured ones, so the baseline's bodies are the same size.
      const event = { publicId: 'evt_baselinebaselinebase', type: 'incident.created', createdAt: new Date().toISOString(), payload: watch.event(plain.incidentId).payload };
      const idleMb = memoryOf(herald.child.process.pid!).rssMb;
      const heraldRounds: Array<DrainRound & { sink: SinkStats }> = [];
      const baselineRounds: BaselineRound[] = [];
      await alternate(
        rounds,
        async (i) => {
          // Deliveries left over from a round that ran out of time would blur the next one.
          if (heraldRounds.some((r) => !r.complete)) return;
          await sink.reset();
          const r = await drainRound(herald, watch, { incident }, async () => (await sink.stats()).requests, subscribers, roundTimeoutMs);
          const stats = await sink.stats();
          const bad = stats.badSignatures > 0 ? `${stats.badSignatures} webhooks from herald failed signature checks` : undefined;
          const problem = [r.problem, bad].filter(Boolean).join('; ');
          heraldRounds.push({ ...r, sink: stats, ...(problem ? { problem } : {}) });
          log(`round ${i + 1}/${rounds} herald   ${Math.round(r.rate)} deliveries/s (${r.rows} rows, POST ${ms(r.postMs)}, drained in ${r.seconds.toFixed(2)} s)`);
        },
        async (i) => {
          const r = await baselineRound(sink, event, concurrency);
          baselineRounds.push(r);
          log(`round ${i + 1}/${rounds} baseline ${Math.round(r.rate)} deliveries/s`);
        },
      );
      // VmHWM is the peak over the process's whole life, so reading it once at the end is enough.
      const memory = memoryOf(herald.child.process.pid!);

      const incomplete = incompleteNote(heraldRounds, roundTimeoutMs);
      const problem = [...heraldRounds, ...baselineRounds].map((r) => r.problem).filter(Boolean).join('; ');
      return [
        {
          name: `${subscribers / 1000}k-subscribers`,
          subject: measurement('herald', 'deliveries/s', heraldRounds),
          baseline: measurement('loop', 'deliveries/s', baselineRounds),
          target: { minRatio: 0.5 },
          limits: [{ name: 'peak RSS', value: memory.peakMb, max: maxPeakRssMb, unit: 'MB' }],
          notes: [
            `fan-out: POST /incidents writing the event and ${heraldRounds.map((r) => r.rows.toLocaleString('en-US')).join(' / ')} delivery rows took ` +
              `${heraldRounds.map((r) => ms(r.postMs)).join(' / ')} (the same POST without notifications: ${ms(plain.postMs)})`,
            `drain: POST response → last delivery acknowledged in ${heraldRounds.map((r) => `${r.seconds.toFixed(2)} s`).join(' / ')}; ` +
              `OUTBOX_CONCURRENCY=${concurrency} (Herald's default), as many sockets to the one receiver origin`,
            `baseline: ${concurrency} in flight on a keep-alive agent (up to ${concurrency} sockets), signing like Herald`,
            `herald RSS: ${Math.round(idleMb)} MB idle after seeding, ${Math.round(memory.rssMb)} MB at the end, peak (VmHWM) ${Math.round(memory.peakMb)} MB`,
            `receiver: ${heraldRounds.map((r) => `${r.sink.requests} requests, ${r.sink.duplicateIds} duplicate ids`).join(' / ')} from herald; ` +
              `body ${avgBody(heraldRounds[0]!.sink)} B (herald) vs ${avgBody(baselineRounds[0]!.sink)} B (baseline); every signature checked`,
            ...(incomplete ? [incomplete] : []),
            `p99 column: per-delivery request time (herald: attempt duration_ms, queueing in its agent included)`,
          ],
          ...(problem ? { invalid: problem } : {}),
        },
      ];
    } finally {
      watch.close();
    }
  },
};
