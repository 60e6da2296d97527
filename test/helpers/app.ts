import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createApiKey } from '../../src/api-keys/create-api-key.js';
import { loadConfig } from '../../src/config.js';
import { createHerald, type Herald } from '../../src/herald.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import type { Resolve } from '../../src/net/check-endpoint.js';
import { manualClock, type ManualClock } from './clock.js';
import { tempDir } from './db.js';

export interface TestApp {
  herald: Herald;
  baseUrl: string;
  pageId: string;
  /** The admin key printed on first start. */
  apiKey: string;
  clock: ManualClock;
  /** Calls the manage API under /api/v1/pages/{pageId} with the admin key and a JSON body. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** Raw fetch against the app. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function readResponse(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/**
 * Starts the real application (real SQLite file with migrations, real HTTP server on a
 * loopback port) and stops it after the test. `env` overrides configuration.
 */
export interface StartAppOptions {
  env?: Record<string, string>;
  clock?: ManualClock;
  /** Subscribe-time DNS for webhook hosts (default: the system resolver). */
  resolve?: Resolve;
  /** Where the app logs (default: nowhere). */
  logger?: Logger;
}

export async function startApp(t: TestContext, options: StartAppOptions = {}): Promise<TestApp> {
  const dir = tempDir(t);
  const clock = options.clock ?? manualClock();
  const config = loadConfig({
    DATABASE_FILE: join(dir, 'herald.db'),
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://status.test',
    ...options.env,
  });
  const herald = createHerald({ config, logger: options.logger ?? silentLogger, clock, ...(options.resolve ? { resolve: options.resolve } : {}) });
  const baseUrl = await herald.listen();
  t.after(() => herald.close());
  // A database that already had its page (an upgrade test, say) printed no first key: make one.
  const apiKey = herald.bootstrap.firstAdminKey?.key ?? createApiKey(herald.db, clock, 'test').key;
  const pageId = herald.bootstrap.page.id;
  const fetchApp = (path: string, init?: RequestInit) => fetch(`${baseUrl}${path}`, init);
  return {
    herald,
    baseUrl,
    pageId,
    apiKey,
    clock,
    fetch: fetchApp,
    async api(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { authorization: `OAuth ${apiKey}`, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      return readResponse(await fetchApp(`/api/v1/pages/${pageId}${path}`, init));
    },
  };
}

/** Creates a component through the manage API and returns its JSON. */
export async function createComponent(app: TestApp, fields: Record<string, unknown>): Promise<any> {
  const res = await app.api('POST', '/components', { component: fields });
  if (res.status !== 201) throw new Error(`component create failed: ${res.status} ${res.text}`);
  return res.body;
}

/** Creates an incident through the manage API and returns its JSON. */
export async function createIncident(app: TestApp, fields: Record<string, unknown>): Promise<any> {
  const res = await app.api('POST', '/incidents', { incident: fields });
  if (res.status !== 201) throw new Error(`incident create failed: ${res.status} ${res.text}`);
  return res.body;
}
