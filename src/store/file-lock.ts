import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { open, readFile, stat, unlink, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { StoreError } from "./log-store.js";
import { errorCode, messageOf } from "../error-details.js";

export interface FileLockOptions {
  /** How long to wait for another holder before giving up (default 30 s). */
  timeoutMs?: number;
  /** A lock not refreshed for this long is taken to be abandoned (default 2 min). */
  staleMs?: number;
  /** Called once when the lock is busy and this caller starts waiting for it. */
  onWait?: (holder: LockHolder) => void;
}

/** What a lock file says about its holder. */
export interface LockHolder {
  pid: number | undefined;
  /** The holder's host name, when the lock file says (older files do not). */
  host: string | undefined;
  /** When the holder took or last refreshed the lock (ms since epoch). */
  touchedAt: number;
  raw: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_STALE_MS = 120_000;
const MIN_BACKOFF_MS = 5;
const MAX_BACKOFF_MS = 50;

/**
 * Tails of the in-process queues, one per lock file: callers in this process
 * wait their turn here instead of spinning on a file their neighbour holds.
 */
const queues = new Map<string, Promise<void>>();

/** The lock files held by the current async call chain, so nested calls do not deadlock. */
const heldLocks = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Run `fn` while holding an exclusive lock on `lockPath`, across processes
 * (an `open(…, "wx")` lock file holding pid and time) and within this process
 * (a queue per lock file). Re-entrant: a call made from inside `fn` for the
 * same lock runs at once.
 *
 * A lock file is taken to be abandoned when its process is gone or it has not
 * been refreshed for `staleMs`; the holder refreshes it while `fn` runs, so a
 * slow `fn` does not lose its lock.
 *
 * @throws StoreError when the lock is not free within `timeoutMs`, or the lock
 *   file cannot be created; whatever `fn` throws, after releasing the lock.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const key = resolve(lockPath);
  const held = heldLocks.getStore();
  if (held?.has(key)) return fn();

  const previous = queues.get(key) ?? Promise.resolve();
  let leave!: () => void;
  const turn = new Promise<void>((resolveTurn) => (leave = resolveTurn));
  const tail = previous.then(() => turn);
  queues.set(key, tail);
  try {
    await previous;
    const release = await acquire(key, options);
    try {
      return await heldLocks.run(new Set([...(held ?? []), key]), fn);
    } finally {
      await release();
    }
  } finally {
    leave();
    if (queues.get(key) === tail) queues.delete(key);
  }
}

/**
 * Take the lock file and keep it until the returned release is called (an
 * outbox holds its directory this way for the life of the process). Not
 * queued in-process: a second hold of the same path waits like any process.
 *
 * @throws StoreError as withFileLock.
 */
export async function holdFileLock(lockPath: string, options: FileLockOptions = {}): Promise<() => Promise<void>> {
  const key = resolve(lockPath);
  // A lock file with our pid is taken for a previous life of this process, so hold each path once.
  if (heldForLife.has(key)) throw new StoreError(`the lock ${key} is already held by this process`);
  heldForLife.add(key);
  try {
    const release = await acquire(key, options);
    return async () => {
      heldForLife.delete(key);
      await release();
    };
  } catch (error) {
    heldForLife.delete(key);
    throw error;
  }
}

/** When this process started (ms since epoch): a lock with our pid from before then is a previous life's. */
const processStartedAt = Date.now() - process.uptime() * 1000;

/** Paths held with holdFileLock by this process. */
const heldForLife = new Set<string>();

/** Take the lock file, waiting with jittered backoff; returns its release. */
async function acquire(lockPath: string, options: FileLockOptions): Promise<() => Promise<void>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const deadline = Date.now() + timeoutMs;
  const token = randomBytes(8).toString("hex");
  const content = `${process.pid}\n${Date.now()}\n${token}\n${hostname()}\n`;
  let backoff = MIN_BACKOFF_MS;
  let lastHolder: LockHolder | undefined;

  for (;;) {
    if (await tryCreate(lockPath, content)) return startHolding(lockPath, content, staleMs);

    const holder = await readHolder(lockPath);
    if (holder && isStale(holder, staleMs)) {
      await breakStaleLock(lockPath, holder, staleMs);
      continue;
    }
    if (holder !== undefined && lastHolder === undefined) options.onWait?.(holder);
    lastHolder = holder ?? lastHolder;
    if (Date.now() >= deadline) throw timeoutError(lockPath, timeoutMs, lastHolder);
    const jittered = backoff / 2 + Math.random() * (backoff / 2);
    await sleep(Math.max(MIN_BACKOFF_MS, Math.min(jittered, deadline - Date.now())));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

/** Create the lock file if it does not exist; false when someone else has it. */
async function tryCreate(lockPath: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, "wx");
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw new StoreError(`cannot create the lock file ${lockPath}: ${messageOf(error)}`, { cause: error });
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Refresh the lock's mtime while it is held, and return the release, which
 * removes the file only if it is still ours (a holder that stalled past
 * `staleMs` may have had its lock broken and taken by someone else).
 */
function startHolding(lockPath: string, content: string, staleMs: number): () => Promise<void> {
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, Math.max(1_000, Math.floor(staleMs / 4)));
  heartbeat.unref();
  return async () => {
    clearInterval(heartbeat);
    const current = await readFile(lockPath, "utf8").catch(() => undefined);
    if (current === content) await unlink(lockPath).catch(() => undefined);
  };
}

async function readHolder(lockPath: string): Promise<LockHolder | undefined> {
  try {
    const [raw, stats] = await Promise.all([readFile(lockPath, "utf8"), stat(lockPath)]);
    const [pidText, timeText, , hostText] = raw.split("\n");
    const pid = Number.parseInt(pidText ?? "", 10);
    const writtenAt = Number.parseInt(timeText ?? "", 10);
    return {
      pid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
      host: hostText === undefined || hostText === "" ? undefined : hostText,
      // A holder refreshes the mtime; a file read half-written has only its mtime.
      touchedAt: Math.max(stats.mtimeMs, Number.isFinite(writtenAt) ? writtenAt : 0),
      raw,
    };
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new StoreError(`cannot read the lock file ${lockPath}: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Abandoned: not refreshed for `staleMs`, or (on this host) its process is
 * gone. A holder with our own pid that took the lock before this process
 * started is a previous life of it (a container's pid 1 after a restart).
 * Another host's pids mean nothing here; only its refreshes count.
 */
function isStale(holder: LockHolder, staleMs: number): boolean {
  if (Date.now() - holder.touchedAt > staleMs) return true;
  if (holder.pid === undefined) return false;
  if (holder.host !== undefined && holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return holder.touchedAt < processStartedAt;
  return !isProcessAlive(holder.pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) !== "ESRCH";
  }
}

/**
 * Remove an abandoned lock file. Two waiters may both find it stale; a
 * second lock (`<lock>.break`) makes sure only one removes it, and that one
 * re-reads it first, so a fresh lock taken in between is never removed.
 */
async function breakStaleLock(lockPath: string, seen: LockHolder, staleMs: number): Promise<void> {
  const breakerPath = `${lockPath}.break`;
  if (!(await tryCreate(breakerPath, `${process.pid}\n${Date.now()}\n`))) {
    const breaker = await readHolder(breakerPath);
    // A breaker only lives for a read and an unlink; an old one was left by a crash.
    if (breaker && Date.now() - breaker.touchedAt > Math.min(staleMs, 10_000)) {
      await unlink(breakerPath).catch(() => undefined);
    }
    await sleep(MIN_BACKOFF_MS);
    return;
  }
  try {
    const current = await readHolder(lockPath);
    if (current && current.raw === seen.raw && isStale(current, staleMs)) {
      await unlink(lockPath).catch((error: unknown) => {
        if (errorCode(error) !== "ENOENT") throw error;
      });
    }
  } finally {
    await unlink(breakerPath).catch(() => undefined);
  }
}

function timeoutError(lockPath: string, timeoutMs: number, holder: LockHolder | undefined): StoreError {
  const by = holder?.pid === undefined ? "" : ` (held by process ${holder.pid} since ${new Date(holder.touchedAt).toISOString()})`;
  return new StoreError(
    `timed out after ${Math.round(timeoutMs / 1000)} s waiting for the lock ${lockPath}${by}. ` +
      `If no research-log process is running on this checkout, the lock is stale: remove it with rm "${lockPath}"`,
  );
}
