/**
 * The outbox: chat work (a modal submission, a reaction) that the platform
 * has been told "got it" and that has not reached the log yet. A job is
 * recorded durably before or as the platform is acknowledged, marked as it
 * passes each step (committed, announced), and removed only once it is done
 * or handed back to the person. After a crash, `serve` replays what is left;
 * the log's edits are idempotent, so replaying work that did land is a no-op.
 *
 * The file journal (file-outbox.ts) is the default; a shared implementation
 * (for several replicas) implements the same interface.
 */

export interface OutboxJob {
  /** Unique per piece of work, from the platform's ids (a view id, an event id): a second add is a duplicate. */
  id: string;
  /** Which handler runs it, e.g. `slack.finding`. */
  kind: string;
  /** What the handler needs, as JSON. */
  payload: unknown;
  /** When the platform delivered it (ISO 8601): dates and give-up times count from here. */
  receivedAt: string;
  /** Steps already done, with what they produced (`committed`, `announced`, ...). */
  steps: Record<string, unknown>;
}

export interface Outbox {
  /** Where the jobs live, for logs (a directory, a server). */
  readonly location: string;
  /** Jobs recorded and not yet removed. */
  readonly size: number;
  /**
   * Record a job durably; resolves once it would survive a crash.
   * @returns false when a job with this id is pending or was finished recently (a duplicate).
   * @throws OutboxError when it cannot be recorded.
   */
  add(job: Omit<OutboxJob, "steps">): Promise<boolean>;
  /** Record that a job passed a step; later attempts and replays see it in `steps`. */
  mark(id: string, step: string, data: unknown): Promise<void>;
  /** The job is done (or handed back): forget it. */
  remove(id: string): Promise<void>;
  /** The jobs left, oldest first (what a restart replays); for a shared outbox, those this replica holds. */
  pending(): OutboxJob[];
  /**
   * A shared outbox (several replicas): take over jobs whose replica stopped
   * holding them (it died); they are this replica's from then on. The worker
   * asks now and then. A journal of one process's own has nothing to take.
   */
  claim?(): Promise<OutboxJob[]>;
  /** Flush and release (the directory lock, connections). */
  close(): Promise<void>;
}

export class OutboxError extends Error {
  override name = "OutboxError";
}

/** Where the outbox reports what it skipped or waited for. */
export interface OutboxLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
