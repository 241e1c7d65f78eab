import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendEntry, normalizeFinding, parseLog } from "../../src/core/index.js";
import type { Finding, ParsedEntry } from "../../src/core/index.js";
import { indexLog, readEntry } from "../../src/core/parse-log.js";
import { adversarialLine, findingInput } from "./arbitraries.js";
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
  expect(read.map(({ layout: { checkboxLookalikes: _lookalikes, ...known } }) => known)).toEqual(eager.layouts);
  // Each entry's body is what lies under its heading, through its last line.
  for (const { entry, layout } of read) {
    expect(entry.body).toBe(text.slice(layout.headingNext, Math.max(layout.headingNext, entry.contentEnd)));
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

const finding = findingInput
  .map((input) => normalizeFinding(input))
  .filter((r) => r.ok)
  .map((r) => (r as { ok: true; value: Finding }).value);

/** Logs the formatter wrote: several entries, LF or CRLF, maybe a BOM, prose, newest-first. */
const formattedLog = fc
  .record({
    findings: fc.array(finding, { minLength: 1, maxLength: 6 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    newestFirst: fc.boolean(),
    prose: fc.constantFrom("", "Intro prose.\n\n| a | b |\n|---|---|\n", "```\nopen fence\n"),
  })
  .map(({ findings, crlf, bom, newestFirst, prose }) => {
    let text = `${bom ? "\ufeff" : ""}# Research Log\n\n${prose}`;
    if (crlf) text = text.replace(/\n/g, "\r\n");
    for (const f of findings) text = appendEntry(text, f, { order: newestFirst ? "newest-first" : "oldest-first" }).text;
    return text;
  });

/** Logs as a person might leave them: any mix of headings, fields, items, fences and text. */
const handLine = fc.oneof(
  { weight: 4, arbitrary: adversarialLine },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "## 2026-01-20 Title",
      "## 2026-01-20 Title",
      "## [2026-02-30] [Bracketed] ##",
      "## 2026-1-5: colon",
      "  ## 2026-01-20 — indented dash",
      "## 2026-01-20",
      "## 2026-01-20:Title",
      "## 2026-01-20 - Title",
      "## 2026-01-20 -Title",
      "## 2026-01-20 \u2013",
      "## 2026-01-20 \u2014 [ T ]",
      "## 2026-01-20 x \\##",
      "## 2026-01-20 \\\\## #",
      "## 2026-01-20 \\- dash",
      "## [2026-01-20]Title",
      "## 2024-02-29 leap",
      "## 2026-02-29 not leap",
      "## 1900-02-29 not leap",
      "## 2000-02-29 leap",
      "## 2026-04-31 x",
      "## 2026-12-31 x",
      "## 2026-13-01 x",
      "## 2026-00-10 x",
      "## 2026-01-00 x",
      "## 2026-1-20 short month",
      "## 2026-01-2",
      "## [2026-01-20 unclosed",
      "## 2026-01-200 long day",
      "## 20260-01-20 x",
      "## 2026-01-20 Closed ##  ",
      "## 2026-01-20 Closed\u00a0## \u00a0",
      "##\t2026-01-20\tTabs\t#\t",
      "## 2026-01-20 #",
      "## 2026-01-20 a#",
      "### Finding ###",
      "###   Impact",
      "## ##",
      "##",
      "## 2026-01-20\u00a0: nbsp",
      "## 2026-01-20 [a\rb]",
      "## Not an entry",
      "# Another h1",
      "### Finding:",
      "### action items",
      "#### Finding",
      "###\tImpact",
      "**Category**: Training",
      "**Category:** data",
      "- Status: Open",
      "__Status__: Resolved  ",
      "**Related**: `a, b`, c",
      "related: x",
      "**Status:** Workaround",
      "__category:__ Data",
      "* Related :a,`b, c`",
      "+\t**STATUS** :\tOpen \u00a0",
      "**Status**:",
      "**Status** x",
      "*Status*: x",
      "***Status***: x",
      "-Status: x",
      "**Category: x",
      "__Category**: x",
      "Statuses: x",
      "- [ ] trailing space\u2003 ",
      "- [x] \u2003",
      "- [x] \\[ ] escaped box",
      "* [x] done",
      "+ [X] Done too",
      "  - [ ] indented",
      "- [ ]",
      "- [y] not an item",
      "\\- [ ] escaped",
      "~~~~",
      "``` not ``` a fence",
      "\\",
      "\\\\ text",
      "text ## 2026-01-20 x",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
);
/** Dated headings as people write them (issue 10): ranges, colons and dashes of every width. */
const headingVariant = fc.constantFrom(
  "## 2026-07-28/29 — range",
  "## 2026-03-13–14: en dash range",
  "## 2026-03-13-14 ascii range",
  "## 2026-08-05：full-width colon",
  "## 2026-08-05﹕small colon",
  "## 2026-03-30/04-02 month range",
  "## 2026-03-30..2026-04-02 dotted",
  "## [2026-03-30/31] bracketed range",
  "## 2026-01-20 － full-width dash",
  "## 2026-01-20 ― bar",
  "## 2026-01-20—no spaces",
  "## 2026-01-201 no",
  "## 2026-01-20x no",
);

const handLog = fc
  .record({
    lines: fc.array(handLine, { maxLength: 40 }),
    eol: fc.constantFrom("\n", "\r\n"),
    bom: fc.boolean(),
    finalEol: fc.boolean(),
  })
  .map(({ lines, eol, bom, finalEol }) => `${bom ? "\ufeff" : ""}${lines.join(eol)}${finalEol && lines.length > 0 ? eol : ""}`);

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
