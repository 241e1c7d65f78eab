import { describe, expect, it } from "vitest";
import { checkLog, daysBetween, filterEntries, isValidDate, parseLog, selectOpenItems, todayIn } from "../../src/core/index.js";

const log = [
  "# Research Log",
  "",
  "## 2026-01-10 Warmup instability",
  "**Category**: Training",
  "**Status**: Open",
  "**Related**: `configs/a.yaml`",
  "### Finding",
  "Loss spikes with AdamW.",
  "### Impact",
  "Lost runs.",
  "### Action Items",
  "- [x] Add clipping",
  "- [ ] Longer warmup",
  "- [ ] Lower beta2",
  "",
  "## 2026-01-15 Slow dataloader",
  "**Category**: performance",
  "**Status**: resolved",
  "### Finding",
  "Workers starve.",
  "### Impact",
  "GPU idle.",
  "### Action Items",
  "- [ ] Never mind",
  "",
  "## 2026-01-18 Shard skew",
  "**Category**: Data",
  "**Status**: Workaround",
  "### Finding",
  "One shard is huge.",
  "### Impact",
  "Imbalanced epochs.",
  "### Action Items",
  "- [x] Reshard",
  "",
].join("\n");

describe("selectOpenItems", () => {
  it("groups unchecked items of unresolved entries, with ages", () => {
    expect(selectOpenItems(parseLog(log), "2026-01-20")).toEqual([
      {
        id: "2026-01-10-warmup-instability",
        title: "Warmup instability",
        date: "2026-01-10",
        status: "Open",
        items: [
          { item: 2, text: "Longer warmup", ageDays: 10 },
          { item: 3, text: "Lower beta2", ageDays: 10 },
        ],
      },
    ]);
  });

  it("counts an entry dated after today (its author's zone is ahead) as 0 days old, not -1", () => {
    const ages = selectOpenItems(parseLog(log), "2026-01-09")[0]?.items.map((i) => i.ageDays);
    expect(ages).toEqual([0, 0]);
  });
});

describe("filterEntries", () => {
  const entries = parseLog(log).entries;
  it.each([
    [{}, ["Warmup instability", "Slow dataloader", "Shard skew"]],
    [{ open: true }, ["Warmup instability", "Shard skew"]],
    [{ category: "PERFORMANCE" }, ["Slow dataloader"]],
    [{ status: "workaround" }, ["Shard skew"]],
    [{ search: "adamw LOSS" }, ["Warmup instability"]],
    [{ search: "reshard" }, ["Shard skew"]],
    [{ search: "configs/a.yaml" }, ["Warmup instability"]],
    [{ search: "loss gpu" }, []],
    [{ open: true, category: "Data" }, ["Shard skew"]],
  ])("%j", (filter, titles) => {
    expect(filterEntries(entries, filter).map((e) => e.title)).toEqual(titles);
  });
});

describe("checkLog", () => {
  it("accepts a valid log and hand-written variants", () => {
    expect(checkLog(log)).toEqual([]);
    expect(checkLog("## [2026-01-20] [T]\r\n- **category:** data\r\n**Status:** open\r\n### Finding:\r\nx\r\n### impact\r\ny\r\n")).toEqual([]);
  });

  it.each([
    ["impossible date", "## 2026-02-30 T\n**Category**: Data\n**Status**: Open\n### Finding\nx\n### Impact\ny\n", [{ line: 1, severity: "warning", message: "Date 2026-02-30 does not exist" }]],
    ["malformed date", "## 2026-2-3 T\n**Category**: Data\n**Status**: Open\n### Finding\nx\n### Impact\ny\n", [{ line: 1, severity: "warning", message: 'Date must look like YYYY-MM-DD (got "2026-2-3")' }]],
    ["missing title", "## 2026-02-03\n**Category**: Data\n**Status**: Open\n### Finding\nx\n### Impact\ny\n", [{ line: 1, severity: "warning", message: "Title is missing (write it after the date: ## 2026-02-03 Title)" }]],
    ["unknown status", "## 2026-02-03 T\n**Category**: Data\n**Status**: Done\n### Finding\nx\n### Impact\ny\n", [{ line: 3, severity: "warning", message: 'Status "Done" is not one of Open, Resolved, Workaround (it counts as Open)' }]],
    ["missing category", "## 2026-02-03 T\n**Status**: Open\n### Finding\nx\n### Impact\ny\n", [{ line: 1, severity: "warning", message: "Category is missing (add **Category**: one of Training, Architecture, Data, Tooling, Performance)" }]],
    ["unknown category", "## 2026-02-03 T\n**Category**: Food\n**Status**: Open\n### Finding\nx\n### Impact\ny\n", [{ line: 2, severity: "warning", message: 'Category "Food" is not one of Training, Architecture, Data, Tooling, Performance' }]],
    ["empty finding", "## 2026-02-03 T\n**Category**: Data\n**Status**: Open\n### Finding\n\n### Impact\ny\n", [{ line: 4, severity: "warning", message: "Finding section is empty" }]],
    ["missing impact", "## 2026-02-03 T\n**Category**: Data\n**Status**: Open\n### Finding\nx\n", [{ line: 1, severity: "warning", message: "Impact section is missing (add ### Impact)" }]],
    ["unclosed fence", "## 2026-02-03 T\n**Category**: Data\n**Status**: Open\n### Finding\nx\n### Impact\ny\n```py\nz\n", [{ line: 8, severity: "error", message: "Code fence is never closed (add a closing fence)" }]],
    ["NUL byte", "# Log\n\nok\u0000\n", [{ line: 3, severity: "error", message: "Line contains a NUL byte; remove it" }]],
    [
      "a date written another way",
      "# Log\n\n## 2026/01/20 Loader stalls\n**Status**: Open\n\n## 2026 roadmap\n",
      [{ line: 3, severity: "warning", message: 'Heading looks like an entry, but its date "2026/01/20" is not YYYY-MM-DD, so it is not read as one' }],
    ],
    [
      "a dated heading of another level outside any entry",
      "# 2026-01-20 Loader stalls\n\n## Archive\n\n### 2026-01-05 Old thing\n",
      [
        { line: 1, severity: "warning", message: 'Heading "# 2026-01-20 Loader stalls" has a date but is not an entry: entries are ## headings (write it as ## 2026-01-20 Loader stalls)' },
        { line: 5, severity: "warning", message: 'Heading "### 2026-01-05 Old thing" has a date but is not an entry: entries are ## headings (write it as ## 2026-01-05 Old thing)' },
      ],
    ],
    [
      "a dated update inside an entry is fine",
      "## 2026-02-03 T\n**Category**: Data\n**Status**: Open\n### Finding\nx\n### Impact\ny\n### 2026-02-10 update\nz\n",
      [],
    ],
  ])("%s", (_name, text, problems) => {
    expect(checkLog(text)).toEqual(problems);
  });

  it("uses configured categories", () => {
    expect(checkLog("## 2026-02-03 T\n**Category**: Food\n**Status**: Open\n### Finding\nx\n### Impact\ny\n", { categories: ["Food"] })).toEqual([]);
  });
});

describe("dates", () => {
  it.each([
    ["2026-01-20", true],
    ["2024-02-29", true],
    ["2025-02-29", false],
    ["1900-02-29", false],
    ["2000-02-29", true],
    ["2026-04-31", false],
    ["2026-13-01", false],
    ["2026-1-01", false],
  ])("isValidDate(%s) = %s", (s, ok) => expect(isValidDate(s)).toBe(ok));

  it("todayIn and daysBetween", () => {
    const now = new Date("2026-01-20T23:30:00Z");
    expect(todayIn("UTC", now)).toBe("2026-01-20");
    expect(todayIn("Asia/Tokyo", now)).toBe("2026-01-21");
    expect(todayIn("America/Los_Angeles", now)).toBe("2026-01-20");
    expect(daysBetween("2025-12-31", "2026-03-01")).toBe(60);
    expect(daysBetween("2026-01-02", "2026-01-01")).toBe(-1);
  });
});
