import { baselineRound, incident, maxConnections, viewModel, type IncidentPayload } from './email-fanout.js';
import { timedPost } from './lib/fanout.js';
import { startHerald } from './lib/herald.js';
import { seedSubscribers, watchOutbox } from './lib/outbox-db.js';
import { startSmtpSink } from './lib/smtp-sink.js';
import type { Benchmark, Outcome } from './lib/types.js';

const subscribers = 100_000;
// Sending all 100,000 would take minutes at either rate: the rate is measured over a window of the
// backlog, after a warm-up, and the baseline sends as many messages as that window needs.
const warmupMs = 3_000;
const windowMs = 15_000;
const maxFanOutMs = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const benchmark: Benchmark = {
  name: 'email-fanout-100k',
  description: `one incident to ${subscribers.toLocaleString('en-US')} email subscribers: the fan-out transaction, then the worker's sending rate vs a plain nodemailer pool`,
  budgetMs: 150_000,
  async run({ log }): Promise<Outcome[]> {
    const smtp = await startSmtpSink();
    const herald = await startHerald({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_RATE_LIMIT: '0', SMTP_MAX_CONNECTIONS: String(maxConnections) });
    const quiet = await timedPost(herald, { incident: { ...incident, deliver_notifications: false } });
    seedSubscribers(herald.databaseFile, herald.pageId, subscribers);
    log(`seeded ${subscribers.toLocaleString('en-US')} email subscribers`);
    const watch = watchOutbox(herald.databaseFile);
    try {
      const model = viewModel(JSON.parse(watch.event(quiet.incidentId).payload) as IncidentPayload);
      const post = await timedPost(herald, { incident });
      const event = watch.event(post.incidentId);
      const rows = watch.deliveries(event.id).total;
      log(`POST /incidents wrote the event and ${rows.toLocaleString('en-US')} deliveries in ${post.postMs.toFixed(0)} ms`);
      await sleep(warmupMs);
      const start = watch.deliveries(event.id).states['delivered'] ?? 0;
      await sleep(windowMs);
      const end = watch.deliveries(event.id).states['delivered'] ?? 0;
      const rate = (end - start) / (windowMs / 1000);
      log(`herald delivered ${end - start} in ${windowMs / 1000} s: ${Math.round(rate)} msgs/s`);
      await herald.child.stop();
      const baseline = await baselineRound(smtp, model, Math.max(500, Math.round(rate * 2)));
      log(`nodemailer baseline: ${Math.round(baseline.rate)} msgs/s`);
      return [
        {
          name: 'fan-out-transaction',
          subject: { label: 'herald', rate: Math.round(post.postMs), unit: 'ms', p99Ms: Math.round(post.postMs), roundRates: [Math.round(post.postMs)], roundP99s: [] },
          target: {},
          limits: [{ name: 'fan-out transaction', value: Math.round(post.postMs), max: maxFanOutMs, unit: 'ms' }],
          notes: [
            `POST /incidents with ${rows.toLocaleString('en-US')} subscribers: ${post.postMs.toFixed(0)} ms, the event and every delivery row in one transaction ` +
              `(the same POST with notifications off: ${quiet.postMs.toFixed(0)} ms); target ≤ ${maxFanOutMs} ms`,
          ],
          ...(rows === subscribers ? {} : { invalid: `queued ${rows} deliveries, not ${subscribers}` }),
        },
        {
          name: 'send-rate',
          subject: { label: 'herald', rate, unit: 'msgs/s', p99Ms: watch.attemptP99Ms(event.id), roundRates: [rate], roundP99s: [] },
          baseline: { label: 'nodemailer', rate: baseline.rate, unit: 'msgs/s', p99Ms: Math.round(baseline.p99Ms * 10) / 10, roundRates: [baseline.rate], roundP99s: [] },
          target: { minRatio: 0.5 },
          notes: [
            `herald: messages delivered over ${windowMs / 1000} s of the 100k backlog, after ${warmupMs / 1000} s of warm-up; ` +
              `baseline: a nodemailer pool of ${maxConnections} connections sending as many comparable messages; no rate limit on either`,
          ],
          ...(baseline.problem ? { invalid: baseline.problem } : {}),
        },
      ];
    } finally {
      watch.close();
    }
  },
};
