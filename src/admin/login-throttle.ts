export interface ThrottlePolicy {
  /** Failed logins for one username within the window before that username is refused. */
  perUsername: number;
  /** Failed logins from one client address within the window before that address is refused. */
  perClient: number;
  windowMs: number;
}

export const defaultThrottlePolicy: ThrottlePolicy = { perUsername: 5, perClient: 20, windowMs: 15 * 60_000 };

export interface LoginThrottle {
  /** Seconds until a login for this client and username may be tried, or 0 when it may now. */
  retryAfterSeconds(client: string, username: string, now: Date): number;
  /** Counts an attempt as failed. Called before the password is checked, so parallel guesses cannot all slip through. */
  recordFailure(client: string, username: string, now: Date): void;
  /** Takes back the failure recorded at `at` for a login that succeeded, and forgives the username. */
  recordSuccess(client: string, username: string, at: Date): void;
}

// In memory on purpose: one process serves the page, and a restart forgetting a few failed
// logins costs little. The key count is bounded so a flood of made-up usernames cannot grow it without end.
const maxKeys = 10_000;

/** Sliding-window counts of failed logins per client address and per username. */
export function createLoginThrottle(policy: ThrottlePolicy = defaultThrottlePolicy): LoginThrottle {
  const failures = new Map<string, number[]>();
  const limits = { client: policy.perClient, user: policy.perUsername };

  const recent = (key: string, now: number): number[] => {
    const list = (failures.get(key) ?? []).filter((at) => at > now - policy.windowMs);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  const waitMs = (key: string, limit: number, now: number): number => {
    const list = recent(key, now);
    // Refused until enough of the failures have left the window to bring the count under the limit.
    return list.length < limit ? 0 : list[list.length - limit]! + policy.windowMs - now;
  };
  const prune = (now: number) => {
    for (const key of failures.keys()) recent(key, now);
    // Still full of live entries: forget the oldest keys first (a Map iterates in insertion order).
    for (const key of failures.keys()) {
      if (failures.size <= maxKeys) break;
      failures.delete(key);
    }
  };

  return {
    retryAfterSeconds(client, username, now) {
      const t = now.getTime();
      const ms = Math.max(waitMs(`client:${client}`, limits.client, t), waitMs(`user:${username}`, limits.user, t));
      return Math.ceil(ms / 1000);
    },
    recordFailure(client, username, now) {
      const t = now.getTime();
      for (const [key, limit] of [[`client:${client}`, limits.client], [`user:${username}`, limits.user]] as const) {
        // Only the newest `limit` failures decide anything; older ones need not be kept.
        failures.set(key, [...recent(key, t), t].slice(-limit));
      }
      if (failures.size > maxKeys) prune(t);
    },
    recordSuccess(client, username, at) {
      failures.delete(`user:${username}`);
      const list = failures.get(`client:${client}`);
      const index = list?.lastIndexOf(at.getTime()) ?? -1;
      if (list && index !== -1) list.splice(index, 1);
    },
  };
}
