import { describe, expect, it } from "vitest";
import { buildItemMessage, itemTextOf } from "../../src/discord/build-messages.js";
import { codeBlocks, escapeDiscordText, unescapeDiscordText } from "../../src/discord/escape-discord-text.js";
import { formatMarker, readMarker } from "../../src/discord/message-marker.js";
import { formatModalId, parseModalId } from "../../src/discord/build-finding-modal.js";

describe("Discord text and markers", () => {
  it.each([
    ["@everyone look", "@\u200beveryone look"],
    ["ping <@123> and @here", "ping \\<@123\\> and @\u200bhere"],
    ["**bold** _it_ `code` ~~s~~", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~"],
    ["see https://x.test/a_b*c (ok)", "see https://x.test/a_b*c \\(ok\\)"],
  ])("escapes %j and reads it back", (text, escaped) => {
    expect(escapeDiscordText(text)).toBe(escaped);
    expect(unescapeDiscordText(escapeDiscordText(text))).toBe(text);
  });

  it("reads an item's exact text back from its message", () => {
    const text = "Fix `train.py` for <@42> & @everyone [x]";
    const message = buildItemMessage({ id: "e", title: "T", item: 1, text, done: true, entryUrl: undefined });
    expect(unescapeDiscordText(itemTextOf(message.embeds[0]?.description) ?? "")).toBe(text);
  });

  it("round-trips markers and ignores other footers", () => {
    for (const marker of [
      { kind: "entry", id: "2026-01-20-amp-ünïcode", statusBefore: undefined },
      { kind: "entry", id: "a-b", statusBefore: "Workaround" },
      { kind: "item", id: "a-b-1", item: 3, cut: true },
    ] as const) {
      expect(readMarker(`React with ✅ · ${formatMarker(marker)}`)).toEqual(marker);
    }
    expect(readMarker("just a footer")).toBeUndefined();
    expect(readMarker(undefined)).toBeUndefined();
  });

  it("keeps the modal id within 100 characters and round-trips it", () => {
    const context = { channel: "12345678901234567890", message: "12345678901234567891", status: "Workaround", category: "A".repeat(40) };
    expect(formatModalId(context).length).toBeLessThanOrEqual(100);
    expect(parseModalId(formatModalId(context))).toEqual(context);
  });

  it("splits long text into code blocks that fit a message", () => {
    const blocks = codeBlocks(`${"line ```\n".repeat(400)}`, 1900);
    expect(blocks.length).toBeGreaterThan(1);
    for (const block of blocks) {
      expect(block.length).toBeLessThanOrEqual(1900);
      expect(block.startsWith("```\n") && block.endsWith("\n```")).toBe(true);
      expect(block.slice(4, -4)).not.toContain("```");
    }
  });
});
