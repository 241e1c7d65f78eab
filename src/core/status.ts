import { STATUSES } from "./types.js";
import type { Status } from "./types.js";

/**
 * People write more than a status word on the Status line: `Open - waiting
 * on the cluster`, `Design only. No code until Phase 7`. The status is the
 * leading word when it is one of STATUSES (in any case). A value that starts
 * with no status word counts as Open: nothing says it is done.
 *
 * Changing a status never drops a word of the author's, and changing it back
 * gives back the bytes that were there:
 *
 * | before                      | set to   | after                                   |
 * | --------------------------- | -------- | --------------------------------------- |
 * | `Open - waiting on infra`   | Resolved | `Resolved - waiting on infra`           |
 * | `open`                      | Resolved | `resolved` (the author's case is kept)  |
 * | `Design only. No code yet.` | Resolved | `Resolved (was: Design only. No code yet.)` |
 * | `Resolved (was: Design only. No code yet.)` | Open | `Design only. No code yet.` |
 */

const LEADING_WORD = /^\s*([A-Za-z]+)(?![A-Za-z0-9_])/;

/** What `replaceStatus` writes when the author's value had no status word: `Resolved (was: <value>)`. */
const KEPT_VALUE = /^([A-Za-z]+) \(was: ([\s\S]*)\)$/;

/** The status a Status value starts with, spelled as in STATUSES; undefined when it starts with no status word. */
export function statusWord(value: string | undefined): Status | undefined {
  const word = value === undefined ? undefined : LEADING_WORD.exec(value)?.[1]?.toLowerCase();
  return STATUSES.find((s) => s.toLowerCase() === word);
}

/** The status an entry has for edits: its status word, and Open when it has none. */
export function effectiveStatus(value: string): Status {
  return statusWord(value) ?? "Open";
}

/** `status` written in the case of `like`: all lower, all upper, or as spelled in STATUSES. */
function inCaseOf(like: string, status: Status): string {
  if (like === like.toLowerCase()) return status.toLowerCase();
  if (like === like.toUpperCase() && like.length > 1) return status.toUpperCase();
  return status;
}

/**
 * The Status value after setting `status`, keeping every byte the author
 * wrote (see the table above). Callers skip the edit when
 * `effectiveStatus(value)` is already `status`.
 */
export function replaceStatus(value: string, status: Status): string {
  const kept = KEPT_VALUE.exec(value);
  if (kept && statusWord(kept[1]) !== undefined && statusWord(kept[2]) === undefined && status === "Open") {
    // Back to what the author wrote, byte for byte.
    return kept[2] ?? "";
  }
  const leading = LEADING_WORD.exec(value);
  const word = leading?.[1];
  if (leading && word !== undefined && statusWord(value) !== undefined) {
    const wordStart = leading[0].length - word.length;
    return value.slice(0, wordStart) + inCaseOf(word, status) + value.slice(leading[0].length);
  }
  return value.trim() === "" ? status : `${status} (was: ${value})`;
}
