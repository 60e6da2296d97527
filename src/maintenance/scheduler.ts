import type { DomainContext } from '../context.js';
import type { Logger } from '../logger.js';
import { runDueTransitions } from './run-due-transitions.js';

export interface Scheduler {
  /** Applies what is due now; tests call this with an injected clock instead of waiting. */
  runOnce(): number;
  start(): void;
  stop(): void;
}

/** Applies due maintenance transitions every `intervalMs`. */
export function createScheduler(ctx: DomainContext, intervalMs: number, logger: Logger): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    try {
      runDueTransitions(ctx);
    } catch (error) {
      logger.error('maintenance scheduler failed; retrying on the next tick', { error: String(error) });
    }
  };
  return {
    runOnce: () => runDueTransitions(ctx),
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
