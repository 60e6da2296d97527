import express, { type RequestHandler } from 'express';
import type { Eta } from 'eta';
import type { SubscriptionConfig } from '../config.js';
import type { DomainContext } from '../context.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { defaultAdminOptions, type AdminOptions } from './admin/options.js';
import { adminRouter } from './admin/router.js';
import type { PublicSnapshot } from '../public/snapshot.js';
import { requireApiKey } from './api/auth.js';
import { componentGroupsRouter } from './api/component-groups.js';
import { apiKeysRouter } from './api/api-keys.js';
import { componentsRouter } from './api/components.js';
import { deliveriesRouter } from './api/deliveries.js';
import { incidentsRouter } from './api/incidents.js';
import { pagesRouter } from './api/pages.js';
import { publicSubscribersRouter } from './api/public-subscribers.js';
import { subscribersRouter } from './api/subscribers.js';
import { createErrorHandler, notFoundHandler } from './error-handler.js';
import { publicPagesRouter } from './pages/public-pages.js';
import { subscriptionPagesRouter } from './pages/subscriptions.js';
import { createSubscribeLimits } from './rate-limit.js';
import { securityHeaders } from './security-headers.js';
import { createSnapshotHandler } from './serve-snapshot.js';

export interface AppDeps {
  ctx: DomainContext;
  snapshot: PublicSnapshot;
  views: Eta;
  logger: Logger;
  adminApiKey: string | undefined;
  maxBodyBytes: number;
  subscriptions: SubscriptionConfig;
  /** express 'trust proxy', so per-client limits see the client behind a reverse proxy. */
  trustProxy: boolean | number | string;
  /** Console cookies, session lifetimes and login throttling; defaults when left out. */
  admin?: Partial<AdminOptions> | undefined;
}

// Every manage path takes an optional `.json` suffix, as Statuspage's legacy clients send it.
const stripJsonSuffix: RequestHandler = (req, _res, next) => {
  if (req.url.startsWith('/api/v1/')) req.url = req.url.replace(/\.json(?=$|\?)/, '');
  next();
};

const writesNeedKnownBodies: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is(['application/json', 'application/*+json', 'application/x-www-form-urlencoded'])) {
    next(new AppError('unsupported_media_type', 'Send the body as application/json or application/x-www-form-urlencoded'));
    return;
  }
  next();
};

/** The express application: manage API, public pages and the error handler. Never listens itself. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Rails-style bracket keys (`incident[name]=…`) in query strings, as Statuspage accepts them.
  app.set('query parser', 'extended');
  app.set('trust proxy', deps.trustProxy);
  const limits = createSubscribeLimits(deps.subscriptions, deps.ctx.clock);
  app.use(stripJsonSuffix);
  app.use((_req, res, next) => {
    // The strict HTML set on everything: redirects and error bodies can be rendered by a browser too.
    for (const [name, value] of Object.entries(securityHeaders('text/html'))) res.setHeader(name, value);
    next();
  });

  const limit = deps.maxBodyBytes;
  app.use(
    '/api/v1',
    requireApiKey(deps.ctx.db, deps.ctx.clock, deps.adminApiKey),
    writesNeedKnownBodies,
    express.json({ limit, type: ['application/json', 'application/*+json'] }),
    express.urlencoded({ extended: true, limit, parameterLimit: 2000 }),
    pagesRouter(deps.ctx),
    componentsRouter(deps.ctx),
    componentGroupsRouter(deps.ctx),
    incidentsRouter(deps.ctx),
    subscribersRouter(deps.ctx),
    deliveriesRouter(deps.ctx),
    apiKeysRouter(deps.ctx),
  );

  app.use('/admin', adminRouter({ ctx: deps.ctx, views: deps.views, logger: deps.logger, maxBodyBytes: limit, options: { ...defaultAdminOptions, ...deps.admin } }));

  // Normally answered before express (see http/server.ts); kept here so the app alone is complete.
  const serveSnapshot = createSnapshotHandler(deps.snapshot);
  app.use((req, res, next) => {
    if (!serveSnapshot(req, res)) next();
  });

  app.use(publicSubscribersRouter(deps.ctx, limits));
  app.use(subscriptionPagesRouter({ ctx: deps.ctx, views: deps.views, clock: deps.ctx.clock, limits }));
  app.use(publicPagesRouter(deps.ctx, deps.snapshot, deps.views));

  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return app;
}
