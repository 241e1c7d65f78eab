import { STATUSES } from "./types.js";
import type { Status } from "./types.js";

/**
 * People write more than a status word on the Status line: `Open - waiting
 * on the cluster`, `Design only. No code until Phase 7`. The status is the
 * leading word when it is one of STATUSES (in any case), and none otherwise.
 */

const LEADING_WORD = /^\s*([A-Za-z]+)(?![A-Za-z0-9_])/;

/** The status a Status value starts with, spelled as in STATUSES; undefined when it starts with no status word. */
export function statusWord(value: string | undefined): Status | undefined {
  const word = value === undefined ? undefined : LEADING_WORD.exec(value)?.[1]?.toLowerCase();
  return STATUSES.find((s) => s.toLowerCase() === word);
}

/**
 * The Status value after setting `status`, keeping every word the author
 * wrote: a leading status word is replaced (`Open - waiting` becomes
 * `Resolved - waiting`); a value without one is kept after the new status
 * (`Design only.` becomes `Resolved (was: Design only.)`).
 */
export function replaceStatus(value: string, status: Status): string {
  const leading = LEADING_WORD.exec(value);
  if (leading && statusWord(value) !== undefined) {
    const wordStart = leading[0].length - (leading[1] ?? "").length;
    return value.slice(0, wordStart) + status + value.slice(leading[0].length);
  }
  return value.trim() === "" ? status : `${status} (was: ${value.trim()})`;
}
