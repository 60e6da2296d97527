import { spawnNode, type Child } from './processes.js';
import type { ReceivedHook, SinkPlan, SinkStats } from './webhook-sink-main.js';

export type { HookBehaviour, ReceivedHook, SinkPlan, SinkStats } from './webhook-sink-main.js';

export interface WebhookSink {
  child: Child;
  baseUrl: string;
  stats(): Promise<SinkStats>;
  /** Returns the counts so far and starts from zero (the received log too). */
  reset(): Promise<SinkStats>;
  /** Every hook request since the last reset, in arrival order. */
  received(): Promise<ReceivedHook[]>;
  /** Sets how each subscriber's hook answers from now on (replaces the previous plan). */
  plan(plan: SinkPlan): Promise<void>;
}

/** Starts the counting, signature-checking webhook receiver in its own process. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const child = spawnNode('webhook sink', ['test/bench/lib/webhook-sink-main.ts']);
  const [, baseUrl] = await child.waitFor(/webhook sink listening at (http:\/\/\S+)/);
  const call = async (path: string, method: string, body?: unknown): Promise<unknown> =>
    (await fetch(`${baseUrl}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })).json();
  return {
    child,
    baseUrl: baseUrl!,
    stats: async () => (await call('/__stats', 'GET')) as SinkStats,
    reset: async () => (await call('/__reset', 'POST')) as SinkStats,
    received: async () => (await call('/__received', 'GET')) as ReceivedHook[],
    plan: async (plan) => void (await call('/__plan', 'POST', plan)),
  };
}
