/**
 * What a submission waits for before the platform is told "got it": the
 * outbox recording it. The file journal (fsync per record) side by side
 * with the shared outbox on a local Redis (appendonly, everysec), 2,000
 * submissions, 50 at a time, measured in one run. The jobs' own work is
 * left out (they are held until the end): this is the acknowledgement path.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFileOutbox } from "../src/outbox/file-outbox.js";
import type { Outbox } from "../src/outbox/outbox.js";
import { createOutboxWorker } from "../src/outbox/outbox-worker.js";
import { openRedisOutbox } from "../src/outbox/redis-outbox.js";
import { startRedis } from "../test/support/redis-server.js";

const SUBMISSIONS = 2_000;
const CONCURRENCY = 50;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Result {
  name: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function measure(name: string, outbox: Outbox): Promise<Result> {
  const worker = createOutboxWorker({ outbox, log: quiet });
  worker.register("bench", async () => undefined);
  const hold = new Promise<void>(() => undefined);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SUBMISSIONS) {
        const n = next++;
        const at = performance.now();
        await worker.submit({ id: `bench:${name}:${n}`, kind: "bench", payload: { title: `Finding ${n}`, finding: "x".repeat(500) }, after: hold });
        latencies.push(performance.now() - at);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  await worker.drain(0);
  return { name, perSecond: SUBMISSIONS / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export async function benchOutbox(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-outbox-"));
  const redis = await startRedis();
  try {
    const file = await openFileOutbox({ dir, log: quiet });
    const fileResult = await measure("file journal", file);
    await file.close();
    const shared = await openRedisOutbox({ url: redis.url, log: quiet, prefix: "bench:" });
    const redisResult = await measure("Redis", shared);
    await shared.close();
    console.log(`${SUBMISSIONS} submissions recorded before their acknowledgement, ${CONCURRENCY} at a time`);
    for (const r of [fileResult, redisResult]) {
      console.log(`  ${r.name.padEnd(14)} ${r.perSecond.toFixed(0).padStart(7)} findings/s  p50 ${r.p50Ms.toFixed(2).padStart(7)} ms  p99 ${r.p99Ms.toFixed(2).padStart(7)} ms`);
    }
    console.log(`  ratio Redis/file: ${(redisResult.perSecond / fileResult.perSecond).toFixed(1)}× findings/s, ${(redisResult.p99Ms / fileResult.p99Ms).toFixed(2)}× p99 latency (Slack allows 3,000 ms)`);
  } finally {
    await redis.close();
    await rm(dir, { recursive: true, force: true });
  }
}
