import { Cron } from "croner";

export interface DigestSchedule {
  /** When the digest runs next, or undefined when it never will. */
  nextRun(): Date | undefined;
  stop(): void;
}

/** True when `pattern` is a cron expression croner accepts (5 fields, or 6 with seconds). */
export function isCronPattern(pattern: string): boolean {
  const fields = pattern.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) return false;
  try {
    new Cron(pattern, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `post` at each time `pattern` names in `timeZone`. A run that fails is
 * reported to `onError` and the schedule goes on; runs never overlap.
 */
export function scheduleDigest(options: {
  pattern: string;
  timeZone: string;
  post: () => Promise<void>;
  onError: (error: unknown) => void;
}): DigestSchedule {
  const job = new Cron(
    options.pattern,
    { timezone: options.timeZone, protect: true, catch: (error) => options.onError(error) },
    async () => {
      await options.post();
    },
  );
  return {
    nextRun: () => job.nextRun() ?? undefined,
    stop: () => job.stop(),
  };
}
