import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendEntry, editEntry, entryForEdit, entryToFinding, formInputOf, normalizeFinding, parseLog } from "../../src/core/index.js";
import type { Finding } from "../../src/core/index.js";
import { findingInput, formattedLog } from "./arbitraries.js";

const VARIANTS = readFileSync(new URL("../fixtures/hand-written-variants.md", import.meta.url), "utf8");
const EVAL = "2026-07-2829--eval-harness-double-counts-fills";

/** The finding an entry holds now, as an edit form is filled from it (core's formInputOf). */
function formOf(text: string, id: string): Finding {
  const found = entryForEdit(text, id);
  if (found === undefined) throw new Error(`no entry ${id}`);
  const valid = normalizeFinding(formInputOf(found.entry));
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return valid.value;
}

/** `after` is `before` with only [start, end) of `before` replaced. */
function onlyInside(before: string, after: string, start: number, end: number): void {
  expect(after.slice(0, start)).toBe(before.slice(0, start));
  expect(after.slice(after.length - (before.length - end))).toBe(before.slice(end));
}

describe("editEntry on a hand-written entry", () => {
  const version = entryForEdit(VARIANTS, EVAL)?.version;

  it("rewrites the title, the Finding and adds an action item, keeping the author's sections, table, prose and date", () => {
    const form = formOf(VARIANTS, EVAL);
    const edited = editEntry(
      VARIANTS,
      EVAL,
      { ...form, title: "Eval harness double-counts partial fills", finding: "Partial fills are booked once per venue update.", actionItems: [...form.actionItems, { text: "Add a regression test", done: false }] },
      version,
    );
    if (!edited.ok) throw new Error(edited.reason);
    const entry = parseLog(VARIANTS).entries.find((e) => e.id === EVAL)!;
    onlyInside(VARIANTS, edited.text, entry.span.start, entry.contentEnd);
    expect(edited.id).toBe("2026-07-2829--eval-harness-double-counts-partial-fills");
    const after = edited.text.slice(entry.span.start, edited.text.length - (VARIANTS.length - entry.contentEnd));
    expect(after).toContain("## 2026-07-28/29 — Eval harness double-counts partial fills\n");
    expect(after).toContain("### Root cause\n\n| venue | updates per fill |");
    expect(after).toContain("**Status:** Design only. No code until Phase 7 paper trading completes.");
    expect(after).toContain("- [] Re-run the Q2 backtests");
    expect(after).toContain("- [x] Tell the desk\n- [ ] Add a regression test\n\nWe argued about this for a day");
    expect(after).toContain("### Finding\nPartial fills are booked once per venue update.\n\n### Root cause");
    const reread = parseLog(edited.text).entries.find((e) => e.id === edited.id)!;
    expect(reread.date).toBe("2026-07-28");
    expect(reread.actionItems.map((i) => i.text)).toEqual(["Key fills by exec_id", "Tell the desk", "Add a regression test"]);
  });

  it("changes nothing when nothing changed", () => {
    expect(editEntry(VARIANTS, EVAL, formOf(VARIANTS, EVAL), version)).toEqual({ ok: true, text: VARIANTS, changed: false, id: EVAL });
  });

  it("refuses a form opened before a hand edit of the entry, and shows the entry as it is", () => {
    const handEdited = VARIANTS.replace("The dedup key ignores the `exec_id`.", "The dedup key ignores the `exec_id` (Mia).");
    const edited = editEntry(handEdited, EVAL, { ...formOf(VARIANTS, EVAL), title: "Other" }, version);
    expect(edited).toMatchObject({ ok: false, reason: expect.stringMatching(/changed in the log since the form was opened/) });
    if (!edited.ok) expect(edited.conflict?.current).toContain("(Mia)");
  });

  it("takes a form opened before an edit of another entry", () => {
    const otherEdited = VARIANTS.replace("Tried `actimeo=600`; no change.", "Tried `actimeo=600` and `noac`; no change.");
    const edited = editEntry(otherEdited, EVAL, { ...formOf(VARIANTS, EVAL), impact: "Sharpe on venue B is overstated." }, version);
    expect(edited.ok && edited.changed).toBe(true);
  });

  it("keeps CRLF line endings and fills in a missing section", () => {
    const crlf = VARIANTS.replaceAll("\n", "\r\n");
    const cliff = "2026-09-01-throughput-cliff-at-batch-512";
    const form = formOf(crlf, cliff);
    const edited = editEntry(crlf, cliff, { ...form, category: "Tooling", status: "Resolved", related: ["bench/sweep.py"], actionItems: [{ text: "File a kernel bug", done: true }] });
    if (!edited.ok) throw new Error(edited.reason);
    expect(edited.text.replaceAll("\r\n", "")).not.toContain("\n");
    const section = edited.text.slice(edited.text.indexOf("## [2026-09-01]"));
    expect(section).toContain("**Category**: Tooling\r\n**Status**: Resolved: batch 384 until the kernel is fixed\r\n**Related**: `bench/sweep.py`\r\n");
    expect(section).toContain("- [x] File a kernel bug\r\n- [ ]Profile the 640 run");
  });
});

describe("editEntry on formatted logs (property)", () => {
  const validFinding = findingInput
    .map((input) => normalizeFinding(input))
    .filter((r) => r.ok)
    .map((r) => (r as { ok: true; value: Finding }).value);

  it("reads back exactly the edited finding, keeps its date, and leaves every byte outside the entry alone", () => {
    fc.assert(
      fc.property(formattedLog, fc.nat(), validFinding, (text, pick, replacement) => {
        const entries = parseLog(text).entries;
        const target = entries[pick % entries.length]!;
        const before = entryToFinding(target);
        fc.pre(before !== undefined);
        const edited = editEntry(text, target.id, replacement, entryForEdit(text, target.id)?.version);
        if (!edited.ok) throw new Error(edited.reason);
        onlyInside(text, edited.text, target.span.start, target.contentEnd);
        const after = parseLog(edited.text).entries[pick % entries.length]!;
        expect(after.id).toBe(edited.id);
        expect(entryToFinding(after)).toEqual({ ...replacement, date: before!.date });
        // Applying the same form again changes nothing.
        expect(editEntry(edited.text, edited.id, replacement)).toMatchObject({ ok: true, changed: false });
      }),
      { numRuns: 300 },
    );
  });

  it("works the same on an entry just appended", () => {
    const finding: Finding = { date: "2026-01-20", title: "T", category: "Data", status: "Open", related: [], finding: "f", impact: "i", actionItems: [] };
    const { text, id } = appendEntry(undefined, finding);
    const edited = editEntry(text, id, { ...finding, actionItems: [{ text: "new", done: false }] });
    expect(edited.ok && edited.text).toBe(`${text.trimEnd()}\n\n### Action Items\n- [ ] new\n`);
  });
});
