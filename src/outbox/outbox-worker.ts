import { setTimeout as sleep } from "node:timers/promises";
import type { Clock } from "../services/log-service.js";
import { systemClock } from "../services/log-service.js";
import { messageOf } from "../error-details.js";
import type { Outbox, OutboxJob, OutboxLogger } from "./outbox.js";
import { OutboxError } from "./outbox.js";

/** What a handler knows about the run of its job. */
export interface JobContext {
  /** 1 on the first try; counts retries, across restarts only from 1 again. */
  attempt: number;
  /** The job was left in the outbox by an earlier process (a restart). */
  replayed: boolean;
  /** Past the give-up time: on failure, hand the work back to the person now. */
  lastChance: boolean;
  receivedAt: Date;
  /** How long ago it was received, by the worker's clock, when this attempt began. */
  ageMs: number;
  /** Steps recorded so far (see `mark`). */
  steps: Readonly<Record<string, unknown>>;
  /** Record that a step is done, so a retry or replay skips it. */
  mark(step: string, data?: unknown): Promise<void>;
  /** Say that the job reached a stage that is not a step to record (`edited`, `handed back`): for logs and metrics only. */
  report(stage: string, fields?: Record<string, unknown>): void;
}

/**
 * What happens to jobs, for logs and metrics: each event names the job, so
 * that one submission's lines share its id. `ms` counts from the start of
 * the attempt (`step`, `stage`) or from when the job was received (`done`).
 */
export type JobEvent =
  | { type: "received"; job: OutboxJob }
  | { type: "replayed"; job: OutboxJob }
  | { type: "step"; job: OutboxJob; step: string; data: unknown; ms: number }
  | { type: "stage"; job: OutboxJob; stage: string; fields: Record<string, unknown>; ms: number }
  | { type: "failed"; job: OutboxJob; attempt: number; error: unknown; retryInMs: number }
  | { type: "done"; job: OutboxJob; ms: number };

/**
 * Runs one job. Returning means done (committed, or handed back): the job is
 * removed. Throwing means "try again later": the job stays and is retried
 * with backoff; it is never dropped.
 */
export type JobHandler<P> = (payload: P, context: JobContext) => Promise<void>;

export interface OutboxWorkerOptions {
  outbox: Outbox;
  log: OutboxLogger;
  clock?: Clock;
  /** Jobs run at once (default 4; the store serialises writes to one log anyway). */
  concurrency?: number;
  /** First retry delay's ceiling (default 5 s); it doubles per attempt, with full jitter. */
  retryBaseMs?: number;
  /** Largest retry delay (default 5 min). */
  retryCapMs?: number;
  /** After this long since it was received, a failing job is handed back (default 24 h). */
  giveUpAfterMs?: number;
  /** Called as jobs are received, pass steps, fail and finish (logs, metrics); it must not throw. */
  onEvent?: (event: JobEvent) => void;
  /** With a shared outbox: how often to look for jobs a dead replica left (default 5 s). */
  claimIntervalMs?: number;
}

export interface OutboxWorker {
  /** The handler for a kind of job; register every kind before `start`. */
  register<P>(kind: string, handler: JobHandler<P>): void;
  /**
   * Record a job durably and queue it. Resolve before acknowledging the platform.
   * @returns "duplicate" when the same id is pending or was just done.
   * @throws OutboxError when it cannot be recorded, or the worker is shutting down.
   */
  submit(job: {
    id: string;
    kind: string;
    payload: unknown;
    receivedAt?: Date;
    /** Do not run before this settles (the platform's acknowledgement, which a job's first reply edits). */
    after?: Promise<unknown>;
  }): Promise<"accepted" | "duplicate">;
  /** Start running jobs, the outbox's leftovers first. */
  start(): void;
  /** Refuse new work (shutdown's first step); queued work still runs. */
  stopAccepting(): void;
  /**
   * Wait for the work that is due to finish, up to `timeoutMs`; then start
   * no more. What is left stays in the outbox for the next start.
   */
  drain(timeoutMs: number): Promise<{ left: number }>;
  /** Jobs in the outbox (pending or running). */
  readonly depth: number;
}

interface Slot {
  job: OutboxJob;
  attempt: number;
  replayed: boolean;
  dueAt: number;
  running: boolean;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_RETRY_BASE_MS = 5_000;
const DEFAULT_RETRY_CAP_MS = 5 * 60_000;
const DEFAULT_GIVE_UP_MS = 24 * 60 * 60_000;

/**
 * Runs the outbox's jobs: each kind's handler, a few at a time, retrying a
 * failed job with exponential backoff and full jitter (so replicas and
 * restarts do not retry in step) until it succeeds or is handed back.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { outbox, log } = options;
  const clock = options.clock ?? systemClock;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const baseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
  const capMs = options.retryCapMs ?? DEFAULT_RETRY_CAP_MS;
  const giveUpMs = options.giveUpAfterMs ?? DEFAULT_GIVE_UP_MS;
  const onEvent = options.onEvent ?? (() => undefined);
  const handlers = new Map<string, JobHandler<unknown>>();
  const slots = new Map<string, Slot>();
  let started = false;
  let accepting = true;
  let stopped = false;
  let running = 0;
  let timer: NodeJS.Timeout | undefined;
  /** Wakes `drain` whenever a job settles. */
  let settled: (() => void) | undefined;
  let claimTimer: NodeJS.Timeout | undefined;

  const replay = (jobs: readonly OutboxJob[]): number => {
    let added = 0;
    for (const job of jobs) {
      if (slots.has(job.id)) continue;
      slots.set(job.id, { job, attempt: 1, replayed: true, dueAt: 0, running: false });
      onEvent({ type: "replayed", job });
      added++;
    }
    return added;
  };

  /** A shared outbox: take over what dead replicas left, now and then, until the worker stops. */
  const claimLoop = async (): Promise<void> => {
    if (outbox.claim === undefined || stopped || !accepting) return;
    try {
      if (replay(await outbox.claim()) > 0) schedule();
    } catch (error) {
      log.warn(`outbox: could not look for jobs other replicas left: ${messageOf(error)}`);
    }
    if (stopped || !accepting) return;
    claimTimer = setTimeout(() => void claimLoop(), options.claimIntervalMs ?? 5_000);
    claimTimer.unref();
  };

  const retryDelay = (attempt: number): number => Math.random() * Math.min(capMs, baseMs * 2 ** (attempt - 1));

  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!started || stopped) return;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const slot of slots.values()) {
      if (slot.running) continue;
      if (slot.dueAt <= now && running < concurrency) void run(slot);
      else next = Math.min(next, slot.dueAt);
    }
    if (Number.isFinite(next)) {
      timer = setTimeout(schedule, Math.max(0, next - Date.now()));
      timer.unref();
    }
  };

  const run = async (slot: Slot): Promise<void> => {
    const { job } = slot;
    const handler = handlers.get(job.kind);
    if (handler === undefined) {
      log.warn(`outbox: no handler for job ${job.id} (kind ${job.kind}); it stays in the outbox`);
      slot.dueAt = Number.POSITIVE_INFINITY;
      return;
    }
    slot.running = true;
    running++;
    const receivedAt = new Date(job.receivedAt);
    const ageMs = clock.now().getTime() - receivedAt.getTime();
    const startedAt = performance.now();
    const elapsed = (): number => Math.round(performance.now() - startedAt);
    const context: JobContext = {
      attempt: slot.attempt,
      replayed: slot.replayed,
      lastChance: ageMs >= giveUpMs,
      receivedAt,
      ageMs,
      steps: job.steps,
      mark: async (step, data) => {
        await outbox.mark(job.id, step, data);
        onEvent({ type: "step", job, step, data, ms: elapsed() });
      },
      report: (stage, fields = {}) => onEvent({ type: "stage", job, stage, fields, ms: elapsed() }),
    };
    try {
      await handler(job.payload, context);
      slots.delete(job.id);
      onEvent({ type: "done", job, ms: clock.now().getTime() - receivedAt.getTime() });
      await outbox.remove(job.id).catch((error: unknown) => log.error(`outbox: could not remove done job ${job.id}: ${messageOf(error)}`));
    } catch (error) {
      slot.attempt++;
      const delay = retryDelay(slot.attempt - 1);
      slot.dueAt = Date.now() + delay;
      onEvent({ type: "failed", job, attempt: slot.attempt - 1, error, retryInMs: Math.round(delay) });
      log.warn(`outbox: job ${job.id} (${job.kind}) failed on attempt ${slot.attempt - 1}: ${messageOf(error)}; retrying in ${Math.round(delay / 1000)} s`, {
        job: job.id,
        kind: job.kind,
        attempt: slot.attempt - 1,
      });
    } finally {
      slot.running = false;
      running--;
      settled?.();
      schedule();
    }
  };

  return {
    get depth() {
      return outbox.size;
    },
    register(kind, handler) {
      handlers.set(kind, handler as JobHandler<unknown>);
    },
    async submit({ id, kind, payload, receivedAt, after }) {
      if (!accepting) throw new OutboxError("shutting down: not taking new work");
      const added = await outbox.add({ id, kind, payload, receivedAt: (receivedAt ?? clock.now()).toISOString() });
      if (!added) return "duplicate";
      const job = outbox.pending().find((candidate) => candidate.id === id);
      if (job === undefined) return "accepted";
      const slot: Slot = { job, attempt: 1, replayed: false, dueAt: after === undefined ? 0 : Number.POSITIVE_INFINITY, running: false };
      slots.set(id, slot);
      onEvent({ type: "received", job });
      const due = (): void => {
        if (slot.dueAt === Number.POSITIVE_INFINITY) slot.dueAt = 0;
        schedule();
      };
      if (after === undefined) schedule();
      else void after.then(due, due);
      return "accepted";
    },
    start() {
      if (started) return;
      started = true;
      const replayed = replay(outbox.pending());
      if (replayed > 0) log.info(`outbox: replaying ${replayed} job(s) left from before`);
      schedule();
      void claimLoop();
    },
    stopAccepting() {
      accepting = false;
      if (claimTimer !== undefined) clearTimeout(claimTimer);
    },
    async drain(timeoutMs) {
      accepting = false;
      if (claimTimer !== undefined) clearTimeout(claimTimer);
      const deadline = Date.now() + timeoutMs;
      const busy = (): boolean => {
        const now = Date.now();
        return [...slots.values()].some((slot) => slot.running || (started && slot.dueAt <= now));
      };
      while (busy() && Date.now() < deadline) {
        const woken = new Promise<void>((resolve) => (settled = resolve));
        await Promise.race([woken, sleep(Math.min(250, Math.max(0, deadline - Date.now())))]);
      }
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      settled = undefined;
      return { left: outbox.size };
    },
  };
}
