// Child-process entry of the email baseline: a plain nodemailer pool sending the same kind of
// message Herald sends (the same eta templates rendered per recipient, the same headers),
// `inFlight` sendMail calls at a time over `maxConnections` pooled connections.
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { percentile } from './measure.js';
import { subscriptionLinks } from './seeded-subscriber.js';
import { readStdinJson, type BaselineResult } from './baseline-io.js';
import { createViews } from '../../../src/views.js';

export interface EmailBaselineInput {
  port: number;
  count: number;
  inFlight: number;
  maxConnections: number;
  from: string;
  subject: string;
  publicUrl: string;
  /** The incident-notification view model, less the per-recipient links. */
  model: Record<string, unknown>;
}

export type EmailBaselineResult = BaselineResult;

const input = await readStdinJson<EmailBaselineInput>();
// Herald's own template engine and settings, so both render the same mail.
const views = createViews({ cache: true });
const host = new URL(input.publicUrl).hostname;
// Addresses and tokens are what Herald reads from its subscribers table: held in memory, not timed.
const recipients = Array.from({ length: input.count }, (_, n) => ({ to: `reader${n}@example.com`, links: subscriptionLinks(input.publicUrl, n) }));
const transport = nodemailer.createTransport({ host: '127.0.0.1', port: input.port, secure: false, ignoreTLS: true, pool: true, maxConnections: input.maxConnections });

async function send(n: number): Promise<void> {
  const { to, links } = recipients[n]!;
  const unsubscribeUrl = links.unsubscribe;
  // manageUrl: the link Herald's templates show when the model has one.
  const model = { ...input.model, unsubscribeUrl, manageUrl: links.manage };
  await transport.sendMail({
    from: input.from,
    to,
    subject: input.subject,
    text: views.render('emails/incident-notification-text', model),
    html: views.render('emails/incident-notification', model),
    messageId: `<msg_${randomBytes(16).toString('hex')}@${host}>`,
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    list: { unsubscribe: [[unsubscribeUrl]] },
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
    try {
      await send(n);
      ok += 1;
    } catch {
      failed += 1;
    }
    durations.push(performance.now() - started);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: input.inFlight }, runner));
const result: EmailBaselineResult = { durationMs: performance.now() - started, ok, failed, p99Ms: percentile(durations, 99) };
transport.close();
process.stdout.write(`result ${JSON.stringify(result)}\n`);
