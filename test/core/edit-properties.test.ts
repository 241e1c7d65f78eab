import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendEntry, normalizeFinding, parseLog, setActionItem, setStatus, STATUSES } from "../../src/core/index.js";
import type { Finding, ParsedEntry } from "../../src/core/index.js";
import { findingInput } from "./arbitraries.js";
import { plainEntry } from "./entries.js";

const finding = findingInput.chain((input) => {
  const r = normalizeFinding(input);
  return r.ok ? fc.constant(r.value) : fc.constant(undefined);
}).filter((f): f is Finding => f !== undefined);

/** A log of several entries, in LF or CRLF, optionally with a BOM and prose. */
const generatedLog = fc
  .record({
    findings: fc.array(finding, { minLength: 1, maxLength: 5 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    prose: fc.constantFrom("", "Intro prose.\n\n| a | b |\n|---|---|\n"),
  })
  .map(({ findings, crlf, bom, prose }) => {
    let text = `${bom ? "\ufeff" : ""}# Research Log\n\n${prose}`;
    if (crlf) text = text.replace(/\n/g, "\r\n");
    for (const f of findings) text = appendEntry(text, f).text;
    return text;
  });

function unchangedExcept(before: ParsedEntry[], after: ParsedEntry[], index: number): void {
  expect(after).toHaveLength(before.length);
  after.forEach((e, i) => {
    // Lazily-read fields are accessors, which toEqual on the entries themselves would skip.
    if (i !== index) expect(plainEntry(e)).toEqual(plainEntry(before[i]!));
  });
}

describe("edits change only their target", () => {
  it("(b) setStatus", () => {
    fc.assert(
      fc.property(generatedLog, fc.nat(), fc.constantFrom(...STATUSES), (text, pick, status) => {
        const log = parseLog(text);
        const index = pick % log.entries.length;
        const entry = log.entries[index]!;
        const result = setStatus(text, entry.id, status);
        if (!result.ok) throw new Error(result.reason);
        const span = entry.statusSpan!;
        expect(result.text.slice(0, span.start)).toBe(text.slice(0, span.start));
        expect(result.text.slice(result.text.length - (text.length - span.end))).toBe(text.slice(span.end));
        expect(result.changed).toBe(entry.status!.toLowerCase() !== status.toLowerCase());
        const after = parseLog(result.text);
        expect(after.entries[index]!.status).toBe(result.changed ? status : entry.status);
        if (result.text.length === text.length) unchangedExcept(log.entries, after.entries, index);
        expect(setStatus(result.text, entry.id, status)).toEqual({ ok: true, text: result.text, changed: false });
      }),
      { numRuns: 200 },
    );
  });

  it("(b) setActionItem", () => {
    fc.assert(
      fc.property(generatedLog, fc.nat(), fc.nat(), fc.boolean(), (text, pick, pickItem, done) => {
        const log = parseLog(text);
        const index = pick % log.entries.length;
        const entry = log.entries[index]!;
        const n = entry.actionItems.length;
        const result = setActionItem(text, entry.id, n === 0 ? 1 : (pickItem % n) + 1, done);
        if (n === 0) {
          expect(result.ok).toBe(false);
          return;
        }
        if (!result.ok) throw new Error(result.reason);
        const target = entry.actionItems[pickItem % n]!;
        expect(result.text.length).toBe(text.length);
        expect(result.text.slice(0, target.checkSpan.start)).toBe(text.slice(0, target.checkSpan.start));
        expect(result.text.slice(target.checkSpan.end)).toBe(text.slice(target.checkSpan.end));
        const after = parseLog(result.text);
        unchangedExcept(log.entries, after.entries, index);
        const items = after.entries[index]!.actionItems;
        items.forEach((item, i) => {
          expect(item.done).toBe(i === pickItem % n ? done : entry.actionItems[i]!.done);
          expect(item.text).toBe(entry.actionItems[i]!.text);
        });
      }),
      { numRuns: 200 },
    );
  });
});
