import { describe, expect, it } from "vitest";
import { setStatus } from "../../src/core/index.js";
import { effectiveStatus, replaceStatus, statusWord } from "../../src/core/status.js";
import type { Status } from "../../src/core/index.js";

describe("statusWord", () => {
  it.each([
    ["Open", "Open"],
    ["open", "Open"],
    ["RESOLVED", "Resolved"],
    ["Open - waiting on infra", "Open"],
    ["Workaround: pin torch 2.3", "Workaround"],
    ["Opened yesterday", undefined],
    ["Design only. No code until Phase 7 paper trading completes.", undefined],
    ["", undefined],
    [undefined, undefined],
  ] as const)("%j reads as %j", (value, word) => {
    expect(statusWord(value)).toBe(word);
  });

  it("a value with no status word counts as Open", () => {
    expect(effectiveStatus("Design only.")).toBe("Open");
    expect(effectiveStatus("Resolved (was: Design only.)")).toBe("Resolved");
  });
});

describe("replaceStatus keeps every word of the author's", () => {
  const design = "Design only. No code until Phase 7 paper trading completes.";
  it.each<[string, Status, string]>([
    ["Open", "Resolved", "Resolved"],
    ["open", "Resolved", "resolved"],
    ["OPEN", "Workaround", "WORKAROUND"],
    ["Open - waiting on infra", "Resolved", "Resolved - waiting on infra"],
    ["Workaround: pin torch 2.3", "Resolved", "Resolved: pin torch 2.3"],
    [design, "Resolved", `Resolved (was: ${design})`],
    [`Resolved (was: ${design})`, "Open", design],
    [`Resolved (was: ${design})`, "Workaround", `Workaround (was: ${design})`],
    ["Resolved (was: a (nested) note)", "Open", "a (nested) note"],
    ["", "Resolved", "Resolved"],
  ])("%j set to %s is %j", (value, status, after) => {
    expect(replaceStatus(value, status)).toBe(after);
  });
});

describe("setStatus and its undo", () => {
  const entry = (status: string): string =>
    `# Log\r\n\r\n## 2026-03-01 Plan\r\n\r\n**Category**: Tooling\r\n**Status:** ${status}\r\n\r\n### Finding\r\nx\r\n\r\n### Impact\r\ny\r\n`;

  it.each([
    "Design only. No code until Phase 7 paper trading completes.",
    "open - waiting on the cluster",
    "Open",
    "WORKAROUND until the fix ships",
    "Blocked (on infra)",
  ])("resolving %j and undoing it gives back the original bytes", (status) => {
    const before = entry(status);
    const resolved = setStatus(before, "2026-03-01-plan", "Resolved");
    if (!resolved.ok) throw new Error(resolved.reason);
    expect(resolved.changed).toBe(true);
    // Every word but the status word itself is still there.
    const words = status.split(/\s+/);
    for (const word of statusWord(status) === undefined ? words : words.slice(1)) expect(resolved.text).toContain(word);
    // Replaying the same edit changes nothing.
    expect(setStatus(resolved.text, "2026-03-01-plan", "Resolved")).toEqual({ ok: true, text: resolved.text, changed: false });
    const undone = setStatus(resolved.text, "2026-03-01-plan", statusWord(status) ?? "Open");
    expect(undone).toEqual({ ok: true, text: before, changed: true });
    // An entry open in effect is not rewritten to say so.
    if (effectiveStatus(status) === "Open") expect(setStatus(before, "2026-03-01-plan", "Open")).toEqual({ ok: true, text: before, changed: false });
  });
});
