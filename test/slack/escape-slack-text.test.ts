import { describe, expect, it } from "vitest";
import { escapeSlackText, shortenSlackText, slackLink, slackTextToPlain } from "../../src/slack/escape-slack-text.js";

describe("escapeSlackText", () => {
  it.each([
    ["<!channel> & <https://evil|click>", "&lt;!channel&gt; &amp; &lt;https://evil|click&gt;"],
    ["<!here> <!everyone> <@U123>", "&lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt;"],
    ["already &amp; escaped", "already &amp;amp; escaped"],
    ["plain *bold* `code`", "plain *bold* `code`"],
  ])("%s", (input, expected) => {
    expect(escapeSlackText(input)).toBe(expected);
  });
});

describe("slackLink", () => {
  it("escapes the label and keeps the URL from closing the link", () => {
    expect(slackLink("https://x.test/a b>c|d", "<b> & co")).toBe("<https://x.test/a%20b%3Ec%7Cd|&lt;b&gt; &amp; co>");
  });
});

describe("slackTextToPlain", () => {
  it.each([
    ["see <https://a.test/x|the run> now", "see the run (https://a.test/x) now"],
    ["<https://a.test/x>", "https://a.test/x"],
    ["hi <@U123> in <#C1|research>", "hi @U123 in #research"],
    ["<!here> 1 &lt; 2 &amp;&amp; 3 &gt; 2", "@here 1 < 2 && 3 > 2"],
  ])("%s", (input, expected) => {
    expect(slackTextToPlain(input)).toBe(expected);
  });
});

describe("shortenSlackText", () => {
  it.each([
    ["short text is only escaped", "a & b", 10, "a &amp; b"],
    ["the limit counts the escaped text", "&&&&", 12, "&amp;&amp;…"],
    ["a cut never falls inside an entity", "a<<<", 9, "a&lt;…"],
    ["a cut never splits an emoji", "😀😀😀", 5, "😀😀…"],
    ["an emoji that does not fit is left out", "a😀😀", 3, "a…"],
    ["<!channel> stays inert when cut", "<!channel> hi", 8, "&lt;!ch…"],
  ])("%s", (_name, text, max, expected) => {
    expect(shortenSlackText(text, max)).toBe(expected);
  });

  it("keeps a link whole in a shortened label", () => {
    expect(slackLink("https://x.test/", "&&&", 7)).toBe("<https://x.test/|&amp;…>");
  });
});
