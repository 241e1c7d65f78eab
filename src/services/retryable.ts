import { AmbiguousWriteError, ConflictError, UnavailableError } from "../store/log-store.js";
import { RetriesExhaustedError } from "./update-log.js";

/**
 * True when a failure may pass if the same work is tried again later: the
 * store was unreachable, kept conflicting, or may have written. Anything else
 * (no permission, a refused branch, bad input) will fail the same way, so the
 * person gets their text back at once. Follows `cause`: the service wraps
 * store errors (LogWriteError).
 */
export function isRetryable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
    if (
      current instanceof UnavailableError ||
      current instanceof AmbiguousWriteError ||
      current instanceof ConflictError ||
      current instanceof RetriesExhaustedError
    ) {
      return true;
    }
  }
  return false;
}
