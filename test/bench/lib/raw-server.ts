import { spawnNode, type Child } from './processes.js';

export interface RecordedResponse {
  headers: Record<string, string>;
  /** base64, so the bytes survive JSON unchanged. */
  body: string;
}

// Set by node:http itself on every response, or per connection.
const perConnection = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** GETs `url` and keeps its exact bytes and headers, to be replayed by the raw server. */
export async function record(url: string): Promise<RecordedResponse & { size: number }> {
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body.toString()}`);
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!perConnection.has(name)) headers[name] = value;
  });
  if (headers['content-length'] !== String(body.length)) throw new Error(`GET ${url}: content-length does not match the body`);
  return { headers, body: body.toString('base64'), size: body.length };
}

/** Starts the raw node:http baseline in its own process, answering each path with its recorded response. */
export async function startRawServer(responses: Map<string, RecordedResponse>): Promise<{ child: Child; baseUrl: string }> {
  const child = spawnNode('raw server', ['test/bench/lib/raw-server-main.ts'], {
    input: JSON.stringify(Object.fromEntries(responses)),
  });
  const [, baseUrl] = await child.waitFor(/raw server listening at (http:\/\/\S+)/);
  return { child, baseUrl: baseUrl! };
}
