/**
 * The real file outbox and worker over a temporary state directory, tuned
 * for tests (short retry delays). `reopen()` closes them and opens the same
 * directory again, as a restarted process would.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Outbox } from "../../src/outbox/outbox.js";
import { openFileOutbox } from "../../src/outbox/file-outbox.js";
import type { OutboxWorker } from "../../src/outbox/outbox-worker.js";
import { createOutboxWorker } from "../../src/outbox/outbox-worker.js";
import type { Clock } from "../../src/services/log-service.js";

export interface TestOutbox {
  dir: string;
  readonly outbox: Outbox;
  readonly worker: OutboxWorker;
  /** What the outbox logged (skipped records, retries). */
  lines: string[];
  /** Drains for up to `drainMs`, closes, and opens the same directory again (a new worker, not started). */
  reopen(drainMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function openTestOutbox(options: { clock?: Clock; retryBaseMs?: number; giveUpAfterMs?: number } = {}): Promise<TestOutbox> {
  const dir = await mkdtemp(join(tmpdir(), "research-log-outbox-"));
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
  const open = async (): Promise<{ outbox: Outbox; worker: OutboxWorker }> => {
    const outbox = await openFileOutbox({ dir, log });
    const worker = createOutboxWorker({
      outbox,
      log,
      retryBaseMs: options.retryBaseMs ?? 20,
      retryCapMs: 200,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.giveUpAfterMs === undefined ? {} : { giveUpAfterMs: options.giveUpAfterMs }),
    });
    return { outbox, worker };
  };
  let current = await open();
  return {
    dir,
    lines,
    get outbox() {
      return current.outbox;
    },
    get worker() {
      return current.worker;
    },
    async reopen(drainMs = 0) {
      await current.worker.drain(drainMs);
      await current.outbox.close();
      current = await open();
    },
    async close() {
      await current.worker.drain(0);
      await current.outbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
