import type { ErrorRequestHandler, Response } from 'express';
import type { Eta } from 'eta';
import type { Logger } from '../../logger.js';
import { createErrorHandler } from '../error-handler.js';
import { securityHeaders } from '../security-headers.js';
import { field } from './present.js';
import type { Viewer } from './session.js';

export type Render = (res: Response, template: string, model: Record<string, unknown>, status?: number) => void;

const sections = [
  ['incidents', 'Incidents'],
  ['maintenance', 'Maintenance'],
  ['components', 'Components'],
  ['subscribers', 'Subscribers'],
  ['deliveries', 'Deliveries'],
  ['api-keys', 'API keys'],
  ['settings', 'Settings'],
  ['audit', 'Audit log'],
] as const;

/** Renders a console page: its own layout, the signed-in user and CSRF token, no caching of private pages. */
export function createRender(views: Eta): Render {
  return (res, template, model, status = 200) => {
    const viewer = (res.locals as { viewer?: Viewer }).viewer;
    const section = typeof model['section'] === 'string' ? model['section'] : '';
    const html = views.render(`admin/${template}`, {
      ...model,
      viewer: viewer ? { username: viewer.user.username, csrf: viewer.session.csrfToken } : null,
      nav: viewer ? sections.map(([key, text]) => ({ href: `/admin/${key}`, text, current: key === section })) : [],
      field,
    });
    res.status(status).set(securityHeaders('text/html')).set('cache-control', 'no-store').type('html').send(html);
  };
}

/**
 * Console errors as HTML pages. The shared error handler still decides the status (it is the
 * only place codes become statuses) and logs 5xx; only its JSON body is swapped for a page.
 */
export function htmlErrorHandler(logger: Logger, render: Render): ErrorRequestHandler {
  const shared = createErrorHandler(logger);
  return (err, req, res, next) => {
    res.json = (body: { error?: string }) => {
      render(res, 'error', { title: `Error ${res.statusCode}`, status: res.statusCode, message: body.error ?? 'Something went wrong.' }, res.statusCode);
      return res;
    };
    shared(err, req, res, next);
  };
}
