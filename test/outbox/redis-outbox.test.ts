/**
 * The shared outbox on a real Redis server (Debian's redis-server, started
 * by the test with appendonly): duplicates refused across replicas, a dead
 * replica's jobs taken over with their steps and run once, and a Redis that
 * goes away refusing new work instead of losing it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RedisOutbox } from "../../src/outbox/redis-outbox.js";
import { openRedisOutbox } from "../../src/outbox/redis-outbox.js";
import { redactUrl } from "../../src/outbox/redis-url.js";
import { OutboxError } from "../../src/outbox/outbox.js";
import { createOutboxWorker } from "../../src/outbox/outbox-worker.js";
import type { TestRedis } from "../support/redis-server.js";
import { startRedis } from "../support/redis-server.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.close();
});

const opened: RedisOutbox[] = [];
afterEach(async () => {
  for (const outbox of opened.splice(0)) await outbox.close().catch(() => undefined);
});

let prefixCounter = 0;
const quiet = (lines: string[] = []) => ({ info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) });
const job = (id: string) => ({ id, kind: "test", payload: { id }, receivedAt: new Date().toISOString() });

/** Two replicas' outboxes on one Redis, under a prefix of this test's own. */
async function replicas(leaseMs = 30_000, count = 2, prefix = `test-${++prefixCounter}:`): Promise<RedisOutbox[]> {
  const outboxes: RedisOutbox[] = [];
  for (let i = 0; i < count; i++) {
    const outbox = await openRedisOutbox({ url: redis.url, log: quiet(), prefix, leaseMs, owner: `replica-${i}` });
    opened.push(outbox);
    outboxes.push(outbox);
  }
  return outboxes;
}

/** A replica that dies: its connection drops and its leases are never renewed or released. */
const die = (outbox: RedisOutbox): void => {
  outbox.redis.disconnect();
};

describe("the Redis outbox", () => {
  it("refuses a delivery recorded by another replica, keeps steps, and forgets done jobs but not their ids", async () => {
    const [a, b] = await replicas();
    if (a === undefined || b === undefined) return;
    expect(await a.add(job("slack:view:V1"))).toBe(true);
    expect(await b.add(job("slack:view:V1"))).toBe(false);
    await a.mark("slack:view:V1", "committed", { id: "2026-12-07-x" });
    expect(a.pending()).toEqual([expect.objectContaining({ id: "slack:view:V1", steps: { committed: { id: "2026-12-07-x" } } })]);
    expect(b.pending()).toEqual([]);
    await a.remove("slack:view:V1");
    expect(a.pending()).toEqual([]);
    expect(await b.add(job("slack:view:V1"))).toBe(false);
    expect(await b.claim?.()).toEqual([]);
  });

  it("leaves a live replica's jobs alone, and takes over a dead one's, with its steps, once its lease lapses", async () => {
    const [a, b, c] = await replicas(300, 3);
    if (a === undefined || b === undefined || c === undefined) return;
    await a.add(job("j1"));
    await a.mark("j1", "committed", { sha: "abc" });
    expect(await b.claim?.()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Alive: its heartbeat renewed the lease.
    expect(await b.claim?.()).toEqual([]);
    die(a);
    await new Promise((resolve) => setTimeout(resolve, 450));
    const [taken, second] = await Promise.all([b.claim?.(), c.claim?.()]);
    const all = [...(taken ?? []), ...(second ?? [])];
    expect(all).toEqual([expect.objectContaining({ id: "j1", steps: { committed: { sha: "abc" } } })]);
  });

  it("runs a dead replica's job on the survivor's worker, once", async () => {
    const [a, b] = await replicas(200);
    if (a === undefined || b === undefined) return;
    const runs: string[] = [];
    const never = new Promise<void>(() => undefined);
    const workerA = createOutboxWorker({ outbox: a, log: quiet(), claimIntervalMs: 50 });
    workerA.register("test", async () => {
      runs.push("a");
    });
    workerA.start();
    // Recorded (acknowledged) by A, which dies before running it.
    await workerA.submit({ id: "j2", kind: "test", payload: {}, after: never });
    die(a);
    const workerB = createOutboxWorker({ outbox: b, log: quiet(), claimIntervalMs: 50 });
    workerB.register("test", async () => {
      runs.push("b");
    });
    workerB.start();
    const deadline = Date.now() + 5_000;
    while (runs.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(runs).toEqual(["b"]);
    expect(b.pending()).toEqual([]);
    await workerA.drain(0);
    await workerB.drain(0);
  });

  it("refuses new work at once while Redis is down, and takes it again when Redis is back, keeping what was recorded", async () => {
    const [a] = await replicas();
    if (a === undefined) return;
    await a.add(job("before"));
    await redis.kill();
    const started = Date.now();
    await expect(a.add(job("during"))).rejects.toBeInstanceOf(OutboxError);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(await a.ping()).toBe(false);
    await redis.start();
    const deadline = Date.now() + 10_000;
    while (!(await a.ping()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await a.add(job("after"))).toBe(true);
    // appendonly: what was recorded before the crash is still there, for every replica.
    const [b] = await replicas(30_000, 1, `test-${prefixCounter}:`);
    expect(await b?.add(job("before"))).toBe(false);
  });

  it("keeps the password out of what it says about the server", () => {
    expect(redactUrl("redis://:s3cret@redis.internal:6379/2")).toBe("redis://:REDACTED@redis.internal:6379/2");
  });
});
