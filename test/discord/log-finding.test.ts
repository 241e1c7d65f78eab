import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { AMP_VALUES, findingsCommand, logAsFindingCommand, logFindingCommand, modalSubmit } from "../support/discord-factories.js";
import type { SentModal } from "../support/discord-factories.js";
import type { DiscordHarness } from "./discord-harness.js";
import { LOG_PATH, logCommits, settle, startDiscordHarness } from "./discord-harness.js";

let h: DiscordHarness;
afterEach(async () => {
  await h.close();
});

const NO_PINGS = { parse: [] };

describe("Discord: commands and /log-finding", () => {
  it("registers the commands in the guild with choices, subcommands and the message command", async () => {
    h = await startDiscordHarness();
    const [put] = h.discord.requestsTo("PUT", `/applications/${h.discord.applicationId}/guilds/${h.discord.guildId}/commands`);
    const commands = put?.body as { name: string; type?: number; options?: { name: string; type: number; required?: boolean; choices?: { value: string }[]; options?: { name: string; required?: boolean }[] }[] }[];
    expect(commands.map((c) => c.name)).toEqual(["log-finding", "Log as finding", "findings"]);
    const logFinding = commands[0];
    expect(logFinding?.options?.map((o) => [o.name, o.type, o.required])).toEqual([
      ["category", 3, true],
      ["status", 3, true],
      ["picture", 11, false],
      ["picture-2", 11, false],
      ["picture-3", 11, false],
    ]);
    expect(logFinding?.options?.[0]?.choices?.map((c) => c.value)).toEqual(["Training", "Architecture", "Data", "Tooling", "Performance"]);
    expect(logFinding?.options?.[1]?.choices?.map((c) => c.value)).toEqual(["Open", "Resolved", "Workaround"]);
    expect(commands[1]?.type).toBe(3);
    const findings = commands[2];
    expect(findings?.options?.map((o) => [o.name, o.type])).toEqual([["open", 1], ["search", 1], ["digest", 1], ["where", 1]]);
    expect(findings?.options?.[1]?.options).toEqual([expect.objectContaining({ name: "words", required: true })]);
  });

  it("answers /log-finding with a modal of at most five inputs carrying the options and the channel", async () => {
    h = await startDiscordHarness();
    const command = logFindingCommand(h.discord, { category: "Data", status: "Open" });
    await h.interact(command);
    const callback = h.discord.answer(command.id).callback;
    expect(callback?.type).toBe(9);
    const modal = callback?.data as unknown as SentModal;
    expect(modal.components.length).toBeLessThanOrEqual(5);
    expect(modal.components.map((c) => c.label)).toEqual(["Title", "Related", "Finding", "Impact", "Action Items"]);
    expect(modal.components.map((c) => c.component?.required)).toEqual([true, false, true, true, false]);
    expect(modal.components[0]?.component).toMatchObject({ style: 1, max_length: 200 });
    expect(modal.custom_id.length).toBeLessThanOrEqual(100);
    expect(modal.custom_id).toContain(h.discord.channelId);
    expect(modal.custom_id).toMatch(/:Open:Data$/);
  });

  it("commits a submission, announces it with a thread of open items, and never pings", async () => {
    h = await startDiscordHarness();
    const { submitId } = await h.logFinding({ ...AMP_VALUES, impact: "Hits @everyone and <@1200000000000000002> too" });
    const log = h.log() ?? "";
    expect(log).toContain("## 2026-01-20 AMP Breaks Complex Number Operations");
    expect(log).toContain("**Category**: Training");
    expect(log).toContain("**Status**: Workaround");
    expect(logCommits(h)).toHaveLength(1);

    const answer = h.discord.answer(submitId);
    expect(answer.callback).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(String(answer.original?.content)).toMatch(/^Logged \*\*AMP Breaks Complex Number Operations\*\*/);

    const [announcement, ...items] = h.discord.messages;
    expect(announcement?.channel_id).toBe(h.discord.channelId);
    const embed = announcement?.embeds[0] as { title: string; url: string; fields: { name: string; value: string }[]; footer: { text: string } };
    expect(embed.title).toContain("AMP Breaks Complex Number Operations");
    expect(embed.url).toMatch(/^https:\/\/github\.com\/acme\/.+#2026-01-20-amp-breaks-complex-number-operations$/);
    expect(embed.fields).toEqual(expect.arrayContaining([expect.objectContaining({ name: "Category", value: "Training" }), expect.objectContaining({ name: "Status", value: "🟠 Workaround" })]));
    expect(embed.footer.text).toContain("research-log:entry:2026-01-20-amp-breaks-complex-number-operations");
    const thread = announcement?.thread;
    expect(thread).toBe(announcement?.id);
    expect(items.map((m) => m.channel_id)).toEqual([thread, thread]);
    expect(items.map((m) => (m.embeds[0] as { description: string }).description)).toEqual(["Investigate selective AMP", "Test with bfloat16 instead of float16"]);
    expect(items.map((m) => (m.embeds[0] as { footer: { text: string } }).footer.text)).toEqual([
      expect.stringContaining("research-log:item:2026-01-20-amp-breaks-complex-number-operations#1"),
      expect.stringContaining("research-log:item:2026-01-20-amp-breaks-complex-number-operations#2"),
    ]);

    // Every message body the bot sent says: no pings.
    const sent = h.discord.requests.filter((r) => (r.method === "POST" || r.method === "PATCH") && /\/messages|\/webhooks\//.test(r.path) && !r.path.endsWith("/threads"));
    expect(sent.length).toBeGreaterThanOrEqual(4);
    for (const request of sent) expect((request.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual(NO_PINGS);
    expect(h.errors).toEqual([]);
  });

  it("waits out 429s with discord.js's real REST settings: the finding lands once, announced once", async () => {
    h = await startDiscordHarness();
    h.discord.rateLimit("POST", /^\/channels\/\d+\/messages$/, 1, { times: 2 });
    await h.logFinding(AMP_VALUES);
    await h.discord.waitFor((d) => d.messages.some((m) => /research-log:entry:/.test(JSON.stringify(m.embeds))), 15_000);
    await settle(h, undefined, 300);
    expect(h.discord.requestsTo("POST", /^\/channels\/\d+\/messages$/).filter((r) => r.status === 429)).toHaveLength(2);
    expect(logCommits(h)).toHaveLength(1);
    expect(h.discord.messages.filter((m) => /research-log:entry:/.test(JSON.stringify(m.embeds)))).toHaveLength(1);
    expect(h.log()?.match(/^## /gm)).toHaveLength(1);
  });

  it("answers invalid input with an ephemeral list of each field's error and what was typed, committing nothing", async () => {
    h = await startDiscordHarness();
    const { submitId } = await h.logFinding({ title: "", finding: "Something odd with @everyone", impact: " " });
    const answer = h.discord.answer(submitId);
    expect(answer.callback?.type).toBe(4);
    const data = answer.callback?.data as { content: string; flags: number; allowed_mentions: unknown };
    expect(data.flags).toBe(64);
    expect(data.allowed_mentions).toEqual(NO_PINGS);
    expect(data.content).toMatch(/Title/);
    expect(data.content).toMatch(/Impact/);
    expect(data.content).toContain("Something odd with @everyone");
    expect(logCommits(h)).toHaveLength(0);
    expect(h.discord.messages).toHaveLength(0);
  });

  it("logs once when the same interaction arrives twice or the same form is submitted twice", async () => {
    h = await startDiscordHarness();
    const command = logFindingCommand(h.discord);
    await h.interact(command);
    const modal = h.discord.answer(command.id).callback?.data as unknown as SentModal;
    const submit = modalSubmit(h.discord, modal, AMP_VALUES);
    h.discord.dispatch("INTERACTION_CREATE", submit);
    h.discord.dispatch("INTERACTION_CREATE", submit);
    const again = modalSubmit(h.discord, modal, AMP_VALUES);
    h.discord.dispatch("INTERACTION_CREATE", again);
    await settle(h, submit.id);
    await settle(h, again.id);
    expect(logCommits(h)).toHaveLength(1);
    expect(h.discord.requestsTo("POST", `/interactions/${submit.id}/${submit.token}/callback`)).toHaveLength(1);
    expect(h.discord.messages.filter((m) => m.channel_id === h.discord.channelId)).toHaveLength(1);
    expect(String(h.discord.answer(again.id).original?.content)).toMatch(/already/);
  });

  it("hands the entry's markdown back when the store refuses the write for good", async () => {
    h = await startDiscordHarness();
    h.github.denyWrites();
    const { submitId } = await h.logFinding(AMP_VALUES);
    const answer = h.discord.answer(submitId);
    const text = [answer.original?.content, ...answer.followUps.map((f) => f.content)].join("\n");
    expect(text).toMatch(/could not save your finding/);
    expect(text).toContain("```\n## 2026-01-20 AMP Breaks Complex Number Operations");
    expect(text).toContain("- [ ] Test with bfloat16 instead of float16");
    expect(h.discord.messages).toHaveLength(0);
    expect(logCommits(h)).toHaveLength(0);
    expect(h.outbox.outbox.size).toBe(0);
  });

  it("keeps an acknowledged submission through an outage and a restart, then logs and announces it once", async () => {
    h = await startDiscordHarness();
    h.github.outage(503);
    const { submitId } = await h.logFinding(AMP_VALUES);
    expect(String(h.discord.answer(submitId).original?.content)).toMatch(/is saved.*keep trying/);
    expect(h.outbox.outbox.size).toBe(1);
    await h.restart({ before: () => h?.github.outage(undefined) });
    await h.discord.waitFor((d) => /Logged \*\*AMP/.test(String(d.answer(submitId).original?.content)), 15_000);
    await settle(h);
    expect(logCommits(h)).toHaveLength(1);
    expect(h.discord.messages.filter((m) => m.channel_id === h?.discord.channelId)).toHaveLength(1);
    expect(h.outbox.outbox.size).toBe(0);
  });

  it("Log as finding prefills Finding and Related and announces in a thread on that message", async () => {
    h = await startDiscordHarness();
    const source = h.discord.addUserMessage("Loss goes NaN when <@1200000000000000002> enables AMP");
    const command = logAsFindingCommand(h.discord, source);
    await h.interact(command);
    const modal = h.discord.answer(command.id).callback?.data as unknown as SentModal;
    const byId = new Map(modal.components.map((c) => [c.component?.custom_id, c.component?.value]));
    expect(byId.get("finding")).toBe(source.content);
    expect(byId.get("related")).toBe(`https://discord.com/channels/${h.discord.guildId}/${h.discord.channelId}/${source.id}`);
    const submit = modalSubmit(h.discord, modal, { title: "NaN loss with AMP", impact: "Runs crash", action_items: "Bisect" });
    await h.interact(submit);
    await settle(h, submit.id);
    expect(h.log()).toContain("**Category**: Training");
    expect(h.log()).toContain("**Status**: Open");
    expect(source.thread).toBe(source.id);
    const inThread = h.discord.inChannel(source.id);
    expect(inThread).toHaveLength(2);
    expect(inThread[0]?.embeds[0]).toMatchObject({ footer: { text: expect.stringContaining("research-log:entry:2026-01-20-nan-loss-with-amp") } });
  });

  it("/findings search finds words in the author's own sections, tables and prose of a hand-written log", async () => {
    h = await startDiscordHarness({ files: { [LOG_PATH]: readFileSync(new URL("../fixtures/hand-written-variants.md", import.meta.url), "utf8") } });
    for (const [words, id] of [
      ["actimeo", "2026-03-1314-dataloader-stalls-under-nfs"],
      ["6,100", "2026-09-01-throughput-cliff-at-batch-512"],
      ["Mia wiki", "2026-07-2829--eval-harness-double-counts-fills"],
    ] as const) {
      const search = findingsCommand(h.discord, "search", { words });
      await h.interact(search);
      await settle(h, search.id);
      const content = String(h.discord.answer(search.id).original?.content);
      expect(content).toContain(`research_log.md#${id})`);
      expect(content.match(/^• /gm)).toHaveLength(1);
    }
  });

  it("/findings open and search answer ephemerally; digest posts in the channel with items in a thread", async () => {
    h = await startDiscordHarness();
    await h.logFinding(AMP_VALUES);
    const open = findingsCommand(h.discord, "open");
    await h.interact(open);
    await settle(h, open.id);
    expect(h.discord.answer(open.id).callback).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(String(h.discord.answer(open.id).original?.content)).toMatch(/^Open findings \(1\):\n• \*\*\[AMP Breaks Complex Number Operations\]/);

    const search = findingsCommand(h.discord, "search", { words: "bfloat16" });
    await h.interact(search);
    await settle(h, search.id);
    expect(String(h.discord.answer(search.id).original?.content)).toMatch(/AMP Breaks Complex Number Operations/);
    const none = findingsCommand(h.discord, "search", { words: "zebra" });
    await h.interact(none);
    await settle(h, none.id);
    expect(String(h.discord.answer(none.id).original?.content)).toMatch(/: none\.$/);

    const before = h.discord.messages.length;
    const digest = findingsCommand(h.discord, "digest");
    await h.interact(digest);
    await settle(h, digest.id);
    expect(String(h.discord.answer(digest.id).original?.content)).toMatch(/Posted the digest: 2 open action items/);
    const [head, ...items] = h.discord.messages.slice(before);
    expect(head?.channel_id).toBe(h.discord.channelId);
    expect(head?.content).toMatch(/Research log digest/);
    expect(items.map((m) => m.channel_id)).toEqual([head?.id, head?.id]);
    expect(items.map((m) => (m.embeds[0] as { footer: { text: string } }).footer.text)).toEqual([expect.stringContaining("#1"), expect.stringContaining("#2")]);
  });
});
