import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLog } from "../../src/core/index.js";
import type { ParsedEntry } from "../../src/core/index.js";
import { indexLog, readEntry } from "../../src/core/parse-log.js";
import { formattedLog, handLine, handLog, headingVariant } from "./arbitraries.js";
import { eagerScan } from "./eager-parse.js";
import { plainEntry, referenceFields } from "./entries.js";

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");

/** parseLog's entries equal the reference parser's, and so do the layouts edits and checks use. */
function expectSameAsEager(text: string): void {
  const eager = eagerScan(text);
  const parsed = parseLog(text);
  expect(parsed.eol).toBe(eager.log.eol);
  expect(parsed.bom).toBe(eager.log.bom);
  expect(parsed.entries.map(referenceFields)).toEqual(eager.log.entries);
  const index = indexLog(text);
  const read = index.entries.map((indexed) => readEntry(text, indexed));
  expect(read.map(({ layout: { checkboxLookalikes: _lookalikes, fields: _fields, sections: _sections, items: _items, ...known } }) => known)).toEqual(eager.layouts);
  // Each entry's body is what lies under its heading, through its last line; the spans edits use hold what was read.
  for (const { entry, layout } of read) {
    expect(entry.body).toBe(text.slice(layout.headingNext, Math.max(layout.headingNext, entry.contentEnd)));
    const { category, status } = layout.fields;
    if (category !== undefined) expect(text.slice(category.value.start, category.value.end)).toBe(entry.category);
    if (status !== undefined) expect(text.slice(status.value.start, status.value.end)).toBe(entry.status);
    expect(layout.items.map((item) => text.slice(item.text.start, item.text.end).replace(/^\\(?=\\|\[[ xX]\])/, ""))).toEqual(entry.actionItems.map((i) => i.text));
  }
  expect(index.openFence).toEqual(eager.openFence);
}

const FIELDS = [
  "id",
  "line",
  "span",
  "heading",
  "date",
  "title",
  "category",
  "status",
  "statusSpan",
  "statusLine",
  "related",
  "finding",
  "impact",
  "actionItems",
  "contentEnd",
] as const satisfies readonly (keyof ParsedEntry)[];

describe("the parser reads what the reference parser reads", () => {
  it.each(["hand-written.md", "seed-example.md"])("on the fixture %s", (name) => {
    const text = fixture(name);
    expect(parseLog(text).entries.length).toBeGreaterThan(0);
    expectSameAsEager(text);
  });

  it("on formatted logs", () => {
    fc.assert(fc.property(formattedLog, expectSameAsEager), { numRuns: 300 });
  });

  it("on hand-written logs", () => {
    fc.assert(fc.property(handLog, expectSameAsEager), { numRuns: 3000 });
  });

  it("with the heading variants people write", () => {
    fc.assert(fc.property(fc.array(fc.oneof(handLine, headingVariant), { maxLength: 40 }), (lines) => expectSameAsEager(lines.join("\n"))), {
      numRuns: 500,
    });
  });
});

describe("a parsed entry", () => {
  const entry = parseLog(fixture("hand-written.md")).entries[0]!;

  it("is a plain object with every field", () => {
    expect(Object.keys(entry).sort()).toEqual([...FIELDS, "body"].sort());
    expect(JSON.parse(JSON.stringify(entry))).toEqual(JSON.parse(JSON.stringify(plainEntry(entry))));
  });
});
