import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PublicSnapshot, Resource } from '../public/snapshot.js';
import { securityHeaders } from './security-headers.js';

/** True when an If-None-Match list names this strong ETag (or is `*`). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim() === etag);
}

/** Writes a snapshot resource, answering 304 when the client already has these bytes. */
export function writeResource(req: IncomingMessage, res: ServerResponse, found: Resource): void {
  const headers: Record<string, string | number> = {
    'content-type': found.contentType,
    etag: found.etag,
    'cache-control': found.cacheControl,
    ...securityHeaders(found.contentType),
  };
  if (found.cors) headers['access-control-allow-origin'] = '*';
  if (matchesEtag(req.headers['if-none-match'], found.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['content-length'] = found.body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : found.body);
}

/**
 * Serves GET/HEAD of snapshot paths straight from node:http, before express: its per-request
 * overhead would cost about three quarters of the throughput of this hottest path.
 * Returns false when the request is not one it serves.
 */
export function createSnapshotHandler(snapshot: PublicSnapshot) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (req.method === 'OPTIONS' && path.startsWith('/api/v2/') && snapshot.get(path)) {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '86400',
      });
      res.end();
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const found = snapshot.get(path);
    if (!found) return false;
    writeResource(req, res, found);
    return true;
  };
}
