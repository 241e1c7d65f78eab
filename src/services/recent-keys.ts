import type { Clock } from "../services/log-service.js";

/** A set of keys remembered for a while: what this process has already handled. */
export interface RecentKeys {
  /** Records `key`; true when it was already there (a duplicate). */
  seen(key: string): boolean;
  /** Forgets `key`, so that a failed attempt can be retried. */
  forget(key: string): void;
}

/**
 * Remembers keys for `ttlMs` (and at most `maxSize` of them), for in-process
 * de-duplication of re-delivered events and double-clicked submissions.
 */
export function createRecentKeys(clock: Clock, ttlMs = 15 * 60_000, maxSize = 10_000): RecentKeys {
  const keys = new Map<string, number>();
  const prune = (now: number): void => {
    for (const [key, at] of keys) {
      if (now - at < ttlMs && keys.size <= maxSize) break;
      keys.delete(key);
    }
  };
  return {
    seen(key) {
      const now = clock.now().getTime();
      prune(now);
      const at = keys.get(key);
      if (at !== undefined && now - at < ttlMs) return true;
      keys.set(key, now);
      return false;
    },
    forget(key) {
      keys.delete(key);
    },
  };
}
