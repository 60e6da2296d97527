import { spawnNode, type Child } from './processes.js';
import type { SinkStats } from './webhook-sink-main.js';

export type { SinkStats };

export interface WebhookSink {
  child: Child;
  baseUrl: string;
  stats(): Promise<SinkStats>;
  /** Returns the counts so far and starts from zero. */
  reset(): Promise<SinkStats>;
}

/** Starts the counting, signature-checking webhook receiver in its own process. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const child = spawnNode('webhook sink', ['test/bench/lib/webhook-sink-main.ts']);
  const [, baseUrl] = await child.waitFor(/webhook sink listening at (http:\/\/\S+)/);
  const call = async (path: string, method: string) => (await (await fetch(`${baseUrl}${path}`, { method })).json()) as SinkStats;
  return { child, baseUrl: baseUrl!, stats: () => call('/__stats', 'GET'), reset: () => call('/__reset', 'POST') };
}
