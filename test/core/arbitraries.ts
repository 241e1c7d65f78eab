import fc from "fast-check";
import { appendEntry, normalizeFinding } from "../../src/core/index.js";
import type { Finding, FindingInput } from "../../src/core/index.js";

/** Lines that look like structure: headings, fences, escapes, fields, setext underlines. */
export const adversarialLine = fc.constantFrom(
  "## x",
  "# x",
  "### Impact",
  "### Finding",
  "### Action Items",
  "```",
  "```py",
  "~~~",
  "````",
  "\\",
  "\\#",
  "---",
  "===",
  "- [ ] item",
  "**Status**: Resolved",
  "   ## indented",
  "    ## code",
  "<!--",
  "-->",
  "",
  "  ",
  "\t",
  "## 2026-01-01 Fake",
);
const anyLine = fc.oneof(
  { weight: 3, arbitrary: adversarialLine },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
);
const block = fc.array(anyLine, { minLength: 1, maxLength: 12 }).map((lines) => lines.join(fc.sample(fc.constantFrom("\n", "\r\n"), 1)[0]));
const shortText = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: "binary", maxLength: 30 }), adversarialLine);

export const findingInput: fc.Arbitrary<FindingInput> = fc.record({
  date: fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  title: fc.oneof(shortText, fc.constantFrom("- x", "[x]", "x ##", "\\", "#")),
  category: fc.constantFrom("Training", "data", "TOOLING"),
  status: fc.constantFrom("Open", "resolved", "Workaround"),
  related: fc.oneof(shortText, fc.array(shortText, { maxLength: 4 })),
  finding: block,
  impact: block,
  actionItems: fc.oneof(block, fc.array(shortText, { maxLength: 5 })),
});

const validFinding = findingInput
  .map((input) => normalizeFinding(input))
  .filter((r) => r.ok)
  .map((r) => (r as { ok: true; value: Finding }).value);

/** Logs the formatter wrote: several entries, LF or CRLF, maybe a BOM, prose, newest-first. */
export const formattedLog = fc
  .record({
    findings: fc.array(validFinding, { minLength: 1, maxLength: 6 }),
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
export const handLine = fc.oneof(
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
export const headingVariant = fc.constantFrom(
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

/** Status lines as people write them: a status word with a note, free text, a kept value. */
export const statusVariant = fc.constantFrom(
  "**Status:** Design only. No code until Phase 7 paper trading completes.",
  "**Status**: Open - waiting on infra",
  "**Status**: open",
  "**Status**: Workaround: pin torch 2.3",
  "**Status**: Resolved (was: Blocked on the cluster)",
  "Status: needs a decision (see thread)",
);

/** Logs as a person might leave them: any mix of the lines above, LF or CRLF, maybe a BOM. */
export const handLog = fc
  .record({
    lines: fc.array(fc.oneof({ weight: 6, arbitrary: handLine }, { weight: 1, arbitrary: headingVariant }, { weight: 1, arbitrary: statusVariant }), { maxLength: 40 }),
    eol: fc.constantFrom("\n", "\r\n"),
    bom: fc.boolean(),
    finalEol: fc.boolean(),
  })
  .map(({ lines, eol, bom, finalEol }) => `${bom ? "\ufeff" : ""}${lines.join(eol)}${finalEol && lines.length > 0 ? eol : ""}`);
