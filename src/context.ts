import type { Clock } from './clock.js';
import type { Db } from './db/client.js';

/** What every verb receives: the database, the time, and how to tell the rest of the app that data changed. */
export interface DomainContext {
  db: Db;
  clock: Clock;
  /** Base URL of the public page, for shortlinks and payload links. */
  publicUrl: string;
  /** Called after a verb's transaction commits (rebuilds the public snapshot, wakes the outbox worker). */
  changed(): void;
  subscriptions: {
    /** Validates a webhook URL against the address policy (resolving its host); returns it normalized. */
    checkEndpoint(url: string, field: string): Promise<string>;
    /** How long a rotated-out webhook secret keeps signing. */
    secretOverlapMs: number;
  };
}
