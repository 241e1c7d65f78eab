import { afterEach, describe, expect, it } from "vitest";
import type { FakeDiscordMessage } from "../support/fake-discord.js";
import { AMP_VALUES, GRACE } from "../support/discord-factories.js";
import type { DiscordHarness } from "./discord-harness.js";
import { logCommits, settle, startDiscordHarness } from "./discord-harness.js";

let h: DiscordHarness;
afterEach(async () => {
  await h.close();
});

async function logAmp(): Promise<{ announcement: FakeDiscordMessage; items: FakeDiscordMessage[] }> {
  await h.logFinding(AMP_VALUES);
  const [announcement, ...items] = h.discord.messages;
  if (announcement === undefined) throw new Error("no announcement");
  return { announcement, items };
}

const itemLine = (text: string): string | undefined => (h.log() ?? "").split("\n").find((line) => line.includes(text));
const footer = (m: FakeDiscordMessage | undefined) => (m?.embeds[0] as { footer?: { text: string } } | undefined)?.footer?.text ?? "";

describe("Discord reactions", () => {
  it("checks an item and unchecks it again after restarts, editing the message and saying who did it", async () => {
    h = await startDiscordHarness();
    const { items } = await logAmp();
    const second = items[1];
    if (second === undefined) throw new Error("no second item");

    await h.restart();
    h.discord.react(second, "✔️", GRACE.id);
    await h.discord.waitFor(() => itemLine("Test with bfloat16")?.startsWith("- [x]") === true);
    await settle(h);
    expect(logCommits(h)[0]?.message).toMatch(/^docs: check action item - AMP Breaks Complex Number Operations/);
    const edited = h.discord.message(second.id);
    expect((edited?.embeds[0] as { description: string }).description).toBe("~~Test with bfloat16 instead of float16~~");
    expect(footer(edited)).toContain("research-log:item:2026-01-20-amp-breaks-complex-number-operations#2");
    const note = h.discord.inChannel(second.channel_id).at(-1);
    expect(note?.content).toMatch(new RegExp(`^<@${GRACE.id}> checked off “Test with bfloat16 instead of float16” \\(\\[commit\\]\\(http.+/commit/[0-9a-f]{40}\\)\\)$`));
    expect(note?.allowed_mentions).toEqual({ parse: [] });

    await h.restart();
    h.discord.react(second, "✔️", GRACE.id, false);
    await h.discord.waitFor(() => itemLine("Test with bfloat16")?.startsWith("- [ ]") === true);
    await settle(h);
    expect(logCommits(h)[0]?.message).toMatch(/^docs: uncheck action item/);
    expect((h.discord.message(second.id)?.embeds[0] as { description: string }).description).toBe("Test with bfloat16 instead of float16");
    expect(h.discord.inChannel(second.channel_id).at(-1)?.content).toMatch(/reopened “Test with bfloat16/);
    expect(logCommits(h)).toHaveLength(3);
    expect(h.errors).toEqual([]);
  });

  it("resolves the finding from its announcement after a restart and restores the status when the reaction goes", async () => {
    h = await startDiscordHarness();
    const { announcement } = await logAmp();
    await h.restart();
    h.discord.react(announcement, "✅", GRACE.id);
    await h.discord.waitFor(() => (h.log() ?? "").includes("**Status**: Resolved"));
    await settle(h);
    expect(logCommits(h)[0]?.message).toMatch(/^docs: resolve finding - AMP Breaks Complex Number Operations/);
    const updated = h.discord.message(announcement.id);
    expect(footer(updated)).toContain(";before=Workaround");
    expect(JSON.stringify(updated?.embeds)).toContain("✅ Resolved");
    expect(h.discord.inChannel(announcement.id).at(-1)?.content).toMatch(/set the status to \*\*Resolved\*\*/);

    await h.restart();
    h.discord.react(announcement, "✅", GRACE.id, false);
    await h.discord.waitFor(() => (h.log() ?? "").includes("**Status**: Workaround"));
    await settle(h);
    expect(JSON.stringify(h.discord.message(announcement.id)?.embeds)).toContain("🟠 Workaround");
    expect(logCommits(h)).toHaveLength(3);
  });

  it("ignores other emoji, the bot's own reactions, people's messages, and keeps an item checked while another ✅ remains", async () => {
    h = await startDiscordHarness();
    const { items } = await logAmp();
    const first = items[0];
    if (first === undefined) throw new Error("no item");
    const human = h.discord.addUserMessage("unrelated research-log:item:2026-01-20-amp-breaks-complex-number-operations#1");
    h.discord.react(first, "🎉", GRACE.id);
    h.discord.react(first, "✅", h.discord.botUser.id);
    h.discord.react(human, "✅", GRACE.id);
    await settle(h);
    expect(logCommits(h)).toHaveLength(1);

    h.discord.react(first, "✅", GRACE.id);
    await h.discord.waitFor(() => itemLine("Investigate selective AMP")?.startsWith("- [x]") === true);
    h.discord.react(first, "☑️", "1200000000000000001");
    h.discord.react(first, "✅", GRACE.id, false);
    await settle(h);
    expect(itemLine("Investigate selective AMP")?.startsWith("- [x]")).toBe(true);
    expect(logCommits(h)).toHaveLength(2);
  });
});
