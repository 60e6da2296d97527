import type { Clock } from './clock.js';
import type { Db } from './db/client.js';

/** What every verb receives: the database, the time, and how to tell the rest of the app that data changed. */
export interface DomainContext {
  db: Db;
  clock: Clock;
  /** Base URL of the public page, for shortlinks and payload links. */
  publicUrl: string;
  /** Called after a verb's transaction commits (rebuilds the public snapshot, later wakes the outbox). */
  changed(): void;
}
