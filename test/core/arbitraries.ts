import fc from "fast-check";
import type { FindingInput } from "../../src/core/index.js";

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

