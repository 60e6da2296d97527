import { dirname, join } from 'node:path';
import { z } from 'zod';
import { parseDuration, parseDurationList } from './durations.js';
import { parseCidrList } from './net/address-policy.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().min(1);
const count = z.coerce.number().int().min(1);
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 30m, 1h or 2d' });
      return ms ?? 0;
    });

const schema = z.object({
  PORT: port.default(3000).describe('TCP port the HTTP server listens on'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Interface to bind; 127.0.0.1 keeps Herald local'),
  DATABASE_FILE: z.string().min(1).default('./data/herald.db').describe('SQLite database file, created on first start'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://status.example.com' })
    .optional()
    .describe('Public base URL of the status page, used in links; default http://localhost:PORT'),
  ADMIN_API_KEY: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe('Extra manage-API key accepted as-is, for automation'),
  PAGE_NAME: z.string().min(1).max(255).default('Status').describe('Name of the page created on first start'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(512 * 1024).describe('Largest request body accepted'),
  SCHEDULER_INTERVAL_MS: positiveMs.default(2000).describe('How often due maintenance transitions are applied'),
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587' })
    .optional()
    .describe('Mail server; without it, mail is written as .eml files to the mail folder beside the database'),
  MAIL_FROM: z.string().min(3).optional().describe("From address of notification mail, unless the page sets one; default noreply@<PUBLIC_URL host>"),
  SMTP_MAX_CONNECTIONS: count.default(5).describe('Pooled SMTP connections'),
  SMTP_RATE_LIMIT: z.coerce.number().int().min(0).default(10).describe('Messages per second to the mail server (0: unlimited)'),
  WEBHOOK_TIMEOUT_MS: positiveMs.default(15_000).describe('A webhook attempt that has not answered 2xx by then has failed'),
  WEBHOOK_ALLOWED_CIDRS: z
    .string()
    .default('')
    .refine((text) => {
      try {
        parseCidrList(text);
        return true;
      } catch {
        return false;
      }
    }, 'must be a comma-separated list of CIDRs such as 127.0.0.0/8,10.1.0.0/16')
    .describe('Private ranges webhooks may reach anyway (default: none)'),
  OUTBOX_RETRY_SCHEDULE: z
    .string()
    .default('0s,5s,5m,30m,2h,5h,10h,10h')
    .transform((text, ctx) => {
      const list = parseDurationList(text);
      if (!list || list.length === 0) ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of delays such as 0s,5s,5m,30m,2h' });
      return list ?? [];
    })
    .describe('Delay before each attempt of a delivery (its length is the number of attempts); ±20 % jitter'),
  OUTBOX_CONCURRENCY: count.default(32).describe('Webhook deliveries in flight at once, all subscribers together; one unanswered after 100 ms stops counting (mail has its own budget: 4 per SMTP connection)'),
  OUTBOX_MAX_IN_FLIGHT: count.default(512).describe('Hard cap on webhook deliveries in flight, slow ones included'),
  OUTBOX_PER_SUBSCRIBER_CONCURRENCY: count.default(2).describe('Deliveries in flight at once to one subscriber'),
  OUTBOX_LEASE: duration('2m').describe('How long a claimed delivery stays with its worker before another may take it'),
  OUTBOX_POLL: duration('1s').describe('How often the worker looks for due deliveries when nothing woke it'),
  OUTBOX_RETENTION_DAYS: count.default(30).describe('Delivered rows and their attempts are pruned after this many days'),
  QUARANTINE_AFTER_FAILURES: count.default(10).describe('Consecutive failed attempts that quarantine an endpoint...'),
  QUARANTINE_MIN_SPAN: duration('1h').describe('...provided the failures span at least this long'),
  WEBHOOK_SECRET_OVERLAP: duration('24h').describe('After a secret rotation, how long the old secret keeps signing too'),
  CONFIRMATION_TTL: duration('72h').describe('How long a subscription confirmation link works'),
  SUBSCRIBE_LIMIT_PER_CLIENT: count.default(10).describe('Sign-up requests one client address may make per SUBSCRIBE_LIMIT_WINDOW'),
  SUBSCRIBE_LIMIT_PER_ADDRESS: count.default(3).describe('Confirmation or manage-link mails one address may be sent per SUBSCRIBE_LIMIT_WINDOW'),
  SUBSCRIBE_LIMIT_WINDOW: duration('1h').describe('The window of both sign-up limits'),
  UNSUBSCRIBE_MAILTO: z.email('must be an email address').optional().describe('Mailbox offered as the mailto: target of List-Unsubscribe (optional)'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .describe("express 'trust proxy': false, true, a hop count or a list of proxy addresses; needed for per-client limits behind a proxy"),
});

export interface Config {
  port: number;
  host: string;
  databaseFile: string;
  publicUrl: string;
  adminApiKey: string | undefined;
  pageName: string;
  maxBodyBytes: number;
  schedulerIntervalMs: number;
  mail: { smtpUrl: string | undefined; from: string; maxConnections: number; rateLimit: number; folder: string };
  outbox: OutboxConfig;
  subscriptions: SubscriptionConfig;
  trustProxy: boolean | number | string;
}

export interface SubscriptionConfig {
  confirmationTtlMs: number;
  limitPerClient: number;
  limitPerAddress: number;
  limitWindowMs: number;
  unsubscribeMailto: string | undefined;
}

export interface OutboxConfig {
  webhookTimeoutMs: number;
  allowedCidrs: string;
  retryScheduleMs: number[];
  concurrency: number;
  /** Mail in flight at once: its own budget, so a slow mail server never holds webhooks back. */
  emailConcurrency: number;
  /** Hard cap on webhooks in flight, slow ones included. */
  maxInFlight: number;
  /** After this long without an answer a webhook stops counting against `concurrency`. */
  slowAfterMs: number;
  perSubscriberConcurrency: number;
  leaseMs: number;
  pollMs: number;
  retentionMs: number;
  quarantineAfterFailures: number;
  quarantineMinSpanMs: number;
  secretOverlapMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment. Throws a ConfigError naming every bad key. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "unset", as in most twelve-factor tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databaseFile: c.DATABASE_FILE,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    adminApiKey: c.ADMIN_API_KEY,
    pageName: c.PAGE_NAME,
    maxBodyBytes: c.MAX_BODY_BYTES,
    schedulerIntervalMs: c.SCHEDULER_INTERVAL_MS,
    mail: {
      smtpUrl: c.SMTP_URL,
      from: c.MAIL_FROM ?? `noreply@${new URL(c.PUBLIC_URL ?? 'http://localhost').hostname}`,
      maxConnections: c.SMTP_MAX_CONNECTIONS,
      rateLimit: c.SMTP_RATE_LIMIT,
      folder: join(dirname(c.DATABASE_FILE), 'mail'),
    },
    outbox: {
      webhookTimeoutMs: c.WEBHOOK_TIMEOUT_MS,
      allowedCidrs: c.WEBHOOK_ALLOWED_CIDRS,
      retryScheduleMs: c.OUTBOX_RETRY_SCHEDULE,
      concurrency: c.OUTBOX_CONCURRENCY,
      emailConcurrency: c.SMTP_MAX_CONNECTIONS * 4,
      maxInFlight: Math.max(c.OUTBOX_MAX_IN_FLIGHT, c.OUTBOX_CONCURRENCY),
      slowAfterMs: 100,
      perSubscriberConcurrency: c.OUTBOX_PER_SUBSCRIBER_CONCURRENCY,
      leaseMs: c.OUTBOX_LEASE,
      pollMs: c.OUTBOX_POLL,
      retentionMs: c.OUTBOX_RETENTION_DAYS * 86_400_000,
      quarantineAfterFailures: c.QUARANTINE_AFTER_FAILURES,
      quarantineMinSpanMs: c.QUARANTINE_MIN_SPAN,
      secretOverlapMs: c.WEBHOOK_SECRET_OVERLAP,
    },
    subscriptions: {
      confirmationTtlMs: c.CONFIRMATION_TTL,
      limitPerClient: c.SUBSCRIBE_LIMIT_PER_CLIENT,
      limitPerAddress: c.SUBSCRIBE_LIMIT_PER_ADDRESS,
      limitWindowMs: c.SUBSCRIBE_LIMIT_WINDOW,
      unsubscribeMailto: c.UNSUBSCRIBE_MAILTO,
    },
    trustProxy: c.TRUST_PROXY === 'true' ? true : c.TRUST_PROXY === 'false' ? false : /^\d+$/.test(c.TRUST_PROXY) ? Number(c.TRUST_PROXY) : c.TRUST_PROXY,
  };
}

/** The documented settings, for the README table and `herald config`. */
export const configDocs = Object.entries(schema.shape).map(([key, field]) => ({ key, description: field.description ?? '' }));
