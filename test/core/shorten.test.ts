import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shorten } from "../../src/core/shorten.js";

const hasLoneSurrogate = (s: string): boolean => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe("shorten", () => {
  it.each([
    ["short text is kept", "abc", 5, "abc"],
    ["exactly max is kept", "abcde", 5, "abcde"],
    ["plain text gets an ellipsis", "abcdef", 5, "abcd…"],
    ["an emoji is not cut in half", "ab😀😀", 4, "ab…"],
    ["a flag stays whole", "🇫🇷🇩🇪", 5, "🇫🇷…"],
    ["a family emoji is one grapheme", "👨‍👩‍👧x", 8, "…"],
    ["a combining accent stays with its letter", "e\u0301e\u0301e\u0301", 4, "e\u0301…"],
  ])("%s", (_name, text, max, expected) => {
    expect(shorten(text, max)).toBe(expected);
  });

  it("cuts silently with an empty ellipsis", () => {
    expect(shorten("😀😀😀", 5, { ellipsis: "" })).toBe("😀😀");
  });

  it("never cuts inside an unbreakable run", () => {
    const slack = /&(?:amp|lt|gt);|<[^<>]*>/g;
    expect(shorten("a&amp;&amp;", 8, { unbreakable: slack })).toBe("a&amp;…");
    expect(shorten("x <https://example.com|a link> y", 20, { unbreakable: slack })).toBe("x …");
    expect(shorten("&amp;".repeat(10), 12, { unbreakable: slack })).toBe("&amp;&amp;…");
  });

  it("refuses a bad max and a pattern without the g flag", () => {
    expect(() => shorten("abc", -1)).toThrow(/max must be a non-negative integer \(got -1\)/);
    expect(() => shorten("abc", 1.5)).toThrow(RangeError);
    expect(() => shorten("abcdef", 3, { unbreakable: /&amp;/ })).toThrow(/g flag/);
  });

  it("always fits, never leaves a lone surrogate, and keeps a prefix", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), fc.integer({ min: 1, max: 100 }), (text, max) => {
        const out = shorten(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(hasLoneSurrogate(out)).toBe(false);
        if (out !== text) expect(text.startsWith(out.slice(0, -1))).toBe(true);
      }),
    );
  });
});
