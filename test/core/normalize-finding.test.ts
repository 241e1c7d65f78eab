import { describe, expect, it } from "vitest";
import { normalizeFinding } from "../../src/core/index.js";
import type { FindingInput } from "../../src/core/index.js";

const valid: FindingInput = {
  date: "2026-01-20",
  title: "A title",
  category: "Training",
  status: "Open",
  finding: "Saw a thing.",
  impact: "It matters.",
};

function errorsOf(input: FindingInput, categories?: readonly string[]) {
  const result = normalizeFinding(input, categories ? { categories } : {});
  return result.ok ? [] : result.errors;
}

describe("normalizeFinding: validation", () => {
  it.each([
    ["empty title", { title: "  " }, "title", "Title is required"],
    ["missing title", { title: undefined }, "title", "Title is required"],
    ["unknown category", { category: "X" }, "category", 'Category must be one of Training, Architecture, Data, Tooling, Performance (got "X")'],
    ["10,000-char title", { title: "a".repeat(10_000) }, "title", "Title is too long (10000 characters; at most 200)"],
    ["NUL byte", { finding: "a\0b" }, "finding", "Finding contains a control character (NUL); remove it"],
    ["escape char in title", { title: "a\u001bb" }, "title", "Title contains a control character (ESC); remove it"],
    ["impossible date", { date: "2026-02-30" }, "date", "Date 2026-02-30 does not exist"],
    ["malformed date", { date: "20/01/2026" }, "date", 'Date must look like YYYY-MM-DD (got "20/01/2026")'],
    ["missing date", { date: undefined }, "date", "Date is required"],
    ["unknown status", { status: "Done" }, "status", 'Status must be one of Open, Resolved, Workaround (got "Done")'],
    ["missing impact", { impact: "\n \n" }, "impact", "Impact is required"],
    ["long finding", { finding: "x".repeat(20_001) }, "finding", "Finding is too long (20001 characters; at most 20000)"],
    ["too many related", { related: Array.from({ length: 21 }, (_, i) => `r${i}`) }, "related", "Related has too many items (21; at most 20)"],
    ["long related item", { related: `a, ${"b".repeat(301)}` }, "related", "Related item 2 is too long (301 characters; at most 300)"],
    ["too many action items", { actionItems: Array.from({ length: 51 }, (_, i) => `do ${i}`) }, "actionItems", "Action Items has too many items (51; at most 50)"],
    ["long action item", { actionItems: "x".repeat(501) }, "actionItems", "Action item 1 is too long (501 characters; at most 500)"],
  ] as const)("%s", (_name, patch, field, message) => {
    expect(errorsOf({ ...valid, ...patch })).toEqual([{ field, message }]);
  });

  it("reports every invalid field at once, in field order", () => {
    const errors = errorsOf({ actionItems: "ok", impact: "\0", title: "", category: "nope", date: "2026-13-01" });
    expect(errors.map((e) => e.field)).toEqual(["date", "title", "category", "status", "finding", "impact"]);
  });

  it("rejects values that are not text", () => {
    expect(errorsOf({ ...valid, title: 42 as unknown as string })).toEqual([{ field: "title", message: "Title must be text" }]);
  });
});

describe("normalizeFinding: normalisation", () => {
  it("cleans every field", () => {
    const result = normalizeFinding(
      {
        date: " 2026-01-20 ",
        title: "  AMP\r\n  breaks\tthings  ",
        category: "performance",
        status: "workaround",
        related: ["`experiments/train.py`, mlflow  run abc123\nhttps://x.test/a", " , "],
        finding: "\r\n  \n  indented line\r\nsecond line   \r\n\r\n",
        impact: "one\rtwo",
        actionItems: ["- [ ] first\n* [x] second\n\n+ [X]   third   item", "[ ] [x] literal box", "plain"],
      },
      { categories: ["Performance", "Custom"] },
    );
    expect(result).toEqual({
      ok: true,
      value: {
        date: "2026-01-20",
        title: "AMP breaks things",
        category: "Performance",
        status: "Workaround",
        related: ["experiments/train.py", "MLflow run abc123", "https://x.test/a"],
        finding: "  indented line\nsecond line",
        impact: "one\ntwo",
        actionItems: [
          { text: "first", done: false },
          { text: "second", done: true },
          { text: "third item", done: true },
          { text: "[x] literal box", done: false },
          { text: "plain", done: false },
        ],
      },
    });
  });

  it("uses configured categories", () => {
    expect(errorsOf({ ...valid, category: "custom" }, ["Custom"])).toEqual([]);
    expect(errorsOf({ ...valid, category: "Training" }, ["Custom"])).toEqual([
      { field: "category", message: 'Category must be one of Custom (got "Training")' },
    ]);
  });
});
