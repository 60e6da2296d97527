import type { RequestHandler } from 'express';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { isValidApiKey } from '../../api-keys/authenticate.js';
import { AppError } from '../../errors.js';

// Statuspage's own clients send `OAuth`, `oauth` or `Bearer`.
const schemePattern = /^\s*(?:oauth|bearer)\s+(\S+)\s*$/i;

function presentedKey(authorization: string | undefined, query: unknown): string | undefined {
  if (authorization !== undefined) return schemePattern.exec(authorization)?.[1];
  const fromQuery = (query as Record<string, unknown> | undefined)?.['api_key'];
  return typeof fromQuery === 'string' && fromQuery.length > 0 ? fromQuery : undefined;
}

/** Requires a manage-API key: `Authorization: OAuth|Bearer <key>` or `?api_key=<key>`. */
export function requireApiKey(db: Db, clock: Clock, adminApiKey: string | undefined): RequestHandler {
  return (req, _res, next) => {
    const key = presentedKey(req.headers.authorization, req.query);
    if (key === undefined || key.length > 512 || !isValidApiKey(db, adminApiKey, key, clock.now())) {
      next(new AppError('unauthorized', 'Could not authenticate'));
      return;
    }
    next();
  };
}
