import { timeFormatter } from '../../src/public/status-page-view.js';
import type { EmailBaselineInput, EmailBaselineResult } from './lib/email-baseline-main.js';
import { alternate, drainRound, incompleteNote, measurement, type DrainRound } from './lib/fanout.js';
import { startHerald } from './lib/herald.js';
import { seedSubscribers, watchOutbox } from './lib/outbox-db.js';
import { spawnNode } from './lib/processes.js';
import { startSmtpSink, type SmtpSink, type SmtpStats } from './lib/smtp-sink.js';
import type { Benchmark, Outcome } from './lib/types.js';

const subscribers = 2_000;
export const maxConnections = 5;
// Herald's default OUTBOX_CONCURRENCY, set explicitly: that many sendMail calls wait on the pool at once.
const inFlight = 32;
const rounds = 2;
// Two Herald rounds at this bound still fit the budget; a round that runs out reports what it got.
const roundTimeoutMs = 35_000;
const publicUrl = 'https://status.example.com';
const pageName = 'Acme Cloud';
export const incident = { name: 'Delayed email notifications', body: 'Some notification emails are arriving with a delay of up to 20 minutes. We are looking into it.' };

interface BaselineRound {
  rate: number;
  p99Ms: number;
  smtp: SmtpStats;
  problem?: string;
}

export interface IncidentPayload {
  incident: { name: string; shortlink: string; incident_updates: Array<{ body: string; display_at: string }> };
}

/** What Herald's notificationEmail feeds the incident-notification templates (src/outbox/messages.ts). */
export function viewModel(payload: IncidentPayload): Record<string, unknown> {
  const latest = payload.incident.incident_updates[0]!;
  const time = timeFormatter('Etc/UTC');
  return {
    pageName,
    publicUrl,
    name: payload.incident.name,
    status: 'Investigating',
    message: latest.body,
    at: time(new Date(latest.display_at)),
    url: payload.incident.shortlink,
    window: '',
    components: [],
  };
}

export async function baselineRound(smtp: SmtpSink, model: Record<string, unknown>, count = subscribers): Promise<BaselineRound> {
  await smtp.reset();
  const input: EmailBaselineInput = {
    port: smtp.port,
    count,
    inFlight,
    maxConnections,
    from: 'noreply@status.example.com',
    subject: `[${pageName}] New incident: ${incident.name}`,
    publicUrl,
    model,
  };
  const child = spawnNode('email baseline', ['test/bench/lib/email-baseline-main.ts'], { input: JSON.stringify(input) });
  const [, json] = await child.waitFor(/^result (.+)$/m, roundTimeoutMs);
  await child.stop();
  const result = JSON.parse(json!) as EmailBaselineResult;
  const stats = await smtp.stats();
  const lost = count - stats.messages;
  return {
    rate: result.ok / (result.durationMs / 1000),
    p99Ms: result.p99Ms,
    smtp: stats,
    ...(result.failed + lost > 0 ? { problem: `baseline: ${result.failed} failed sends, ${stats.messages} received` } : {}),
  };
}

const avgSize = (s: SmtpStats) => Math.round(s.bytes / Math.max(1, s.messages));

export const benchmark: Benchmark = {
  name: 'email-fanout',
  description: `one incident to ${subscribers.toLocaleString('en-US')} email subscribers through a local smtp-server vs a plain nodemailer pool`,
  budgetMs: 120_000,
  async run({ log }): Promise<Outcome[]> {
    const smtp = await startSmtpSink();
    const herald = await startHerald({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      // 0 turns the pool's rate limit off: this measures Herald, not a relay quota.
      SMTP_RATE_LIMIT: '0',
      SMTP_MAX_CONNECTIONS: String(maxConnections),
      OUTBOX_CONCURRENCY: String(inFlight),
    });
    // Not notified (no subscribers yet): gives the baseline the stored payload of the same incident text.
    const template = await herald.api('POST', '/incidents', { incident: { ...incident, deliver_notifications: false } });
    seedSubscribers(herald.databaseFile, herald.pageId, subscribers);
    log(`herald up at ${herald.baseUrl}; seeded ${subscribers.toLocaleString('en-US')} email subscribers`);

    const watch = watchOutbox(herald.databaseFile);
    try {
      const model = viewModel(JSON.parse(watch.event(template.id).payload) as IncidentPayload);
      const heraldRounds: Array<DrainRound & { smtp: SmtpStats }> = [];
      const baselineRounds: BaselineRound[] = [];
      await alternate(
        rounds,
        async (i) => {
          // Deliveries left over from a round that ran out of time would blur the next one.
          if (heraldRounds.some((r) => !r.complete)) return;
          await smtp.reset();
          const r = await drainRound(herald, watch, { incident }, async () => (await smtp.stats()).messages, subscribers, roundTimeoutMs);
          heraldRounds.push({ ...r, smtp: await smtp.stats() });
          log(`round ${i + 1}/${rounds} herald   ${Math.round(r.rate)} msgs/s (${r.rows} rows, drained in ${r.seconds.toFixed(2)} s)`);
        },
        async (i) => {
          const r = await baselineRound(smtp, model);
          baselineRounds.push(r);
          log(`round ${i + 1}/${rounds} baseline ${Math.round(r.rate)} msgs/s`);
        },
      );

      const incomplete = incompleteNote(heraldRounds, roundTimeoutMs);
      const problem = [...heraldRounds, ...baselineRounds].map((r) => r.problem).filter(Boolean).join('; ');
      return [
        {
          name: `${subscribers / 1000}k-subscribers`,
          subject: measurement('herald', 'msgs/s', heraldRounds),
          baseline: measurement('nodemailer', 'msgs/s', baselineRounds),
          target: { minRatio: 0.5 },
          notes: [
            `drain: POST response → last delivery acknowledged in ${heraldRounds.map((r) => `${r.seconds.toFixed(2)} s`).join(' / ')}; ` +
              `POST /incidents (fan-out of ${heraldRounds.map((r) => r.rows).join(' / ')} rows) ${heraldRounds.map((r) => `${r.postMs.toFixed(0)} ms`).join(' / ')}`,
            `both: SMTP pool of ${maxConnections} connections, ${inFlight} sends in flight (OUTBOX_CONCURRENCY), no rate limit (SMTP_RATE_LIMIT=0); ` +
              `the sink reads every message to the end without parsing`,
            `message size ${avgSize(heraldRounds[0]!.smtp).toLocaleString('en-US')} B (herald) vs ${avgSize(baselineRounds[0]!.smtp).toLocaleString('en-US')} B (baseline), ` +
              `herald's sink counts ${heraldRounds.map((r) => r.smtp.messages).join(' / ')}`,
            ...(incomplete ? [incomplete] : []),
            `p99 column: per-message send time (herald: attempt duration_ms, waiting for a pooled connection included)`,
          ],
          ...(problem ? { invalid: problem } : {}),
        },
      ];
    } finally {
      watch.close();
    }
  },
};
