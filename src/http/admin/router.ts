import express, { Router } from 'express';
import { createLoginThrottle } from '../../admin/login-throttle.js';
import { AppError } from '../../errors.js';
import { apiKeysRoutes } from './api-keys-routes.js';
import { auditRoutes } from './audit-routes.js';
import { componentsRoutes } from './components-routes.js';
import { deliveriesRoutes } from './deliveries-routes.js';
import { incidentRoutes } from './incident-routes.js';
import { incidentsRoutes } from './incidents-routes.js';
import { loginRoutes } from './login-routes.js';
import type { AdminDeps } from './options.js';
import { createRender, htmlErrorHandler } from './render.js';
import { requireCsrf, requireSession } from './session.js';
import { settingsRoutes } from './settings-routes.js';
import { subscribersRoutes } from './subscribers-routes.js';

/**
 * The admin console, mounted at /admin: server-rendered forms that call the same verbs as the
 * manage API, each change written to the audit log. Everything past the login needs a session,
 * and every POST past it the session's CSRF token.
 */
export function adminRouter(deps: AdminDeps): Router {
  const router = Router();
  const render = createRender(deps.views);
  const throttle = createLoginThrottle(deps.options.throttle);

  router.use(express.urlencoded({ extended: true, limit: deps.maxBodyBytes, parameterLimit: 2000 }));
  router.use(loginRoutes(deps, render, { db: deps.ctx.db, clock: deps.ctx.clock, throttle, policy: deps.options.session }));
  router.use(requireSession(deps), requireCsrf);
  for (const routes of [incidentsRoutes, incidentRoutes, componentsRoutes, settingsRoutes, apiKeysRoutes, subscribersRoutes, deliveriesRoutes, auditRoutes]) {
    router.use(routes(deps, render));
  }
  router.use((req, _res, next) => next(new AppError('not_found', `No console page at ${req.path}`)));
  router.use(htmlErrorHandler(deps.logger, render));
  return router;
}
