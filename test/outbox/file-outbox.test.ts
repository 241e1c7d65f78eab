import { appendFile, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JOURNAL_FILE, openFileOutbox } from "../../src/outbox/file-outbox.js";
import { createOutboxWorker } from "../../src/outbox/outbox-worker.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "outbox-test-"));
  dirs.push(dir);
  return dir;
}

const quiet = (lines: string[] = []) => ({ info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) });
const job = (id: string) => ({ id, kind: "test", payload: { id }, receivedAt: new Date().toISOString() });

describe("the file outbox", () => {
  it("keeps jobs and their steps across a reopen, and forgets removed ones", async () => {
    const dir = await stateDir();
    const first = await openFileOutbox({ dir, log: quiet() });
    expect(await first.add(job("a"))).toBe(true);
    expect(await first.add(job("b"))).toBe(true);
    expect(await first.add(job("a"))).toBe(false);
    await first.mark("a", "committed", { sha: "123" });
    await first.remove("b");
    expect(await first.add(job("b"))).toBe(false);
    await first.close();
    const second = await openFileOutbox({ dir, log: quiet() });
    expect(second.pending().map((j) => [j.id, j.steps])).toEqual([["a", { committed: { sha: "123" } }]]);
    await second.close();
  });

  it("skips a torn or corrupt record with its line number, and keeps the others", async () => {
    const dir = await stateDir();
    const first = await openFileOutbox({ dir, log: quiet() });
    await first.add(job("a"));
    await first.close();
    const journal = join(dir, JOURNAL_FILE);
    const good = await readFile(journal, "utf8");
    // A record altered on disk, then a write cut off by power loss.
    await appendFile(journal, good.replace('"a"', '"x"') + good.slice(0, 30));
    const lines: string[] = [];
    const second = await openFileOutbox({ dir, log: quiet(lines) });
    expect(second.pending().map((j) => j.id)).toEqual(["a"]);
    expect(lines.filter((l) => l.includes("skipped"))).toEqual([
      expect.stringContaining(`${journal}:2: checksum mismatch`),
      expect.stringContaining(`${journal}:3:`),
    ]);
    await second.close();
    // Rewritten on open: the bad lines are gone.
    expect((await readFile(journal, "utf8")).trim().split("\n")).toHaveLength(1);
  });

  it("is held by one process at a time", async () => {
    const dir = await stateDir();
    const first = await openFileOutbox({ dir, log: quiet() });
    await expect(openFileOutbox({ dir, log: quiet() })).rejects.toThrow(/already held by this process/);
    await first.close();
    const again = await openFileOutbox({ dir, log: quiet() });
    await again.close();
  });

  it("takes over a lock left by a previous life with its own pid (a container's pid 1 after a restart)", async () => {
    const dir = await stateDir();
    const before = new Date(Date.now() - process.uptime() * 1000 - 1_000);
    const lock = join(dir, "outbox.lock");
    await writeFile(lock, `${process.pid}\n${before.getTime()}\nold\n${hostname()}\n`);
    await utimes(lock, before, before);
    const outbox = await openFileOutbox({ dir, log: quiet(), lockStaleMs: 60_000 });
    expect(await readFile(lock, "utf8")).not.toContain("old");
    await outbox.close();
  });

  it("compacts the journal once it outgrows the limit, losing nothing", async () => {
    const dir = await stateDir();
    const outbox = await openFileOutbox({ dir, log: quiet(), compactBytes: 2_000 });
    for (let i = 0; i < 100; i++) {
      await outbox.add(job(`j${i}`));
      if (i % 2 === 0) await outbox.remove(`j${i}`);
    }
    await outbox.close();
    const journal = await readFile(join(dir, JOURNAL_FILE), "utf8");
    expect(Buffer.byteLength(journal)).toBeLessThan(2_000 + 50 * 200);
    const reopened = await openFileOutbox({ dir, log: quiet() });
    expect(reopened.pending().map((j) => j.id)).toEqual(Array.from({ length: 50 }, (_, i) => `j${2 * i + 1}`));
    await reopened.close();
  });
});

describe("the outbox worker", () => {
  it("retries a failing job until it succeeds and then removes it; a job left by an earlier process is replayed", async () => {
    const dir = await stateDir();
    const outbox = await openFileOutbox({ dir, log: quiet() });
    const worker = createOutboxWorker({ outbox, log: quiet(), retryBaseMs: 5, retryCapMs: 20 });
    const attempts: number[] = [];
    worker.register("test", async (_payload, context) => {
      attempts.push(context.attempt);
      if (context.attempt < 3) throw new Error("not yet");
    });
    worker.start();
    expect(await worker.submit({ id: "a", kind: "test", payload: {} })).toBe("accepted");
    expect(await worker.submit({ id: "a", kind: "test", payload: {} })).toBe("duplicate");
    // A drain does not wait out a retry's delay: that job stays for the next start. Here, wait for it.
    for (let i = 0; i < 500 && outbox.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.drain(5_000);
    expect(attempts).toEqual([1, 2, 3]);
    expect(outbox.size).toBe(0);

    // Recorded but never run (the process died): the next worker replays it.
    await outbox.add(job("left"));
    await outbox.close();
    const reopened = await openFileOutbox({ dir, log: quiet() });
    const next = createOutboxWorker({ outbox: reopened, log: quiet() });
    const replayed: boolean[] = [];
    next.register("test", async (_payload, context) => {
      replayed.push(context.replayed);
    });
    next.start();
    await next.drain(5_000);
    expect(replayed).toEqual([true]);
    expect(reopened.size).toBe(0);
    await expect(next.submit({ id: "late", kind: "test", payload: {} })).rejects.toThrow(/shutting down/);
    await reopened.close();
  });
});
