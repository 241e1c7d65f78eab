import { afterEach, describe, expect, it } from "vitest";
import { AMP_VALUES, buttonPress, findingsCommand, GRACE, modalSubmit } from "../support/discord-factories.js";
import type { SentModal } from "../support/discord-factories.js";
import type { FakeDiscordMessage } from "../support/fake-discord.js";
import type { DiscordHarness } from "./discord-harness.js";
import { LOG_PATH, logCommits, settle, startDiscordHarness } from "./discord-harness.js";

/**
 * Editing a finding from Discord, end to end against the fake Discord and the
 * fake GitHub: the Edit button on the announcement opens the form filled
 * from the file as it is now, and its submission rewrites only that entry.
 */

let h: DiscordHarness;
afterEach(async () => {
  await h.close();
});

const footer = (m: FakeDiscordMessage): string => String((m.embeds[0] as { footer?: { text?: string } } | undefined)?.footer?.text ?? "");

async function logged(): Promise<FakeDiscordMessage> {
  await h.logFinding(AMP_VALUES);
  await settle(h);
  const announcement = h.discord.messages.find((m) => footer(m).includes("research-log:entry:"));
  if (announcement === undefined) throw new Error("no announcement");
  return announcement;
}

/** Presses Edit as `user` (default: ada, who logged it); resolves with the form the bot showed. */
async function pressEdit(announcement: FakeDiscordMessage, user?: typeof GRACE): Promise<{ id: string; callback: { type: number; data?: Record<string, unknown> } | undefined }> {
  const press = buttonPress(h.discord, announcement, "rl:edit", user === undefined ? {} : { user });
  await h.interact(press);
  return { id: press.id, callback: h.discord.answer(press.id).callback };
}

describe("Edit from Discord", () => {
  it("fills the form from the file now, rewrites only that entry, updates the announcement, and a ✅ on the new item checks it off", async () => {
    h = await startDiscordHarness();
    const announcement = await logged();
    h.github.setFile(h.github.defaultBranch, LOG_PATH, (h.log() ?? "").replace("Training with AMP fails on the spectral layers.", "Training with AMP fails on the spectral layers (all of them)."));
    const before = h.log() ?? "";
    const { callback } = await pressEdit(announcement);
    expect(callback?.type).toBe(9);
    const modal = callback?.data as unknown as SentModal;
    expect(modal.title).toBe("Edit finding");
    const value = (id: string) => modal.components.find((c) => c.component?.custom_id === id)?.component?.value;
    expect(value("impact")).toBe("Training with AMP fails on the spectral layers (all of them).");
    expect(value("title")).toBe("AMP Breaks Complex Number Operations");

    const submit = modalSubmit(h.discord, modal, { title: "AMP breaks complex tensors", action_items: `${value("action_items") ?? ""}\n[ ] Try torch.compile` }, { message: announcement });
    await h.interact(submit);
    await h.discord.waitFor((d) => d.messages.some((m) => footer(m).includes("#4")), 10_000);
    await settle(h, submit.id);

    expect(logCommits(h)[0]?.message.split("\n")[0]).toBe("docs: edit finding - AMP breaks complex tensors");
    const after = h.log() ?? "";
    expect(after).toContain("AMP breaks complex tensors\n");
    expect(after).toContain("(all of them)");
    expect(after).toContain("- [ ] Try torch.compile\n");
    const from = before.indexOf("## ");
    expect(after.slice(0, from)).toBe(before.slice(0, from));

    const newId = "2026-01-20-amp-breaks-complex-tensors";
    expect(footer(h.discord.message(announcement.id)!)).toContain(`research-log:entry:${newId}`);
    const items = h.discord.inChannel(announcement.id).filter((m) => footer(m).includes("research-log:item:"));
    expect(items.map((m) => /research-log:item:([^\s;#]+)#(\d+)/.exec(footer(m))?.slice(1))).toEqual([
      [newId, "1"],
      [newId, "2"],
      [newId, "4"],
    ]);
    expect(String(h.discord.answer(submit.id).original?.content)).toContain(`Its id is now \`${newId}\``);

    const added = items[2]!;
    h.discord.react(added, "✅", "1200000000000000002");
    await h.discord.waitFor(() => /- \[x\] Try torch.compile/.test(h.log() ?? ""), 10_000);
    expect(logCommits(h)[0]?.message.split("\n")[0]).toBe("docs: check action item - AMP breaks complex tensors");
  });

  it("refuses the submit when the entry changed by hand after the form opened, keeps the hand edit, and shows the entry now", async () => {
    h = await startDiscordHarness();
    const announcement = await logged();
    const { callback } = await pressEdit(announcement);
    const modal = callback?.data as unknown as SentModal;
    const handEdited = (h.log() ?? "").replace("- [ ] Test with bfloat16", "- [x] Test with bfloat16");
    h.github.setFile(h.github.defaultBranch, LOG_PATH, handEdited);
    const commits = logCommits(h).length;
    const submit = modalSubmit(h.discord, modal, { title: "Overwrite attempt" }, { message: announcement });
    await h.interact(submit);
    await settle(h, submit.id);
    expect(h.log()).toBe(handEdited);
    expect(logCommits(h)).toHaveLength(commits);
    const answer = [h.discord.answer(submit.id).original?.content, ...h.discord.answer(submit.id).followUps.map((f) => f.content)].join("\n");
    expect(answer).toMatch(/Your edit was not saved: .*changed in the log since the form was opened/);
    expect(answer).toContain("- [x] Test with bfloat16");
  });

  it("applies an edit submitted after a restart exactly once", async () => {
    h = await startDiscordHarness();
    const announcement = await logged();
    const { callback } = await pressEdit(announcement);
    const modal = callback?.data as unknown as SentModal;
    await h.restart();
    const submit = modalSubmit(h.discord, modal, { impact: "Training is 2x slower." }, { message: announcement });
    await h.interact(submit);
    await settle(h, submit.id);
    expect(h.log()).toContain("### Impact\nTraining is 2x slower.\n");
    expect(logCommits(h).filter((c) => c.message.startsWith("docs: edit finding"))).toHaveLength(1);
  });

  it("puts an Edit button on each entry /findings lists, which opens the form and saves the edit", async () => {
    h = await startDiscordHarness();
    await logged();
    const open = findingsCommand(h.discord, "open");
    await h.interact(open);
    await settle(h, open.id);
    const reply = h.discord.answer(open.id).original as { components?: { components: { custom_id: string; label: string }[] }[] };
    const button = reply.components?.[0]?.components[0];
    expect(button?.label).toBe("Edit: AMP Breaks Complex Number Operations");
    expect(button?.custom_id).toMatch(/^rl:edit:[0-9a-f]{16}$/);
    const ephemeral = { id: "1300000000000000999", channel_id: h.discord.channelId, author: { id: h.discord.applicationId, username: "research-log", discriminator: "0", avatar: null, global_name: null, bot: true }, content: "Open findings (1)", embeds: [], timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], components: [], pinned: false, type: 20, flags: 64 };
    const press = buttonPress(h.discord, ephemeral, button?.custom_id ?? "", { user: GRACE });
    await h.interact(press);
    const modal = h.discord.answer(press.id).callback?.data as unknown as SentModal;
    expect(modal.custom_id).toMatch(/^rl:e:[0-9a-f]+:[0-9a-f]{16}$/);
    const submit = modalSubmit(h.discord, modal, { impact: "Edited from the list." }, { user: GRACE });
    await h.interact(submit);
    await settle(h, submit.id);
    expect(h.log()).toContain("### Impact\nEdited from the list.\n");
    expect(logCommits(h)[0]?.message.split("\n")[0]).toBe("docs: edit finding - AMP Breaks Complex Number Operations");
  });

  it("lets only the person who logged it edit", async () => {
    h = await startDiscordHarness();
    const announcement = await logged();
    const { id, callback } = await pressEdit(announcement, GRACE);
    expect(callback?.type).toBe(4);
    expect(String(callback?.data?.content)).toMatch(/only the person who logged this finding can edit it/);
    expect(h.discord.answer(id).callback?.data?.flags).toBe(64);
  });
});
