import { spawnNode, type Child } from './processes.js';
import type { ReceivedMail, SmtpStats } from './smtp-sink-main.js';

export type { ReceivedMail, SmtpStats };

export interface SmtpSink {
  child: Child;
  port: number;
  stats(): Promise<SmtpStats>;
  /** Returns the counts so far and starts from zero. */
  reset(): Promise<SmtpStats>;
  /** Every message since the last reset, in arrival order (empty unless started with `record`). */
  received(): Promise<ReceivedMail[]>;
}

/** Starts the counting smtp-server in its own process; `record` also keeps recipients and Message-IDs. */
export async function startSmtpSink(options: { record?: boolean } = {}): Promise<SmtpSink> {
  const child = spawnNode('smtp sink', ['test/bench/lib/smtp-sink-main.ts'], options.record ? { env: { SMTP_SINK_RECORD: '1' } } : {});
  const [, port, controlUrl] = await child.waitFor(/smtp sink listening on port (\d+), control at (http:\/\/\S+)/);
  const call = async (path: string, method: string): Promise<unknown> => (await fetch(`${controlUrl}${path}`, { method })).json();
  return {
    child,
    port: Number(port),
    stats: async () => (await call('/stats', 'GET')) as SmtpStats,
    reset: async () => (await call('/reset', 'POST')) as SmtpStats,
    received: async () => (await call('/received', 'GET')) as ReceivedMail[],
  };
}
