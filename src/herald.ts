import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { DomainContext } from './context.js';
import { openDb, type Db } from './db/client.js';
import { migrateDb } from './db/migrate.js';
import { createApp } from './http/app.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './logger.js';
import { createScheduler, type Scheduler } from './maintenance/scheduler.js';
import { bootstrapPage, type BootstrapResult } from './pages/bootstrap-page.js';
import { createPublicSnapshot, type PublicSnapshot } from './public/snapshot.js';
import { createViews } from './views.js';
import { createMailer } from './channels/email.js';
import { createWebhookChannel } from './channels/webhook.js';
import { createAddressPolicy, parseCidrList } from './net/address-policy.js';
import { checkEndpoint, systemResolve, type Resolve } from './net/check-endpoint.js';
import { createOutboxWorker, type OutboxWorker } from './outbox/worker.js';

export interface Herald {
  db: Db;
  ctx: DomainContext;
  snapshot: PublicSnapshot;
  scheduler: Scheduler;
  worker: OutboxWorker;
  server: Server;
  bootstrap: BootstrapResult;
  /** Listens on config.host:config.port (0 picks a free port) and returns the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests and claiming deliveries, lets in-flight work finish (up to `graceMs`), closes the database. */
  close(graceMs?: number): Promise<void>;
}

export interface HeraldOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** DNS for webhook hosts at subscribe time; tests may pass their own. */
  resolve?: Resolve;
  /** Jitter source of the retry schedule; tests pass a fixed one. */
  random?: () => number;
}

/** Says who is calling and where the receiving side's documentation is. */
export const webhookUserAgent = (publicUrl: string) => `Herald-Webhooks/0.1 (+${publicUrl}/webhooks)`;

/** Builds the whole application from its configuration: database, snapshot, HTTP server, scheduler. */
export function createHerald({ config, logger, clock = systemClock, resolve = systemResolve, random }: HeraldOptions): Herald {
  const db = openDb(config.databaseFile);
  migrateDb(db);
  const bootstrap = bootstrapPage(db, clock, config.pageName);
  const views = createViews({ cache: true });
  const policy = createAddressPolicy(parseCidrList(config.outbox.allowedCidrs));
  if (config.outbox.allowedCidrs) logger.warn(`webhooks may reach these private ranges: ${config.outbox.allowedCidrs} (WEBHOOK_ALLOWED_CIDRS)`);
  const userAgent = webhookUserAgent(config.publicUrl);
  const webhooks = createWebhookChannel({ timeoutMs: config.outbox.webhookTimeoutMs, policy, userAgent, maxSockets: config.outbox.maxInFlight });
  const mailer = createMailer({ ...config.mail, logger });
  let snapshot: PublicSnapshot | undefined;
  let worker: OutboxWorker | undefined;
  const ctx: DomainContext = {
    db,
    clock,
    publicUrl: config.publicUrl,
    changed: () => {
      worker?.wake();
      snapshot?.invalidate();
    },
    subscriptions: {
      checkEndpoint: (url, field) => checkEndpoint(url, policy, resolve, field),
      secretOverlapMs: config.outbox.secretOverlapMs,
    },
  };
  snapshot = createPublicSnapshot({ db, publicUrl: config.publicUrl, logger, clock, views });
  worker = createOutboxWorker({
    db,
    clock,
    config: config.outbox,
    publicUrl: config.publicUrl,
    mailFrom: config.mail.from,
    views,
    sendWebhook: webhooks.send,
    mailer,
    logger,
    userAgent,
    confirmationTtlMs: config.subscriptions.confirmationTtlMs,
    unsubscribeMailto: config.subscriptions.unsubscribeMailto,
    ...(random ? { random } : {}),
  });
  const app = createApp({
    ctx,
    snapshot,
    views,
    logger,
    adminApiKey: config.adminApiKey,
    maxBodyBytes: config.maxBodyBytes,
    subscriptions: config.subscriptions,
    trustProxy: config.trustProxy,
    // Behind https the console's cookies are never sent over plain http.
    admin: { secureCookies: config.publicUrl.startsWith('https:') },
  });
  const server = createHttpServer(app, snapshot);
  const scheduler = createScheduler(ctx, config.schedulerIntervalMs, logger);
  const outbox = worker;

  return {
    db,
    ctx,
    snapshot,
    scheduler,
    worker: outbox,
    server,
    bootstrap,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
        });
      }),
    close: async (graceMs = 8000) => {
      scheduler.stop();
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
        outbox.stop(graceMs),
      ]);
      webhooks.close();
      mailer.close();
      db.$client.close();
    },
  };
}
