import { readFileSync } from "node:fs";
import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";
import { appendEntry, checkLog, entryToFinding, parseLog, setActionItem, setStatus } from "../../src/core/index.js";
import type { Finding } from "../../src/core/index.js";
import { changedRegion } from "./changed-region.js";

const before = readFileSync(new URL("../fixtures/hand-written.md", import.meta.url), "utf8");

/** The one changed region between two texts; the text around it is checked equal. */
function diff(a: string, b: string): { start: number; removed: string; added: string } {
  const change = changedRegion(a, b);
  expect(b.slice(0, change.start)).toBe(a.slice(0, change.start));
  expect(b.slice(change.start + change.added.length)).toBe(a.slice(change.start + change.removed.length));
  return change;
}

describe("a hand-written log (BOM, CRLF, prose, variants)", () => {
  const log = parseLog(before);

  it("is read as three entries", () => {
    expect(before.startsWith("\ufeff# Research Log\r\n")).toBe(true);
    expect(log.bom).toBe(true);
    expect(log.eol).toBe("\r\n");
    expect(
      log.entries.map((e) => [e.id, e.line, e.date, e.title, e.category, e.status, e.related, e.finding, e.impact]),
    ).toEqual([
      [
        "2026-01-20-loss-spikes-after-warmup",
        9,
        "2026-01-20",
        "Loss Spikes After Warmup",
        "training",
        "Open",
        ["configs/base.yaml", "https://example.test/run/7"],
        "The loss spikes right after warmup ends.\n\n```python\n# comment inside a fence\n## not a heading either\nlr = 3e-4\n```",
        "Runs diverge about 1 in 5 times.",
      ],
      ["2026-01-21-tokenizer-drops-emoji", 34, "2026-01-21", "Tokenizer drops emoji", "Data", "workaround", [], "Emoji become `<unk>`.", undefined],
      ["2026-01-21-tokenizer-drops-emoji-1", 48, "2026-01-21", "Tokenizer drops emoji", "Tooling", "Resolved", [], "Second entry with a title that repeats.", "None."],
    ]);
    expect(log.entries[0]!.actionItems.map((i) => [i.text, i.done, i.line])).toEqual([
      ["Try a longer warmup", false, 28],
      ["Log grad norms", true, 29],
      ["Add gradient clipping", true, 30],
    ]);
    expect(log.entries[1]!.actionItems.map((i) => i.text)).toEqual(["Switch tokenizer"]);
  });

  it("gives every heading GitHub's id", () => {
    const slugger = new GithubSlugger();
    const ids = before
      .split("\r\n")
      .filter((l) => /^#{1,6} /.test(l) && !l.startsWith("# comment") && !l.startsWith("## not"))
      .map((l) => slugger.slug(l.replace(/^#+ /, "")));
    expect(ids).toContain("finding-1");
    for (const entry of log.entries) expect(ids).toContain(entry.id);
  });

  it("spans run from heading to the next h1/h2, prose included", () => {
    const [a, b, c] = log.entries;
    expect(before.slice(a!.span.start, a!.span.end)).toMatch(/^## \[2026-01-20\][\s\S]*nobody in particular\.\r\n\r\n$/);
    expect(b!.span.end).toBe(before.indexOf("## Archive"));
    expect(c!.span.end).toBe(before.length);
    expect(before.slice(0, a!.contentEnd).endsWith("nobody in particular.")).toBe(true);
  });

  it("an entry missing Impact is no Finding, and check says why", () => {
    expect(entryToFinding(log.entries[1]!)).toBeUndefined();
    expect(entryToFinding(log.entries[0]!)?.category).toBe("Training");
    expect(checkLog(before)).toEqual([{ line: 34, severity: "warning", message: "Impact section is missing (add ### Impact)" }]);
  });

  it("setStatus replaces just the status word", () => {
    const result = setStatus(before, "2026-01-20-loss-spikes-after-warmup", "Resolved");
    if (!result.ok) throw new Error(result.reason);
    expect(result.changed).toBe(true);
    expect(diff(before, result.text)).toEqual({ start: before.indexOf("Open\r\n"), removed: "Open", added: "Resolved" });
    expect(setStatus(result.text, "2026-01-20-loss-spikes-after-warmup", "Resolved")).toEqual({ ok: true, text: result.text, changed: false });
    // A case-only difference is already that status.
    expect(setStatus(before, "2026-01-21-tokenizer-drops-emoji", "Workaround")).toEqual({ ok: true, text: before, changed: false });
  });

  it("setActionItem checks and unchecks one box", () => {
    const id = "2026-01-20-loss-spikes-after-warmup";
    const checked = setActionItem(before, id, 1, true);
    if (!checked.ok) throw new Error(checked.reason);
    expect(diff(before, checked.text)).toEqual({ start: before.indexOf("* [ ] Try") + 3, removed: " ", added: "x" });
    const unchecked = setActionItem(before, id, 3, false);
    if (!unchecked.ok) throw new Error(unchecked.reason);
    expect(diff(before, unchecked.text)).toEqual({ start: before.indexOf("- [X] Add") + 3, removed: "X", added: " " });
    expect(setActionItem(before, id, 3, true)).toEqual({ ok: true, text: before, changed: false });
    expect(setActionItem(before, id, 4, true)).toEqual({ ok: false, reason: 'finding "Loss Spikes After Warmup" has no action item 4 (it has 3)' });
    expect(setActionItem(before, "nope", 1, true)).toEqual({ ok: false, reason: 'no finding with id "nope"' });
    // Items moved by hand are found by their text.
    const moved = setActionItem(before, id, 1, false, "Log grad norms");
    expect(moved.ok && diff(before, moved.text)).toEqual({ start: before.indexOf("* [x] Log") + 3, removed: "x", added: " " });
    expect(setActionItem(before, id, 1, true, "Gone item")).toEqual({ ok: false, reason: 'finding "Loss Spikes After Warmup" has no action item "Gone item"' });
  });

  it("setStatus inserts a missing Status line after Category", () => {
    const text = before.replace("- **status**: workaround\r\n", "");
    const result = setStatus(text, "2026-01-21-tokenizer-drops-emoji", "Open");
    expect(result.ok && diff(text, result.text)).toEqual({
      start: text.indexOf("- **Category**: Data\r\n") + "- **Category**: Data\r\n".length,
      removed: "",
      added: "**Status**: Open\r\n",
    });
  });

  it("appendEntry adds one CRLF block at the end", () => {
    const finding: Finding = {
      date: "2026-01-21",
      title: "Tokenizer drops emoji",
      category: "Data",
      status: "Open",
      related: [],
      finding: "Third time.",
      impact: "Some.",
      actionItems: [{ text: "Fix it", done: false }],
    };
    const result = appendEntry(before, finding);
    expect(result.id).toBe("2026-01-21-tokenizer-drops-emoji-2");
    const change = diff(before, result.text);
    expect(change.start).toBe(before.length);
    expect(change.added).toBe(
      "\r\n## 2026-01-21 Tokenizer drops emoji\r\n\r\n**Category**: Data\r\n**Status**: Open\r\n\r\n### Finding\r\nThird time.\r\n\r\n### Impact\r\nSome.\r\n\r\n### Action Items\r\n- [ ] Fix it\r\n",
    );
    const reparsed = parseLog(result.text);
    expect(reparsed.entries.at(-1)!.id).toBe(result.id);
    expect(appendEntry(result.text, finding)).toEqual({ ok: true, text: result.text, changed: false, id: result.id });

    const newest = appendEntry(before, finding, { order: "newest-first" });
    const at = before.indexOf("## [2026-01-20]");
    const block = change.added.slice(2);
    expect(newest.text).toBe(before.slice(0, at) + block + "\r\n" + before.slice(at));
    expect(newest.id).toBe("2026-01-21-tokenizer-drops-emoji");
    expect(parseLog(newest.text).entries[0]!.id).toBe(newest.id);
  });
});
