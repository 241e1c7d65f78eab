import { afterEach, describe, expect, it } from "vitest";
import { FINDING_BLOCK_IDS } from "../../src/slack/build-finding-modal.js";
import type { Harness } from "./slack-harness.js";
import { logCommits, settle, startHarness } from "./slack-harness.js";
import { AMP_FINDING, findingViewState, messageActionBody, slashCommandBody, viewSubmissionBody } from "../support/slack-factories.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

const labels = (view: unknown): string[] =>
  ((view as { blocks: { type: string; label?: { text: string } }[] }).blocks ?? [])
    .filter((b) => b.type === "input")
    .map((b) => b.label?.text ?? "");

describe("/log-finding", () => {
  it("acks at once and opens the modal with the typed title", async () => {
    h = await startHarness();
    const response = await h.send(slashCommandBody({ text: "AMP breaks complex numbers", response_url: h.slack.responseUrl() }));
    expect(response.status).toBe(200);
    const call = await h.slack.waitForCall("views.open");
    expect(call.response.ok).toBe(true);
    const view = call.args.view as { callback_id: string; private_metadata: string; blocks: Record<string, unknown>[] };
    expect(view.callback_id).toBe("log_finding");
    expect(labels(view)).toEqual(["Title", "Category", "Status", "Related", "Finding", "Impact", "Action Items", "Pictures"]);
    expect(JSON.parse(view.private_metadata)).toEqual({ channel: "C100" });
    const title = view.blocks.find((b) => b.block_id === FINDING_BLOCK_IDS.title) as { element: { initial_value: string } };
    expect(title.element.initial_value).toBe("AMP breaks complex numbers");
    const category = view.blocks.find((b) => b.block_id === FINDING_BLOCK_IDS.category) as {
      element: { type: string; options: { value: string }[] };
    };
    expect(category.element.type).toBe("static_select");
    expect(category.element.options.map((o) => o.value)).toEqual(["Training", "Architecture", "Data", "Tooling", "Performance"]);
  });

  it("tells the user when the modal cannot be opened", async () => {
    h = await startHarness();
    h.slack.failNext("views.open", "expired_trigger_id");
    const responseUrl = h.slack.responseUrl();
    await h.send(slashCommandBody({ response_url: responseUrl }));
    await h.slack.waitFor((s) => s.responses.length === 1);
    expect(h.slack.responses[0]?.body).toMatchObject({ response_type: "ephemeral", text: expect.stringMatching(/could not open the form/) });
  });

  it("commits a valid submission and announces it with one threaded reply per open item", async () => {
    h = await startHarness();
    const response = await h.send(viewSubmissionBody({ user: { id: "U111", name: "ada" } }));
    expect(response.status).toBe(200);
    expect(response.text).toBe("");
    await h.slack.waitFor((s) => s.messages.length >= 3);
    await settle(h);

    const log = h.log() ?? "";
    // Ada is in Tokyo, where it is already the 21st.
    expect(log).toContain("## 2026-01-21 AMP Breaks Complex Number Operations");
    expect(log).toContain("**Related**: `experiments/train.py`, MLflow run `abc123`");
    const commits = logCommits(h);
    expect(commits).toHaveLength(1);
    // Attributed to the Slack user (the GitHub store writes a Co-authored-by trailer).
    expect(commits[0]?.message).toBe(
      "docs: log finding - AMP Breaks Complex Number Operations\n\nCo-authored-by: Ada Lovelace <ada@example.com>",
    );

    const [announcement, ...replies] = h.slack.messages;
    expect(announcement?.channel).toBe("C100");
    expect(announcement?.thread_ts).toBeUndefined();
    expect(announcement?.metadata).toEqual({
      event_type: "research_log_entry",
      event_payload: expect.objectContaining({ id: "2026-01-21-amp-breaks-complex-number-operations", status: "Workaround", logged_by: "U111" }),
    });
    const blocksText = JSON.stringify(announcement?.blocks);
    expect(blocksText).toContain("AMP Breaks Complex Number Operations");
    expect(blocksText).toContain("Training");
    expect(blocksText).toContain("Workaround");
    expect(blocksText).toContain("https://github.com/acme/research/blob/");
    expect(blocksText).toContain("#2026-01-21-amp-breaks-complex-number-operations");
    expect(blocksText).toContain("<@U111>");
    // Two open items; the done one gets no message.
    expect(replies).toHaveLength(2);
    expect(replies.map((r) => r.thread_ts)).toEqual([announcement?.ts, announcement?.ts]);
    expect(replies.map((r) => r.metadata?.event_payload)).toEqual([
      expect.objectContaining({ item: 1, text: "Investigate selective AMP (only for real-valued layers)", done: false }),
      expect.objectContaining({ item: 2, text: "Test with bfloat16 instead of float16", done: false }),
    ]);
    expect(h.errors).toEqual([]);
  });

  it("dates the entry in the submitter's time zone, falling back to the service's", async () => {
    h = await startHarness();
    await h.send(viewSubmissionBody({ user: { id: "U222", name: "grace" }, values: findingViewState({ ...AMP_FINDING, title: "In LA" }) }));
    await h.send(viewSubmissionBody({ user: { id: "U404", name: "ghost" }, values: findingViewState({ ...AMP_FINDING, title: "Unknown user" }) }));
    await h.slack.waitFor((s) => s.messages.filter((m) => m.metadata?.event_type === "research_log_entry").length === 2);
    const log = h.log() ?? "";
    expect(log).toContain("## 2026-01-20 In LA");
    expect(log).toContain("## 2026-01-20 Unknown user");
  });

  it("returns field errors inline, keyed by block id, and writes nothing", async () => {
    h = await startHarness();
    const response = await h.send(
      viewSubmissionBody({ values: findingViewState({ title: "  ", category: "Training", status: "Open", finding: "x", impact: "" }) }),
    );
    expect(response.status).toBe(200);
    const body = response.json as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(Object.keys(body.errors).sort()).toEqual([FINDING_BLOCK_IDS.impact, FINDING_BLOCK_IDS.title].sort());
    expect(body.errors[FINDING_BLOCK_IDS.title]).toMatch(/title/i);
    await settle(h, 50);
    expect(h.github.requestsTo("PUT", /contents/)).toHaveLength(0);
    expect(h.slack.messages).toHaveLength(0);
  });

  it("escapes user text so an entry cannot ping the channel or forge a link", async () => {
    h = await startHarness();
    const title = "<!channel> & <https://evil|click>";
    await h.send(viewSubmissionBody({ values: findingViewState({ ...AMP_FINDING, title, actionItems: "ping <!here> now" }) }));
    await h.slack.waitFor((s) => s.messages.length >= 2);
    await settle(h);
    const [announcement, item] = h.slack.messages;
    const everything = JSON.stringify([announcement?.text, announcement?.blocks, item?.text, item?.blocks]);
    expect(everything).toContain("&lt;!channel&gt; &amp; &lt;https://evil|click&gt;");
    expect(everything).toContain("ping &lt;!here&gt; now");
    expect(everything).not.toContain("<!channel>");
    expect(everything).not.toContain("<!here>");
    expect(everything).not.toContain("<https://evil");
  });
});

describe("Log as finding shortcut", () => {
  it("prefills Finding and Related, and announces in the message's thread", async () => {
    h = await startHarness();
    const original = h.slack.addUserMessage("C100", "U222", "Loss goes NaN with &lt;AMP&gt; on <https://wandb.ai/run/1|run 1>");
    await h.send(messageActionBody({ message: { ts: original.ts, text: original.text ?? "" } }));
    const call = await h.slack.waitForCall("views.open");
    const view = call.args.view as { private_metadata: string; blocks: { block_id: string; element: { initial_value?: string } }[] };
    const field = (id: string) => view.blocks.find((b) => b.block_id === id)?.element.initial_value;
    expect(field(FINDING_BLOCK_IDS.finding)).toBe("Loss goes NaN with <AMP> on run 1 (https://wandb.ai/run/1)");
    expect(field(FINDING_BLOCK_IDS.related)).toBe(`https://fake.slack.test/archives/C100/p${original.ts.replace(".", "")}`);
    expect(JSON.parse(view.private_metadata)).toEqual({ channel: "C100", threadTs: original.ts });

    await h.send(
      viewSubmissionBody({
        privateMetadata: view.private_metadata,
        values: findingViewState({ ...AMP_FINDING, title: "NaN loss", related: field(FINDING_BLOCK_IDS.related) ?? "" }),
      }),
    );
    await h.slack.waitFor((s) => s.messages.length >= 4);
    await settle(h);
    const posted = h.slack.messages.filter((m) => m.user === h.slack.botUserId);
    expect(posted).toHaveLength(3);
    expect(posted.every((m) => m.thread_ts === original.ts)).toBe(true);
    expect(h.log()).toContain(`**Related**: https://fake.slack.test/archives/C100/p${original.ts.replace(".", "")}`);
  });
});
