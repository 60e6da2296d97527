import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { loadPageState, type PageState } from './load-page-state.js';
import { publicApiBodies } from './present.js';

export interface Resource {
  body: Buffer;
  /** Strong validator: a hash of the exact bytes. */
  etag: string;
  contentType: string;
  /** Public API resources are readable from any origin (browser widgets). */
  cors: boolean;
}

export interface PublicSnapshot {
  /** The resource at `path`, rebuilt first if data changed since the last build. */
  get(path: string): Resource | undefined;
  /** Marks the snapshot stale and rebuilds it soon; many changes in a burst cost one rebuild. */
  invalidate(): void;
  state(): PageState;
}

export interface SnapshotDeps {
  db: Db;
  publicUrl: string;
  logger: Logger;
  /** Renders the HTML status page from the same state, so page and API never disagree. */
  renderStatusPage(state: PageState): string;
}

export function resource(body: string, contentType: string, cors: boolean): Resource {
  const buffer = Buffer.from(body);
  const etag = `"${createHash('sha256').update(buffer).digest('base64url').slice(0, 27)}"`;
  return { body: buffer, etag, contentType, cors };
}

/**
 * The public read path: every public body pre-serialized with its ETag, so a request
 * does no database work and no serialization. Rebuilt when data changes.
 */
export function createPublicSnapshot(deps: SnapshotDeps): PublicSnapshot {
  let version = 0;
  let builtVersion = -1;
  let scheduled = false;
  let current: { state: PageState; resources: Map<string, Resource> } | undefined;

  const build = () => {
    const buildingVersion = version;
    const state = loadPageState(deps.db);
    const resources = new Map<string, Resource>();
    for (const [path, body] of publicApiBodies(state, deps.publicUrl)) {
      const json = resource(JSON.stringify(body), 'application/json; charset=utf-8', true);
      resources.set(path, json);
      resources.set(path.slice(0, -'.json'.length), json);
    }
    resources.set('/', resource(deps.renderStatusPage(state), 'text/html; charset=utf-8', false));
    current = { state, resources };
    builtVersion = buildingVersion;
    return current;
  };
  const fresh = () => (current && builtVersion === version ? current : build());

  return {
    get: (path) => fresh().resources.get(path),
    state: () => fresh().state,
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
