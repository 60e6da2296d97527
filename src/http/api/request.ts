import type { Request } from 'express';
import { AppError } from '../../errors.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The resource body of a write: `{wrapper: {...}}` in JSON or form (`incident[name]=…`), the same
 * bracket keys in the query string as Statuspage's Rails API merges them, or an unwrapped body.
 */
export function wrappedBody(req: Request, wrapper: string): unknown {
  const body: unknown = req.body;
  if (isObject(body) && wrapper in body) return body[wrapper];
  const query = req.query as Record<string, unknown>;
  if (wrapper in query) return query[wrapper];
  if (body === undefined) return {};
  return body;
}

/**
 * The whole body of a write whose wrapper may sit beside other keys (component groups put
 * `description` next to `component_group`), falling back to bracket keys in the query string.
 */
export function bodyWithQueryFallback(req: Request, wrapper: string): unknown {
  const body: unknown = req.body;
  if (isObject(body) && Object.keys(body).length > 0) return body;
  const query = req.query as Record<string, unknown>;
  return wrapper in query ? query : (body ?? {});
}

export interface Paging {
  limit: number;
  offset: number;
}

function whole(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value.trim())) {
    throw new AppError('bad_request', `${name} must be a whole number`);
  }
  return Number(value);
}

/**
 * `page` and `per_page`/`limit` as Statuspage reads them: at most 100 a page, pages
 * counted from 1 (subscribers count from 0, hence `firstPage`).
 */
export function paging(req: Request, { firstPage = 1, max = 100 } = {}): Paging {
  const query = req.query as Record<string, unknown>;
  const requested = whole(query['limit'], 'limit') ?? whole(query['per_page'], 'per_page') ?? max;
  const limit = Math.min(Math.max(requested, 1), max);
  const page = whole(query['page'], 'page') ?? firstPage;
  if (page < firstPage) throw new AppError('bad_request', `page must be ${firstPage} or more`);
  return { limit, offset: (page - firstPage) * limit };
}

export function queryString(req: Request, name: string, max = 255): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new AppError('bad_request', `${name} must be a single string`);
  if (value.length > max) throw new AppError('bad_request', `${name} must be at most ${max} characters`);
  return value;
}
