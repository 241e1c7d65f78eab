import { setTimeout as sleep } from "node:timers/promises";
import type { EditApplied, EditRefused } from "../core/edit-log.js";
import type { CommitRequest, LogStore, WriteResult } from "../store/log-store.js";
import { AmbiguousWriteError, ConflictError, StoreError } from "../store/log-store.js";

/** A pure edit: the log's text (undefined while the file does not exist) in, the outcome out. */
export type EditFn = (text: string | undefined) => EditApplied | EditRefused;

export type UpdateOutcome =
  | { ok: true; changed: boolean; text: string; write: WriteResult | undefined }
  | EditRefused;

export interface UpdateOptions {
  /** How many conflicts or ambiguous failures to absorb before giving up (default 30). */
  maxAttempts?: number;
  /** Give up once this long has passed since the first attempt (default 60 s). */
  budgetMs?: number;
  /** The first retry waits up to this long; the ceiling doubles per attempt, with full jitter (default 100 ms). */
  backoffBaseMs?: number;
  /** Largest wait between attempts (default 5 s). */
  backoffCapMs?: number;
}

const DEFAULT_MAX_ATTEMPTS = 30;
const DEFAULT_BUDGET_MS = 60_000;
const DEFAULT_BACKOFF_BASE_MS = 100;
const DEFAULT_BACKOFF_CAP_MS = 5_000;

/** The write kept conflicting, or kept failing ambiguously. */
export class RetriesExhaustedError extends StoreError {
  override name = "RetriesExhaustedError";
}

/**
 * Read, apply a pure edit, write against the version read; on a conflict or
 * an ambiguous failure, re-read and re-apply. Edits are idempotent (an entry
 * already there is not appended again), so a write that did land before an
 * ambiguous failure is found on the re-read and not repeated.
 *
 * @throws StoreError subclasses when the store fails for good.
 */
export async function updateLog(
  store: LogStore,
  edit: EditFn,
  commit: CommitRequest,
  options: UpdateOptions = {},
): Promise<UpdateOutcome> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const baseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const capMs = options.backoffCapMs ?? DEFAULT_BACKOFF_CAP_MS;
  const started = Date.now();
  return store.withLock(async () => {
    let allowCached = true;
    let lastError: unknown;
    let attempt = 1;
    for (; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        const wait = Math.random() * Math.min(capMs, baseMs * 2 ** (attempt - 2));
        if (Date.now() + wait - started > budgetMs) break;
        await sleep(wait);
      }
      const snapshot = await store.read({ allowCached });
      const applied = edit(snapshot.text);
      if (!applied.ok) return applied;
      if (!applied.changed) {
        return { ok: true, changed: false, text: applied.text, write: undefined };
      }
      try {
        const write = await store.write(applied.text, snapshot.version, commit);
        return { ok: true, changed: true, text: applied.text, write };
      } catch (error) {
        if (!(error instanceof ConflictError || error instanceof AmbiguousWriteError)) throw error;
        lastError = error;
        allowCached = false;
      }
    }
    throw new RetriesExhaustedError(
      `gave up after ${attempt - 1} attempts in ${Math.round((Date.now() - started) / 1000)} s: the log kept changing or the store kept failing`,
      { cause: lastError },
    );
  });
}
