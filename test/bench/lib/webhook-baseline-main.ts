// Child-process entry of the webhook baseline: the plain loop Herald's worker is compared with.
// Per subscriber it builds the same body (the event's payload plus a per-subscriber meta),
// signs it per Standard Webhooks with node:crypto and POSTs it with node:http keep-alive,
// `concurrency` at a time. No database, no retries, no bookkeeping: the ceiling on this box.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { percentile } from './measure.js';
import { hookPath, subscriptionLinks, webhookSecret } from './seeded-subscriber.js';
import { readStdinJson, type BaselineResult } from './baseline-io.js';

export interface WebhookBaselineInput {
  sinkUrl: string;
  count: number;
  concurrency: number;
  maxSockets: number;
  publicUrl: string;
  userAgent: string;
  event: { publicId: string; type: string; createdAt: string; payload: string };
}

export type WebhookBaselineResult = BaselineResult;

const input = await readStdinJson<WebhookBaselineInput>();
const { event, publicUrl } = input;
const inner = event.payload.slice(1, -1);
// What Herald reads from its subscribers table, held in memory here (and not timed).
const subscribers = Array.from({ length: input.count }, (_, n) => ({
  url: new URL(`${input.sinkUrl}${hookPath(n)}`),
  secret: webhookSecret(n),
  unsubscribe: subscriptionLinks(publicUrl, n).unsubscribe,
}));
const agent = new http.Agent({ keepAlive: true, maxSockets: input.maxSockets });

function post(n: number): Promise<number> {
  const subscriber = subscribers[n]!;
  const meta = {
    unsubscribe: subscriber.unsubscribe,
    documentation: `${publicUrl}/webhooks`,
    generated_at: event.createdAt,
    event_type: event.type,
    event_id: event.publicId,
  };
  const body = `{"meta":${JSON.stringify(meta)},${inner}}`;
  const id = `msg_${randomBytes(16).toString('hex')}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const key = Buffer.from(subscriber.secret.slice('whsec_'.length), 'base64');
  const signature = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  return new Promise((resolve, reject) => {
    const req = http.request(subscriber.url, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'user-agent': input.userAgent,
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
        'content-length': Buffer.byteLength(body),
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
let ok = 0;
let failed = 0;
const durations: number[] = [];
async function runner(): Promise<void> {
  while (next < input.count) {
    const n = next++;
    const started = performance.now();
    const status = await post(n).catch(() => 0);
    durations.push(performance.now() - started);
    if (status >= 200 && status < 300) ok += 1;
    else failed += 1;
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: input.concurrency }, runner));
const result: WebhookBaselineResult = { durationMs: performance.now() - started, ok, failed, p99Ms: percentile(durations, 99) };
agent.destroy();
process.stdout.write(`result ${JSON.stringify(result)}\n`);
