import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendEntry, normalizeFinding, parseLog, setActionItem, setStatus, STATUSES } from "../../src/core/index.js";
import type { EditOutcome, Finding, Span } from "../../src/core/index.js";
import { effectiveStatus, statusWord } from "../../src/core/status.js";
import { findingInput, formattedLog, handLog } from "./arbitraries.js";

/**
 * The promise every edit keeps, whatever the log: the bytes outside the span
 * it edits are unchanged, and every word the author wrote is still there.
 */

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");

const anyLog = fc.oneof(
  { weight: 3, arbitrary: handLog },
  { weight: 2, arbitrary: formattedLog },
  { weight: 1, arbitrary: fc.constantFrom(fixture("hand-written.md"), fixture("hand-written-variants.md"), fixture("seed-example.md")) },
);

const finding = findingInput
  .map((input) => normalizeFinding(input))
  .filter((r) => r.ok)
  .map((r) => (r as { ok: true; value: Finding }).value);

const anyEdit = fc.oneof(
  fc.record({ kind: fc.constant("status" as const), pick: fc.nat(), status: fc.constantFrom(...STATUSES) }),
  fc.record({ kind: fc.constant("item" as const), pick: fc.nat(), item: fc.nat(), done: fc.boolean() }),
  fc.record({ kind: fc.constant("append" as const), finding, newestFirst: fc.boolean() }),
);

/** Words: runs of letters, digits and `_`, as a multiset. */
function words(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of text.match(/[\p{L}\p{N}_]+/gu) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/** `after` is `before` with only `span` (offsets in `before`) replaced; returns what replaced it. */
function replacedOnly(before: string, after: string, span: Span): string {
  const suffix = before.slice(span.end);
  expect(after.slice(0, span.start)).toBe(before.slice(0, span.start));
  expect(after.length).toBeGreaterThanOrEqual(span.start + suffix.length);
  expect(after.slice(after.length - suffix.length)).toBe(suffix);
  return after.slice(span.start, after.length - suffix.length);
}

/** `after` is `before` with text inserted at one place, nothing removed. */
function insertedOnly(before: string, after: string): void {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  expect(after.slice(after.length - (before.length - start))).toBe(before.slice(start));
}

function expectKept(removed: string, added: string, except?: string): void {
  const have = words(added);
  for (const [word, count] of words(removed)) {
    const allowed = word === except ? count - 1 : count;
    expect(have.get(word) ?? 0, `"${word}" was dropped from "${removed}"`).toBeGreaterThanOrEqual(allowed);
  }
}

function applied(outcome: EditOutcome): { text: string; changed: boolean } | undefined {
  return outcome.ok ? outcome : undefined;
}

describe("every edit keeps every byte outside its span and every word of the author's", () => {
  it("for any log and any edit", () => {
    fc.assert(
      fc.property(anyLog, anyEdit, (text, edit) => {
        const entries = parseLog(text).entries;
        if (edit.kind === "append") {
          const result = appendEntry(text, edit.finding, { order: edit.newestFirst ? "newest-first" : "oldest-first" });
          if (result.changed) insertedOnly(text, result.text);
          else expect(result.text).toBe(text);
          return;
        }
        fc.pre(entries.length > 0);
        const entry = entries[edit.pick % entries.length]!;
        if (edit.kind === "status") {
          const result = applied(setStatus(text, entry.id, edit.status));
          if (result === undefined) throw new Error("setStatus refused an entry it listed");
          if (!result.changed) {
            expect(result.text).toBe(text);
            expect(entry.status === undefined ? undefined : effectiveStatus(entry.status)).toBe(edit.status);
            return;
          }
          if (entry.statusSpan === undefined) insertedOnly(text, result.text);
          else {
            const old = text.slice(entry.statusSpan.start, entry.statusSpan.end);
            const now = replacedOnly(text, result.text, entry.statusSpan);
            // The status word itself is what changes; every other word stays. `S (was: text)` is the
            // bot's own wrapper around a free-text status: setting Open takes it off again.
            const kept = /^[A-Za-z]+ \(was: ([\s\S]*)\)$/.exec(old);
            if (kept && edit.status === "Open" && statusWord(kept[1]) === undefined) expect(now).toBe(kept[1]);
            else expectKept(old, now, statusWord(old) === undefined ? undefined : /[\p{L}\p{N}_]+/u.exec(old)?.[0]);
          }
          const reread = parseLog(result.text).entries;
          expect(reread.map((e) => e.id)).toEqual(entries.map((e) => e.id));
          expect(effectiveStatus(reread[edit.pick % entries.length]!.status ?? "")).toBe(edit.status);
        } else {
          fc.pre(entry.actionItems.length > 0);
          const n = (edit.item % entry.actionItems.length) + 1;
          const item = entry.actionItems[n - 1]!;
          const result = applied(setActionItem(text, entry.id, n, edit.done));
          if (result === undefined) throw new Error("setActionItem refused an item it listed");
          const mark = replacedOnly(text, result.text, item.checkSpan);
          expect(mark).toBe(result.changed ? (edit.done ? "x" : " ") : text.slice(item.checkSpan.start, item.checkSpan.end));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
