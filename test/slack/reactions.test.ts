import { afterEach, describe, expect, it } from "vitest";
import type { FakeSlackMessage } from "../support/fake-slack.js";
import { reactionEventBody, viewSubmissionBody } from "../support/slack-factories.js";
import type { Harness } from "./slack-harness.js";
import { logCommits, settle, startHarness } from "./slack-harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** Logs the seed's example finding and returns its announcement and item messages. */
async function logAmp(): Promise<{ announcement: FakeSlackMessage; items: FakeSlackMessage[] }> {
  await h.send(viewSubmissionBody());
  await h.slack.waitFor((s) => s.messages.length >= 3);
  await settle(h);
  const [announcement, ...items] = h.slack.messages;
  if (announcement === undefined) throw new Error("no announcement");
  return { announcement, items };
}

/** Reacts as Slack would: the reaction is on the message, then the event is delivered. */
async function react(message: FakeSlackMessage, options: { user?: string; reaction?: string; remove?: boolean; eventId?: string; retryNum?: number } = {}) {
  const user = options.user ?? "U222";
  const reaction = options.reaction ?? "white_check_mark";
  h.slack.react(message.channel, message.ts, reaction, user, options.remove !== true);
  const body = reactionEventBody({
    type: options.remove === true ? "reaction_removed" : "reaction_added",
    user,
    reaction,
    channel: message.channel,
    ts: message.ts,
    ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
  });
  const response = await h.send(body, options.retryNum === undefined ? {} : { retryNum: options.retryNum });
  expect(response.status).toBe(200);
  return body;
}

const itemLine = (text: string): string | undefined => (h.log() ?? "").split("\n").find((line) => line.includes(text));

describe("reactions", () => {
  it("checks an item and unchecks it again, after a restart, updating the message and saying who did it", async () => {
    h = await startHarness();
    const { items } = await logAmp();
    const second = items[1];
    if (second === undefined) throw new Error("no second item");

    await h.restart();
    await react(second, { reaction: "heavy_check_mark" });
    await h.slack.waitFor(() => itemLine("Test with bfloat16")?.startsWith("- [x]") === true);
    await settle(h);
    expect(logCommits(h)[0]?.message).toMatch(/^docs: check action item - AMP Breaks Complex Number Operations/);
    expect(h.slack.message(second.channel, second.ts)?.metadata?.event_payload).toMatchObject({ item: 2, done: true });
    expect(JSON.stringify(h.slack.message(second.channel, second.ts)?.blocks)).toContain("~Test with bfloat16 instead of float16~");
    const thread = h.slack.thread(second.channel, second.ts);
    const note = thread.at(-1);
    expect(note?.text).toMatch(/^<@U222> checked off “Test with bfloat16 instead of float16” \(<http:\/\/.+\/commit\/[0-9a-f]{40}\|commit>\)$/);

    await h.restart();
    await react(second, { reaction: "heavy_check_mark", remove: true });
    await h.slack.waitFor(() => itemLine("Test with bfloat16")?.startsWith("- [ ]") === true);
    await settle(h);
    expect(logCommits(h)[0]?.message).toMatch(/^docs: uncheck action item/);
    expect(h.slack.message(second.channel, second.ts)?.metadata?.event_payload).toMatchObject({ done: false });
    expect(h.slack.thread(second.channel, second.ts).at(-1)?.text).toMatch(/^<@U222> reopened “Test with bfloat16/);
    expect(logCommits(h)).toHaveLength(3);
    expect(h.errors).toEqual([]);
  });

  it("resolves the finding from its announcement and restores the previous status when the reaction goes", async () => {
    h = await startHarness();
    const { announcement } = await logAmp();
    await h.restart();
    await react(announcement, { reaction: "ballot_box_with_check" });
    await h.slack.waitFor(() => (h.log() ?? "").includes("**Status**: Resolved"));
    await settle(h);
    expect(logCommits(h)[0]?.message).toMatch(/^docs: resolve finding - AMP Breaks Complex Number Operations/);
    const updated = h.slack.message(announcement.channel, announcement.ts);
    expect(updated?.metadata?.event_payload).toMatchObject({ status: "Resolved", status_before: "Workaround" });
    expect(JSON.stringify(updated?.blocks)).toContain("Resolved");
    expect(h.slack.thread(announcement.channel, announcement.ts).at(-1)?.text).toMatch(/^<@U222> set the status to \*Resolved\*/);

    await h.restart();
    await react(announcement, { reaction: "ballot_box_with_check", remove: true });
    await h.slack.waitFor(() => (h.log() ?? "").includes("**Status**: Workaround"));
    await settle(h);
    expect(h.slack.message(announcement.channel, announcement.ts)?.metadata?.event_payload).toMatchObject({ status: "Workaround" });
    expect(logCommits(h)).toHaveLength(3);
  });

  it("applies an event delivered with retries 1 to 3 once: one commit, one thread reply", async () => {
    h = await startHarness();
    const { items } = await logAmp();
    const first = items[0];
    if (first === undefined) throw new Error("no item");
    const body = await react(first, { eventId: "EvRETRY1" });
    for (const retryNum of [1, 2, 3]) {
      expect((await h.send(body, { retryNum })).status).toBe(200);
    }
    // And once more after a restart, when the process has forgotten the event id.
    await h.restart();
    await h.send(body, { retryNum: 3 });
    await h.slack.waitFor(() => itemLine("Investigate selective AMP")?.startsWith("- [x]") === true);
    await settle(h);
    expect(logCommits(h)).toHaveLength(2);
    const notes = h.slack.thread(first.channel, first.ts).filter((m) => m.text?.includes("checked off"));
    expect(notes).toHaveLength(1);
    expect(h.slack.callsTo("chat.update")).toHaveLength(1);
  });

  it("ignores other reactions, other messages, the bot's own reactions and messages without our metadata", async () => {
    h = await startHarness();
    const { items } = await logAmp();
    const first = items[0];
    if (first === undefined) throw new Error("no item");
    const human = h.slack.addUserMessage("C100", "U222", "unrelated");
    h.slack.reset();
    await react(first, { reaction: "tada" });
    await react(first, { user: h.slack.botUserId });
    await h.send(reactionEventBody({ ts: human.ts, itemUser: "U222" }));
    // A message of ours without metadata (item_user is the bot).
    await h.send(reactionEventBody({ ts: human.ts }));
    await settle(h);
    expect(logCommits(h)).toHaveLength(1);
    expect(h.slack.callsTo("chat.update")).toHaveLength(0);
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("keeps the item checked while another check reaction remains", async () => {
    h = await startHarness();
    const { items } = await logAmp();
    const first = items[0];
    if (first === undefined) throw new Error("no item");
    await react(first, { user: "U222" });
    await h.slack.waitFor(() => itemLine("Investigate selective AMP")?.startsWith("- [x]") === true);
    await react(first, { user: "U111" });
    await react(first, { user: "U222", remove: true });
    await settle(h);
    expect(itemLine("Investigate selective AMP")?.startsWith("- [x]")).toBe(true);
    expect(logCommits(h)).toHaveLength(2);
  });

  it("refuses people outside the allow-list politely", async () => {
    h = await startHarness({ config: { allowedUsers: ["U111"] } });
    const { items } = await logAmp();
    const first = items[0];
    if (first === undefined) throw new Error("no item");
    await react(first, { user: "U333" });
    await h.slack.waitForCall("chat.postEphemeral");
    await settle(h);
    expect(h.slack.callsTo("chat.postEphemeral")[0]?.args).toMatchObject({ channel: "C100", user: "U333" });
    expect(logCommits(h)).toHaveLength(1);
  });
});
