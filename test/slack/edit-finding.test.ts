import { afterEach, describe, expect, it } from "vitest";
import type { FakeSlackMessage } from "../support/fake-slack.js";
import { blockActionsBody, findingViewState, reactionEventBody, slashCommandBody, viewSubmissionBody } from "../support/slack-factories.js";
import type { FindingFields } from "../support/slack-factories.js";
import type { Harness } from "./slack-harness.js";
import { LOG_PATH, logCommits, settle, startHarness } from "./slack-harness.js";

/**
 * Editing a finding from Slack, end to end against the fake Slack and the
 * fake GitHub: the Edit button on the announcement opens the form filled
 * from the file as it is now, and its submission rewrites only that entry.
 */

let h: Harness;
afterEach(async () => {
  await h.close();
});

const isEntry = (m: FakeSlackMessage) => m.metadata?.event_type === "research_log_entry";

/** Logs the AMP finding as ada (U111) and returns its announcement. */
async function logged(): Promise<FakeSlackMessage> {
  await h.send(viewSubmissionBody());
  await h.slack.waitFor((s) => s.messages.some(isEntry) && s.messages.filter((m) => m.metadata?.event_type === "research_log_item").length === 2);
  await settle(h);
  const announcement = h.slack.messages.find(isEntry);
  if (announcement === undefined) throw new Error("no announcement");
  return announcement;
}

/** Presses Edit on the announcement as `user`; resolves with the filled form (views.update's view), if one opened. */
async function pressEdit(announcement: FakeSlackMessage, user = "U111"): Promise<{ view: Record<string, unknown>; values: Record<string, string | undefined> } | undefined> {
  const updates = h.slack.callsTo("views.update").length;
  const response = await h.send(
    blockActionsBody({ user: { id: user }, channel: announcement.channel, message: { ts: announcement.ts, metadata: announcement.metadata, blocks: announcement.blocks ?? [] }, actionId: "edit_finding", value: String(announcement.metadata?.event_payload.id) }),
  );
  expect(response.status).toBe(200);
  if (user !== "U111") return undefined;
  await h.slack.waitFor((s) => s.callsTo("views.update").length > updates);
  const view = h.slack.callsTo("views.update").at(-1)?.args.view as Record<string, unknown>;
  const values: Record<string, string | undefined> = {};
  for (const block of view.blocks as { block_id?: string; element?: { initial_value?: string; initial_option?: { value: string } } }[]) {
    if (block.block_id !== undefined) values[block.block_id] = block.element?.initial_value ?? block.element?.initial_option?.value;
  }
  return { view, values };
}

/** What the edit form was filled with, as typed fields. */
const fieldsOf = (form: { values: Record<string, string | undefined> }): FindingFields => ({
  title: form.values.title,
  category: form.values.category,
  status: form.values.status,
  related: form.values.related,
  finding: form.values.finding,
  impact: form.values.impact,
  actionItems: form.values.action_items,
});

/** Submits the edit form with `changes` over what it was filled with. */
async function submit(form: { view: Record<string, unknown>; values: Record<string, string | undefined> }, changes: Partial<FindingFields>) {
  const response = await h.send(viewSubmissionBody({ callbackId: "edit_finding", privateMetadata: String(form.view.private_metadata), values: findingViewState({ ...fieldsOf(form), ...changes }) }));
  expect(response.status).toBe(200);
}

describe("Edit from Slack", () => {
  it("fills the form from the file now, rewrites only that entry, updates the announcement, and a ✅ on the new item checks it off", async () => {
    h = await startHarness();
    const announcement = await logged();
    // A hand edit before Edit is pressed: the form shows it.
    h.github.setFile(h.github.defaultBranch, LOG_PATH, (h.log() ?? "").replace("Cannot use AMP for training speedup.", "Cannot use AMP for training speedup (measured on A100)."));
    const before = h.log() ?? "";
    const form = await pressEdit(announcement);
    if (form === undefined) throw new Error("no form");
    expect(h.slack.callsTo("views.open").at(-1)?.args.view).toMatchObject({ title: { text: "Edit finding" } });
    expect(form.values).toMatchObject({ title: "AMP Breaks Complex Number Operations", status: "Workaround", impact: "Cannot use AMP for training speedup (measured on A100)." });

    await submit(form, { title: "AMP breaks complex tensors", finding: "AMP gives NaN gradients with complex tensors.", actionItems: `${form.values.action_items}\n[ ] Try torch.compile` });
    await h.slack.waitFor((s) => s.messages.some((m) => m.text?.includes("Try torch.compile") === true), 10_000);
    await settle(h);

    expect(logCommits(h)[0]?.message.split("\n")[0]).toBe("docs: edit finding - AMP breaks complex tensors");
    expect(logCommits(h)[0]?.message).toContain("Co-authored-by: Ada Lovelace <ada@example.com>");
    const after = h.log() ?? "";
    expect(after).toContain("## 2026-01-21 AMP breaks complex tensors\n");
    expect(after).toContain("### Finding\nAMP gives NaN gradients with complex tensors.\n");
    expect(after).toContain("(measured on A100)");
    expect(after).toContain("- [ ] Try torch.compile\n");
    const changedFrom = before.indexOf("## 2026-01-21");
    expect(after.slice(0, changedFrom)).toBe(before.slice(0, changedFrom));

    const newId = "2026-01-21-amp-breaks-complex-tensors";
    const updated = h.slack.message(announcement.channel, announcement.ts);
    expect(updated?.metadata?.event_payload).toMatchObject({ id: newId, title: "AMP breaks complex tensors", logged_by: "U111" });
    const thread = h.slack.thread(announcement.channel, announcement.ts);
    const items = thread.filter((m) => m.metadata?.event_type === "research_log_item");
    expect(items.map((m) => [m.metadata?.event_payload.id, m.metadata?.event_payload.item])).toEqual([
      [newId, 1],
      [newId, 2],
      [newId, 4],
    ]);
    expect(thread.some((m) => /renamed this finding to \*AMP breaks complex tensors\*/.test(m.text ?? ""))).toBe(true);

    // ✅ on the new item, and on an old one (moved to the new id), check them off.
    for (const item of [items[2]!, items[0]!]) {
      h.slack.react(item.channel, item.ts, "white_check_mark", "U222");
      await h.send(reactionEventBody({ channel: item.channel, ts: item.ts, user: "U222" }));
    }
    await h.slack.waitFor(() => /- \[x\] Try torch.compile/.test(h.log() ?? "") && /- \[x\] Investigate selective AMP/.test(h.log() ?? ""), 10_000);
    expect(logCommits(h)[0]?.message.split("\n")[0]).toBe("docs: check action item - AMP breaks complex tensors");
  });

  it("refuses the submit on the form when the entry changed by hand after the form opened: nothing written, the hand edit kept, the entry now sent to the person", async () => {
    h = await startHarness();
    const announcement = await logged();
    const form = await pressEdit(announcement);
    if (form === undefined) throw new Error("no form");
    const handEdited = (h.log() ?? "").replace("- [ ] Test with bfloat16", "- [x] Test with bfloat16");
    h.github.setFile(h.github.defaultBranch, LOG_PATH, handEdited);
    const commits = logCommits(h).length;
    const response = await h.send(viewSubmissionBody({ callbackId: "edit_finding", privateMetadata: String(form.view.private_metadata), values: findingViewState({ ...fieldsOf(form), title: "Overwrite attempt" }) }));
    expect(response.json).toMatchObject({ response_action: "errors", errors: { title: expect.stringMatching(/changed in the log since you opened the form, so nothing was saved/) } });
    await h.slack.waitFor((s) => s.messages.some((m) => m.channel === "U111" && /as it is in the log now/.test(m.text ?? "")), 10_000);
    await settle(h);
    expect(h.log()).toBe(handEdited);
    expect(logCommits(h)).toHaveLength(commits);
    expect(h.slack.messages.find((m) => m.channel === "U111" && /as it is in the log now/.test(m.text ?? ""))?.text).toContain("- [x] Test with bfloat16");
  });

  it("refuses the edit when the entry is edited by hand between the submit and the write, and keeps the hand edit", async () => {
    h = await startHarness();
    const announcement = await logged();
    const form = await pressEdit(announcement);
    if (form === undefined) throw new Error("no form");
    h.github.humanCommitBeforeNextPut((text) => (text ?? "").replace("- [ ] Test with bfloat16", "- [x] Test with bfloat16"));
    await submit(form, { title: "Overwrite attempt" });
    await h.slack.waitFor((s) => s.messages.some((m) => m.channel === "U111" && /Your edit was not saved/.test(m.text ?? "")), 10_000);
    await settle(h);
    const log = h.log() ?? "";
    expect(log).toContain("- [x] Test with bfloat16");
    expect(log).not.toContain("Overwrite attempt");
    expect(h.slack.messages.find((m) => m.channel === "U111" && /Your edit was not saved/.test(m.text ?? ""))?.text).toContain("changed in the log since the form was opened");
  });

  it("applies an edit submitted after a restart of the bot exactly once", async () => {
    h = await startHarness();
    const announcement = await logged();
    const form = await pressEdit(announcement);
    if (form === undefined) throw new Error("no form");
    await h.restart();
    await submit(form, { impact: "Training is 2x slower." });
    await h.slack.waitFor(() => (h.log() ?? "").includes("Training is 2x slower."), 10_000);
    // The same submission delivered again (a retry) is refused as a duplicate.
    await submit(form, { impact: "Training is 2x slower." });
    await settle(h, 300);
    expect(logCommits(h).filter((c) => c.message.startsWith("docs: edit finding"))).toHaveLength(1);
  });

  it("puts an Edit button on each entry /findings lists, which opens the same form", async () => {
    h = await startHarness();
    await logged();
    const responseUrl = h.slack.responseUrl();
    await h.send(slashCommandBody({ command: "/findings", text: "open", response_url: responseUrl, channel_id: "C100" }));
    const id = responseUrl.split("/").at(-1) ?? "";
    await h.slack.waitFor((s) => s.responses.some((r) => r.id === id));
    const blocks = h.slack.responses.find((r) => r.id === id)?.body.blocks as { accessory?: { action_id: string; value: string } }[];
    const button = blocks.find((b) => b.accessory?.action_id === "edit_finding")?.accessory;
    expect(button?.value).toBe("2026-01-21-amp-breaks-complex-number-operations");
    const updates = h.slack.callsTo("views.update").length;
    // An ephemeral message carries no metadata: without an allow-list, whoever may log findings may edit from the list.
    await h.send(blockActionsBody({ user: { id: "U222" }, channel: "C100", message: { ts: "1767000099.000099" }, actionId: "edit_finding", value: button?.value ?? "" }));
    await h.slack.waitFor((s) => s.callsTo("views.update").length > updates);
    expect(h.slack.callsTo("views.update").at(-1)?.args.view).toMatchObject({ callback_id: "edit_finding", title: { text: "Edit finding" } });
  });

  it("leaves a field too long for the form out of it, and keeps it as the file says", async () => {
    const long = `${"A long finding. ".repeat(250)}The end.`;
    const log = `# Research Log\n\n## 2026-01-10 Long one\n\n**Category**: Data\n**Status**: Open\n\n### Finding\n${long}\n\n### Impact\nSome.\n`;
    h = await startHarness({ files: { [LOG_PATH]: log } });
    const updates = h.slack.callsTo("views.update").length;
    await h.send(blockActionsBody({ channel: "C100", message: { ts: "1767000099.000099" }, actionId: "edit_finding", value: "2026-01-10-long-one" }));
    await h.slack.waitFor((s) => s.callsTo("views.update").length > updates);
    const view = h.slack.callsTo("views.update").at(-1)?.args.view as { private_metadata: string; blocks: { block_id?: string; hint?: { text: string }; element?: { initial_value?: string } }[] };
    const findingBlock = view.blocks.find((b) => b.block_id === "finding");
    expect(findingBlock?.element?.initial_value).toBeUndefined();
    expect(findingBlock?.hint?.text).toMatch(/Longer than a Slack form holds/);
    const response = await h.send(
      viewSubmissionBody({ callbackId: "edit_finding", privateMetadata: view.private_metadata, values: findingViewState({ title: "Long one, renamed", category: "Data", status: "Open", finding: "", impact: "Some." }) }),
    );
    expect(response.status).toBe(200);
    await h.slack.waitFor(() => (h.log() ?? "").includes("Long one, renamed"), 10_000);
    expect(h.log()).toContain(`### Finding\n${long}\n`);
  });

  it("lets only the author and the allow-list edit", async () => {
    h = await startHarness();
    const announcement = await logged();
    const opened = h.slack.callsTo("views.open").length;
    await pressEdit(announcement, "U333");
    await h.slack.waitForCall("chat.postEphemeral", (c) => c.args.user === "U333");
    expect(h.slack.callsTo("chat.postEphemeral").at(-1)?.args.text).toMatch(/Only the person who logged a finding/);
    expect(h.slack.callsTo("views.open")).toHaveLength(opened);
  });
});
