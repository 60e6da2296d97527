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
import { statusPageView } from './public/status-page-view.js';
import { createViews } from './views.js';

export interface Herald {
  db: Db;
  ctx: DomainContext;
  snapshot: PublicSnapshot;
  scheduler: Scheduler;
  server: Server;
  bootstrap: BootstrapResult;
  /** Listens on config.host:config.port (0 picks a free port) and returns the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, lets in-flight ones finish, stops timers and closes the database. */
  close(): Promise<void>;
}

export interface HeraldOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
}

/** Builds the whole application from its configuration: database, snapshot, HTTP server, scheduler. */
export function createHerald({ config, logger, clock = systemClock }: HeraldOptions): Herald {
  const db = openDb(config.databaseFile);
  migrateDb(db);
  const bootstrap = bootstrapPage(db, clock, config.pageName);
  const views = createViews({ cache: true });
  let snapshot: PublicSnapshot | undefined;
  const ctx: DomainContext = { db, clock, publicUrl: config.publicUrl, changed: () => snapshot?.invalidate() };
  snapshot = createPublicSnapshot({
    db,
    publicUrl: config.publicUrl,
    logger,
    renderStatusPage: (state) => views.render('pages/status', statusPageView(state, config.publicUrl)),
  });
  const app = createApp({ ctx, snapshot, views, logger, adminApiKey: config.adminApiKey, maxBodyBytes: config.maxBodyBytes });
  const server = createHttpServer(app, snapshot);
  const scheduler = createScheduler(ctx, config.schedulerIntervalMs, logger);

  return {
    db,
    ctx,
    snapshot,
    scheduler,
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
    close: async () => {
      scheduler.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      db.$client.close();
    },
  };
}
