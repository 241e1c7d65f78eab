import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";
import { parseLog } from "../../src/core/index.js";
import { parseEntryHeading } from "../../src/core/entry-heading.js";

/** Headings seen in hand-written logs: what follows `## `, and the date and title read from it. */
const ENTRIES: [heading: string, rawDate: string, date: string | undefined, title: string][] = [
  ["2026-01-20 Title", "2026-01-20", "2026-01-20", "Title"],
  ["2026-01-20: Title", "2026-01-20", "2026-01-20", "Title"],
  ["2026-01-20:Title", "2026-01-20", "2026-01-20", "Title"],
  ["2026-01-20 - Title", "2026-01-20", "2026-01-20", "Title"],
  ["2026-01-20 – Title", "2026-01-20", "2026-01-20", "Title"],
  ["2026-01-20 — Title", "2026-01-20", "2026-01-20", "Title"],
  ["2026-01-20—Title", "2026-01-20", "2026-01-20", "Title"],
  ["2026-08-05：title", "2026-08-05", "2026-08-05", "title"],
  ["2026-08-05 ： title", "2026-08-05", "2026-08-05", "title"],
  ["2026-07-28/29 — title", "2026-07-28", "2026-07-28", "title"],
  ["2026-03-13–14: title", "2026-03-13", "2026-03-13", "title"],
  ["2026-03-13-14 title", "2026-03-13", "2026-03-13", "title"],
  ["2026-03-30/04-02 title", "2026-03-30", "2026-03-30", "title"],
  ["2026-03-30..2026-04-02 title", "2026-03-30", "2026-03-30", "title"],
  ["[2026-01-20] [Bracketed]", "2026-01-20", "2026-01-20", "Bracketed"],
  ["[2026-01-20]Title", "2026-01-20", "2026-01-20", "Title"],
  ["[2026-07-28/29] Range in brackets", "2026-07-28", "2026-07-28", "Range in brackets"],
  ["2026-01-20", "2026-01-20", "2026-01-20", ""],
  ["2026-01-20 -Title", "2026-01-20", "2026-01-20", "-Title"],
  ["2026-02-30 impossible", "2026-02-30", undefined, "impossible"],
  ["2026-1-5 short", "2026-1-5", undefined, "short"],
  ["2026-01-20 \\- escaped dash", "2026-01-20", "2026-01-20", "- escaped dash"],
];

/** Headings that are not entries. */
const NOT_ENTRIES = ["Archive", "20260-01-20 x", "2026-01-200 x", "Notes from 2026-01-20", "[2026-01-20 unclosed", "v2026-01-20"];

describe("parseEntryHeading", () => {
  it.each(ENTRIES)("## %s", (heading, rawDate, date, title) => {
    expect(parseEntryHeading(heading)).toEqual({ rawDate, date, title });
  });

  it.each(NOT_ENTRIES)("## %s is not an entry", (heading) => {
    expect(parseEntryHeading(heading)).toBeUndefined();
  });
});

describe("every dated heading is an entry, with GitHub's id", () => {
  it("reads the headings a log writes and gives each the anchor GitHub gives it", () => {
    const text = ["# Research Log", "", ...ENTRIES.flatMap(([heading]) => [`## ${heading}`, "", "**Status**: Open", ""]), "## Archive", ""].join("\n");
    const entries = parseLog(text).entries;
    expect(entries.map((e) => e.heading)).toEqual(ENTRIES.map(([heading]) => heading));
    const slugger = new GithubSlugger();
    slugger.slug("Research Log");
    expect(entries.map((e) => e.id)).toEqual(ENTRIES.map(([heading]) => slugger.slug(heading)));
    // No entry swallowed the next one: each holds its own Status line.
    for (const e of entries) expect(e.status).toBe("Open");
  });
});
