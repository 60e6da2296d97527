import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { PublicSnapshot } from '../public/snapshot.js';
import { createSnapshotHandler } from './serve-snapshot.js';

/** node:http in front of express: public snapshot reads are answered before express sees them. */
export function createHttpServer(app: Express, snapshot: PublicSnapshot): Server {
  const serveSnapshot = createSnapshotHandler(snapshot);
  const server = createServer((req, res) => {
    if (!serveSnapshot(req, res)) app(req, res);
  });
  // Bounded so a slow or stalled client cannot hold a socket forever.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}
