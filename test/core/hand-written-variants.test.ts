import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkLog, filterEntries, parseLog, setActionItem, setStatus } from "../../src/core/index.js";
import type { EditOutcome, Status } from "../../src/core/index.js";
import { effectiveStatus } from "../../src/core/status.js";
import { changedRegion } from "./changed-region.js";

/**
 * A log written by hand the ways people write them: date ranges, an en dash,
 * a full-width colon, free-text statuses, sections of the author's own,
 * tables, prose and look-alike checkboxes. Every test runs on it as written
 * (LF) and with CRLF line endings.
 */
const LF = readFileSync(new URL("../fixtures/hand-written-variants.md", import.meta.url), "utf8");
const VARIANTS = [
  ["LF", LF],
  ["CRLF", LF.replaceAll("\n", "\r\n")],
] as const;

const EVAL = "2026-07-2829--eval-harness-double-counts-fills";
const LOADER = "2026-03-1314-dataloader-stalls-under-nfs";
const AMP = "2026-08-05amp-下-softmax-溢出";
const CLIFF = "2026-09-01-throughput-cliff-at-batch-512";

/** The one changed region between two texts, and the 1-based line it starts on. */
function diff(a: string, b: string): { line: number; removed: string; added: string } {
  const { start, removed, added } = changedRegion(a, b);
  return { line: a.slice(0, start).split("\n").length, removed, added };
}

function applied(outcome: EditOutcome): string {
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.changed).toBe(true);
  return outcome.text;
}

describe.each(VARIANTS)("a hand-written log with variants (%s)", (name, text) => {
  const log = parseLog(text);
  const eol = name === "LF" ? "\n" : "\r\n";

  it("reads every dated entry, and only those", () => {
    expect(log.entries.map((e) => [e.id, e.line, e.date, e.title, e.category, e.status])).toEqual([
      [EVAL, 10, "2026-07-28", "Eval harness double-counts fills", "Tooling", "Design only. No code until Phase 7 paper trading completes."],
      [LOADER, 39, "2026-03-13", "Dataloader stalls under NFS", "Performance", "Open - waiting on infra to move the shards"],
      [AMP, 57, "2026-08-05", "AMP 下 softmax 溢出", "Training", "resolved"],
      [CLIFF, 75, "2026-09-01", "Throughput cliff at batch 512", "Performance", "Workaround: batch 384 until the kernel is fixed"],
    ]);
  });

  it("reads Finding, Impact and the action items around the author's own sections", () => {
    const [evalEntry, loader, amp, cliff] = log.entries;
    expect(evalEntry?.finding).toBe("Partial fills are counted once per venue update, so a fill split across two\nupdates is booked twice.");
    expect(evalEntry?.impact).toBe("Sharpe on venue B is overstated by about 0.4.");
    expect(evalEntry?.related).toEqual(["eval/harness.py"]);
    expect(cliff?.finding).toContain("| 640   | 6,100     |");
    expect(log.entries.map((e) => e.actionItems.map((i) => [i.text, i.done, i.line]))).toEqual([
      [
        ["Key fills by exec_id", false, 33],
        ["Tell the desk", true, 35],
      ],
      [
        ["Ask infra for local SSD scratch", false, 54],
        ["Measure with `strace -c`", false, 55],
      ],
      [["Upcast logits before softmax", true, 69]],
      [["File a kernel bug", false, 93]],
    ]);
    // The entry before `## Archive` ends there; the archive is nobody's.
    expect(text.slice(amp!.span.start, amp!.span.end)).not.toContain("Older notes");
    expect(loader?.body).toContain("Tried `actimeo=600`");
  });

  it("check warns, by line, about what it cannot read as meant", () => {
    expect(checkLog(text).map((p) => [p.line, p.severity, p.message])).toEqual([
      [13, "warning", 'Status "Design only. No code until Phase 7 paper trading completes." is not one of Open, Resolved, Workaround (it counts as Open)'],
      [34, "warning", "Action item is not a checkbox, so it cannot be checked off (write it as - [ ] text)"],
      [94, "warning", "Action item is not a checkbox, so it cannot be checked off (write it as - [ ] text)"],
    ]);
  });

  it.each([
    ["actimeo", [LOADER]],
    ["exec_id dedup key", [EVAL]],
    ["venue B", [EVAL]],
    ["Mia's wiki", [EVAL]],
    ["6,100", [CLIFF]],
    ["waiting infra", [LOADER]],
    ["softmax", [AMP]],
    ["strace", [LOADER]],
    ["Older notes", []],
    ["category", []],
  ] as const)("search %j finds %j", (words, ids) => {
    expect(filterEntries(log.entries, { search: words }).map((e) => e.id)).toEqual(ids);
  });

  it("list --open counts free text as Open and reads the status word", () => {
    expect(filterEntries(log.entries, { open: true }).map((e) => e.id)).toEqual([EVAL, LOADER, CLIFF]);
    expect(filterEntries(log.entries, { status: "Workaround" }).map((e) => e.id)).toEqual([CLIFF]);
  });

  it.each<[string, string, Status, number, string]>([
    ["a free-text status", EVAL, "Resolved", 13, "**Status:** Resolved (was: Design only. No code until Phase 7 paper trading completes.)"],
    ["a status word with a note", LOADER, "Resolved", 42, "**Status**: Resolved - waiting on infra to move the shards"],
    ["a lower-case status", AMP, "Open", 60, "**Status**: open"],
    ["a status word with a colon", CLIFF, "Resolved", 78, "**Status**: Resolved: batch 384 until the kernel is fixed"],
  ])("setStatus on %s changes only its line, and undo gives back its bytes", (_what, id, status, line, written) => {
    const before = parseLog(text).entries.find((e) => e.id === id)!;
    const after = applied(setStatus(text, id, status));
    const lines = text.split(eol);
    const changed = after.split(eol);
    expect(changed).toEqual([...lines.slice(0, line - 1), written, ...lines.slice(line)]);
    // Undo, as removing the ✅ does: back to the status the entry had.
    const undo = applied(setStatus(after, id, effectiveStatus(before.status ?? "")));
    expect(undo).toBe(text);
  });

  it.each<[string, string, number, boolean, { line: number; removed: string; added: string }]>([
    ["an item after a look-alike", EVAL, 2, false, { line: 35, removed: "x", added: " " }],
    ["a `*` item", LOADER, 2, true, { line: 55, removed: " ", added: "x" }],
    ["an item above a look-alike", CLIFF, 1, true, { line: 93, removed: " ", added: "x" }],
  ])("setActionItem on %s changes one character", (_what, id, item, done, change) => {
    const after = applied(setActionItem(text, id, item, done));
    expect(diff(text, after)).toEqual(change);
    expect(applied(setActionItem(after, id, item, !done))).toBe(text);
  });
});
