import { spawnNode, type Child } from './processes.js';
import type { SmtpStats } from './smtp-sink-main.js';

export type { SmtpStats };

export interface SmtpSink {
  child: Child;
  port: number;
  stats(): Promise<SmtpStats>;
  /** Returns the counts so far and starts from zero. */
  reset(): Promise<SmtpStats>;
}

/** Starts the counting smtp-server in its own process. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const child = spawnNode('smtp sink', ['test/bench/lib/smtp-sink-main.ts']);
  const [, port, controlUrl] = await child.waitFor(/smtp sink listening on port (\d+), control at (http:\/\/\S+)/);
  const call = async (path: string, method: string) => (await (await fetch(`${controlUrl}${path}`, { method })).json()) as SmtpStats;
  return { child, port: Number(port), stats: () => call('/stats', 'GET'), reset: () => call('/reset', 'POST') };
}
