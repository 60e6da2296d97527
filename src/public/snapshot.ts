import { createHash } from 'node:crypto';
import type { Eta } from 'eta';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { statusBadge } from './badge.js';
import { atomFeed, rssFeed } from './feeds.js';
import { loadPageHistory } from './load-page-history.js';
import { loadPageState, type PageState } from './load-page-state.js';
import { publicApiBodies } from './present.js';
import { statusPageView } from './status-page-view.js';

export interface Resource {
  body: Buffer;
  /** Strong validator: a hash of the exact bytes. */
  etag: string;
  contentType: string;
  /** Public API resources are readable from any origin (browser widgets). */
  cors: boolean;
  cacheControl: string;
}

export interface PublicSnapshot {
  /** The resource at `path`, rebuilt first if data changed (or time moved on) since the last build. */
  get(path: string): Resource | undefined;
  /** Marks the snapshot stale and rebuilds it soon; many changes in a burst cost one rebuild. */
  invalidate(): void;
  state(): PageState;
  /** A rendered page kept until the next rebuild (incident and history pages). */
  memo(key: string, build: () => Resource | undefined): Resource | undefined;
}

export interface SnapshotDeps {
  db: Db;
  publicUrl: string;
  logger: Logger;
  clock: Clock;
  views: Eta;
}

// Status data must never be served stale from a cache without asking: revalidate with the ETag.
export const revalidate = 'public, no-cache';
// The uptime bars and "today" move with the clock even when no data changes.
const maxAgeMs = 60_000;
const memoLimit = 500;

export function resource(body: string, contentType: string, options: { cors?: boolean; cacheControl?: string } = {}): Resource {
  const buffer = Buffer.from(body);
  const etag = `"${createHash('sha256').update(buffer).digest('base64url').slice(0, 27)}"`;
  return { body: buffer, etag, contentType, cors: options.cors ?? false, cacheControl: options.cacheControl ?? revalidate };
}

/**
 * The public read path: every public body pre-serialized with its ETag, so a request
 * does no database work and no serialization. Rebuilt when data changes.
 */
export function createPublicSnapshot(deps: SnapshotDeps): PublicSnapshot {
  let version = 0;
  let builtVersion = -1;
  let builtAt = 0;
  let scheduled = false;
  let current: { state: PageState; resources: Map<string, Resource>; memo: Map<string, Resource | undefined> } | undefined;

  const build = () => {
    const buildingVersion = version;
    const now = deps.clock.now();
    const state = loadPageState(deps.db);
    const history = loadPageHistory(deps.db, state.page.id, now, state.page.timeZone);
    const resources = new Map<string, Resource>();
    for (const [path, body] of publicApiBodies(state, deps.publicUrl)) {
      const json = resource(JSON.stringify(body), 'application/json; charset=utf-8', { cors: true });
      resources.set(path, json);
      resources.set(path.slice(0, -'.json'.length), json);
    }
    resources.set('/', resource(deps.views.render('pages/status', statusPageView(state, history, deps.publicUrl, now)), 'text/html; charset=utf-8'));
    if (state.page.allowRssAtomFeeds) {
      resources.set('/history.atom', resource(atomFeed(state.page, history.feedIncidents, deps.publicUrl), 'application/atom+xml; charset=utf-8'));
      resources.set('/history.rss', resource(rssFeed(state.page, history.feedIncidents, deps.publicUrl), 'application/rss+xml; charset=utf-8'));
    }
    // Badges are embedded in READMEs and proxied by image caches: let them keep it a minute.
    resources.set('/badge.svg', resource(statusBadge('status', state.status), 'image/svg+xml; charset=utf-8', { cors: true, cacheControl: 'public, max-age=60' }));
    current = { state, resources, memo: new Map() };
    builtVersion = buildingVersion;
    builtAt = deps.clock.now().getTime();
    return current;
  };
  const fresh = () => (current && builtVersion === version && deps.clock.now().getTime() - builtAt < maxAgeMs ? current : build());

  return {
    get: (path) => fresh().resources.get(path),
    state: () => fresh().state,
    memo(key, make) {
      const { memo } = fresh();
      if (memo.has(key)) return memo.get(key);
      const made = make();
      if (memo.size >= memoLimit) memo.delete(memo.keys().next().value!);
      memo.set(key, made);
      return made;
    },
    invalidate() {
      version += 1;
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        try {
          fresh();
        } catch (error) {
          // The next read rebuilds again; until then readers get a clear error instead of stale data.
          deps.logger.error('public snapshot rebuild failed', { error: String(error) });
        }
      });
    },
  };
}
