/**
 * The outbox shared by several replicas, on Redis (`REDIS_URL`). Each job is
 * a hash; a sorted set lists the jobs not yet done; a lease key says which
 * replica runs a job. The replica that records a job holds its lease and
 * renews it while it lives; a job whose lease lapsed (its replica died) is
 * taken over by the next replica that looks (`claim`). A job runs on one
 * replica at a time, exactly once in effect: the log's edits are idempotent,
 * so the rare double run after a replica stalled past its lease changes
 * nothing twice.
 *
 * Keys, under a prefix (`research-log:` by default):
 * - `seen:<id>`: the delivery was recorded (a day): a platform's retry, or
 *   the same Discord event seen twice, is refused as a duplicate.
 * - `job:<id>`: hash, `job` (the job's JSON) and `step:<name>` per step.
 * - `jobs`: sorted set of the ids not yet done, by when they were received.
 * - `lease:<id>`: the replica running the job; expires after `leaseMs`.
 *
 * Every command fails at once while Redis is unreachable (no offline queue):
 * `add` then throws, and the platform is told no rather than "got it".
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { messageOf } from "../error-details.js";
import { releaseHeld } from "./redis-lease.js";
import { redactUrl } from "./redis-url.js";
import type { Outbox, OutboxJob, OutboxLogger } from "./outbox.js";
import { OutboxError } from "./outbox.js";

export interface RedisOutboxOptions {
  /** `redis://[:password@]host:port[/db]` (`rediss://` for TLS). */
  url: string;
  log: OutboxLogger;
  /** Key prefix (default `research-log:`), so that several deployments can share one Redis. */
  prefix?: string;
  /** How long a replica's hold on a job lasts without renewal (default 30 s): a dead replica's jobs are taken over after it. */
  leaseMs?: number;
  /** How long a delivery id is remembered as done, to refuse duplicates (default a day). */
  dedupeTtlS?: number;
  /** This replica's name in leases (default host-pid-random). */
  owner?: string;
  /** Per-command time limit (default 2 s): a Redis that hangs is as good as down. */
  commandTimeoutMs?: number;
}

export interface RedisOutbox extends Outbox {
  /** This replica's name in leases. */
  readonly owner: string;
  /** The connection, for the locks and leases that share it (digest, Discord gateway). */
  readonly redis: Redis;
  /** Whether Redis answers now (for `/readyz`). */
  ping(): Promise<boolean>;
}

const ADD = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('HSET', KEYS[2], 'job', ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
  redis.call('SET', KEYS[4], ARGV[5], 'PX', ARGV[6])
  return 1
end
return 0`;

/** Keep our lease; take it back if it lapsed and nobody took the job meanwhile. 0: another replica has it. */
const RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const REMOVE = `
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
return 1`;

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_DEDUPE_TTL_S = 24 * 60 * 60;
const CLAIM_BATCH = 200;

/** Connects to Redis and waits until it answers. @throws OutboxError when it cannot be reached. */
export async function openRedisOutbox(options: RedisOutboxOptions): Promise<RedisOutbox> {
  const prefix = options.prefix ?? "research-log:";
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const dedupeTtlS = options.dedupeTtlS ?? DEFAULT_DEDUPE_TTL_S;
  const owner = options.owner ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const { log } = options;
  const redis = new Redis(options.url, {
    lazyConnect: true,
    // Fail at once while disconnected: a submission must be refused, not queued in memory and lost.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let down = false;
  redis.on("error", (error: Error) => {
    if (!down) log.warn(`outbox: Redis at ${redactUrl(options.url)} failed: ${error.message}`);
    down = true;
  });
  redis.on("ready", () => {
    if (down) log.info(`outbox: Redis at ${redactUrl(options.url)} is back`);
    down = false;
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new OutboxError(`cannot reach Redis at ${redactUrl(options.url)}: ${messageOf(error)}`, { cause: error });
  }

  const key = {
    seen: (id: string) => `${prefix}seen:${id}`,
    job: (id: string) => `${prefix}job:${id}`,
    lease: (id: string) => `${prefix}lease:${id}`,
    jobs: `${prefix}jobs`,
  };
  /** The jobs this replica holds, as it last knew them. */
  const owned = new Map<string, OutboxJob>();

  const fail = (doing: string, error: unknown): OutboxError =>
    new OutboxError(`could not ${doing} in Redis at ${redactUrl(options.url)}: ${messageOf(error)}`, { cause: error });

  const renew = async (): Promise<void> => {
    for (const id of [...owned.keys()]) {
      const kept = (await redis.eval(RENEW, 2, key.lease(id), key.job(id), owner, String(leaseMs))) as number;
      if (kept === 0) {
        log.warn(`outbox: job ${id} was taken over by another replica (this one stalled past its lease); leaving it to that one`);
        owned.delete(id);
      }
    }
  };
  const heartbeat = setInterval(() => {
    renew().catch(() => undefined);
  }, Math.max(50, Math.floor(leaseMs / 3)));
  heartbeat.unref();

  const readJob = async (id: string): Promise<OutboxJob | undefined> => {
    const fields = await redis.hgetall(key.job(id));
    if (fields.job === undefined) return undefined;
    const job = JSON.parse(fields.job) as Omit<OutboxJob, "steps">;
    const steps: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (field.startsWith("step:")) steps[field.slice(5)] = JSON.parse(value) as unknown;
    }
    return { ...job, steps };
  };

  return {
    owner,
    redis,
    get location() {
      return `${redactUrl(options.url)} (${prefix}*)`;
    },
    get size() {
      return owned.size;
    },
    async add(job) {
      let added: number;
      try {
        added = (await redis.eval(
          ADD,
          4,
          key.seen(job.id),
          key.job(job.id),
          key.jobs,
          key.lease(job.id),
          String(dedupeTtlS),
          JSON.stringify(job),
          String(Date.parse(job.receivedAt) || Date.now()),
          job.id,
          owner,
          String(leaseMs),
        )) as number;
      } catch (error) {
        throw fail(`record job ${job.id}`, error);
      }
      if (added === 0) return false;
      owned.set(job.id, { ...job, steps: {} });
      return true;
    },
    async mark(id, step, data) {
      try {
        await redis.hset(key.job(id), `step:${step}`, JSON.stringify(data ?? null));
      } catch (error) {
        throw fail(`mark step ${step} of job ${id}`, error);
      }
      const job = owned.get(id);
      if (job !== undefined) job.steps = { ...job.steps, [step]: data ?? null };
    },
    async remove(id) {
      owned.delete(id);
      try {
        await redis.eval(REMOVE, 3, key.job(id), key.jobs, key.lease(id), id, owner);
      } catch (error) {
        throw fail(`remove job ${id}`, error);
      }
    },
    pending() {
      return [...owned.values()].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    },
    async claim() {
      const taken: OutboxJob[] = [];
      const ids = await redis.zrange(key.jobs, 0, CLAIM_BATCH - 1);
      for (const id of ids) {
        if (owned.has(id)) continue;
        if ((await redis.set(key.lease(id), owner, "PX", leaseMs, "NX")) !== "OK") continue;
        const job = await readJob(id);
        if (job === undefined) {
          // Done meanwhile (its hash gone): tidy the list.
          await redis.eval(REMOVE, 3, key.job(id), key.jobs, key.lease(id), id, owner);
          continue;
        }
        owned.set(id, job);
        taken.push(job);
      }
      if (taken.length > 0) log.info(`outbox: took over ${taken.length} job(s) whose replica stopped renewing them`);
      return taken;
    },
    async ping() {
      try {
        return (await redis.ping()) === "PONG";
      } catch {
        return false;
      }
    },
    async close() {
      clearInterval(heartbeat);
      // What is left goes back at once: the other replicas need not wait for the leases to lapse.
      for (const id of owned.keys()) await releaseHeld(redis, key.lease(id), owner);
      owned.clear();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
