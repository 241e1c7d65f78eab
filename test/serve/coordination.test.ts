/**
 * Replicas agreeing on a real Redis: one digest per tick, posted by another
 * replica when the one holding the lock dies, and one holder of a lease (the
 * Discord gateway), taken over within a bounded time when it dies.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Coordinator } from "../../src/serve/coordination.js";
import { redisCoordinator } from "../../src/serve/coordination.js";
import type { TestRedis } from "../support/redis-server.js";
import { startRedis } from "../support/redis-server.js";

let server: TestRedis;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server.close();
});

const connections: Redis[] = [];
afterEach(() => {
  for (const connection of connections.splice(0)) connection.disconnect();
});

let prefixCounter = 0;
const quiet = { info: () => undefined, warn: () => undefined };

/** Replicas, each with its own connection, under a prefix of this test's own. */
function replicas(count: number, timing = { leaseMs: 300, pollMs: 50 }): { coordinator: Coordinator; connection: Redis }[] {
  const prefix = `coord-${++prefixCounter}:`;
  return Array.from({ length: count }, (_, i) => {
    const connection = new Redis(server.url, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
    connections.push(connection);
    return { connection, coordinator: redisCoordinator({ redis: connection, owner: `replica-${i}`, prefix, ...timing, giveUpMs: 5_000, log: quiet }) };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("coordination on Redis", () => {
  it("runs a tick's work on one replica only", async () => {
    const posted: number[] = [];
    const all = replicas(3);
    const outcomes = await Promise.all(all.map(({ coordinator }, i) => coordinator.once("digest:slack:default:2026-12-07T09:00", async () => {
      await sleep(50);
      posted.push(i);
    })));
    expect(posted).toHaveLength(1);
    expect(outcomes.filter((o) => o === "ran")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "done elsewhere")).toHaveLength(2);
  });

  it("runs the work on another replica when the one holding the lock dies before it is done", async () => {
    const [a, b] = replicas(2);
    if (a === undefined || b === undefined) return;
    const key = "digest:slack:default:2026-12-07T10:00";
    let aStarted!: () => void;
    const started = new Promise<void>((resolve) => (aStarted = resolve));
    void a.coordinator.once(key, async () => {
      aStarted();
      a.connection.disconnect();
      await new Promise(() => undefined);
    });
    await started;
    const posted: string[] = [];
    expect(await b.coordinator.once(key, async () => void posted.push("b"))).toBe("ran");
    expect(posted).toEqual(["b"]);
  });

  it("gives a lease to one replica, and to another within the lease and a poll when the holder dies", async () => {
    const [a, b] = replicas(2);
    if (a === undefined || b === undefined) return;
    const holders: string[] = [];
    a.coordinator.holdLease("discord-gateway", { onAcquired: async () => void holders.push("a"), onLost: () => holders.push("a lost") });
    await sleep(100);
    const leaseB = b.coordinator.holdLease("discord-gateway", { onAcquired: async () => void holders.push("b"), onLost: () => holders.push("b lost") });
    await sleep(600);
    expect(holders).toEqual(["a"]);
    const died = Date.now();
    a.connection.disconnect();
    while (!holders.includes("b") && Date.now() - died < 3_000) await sleep(20);
    expect(holders).toEqual(["a", "b"]);
    // Bounded: the lease (300 ms) and one poll (50 ms), with room for a busy machine.
    expect(Date.now() - died).toBeLessThan(1_500);
    await leaseB.release();
  });
});
