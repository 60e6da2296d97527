import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnNode, type Child } from './processes.js';

export interface HeraldProcess {
  child: Child;
  baseUrl: string;
  pageId: string;
  /** Its SQLite file, for benchmarks that seed or watch the database directly. */
  databaseFile: string;
  /** The admin key printed on first start. */
  apiKey: string;
  /** Calls the manage API under /api/v1/pages/{pageId}; throws unless the answer is 2xx. */
  api(method: string, path: string, body?: unknown): Promise<any>;
}

export interface StartHeraldOptions {
  /**
   * Use this database file instead of one in a fresh temp folder that is removed when the process
   * exits: the caller owns it, so it outlives a killed process (crash and restart tests).
   */
  databaseFile?: string;
  /** A restart on a database an earlier process bootstrapped: nothing is printed again, so its key and page id. */
  restartOf?: Pick<HeraldProcess, 'apiKey' | 'pageId'>;
}

/**
 * Starts `herald serve` as its own process on a fresh database, the way an operator would,
 * so its event loop does not compete with the load generator's.
 */
export async function startHerald(env: Record<string, string> = {}, options: StartHeraldOptions = {}): Promise<HeraldProcess> {
  const dir = options.databaseFile ? undefined : mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const databaseFile = options.databaseFile ?? join(dir!, 'herald.db');
  // The built server, as `npm start` runs it (the bench and test:long scripts build first).
  const child = spawnNode('herald', ['dist/main.js', 'serve'], {
    typescript: false,
    env: {
      DATABASE_FILE: databaseFile,
      HOST: '127.0.0.1',
      PORT: '0',
      PUBLIC_URL: 'https://status.example.com',
      PAGE_NAME: 'Acme Cloud',
      // An empty value means unset: the printed key must be the only one.
      ADMIN_API_KEY: '',
      ...env,
    },
    ...(dir ? { cleanup: () => rmSync(dir, { recursive: true, force: true }) } : {}),
  });
  // stdout and stderr are separate pipes, so each line is awaited on its own.
  const [, baseUrl] = await child.waitFor(/Herald is serving ".*" at (http:\/\/\S+) /);
  const apiKey = options.restartOf?.apiKey ?? (await child.waitFor(/^\s+(hk_\S+)$/m))[1]!;
  const pageId = options.restartOf?.pageId ?? (await child.waitFor(/Created the page ".*" \(id (\w+)\)\./))[1]!;

  const api = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method, headers: { authorization: `OAuth ${apiKey}`, 'content-type': 'application/json' } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(`${baseUrl}/api/v1/pages/${pageId}${path}`, init);
    const text = await res.text();
    // Herald logs the cause of a 5xx on stderr; the response body only says "Internal Server Error".
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}\nherald's last output:\n${child.output().slice(-2000)}`);
    return text ? JSON.parse(text) : undefined;
  };
  return { child, baseUrl: baseUrl!, pageId, databaseFile, apiKey, api };
}
