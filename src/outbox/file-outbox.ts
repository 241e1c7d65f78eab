import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { holdFileLock } from "../store/file-lock.js";
import { errorCode, messageOf } from "../error-details.js";
import type { Outbox, OutboxJob, OutboxLogger } from "./outbox.js";
import { OutboxError } from "./outbox.js";

export const JOURNAL_FILE = "outbox.journal";
const LOCK_FILE = "outbox.lock";
const DEFAULT_COMPACT_BYTES = 1024 * 1024;
const DEFAULT_LOCK_STALE_MS = 30_000;
/** How many finished ids are remembered to refuse a duplicate (a platform's retry). */
const RECENTLY_DONE = 10_000;

export interface FileOutboxOptions {
  /** The state directory (STATE_DIR); created 0700 when missing. */
  dir: string;
  log: OutboxLogger;
  /** Rewrite the journal once this many bytes were appended since the last rewrite (default 1 MiB). */
  compactBytes?: number;
  /** A lock on the directory not refreshed this long is taken over (default 30 s). */
  lockStaleMs?: number;
}

const jobSchema = z.object({
  id: z.string().min(1),
  kind: z.string().min(1),
  payload: z.unknown(),
  receivedAt: z.string().min(1),
  steps: z.record(z.string(), z.unknown()),
});

const recordSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("add"), job: jobSchema }),
  z.object({ op: z.literal("mark"), id: z.string(), step: z.string(), data: z.unknown() }),
  z.object({ op: z.literal("remove"), id: z.string() }),
]);

type JournalRecord = z.infer<typeof recordSchema>;

const checksum = (json: string): string => createHash("sha256").update(json).digest("hex").slice(0, 16);

/** One journal line: a checksum of the JSON, a space, the JSON. A torn or altered line fails its checksum. */
export function encodeRecord(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${checksum(json)} ${json}\n`;
}

function decodeLine(line: string): JournalRecord | string {
  const space = line.indexOf(" ");
  if (space !== 16) return "no checksum (a torn write?)";
  const json = line.slice(space + 1);
  if (checksum(json) !== line.slice(0, space)) return "checksum mismatch (a torn or altered write)";
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return "not JSON";
  }
  const parsed = recordSchema.safeParse(value);
  return parsed.success ? parsed.data : `not a journal record (${parsed.error.issues[0]?.message ?? "invalid"})`;
}

/**
 * The default outbox: an append-only journal file in the state directory,
 * held by one process at a time (a lock file). Appends are group-committed:
 * records arriving together share one write and one fdatasync, and `add`
 * resolves only after the sync. The journal is rewritten (temp file, fsync,
 * rename, directory fsync) on open and whenever it has grown by
 * `compactBytes`. A corrupt or torn record is skipped with its line number,
 * never a crash loop.
 *
 * @throws OutboxError when the directory cannot be created, locked or read.
 */
export async function openFileOutbox(options: FileOutboxOptions): Promise<Outbox> {
  const { dir, log } = options;
  const compactBytes = options.compactBytes ?? DEFAULT_COMPACT_BYTES;
  const staleMs = options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS;
  const journalPath = join(dir, JOURNAL_FILE);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new OutboxError(`cannot create the state directory ${dir} (STATE_DIR): ${messageOf(error)}`, { cause: error });
  }
  let release: () => Promise<void>;
  try {
    release = await holdFileLock(join(dir, LOCK_FILE), {
      staleMs,
      timeoutMs: staleMs + 5_000,
      onWait: (holder) =>
        log.warn(`the outbox in ${dir} is held by process ${holder.pid ?? "?"}${holder.host === undefined ? "" : ` on ${holder.host}`}; waiting up to ${Math.round((staleMs + 5_000) / 1000)} s for it`),
    });
  } catch (error) {
    throw new OutboxError(`cannot lock the outbox in ${dir}: ${messageOf(error)} (is another research-log serve using this STATE_DIR?)`, { cause: error });
  }

  const jobs = new Map<string, OutboxJob>();
  const done = new Set<string>();
  try {
    const text = await readFile(journalPath, "utf8").catch((error: unknown) => {
      if (errorCode(error) === "ENOENT") return "";
      throw error;
    });
    const lines = text.split("\n");
    for (const [index, line] of lines.entries()) {
      if (line === "") continue;
      const record = decodeLine(line);
      if (typeof record === "string") {
        log.warn(`outbox: skipped ${journalPath}:${index + 1}: ${record}`);
        continue;
      }
      apply(jobs, record);
    }
  } catch (error) {
    await release();
    throw new OutboxError(`cannot read the outbox journal ${journalPath}: ${messageOf(error)}`, { cause: error });
  }

  let handle: FileHandle;
  let appended = 0;
  let closed = false;
  /** Lines waiting for the next group commit, with their waiters. */
  let queue: { line: string; settle: (error?: unknown) => void }[] = [];
  let flushing: Promise<void> | undefined;

  const compact = async (): Promise<void> => {
    const temp = `${journalPath}.tmp`;
    const out = await open(temp, "w", 0o600);
    try {
      await out.writeFile([...jobs.values()].map((job) => encodeRecord({ op: "add", job })).join(""));
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(temp, journalPath);
    await syncDirectory(dir);
    appended = 0;
  };

  const openJournal = async (): Promise<void> => {
    handle = await open(journalPath, "a", 0o600);
  };

  try {
    await compact();
    await openJournal();
  } catch (error) {
    await release();
    throw new OutboxError(`cannot write the outbox journal ${journalPath}: ${messageOf(error)}`, { cause: error });
  }

  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const chunk = batch.map((entry) => entry.line).join("");
        await handle.write(chunk);
        await handle.datasync();
        appended += Buffer.byteLength(chunk);
        for (const entry of batch) entry.settle();
      } catch (error) {
        for (const entry of batch) entry.settle(error);
      }
      if (appended >= compactBytes) {
        try {
          await handle.close();
          await compact();
        } catch (error) {
          log.error(`outbox: could not rewrite ${journalPath}: ${messageOf(error)}`);
        } finally {
          await openJournal();
        }
      }
    }
  };

  const append = (record: JournalRecord): Promise<void> => {
    if (closed) return Promise.reject(new OutboxError("the outbox is closed"));
    const written = new Promise<void>((resolve, reject) => {
      queue.push({ line: encodeRecord(record), settle: (error) => (error === undefined ? resolve() : reject(error)) });
    });
    flushing ??= flush().finally(() => (flushing = undefined));
    return written.catch((error: unknown) => {
      throw new OutboxError(`cannot write the outbox journal ${journalPath}: ${messageOf(error)}`, { cause: error });
    });
  };

  const forgetLater = (id: string): void => {
    done.add(id);
    if (done.size > RECENTLY_DONE) done.delete(done.values().next().value as string);
  };

  if (jobs.size > 0) log.info(`outbox: ${jobs.size} job(s) left in ${journalPath} from before`);

  return {
    location: dir,
    get size() {
      return jobs.size;
    },
    async add(job) {
      if (jobs.has(job.id) || done.has(job.id)) return false;
      const full: OutboxJob = { ...job, steps: {} };
      jobs.set(job.id, full);
      try {
        await append({ op: "add", job: full });
      } catch (error) {
        jobs.delete(job.id);
        throw error;
      }
      return true;
    },
    async mark(id, step, data) {
      const job = jobs.get(id);
      if (job === undefined) return;
      job.steps[step] = data ?? true;
      await append({ op: "mark", id, step, data: data ?? true });
    },
    async remove(id) {
      if (!jobs.delete(id)) return;
      forgetLater(id);
      await append({ op: "remove", id });
    },
    pending: () => [...jobs.values()].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)),
    async close() {
      if (closed) return;
      closed = true;
      await flushing;
      await handle.close().catch(() => undefined);
      await release();
    },
  };
}

function apply(jobs: Map<string, OutboxJob>, record: JournalRecord): void {
  if (record.op === "add") jobs.set(record.job.id, record.job);
  else if (record.op === "mark") {
    const job = jobs.get(record.id);
    if (job !== undefined) job.steps[record.step] = record.data;
  } else jobs.delete(record.id);
}

/** Make a rename durable: fsync the directory that holds it (not supported everywhere; best effort). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}
