import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';

export interface RateLimiter {
  /** Counts one hit for `key`; throws a rate_limited AppError (429 with Retry-After) past the limit. */
  hit(key: string, what: string): void;
}

// Bounded so a flood of distinct keys (spoofed or many clients) cannot grow memory without end.
const maxKeys = 50_000;

/** A sliding-window limit of `limit` hits per `windowMs` per key, in memory. */
export function createRateLimiter(options: { limit: number; windowMs: number; clock: Clock }): RateLimiter {
  const hits = new Map<string, number[]>();
  return {
    hit(key, what) {
      const now = options.clock.now().getTime();
      const recent = (hits.get(key) ?? []).filter((t) => t > now - options.windowMs);
      if (recent.length >= options.limit) {
        hits.set(key, recent);
        const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + options.windowMs - now) / 1000));
        throw new AppError('rate_limited', `Too many ${what}; try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
      }
      recent.push(now);
      hits.delete(key);
      hits.set(key, recent);
      if (hits.size > maxKeys) hits.delete(hits.keys().next().value!);
    },
  };
}

export interface SubscribeLimits {
  perClient: RateLimiter;
  perAddress: RateLimiter;
}

/** The sign-up limits, shared by the subscribe form and the public API so neither is a way around the other. */
export function createSubscribeLimits(config: { limitPerClient: number; limitPerAddress: number; limitWindowMs: number }, clock: Clock): SubscribeLimits {
  return {
    perClient: createRateLimiter({ limit: config.limitPerClient, windowMs: config.limitWindowMs, clock }),
    perAddress: createRateLimiter({ limit: config.limitPerAddress, windowMs: config.limitWindowMs, clock }),
  };
}

/** Counts a sign-up against the client and, when given, the target address. */
export function hitSubscribeLimits(limits: SubscribeLimits, clientIp: string | undefined, email: unknown): void {
  limits.perClient.hit(`ip:${clientIp ?? 'unknown'}`, 'subscription requests from your network');
  if (typeof email === 'string' && email.trim()) limits.perAddress.hit(`addr:${email.trim().toLowerCase()}`, 'subscription mails to this address');
}
