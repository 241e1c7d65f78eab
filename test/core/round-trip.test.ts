import GithubSlugger, { slug } from "github-slugger";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendEntry, entryToFinding, formatEntry, normalizeFinding, parseLog, slugify } from "../../src/core/index.js";
import type { Finding } from "../../src/core/index.js";
import { findingInput } from "./arbitraries.js";
import { HeadingSlugger } from "../../src/core/slugify.js";

function roundTrip(f: Finding): Finding | undefined {
  const log = parseLog(appendEntry(undefined, f).text);
  expect(log.entries).toHaveLength(1);
  return entryToFinding(log.entries[0]!);
}

describe("user text cannot create structure", () => {
  const forged = [
    "\\# a leading escaped hash",
    "## 2026-01-01 Fake",
    "### Impact",
    "**Status**: Resolved",
    "- [ ] not an item",
    "# h1",
    "Some text",
    "===",
    "---",
    "   ### indented heading",
    "```python",
    "# comment in a balanced fence",
    "## also kept verbatim",
    "```",
    "<!-- never closed",
    "~~~ unclosed tilde fence",
    "```",
    "\\",
  ].join("\n");
  const finding: Finding = {
    date: "2026-01-02",
    title: "## Forged ##",
    category: "Data",
    status: "Open",
    related: [],
    finding: forged,
    impact: "```\nunclosed fence in impact",
    actionItems: [
      { text: "[x] looks done", done: false },
      { text: "\\[ ] backslash", done: true },
    ],
  };

  it("format then parse gives the same finding, one entry", () => {
    const text = formatEntry(finding);
    const log = parseLog(text);
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]!.status).toBe("Open");
    expect(log.entries[0]!.actionItems).toHaveLength(2);
    expect(entryToFinding(log.entries[0]!)).toEqual(finding);
  });

  it("escapes just what it must", () => {
    expect(formatEntry(finding)).toMatchInlineSnapshot(`
      "## 2026-01-02 ## Forged \\##

      **Category**: Data
      **Status**: Open

      ### Finding
      \\\\# a leading escaped hash
      \\## 2026-01-01 Fake
      \\### Impact
      **Status**: Resolved
      - [ ] not an item
      \\# h1
      Some text
      \\===
      \\---
         \\### indented heading
      \`\`\`python
      # comment in a balanced fence
      ## also kept verbatim
      \`\`\`
      \\<!-- never closed
      \\~~~ unclosed tilde fence
      \\\`\`\`
      \\\\

      ### Impact
      \\\`\`\`
      unclosed fence in impact

      ### Action Items
      - [ ] \\[x] looks done
      - [x] \\\\[ ] backslash
      "
    `);
  });

  it.each([
    "- dash first",
    ": colon first",
    "— em dash",
    "[Bracketed]",
    "\\ backslash",
    "ends in #",
    "#",
    "\\#",
    "a \\##",
    "2026-01-01 date first",
    "_emph_ and `code`",
  ])("title %j round-trips", (title) => {
    const f: Finding = { ...finding, title, finding: "x", impact: "y", actionItems: [] };
    expect(roundTrip(f)).toEqual(f);
  });
});

describe("properties", () => {
  it("(a) parse(append(format(f))) gives back f", () => {
    let checked = 0;
    fc.assert(
      fc.property(findingInput, (input) => {
        const normalized = normalizeFinding(input);
        if (!normalized.ok) return;
        checked++;
        expect(roundTrip(normalized.value)).toEqual(normalized.value);
      }),
      { numRuns: 1500 },
    );
    expect(checked).toBeGreaterThan(300);
  });

  it("(c) appendEntry is idempotent", () => {
    fc.assert(
      fc.property(findingInput, fc.constantFrom(undefined, "# Log\n", "# Log\r\n\r\nprose", "```\nopen fence"), (input, base) => {
        const normalized = normalizeFinding(input);
        if (!normalized.ok) return;
        const once = appendEntry(base, normalized.value);
        const twice = appendEntry(once.text, normalized.value);
        expect(twice).toEqual({ ...once, changed: false });
        const entries = parseLog(once.text).entries;
        expect(entries.at(-1)!.id).toBe(once.id);
      }),
      { numRuns: 500 },
    );
  });

  it("(d) slugify equals github-slugger's slug", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 40 }), (s) => {
        expect(slugify(s)).toBe(slug(s));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 20 }), (s) => {
        expect(slugify(s)).toBe(slug(s));
      }),
    );
  });
});

describe("ids", () => {
  it("repeat suffixes follow github-slugger, including a literal foo-1", () => {
    const headings = ["Foo", "Foo", "foo-1", "Foo", "Finding", "Finding"];
    const text = headings.map((h, i) => `## 2026-01-0${i + 1} x\n\n### ${h}\n`).join("\n");
    const slugger = new GithubSlugger();
    const expected = headings.flatMap((h, i) => [slugger.slug(`2026-01-0${i + 1} x`), slugger.slug(h)]);
    expect(parseLog(text).entries.map((e) => e.id)).toEqual(expected.filter((_, i) => i % 2 === 0));
    const dup = "# Research Log\n\n## 2026-01-01 Foo\n\n## 2026-01-01 Foo\n\n## 2026-01-01 Foo-1\n\n## 2026-01-01 Foo\n";
    expect(parseLog(dup).entries.map((e) => e.id)).toEqual([
      "2026-01-01-foo",
      "2026-01-01-foo-1",
      "2026-01-01-foo-1-1",
      "2026-01-01-foo-2",
    ]);
  });

  it("uses the rendered heading text", () => {
    const text = "## 2026-01-01 Fix [the loader](https://x.test/a) and `_private_` *now* ##\n";
    expect(parseLog(text).entries[0]!.id).toBe("2026-01-01-fix-the-loader-and-_private_-now");
  });
});

describe("HeadingSlugger", () => {
  it("assigns the same ids as github-slugger for any heading sequence", () => {
    const names = fc.constantFrom("a", "a-1", "a-1-1", "a-2", "a-0", "a-01", "a-1-2", "b", "b-1", "a-3", "-", "a-", "1", "1-1");
    fc.assert(
      fc.property(fc.array(names, { maxLength: 40 }), (sequence) => {
        const ours = new HeadingSlugger();
        const theirs = new GithubSlugger();
        for (const name of sequence) expect(ours.next(name)).toBe(theirs.slug(name));
      }),
      { numRuns: 3000 },
    );
  });
});
