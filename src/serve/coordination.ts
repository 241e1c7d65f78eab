/**
 * What several replicas must agree on: who posts a scheduled digest (once
 * per tick, by whichever replica gets there first, and by another when that
 * one dies before it is done), and who holds the Discord gateway (one
 * replica at a time, under a lease it renews; another takes over within
 * `leaseMs` plus one poll when it dies). On one replica (no Redis) every
 * answer is "you": `localCoordinator`.
 */
import type { Redis } from "ioredis";
import { setTimeout as sleep } from "node:timers/promises";
import { messageOf } from "../error-details.js";
import { releaseHeld } from "../outbox/redis-lease.js";

export interface Lease {
  /** Stops renewing (and trying), and gives the lease up if held. */
  release(): Promise<void>;
}

export interface Coordinator {
  /**
   * Runs `work` for `key` on one replica: the first to take the key's lock.
   * The others wait; if the lock lapses (its replica died) before the work
   * is marked done, one of them runs it. Resolves when it is done anywhere,
   * or after `giveUpMs`.
   */
  once(key: string, work: () => Promise<void>): Promise<"ran" | "done elsewhere" | "gave up">;
  /**
   * Holds the lease `name` whenever it can: `onAcquired` runs once it is held;
   * `onLost` when another replica holds it after all (this one stalled past the lease).
   */
  holdLease(name: string, handlers: { onAcquired: () => Promise<void>; onLost: () => void }): Lease;
}

/** One replica: everything is this one's to do. */
export const localCoordinator: Coordinator = {
  async once(_key, work) {
    await work();
    return "ran";
  },
  holdLease(_name, { onAcquired }) {
    void onAcquired();
    return { release: () => Promise.resolve() };
  },
};

export interface RedisCoordinatorOptions {
  redis: Redis;
  /** This replica's name (the outbox's owner). */
  owner: string;
  prefix?: string;
  /** How long a held lock or lease lasts without renewal (default 15 s). */
  leaseMs?: number;
  /** How often a replica without the lease tries for it (default 5 s). */
  pollMs?: number;
  /** How long `once` waits for work another replica holds (default 10 minutes). */
  giveUpMs?: number;
  log: { info(message: string): void; warn(message: string): void };
}

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

export function redisCoordinator(options: RedisCoordinatorOptions): Coordinator {
  const { redis, owner, log } = options;
  const prefix = options.prefix ?? "research-log:";
  const leaseMs = options.leaseMs ?? 15_000;
  const pollMs = options.pollMs ?? 5_000;
  const giveUpMs = options.giveUpMs ?? 10 * 60_000;

  return {
    async once(key, work) {
      const lock = `${prefix}lock:${key}`;
      const done = `${prefix}done:${key}`;
      const deadline = Date.now() + giveUpMs;
      while (Date.now() < deadline) {
        try {
          if ((await redis.exists(done)) === 1) return "done elsewhere";
          if ((await redis.set(lock, owner, "PX", leaseMs, "NX")) === "OK") {
            // Renewed while the work runs: a slow post is not taken for a dead replica.
            const renew = setInterval(() => void redis.eval(RENEW, 1, lock, owner, String(leaseMs)).catch(() => undefined), Math.floor(leaseMs / 3));
            try {
              await work();
              await redis.set(done, owner, "EX", 2 * 24 * 60 * 60);
              return "ran";
            } finally {
              clearInterval(renew);
              await releaseHeld(redis, lock, owner);
            }
          }
        } catch (error) {
          // Redis away: wait and ask again; the work is not done anywhere without the lock either.
          log.warn(`coordination: ${key}: ${messageOf(error)}; trying again`);
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
      }
      return "gave up";
    },

    holdLease(name, { onAcquired, onLost }) {
      const key = `${prefix}lease:${name}`;
      let held = false;
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      const tick = async (): Promise<void> => {
        try {
          if (held) {
            const kept = (await redis.eval(RENEW, 1, key, owner, String(leaseMs))) as number;
            if (kept === 0) {
              held = false;
              log.warn(`coordination: lost the ${name} lease to another replica`);
              onLost();
            }
          } else if ((await redis.set(key, owner, "PX", leaseMs, "NX")) === "OK") {
            held = true;
            log.info(`coordination: this replica holds the ${name} lease`);
            // Not awaited: the lease is renewed while what it guards starts (a login can take longer than the lease).
            onAcquired().catch(async (error: unknown) => {
              log.warn(`coordination: starting what the ${name} lease guards failed (${messageOf(error)}); giving the lease up`);
              held = false;
              await releaseHeld(redis, key, owner);
            });
          }
        } catch (error) {
          // Redis away: nobody can take the lease meanwhile; keep what this replica does.
          log.warn(`coordination: the ${name} lease: ${messageOf(error)}`);
        }
        if (stopped) return;
        timer = setTimeout(() => void tick(), held ? Math.floor(leaseMs / 3) : pollMs);
        timer.unref();
      };
      void tick();
      return {
        async release() {
          stopped = true;
          if (timer !== undefined) clearTimeout(timer);
          if (held) await releaseHeld(redis, key, owner);
          held = false;
        },
      };
    },
  };
}
