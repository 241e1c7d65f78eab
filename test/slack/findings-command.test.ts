import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { AMP_FINDING, findingViewState, reactionEventBody, slashCommandBody, viewSubmissionBody } from "../support/slack-factories.js";
import type { Harness } from "./slack-harness.js";
import { LOG_PATH, logCommits, settle, startHarness } from "./slack-harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

async function logTwo(): Promise<void> {
  await h.send(viewSubmissionBody());
  await h.send(
    viewSubmissionBody({
      values: findingViewState({ ...AMP_FINDING, title: "Shuffle <seed> ignored", category: "Data", status: "Resolved", actionItems: "" }),
    }),
  );
  await h.slack.waitFor((s) => s.messages.filter((m) => m.metadata?.event_type === "research_log_entry").length === 2);
  await settle(h);
}

async function findings(text: string, channel = "C100") {
  const responseUrl = h.slack.responseUrl();
  const response = await h.send(slashCommandBody({ command: "/findings", text, response_url: responseUrl, channel_id: channel }));
  expect(response.status).toBe(200);
  return { response, id: responseUrl.split("/").at(-1) ?? "" };
}

describe("/findings", () => {
  it("answers `open` to the asker only", async () => {
    h = await startHarness();
    await logTwo();
    const before = h.slack.messages.length;
    const { id } = await findings("open");
    await h.slack.waitFor((s) => s.responses.some((r) => r.id === id));
    const answer = h.slack.responses.find((r) => r.id === id)?.body;
    expect(answer?.response_type).toBe("ephemeral");
    expect(answer?.text).toContain("AMP Breaks Complex Number Operations");
    expect(answer?.text).not.toContain("Shuffle");
    expect(h.slack.messages).toHaveLength(before);
  });

  it("answers `search <words>` to the asker only, escaped", async () => {
    h = await startHarness();
    await logTwo();
    const { id } = await findings("search shuffle");
    await h.slack.waitFor((s) => s.responses.some((r) => r.id === id));
    const answer = h.slack.responses.find((r) => r.id === id)?.body;
    expect(answer?.response_type).toBe("ephemeral");
    expect(answer?.text).toContain("Shuffle &lt;seed&gt; ignored");
    expect(answer?.text).not.toContain("AMP Breaks");
  });

  it("`search` finds words in the author's own sections, tables and prose of a hand-written log", async () => {
    h = await startHarness({ files: { [LOG_PATH]: readFileSync(new URL("../fixtures/hand-written-variants.md", import.meta.url), "utf8") } });
    for (const [words, title] of [
      ["actimeo", "Dataloader stalls under NFS"],
      ["6,100", "Throughput cliff at batch 512"],
      ["Mia wiki", "Eval harness double-counts fills"],
    ] as const) {
      const { id } = await findings(`search ${words}`);
      await h.slack.waitFor((s) => s.responses.some((r) => r.id === id));
      const text = String(h.slack.responses.find((r) => r.id === id)?.body?.text);
      expect(text).toContain(title);
      for (const other of ["Dataloader stalls", "Throughput cliff", "Eval harness", "softmax"].filter((t) => !title.startsWith(t))) expect(text).not.toContain(other);
    }
  });

  it("shows usage for no words, `help` and unknown words", async () => {
    h = await startHarness();
    for (const text of ["", "help", "frobnicate", "search"]) {
      const { response } = await findings(text);
      expect(response.json).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("/findings open") });
    }
  });

  it("posts the digest in the channel with items as threaded replies a reaction checks off", async () => {
    h = await startHarness();
    await logTwo();
    const before = h.slack.messages.length;
    await findings("digest", "C500");
    await h.slack.waitFor((s) => s.messages.length >= before + 3);
    await settle(h);
    const [head, ...items] = h.slack.messages.slice(before);
    expect(head?.channel).toBe("C500");
    expect(head?.text).toMatch(/2 open action items in 1 finding/);
    expect(JSON.stringify(head?.blocks)).toContain("Investigate selective AMP");
    expect(items.map((m) => m.thread_ts)).toEqual([head?.ts, head?.ts]);
    expect(items.map((m) => m.metadata?.event_type)).toEqual(["research_log_item", "research_log_item"]);
    expect(items[0]?.metadata?.event_payload).toMatchObject({ item: 1, done: false, age_days: 0 });

    const second = items[1];
    if (second === undefined) throw new Error("no item");
    h.slack.react(second.channel, second.ts, "white_check_mark", "U222");
    await h.send(reactionEventBody({ channel: second.channel, ts: second.ts, user: "U222" }));
    await h.slack.waitFor(() => /- \[x\] Test with bfloat16/.test(h.log() ?? ""));
    await settle(h);
    expect(logCommits(h)[0]?.message).toMatch(/^docs: check action item/);
  });

  it("posts nothing for an empty digest, and tells the asker", async () => {
    h = await startHarness();
    const { id } = await findings("digest");
    await h.slack.waitFor((s) => s.responses.some((r) => r.id === id));
    expect(h.slack.responses.find((r) => r.id === id)?.body).toMatchObject({ response_type: "ephemeral", text: expect.stringMatching(/^Nothing open/) });
    expect(h.slack.messages).toHaveLength(0);
  });
});
