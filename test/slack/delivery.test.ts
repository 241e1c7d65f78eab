import { afterEach, describe, expect, it } from "vitest";
import { reactionEventBody, slackSignature, slashCommandBody, viewSubmissionBody } from "../support/slack-factories.js";
import type { Harness } from "./slack-harness.js";
import { logCommits, SECRET, settle, startHarness } from "./slack-harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe("delivery", () => {
  it("serves GET /healthz", async () => {
    h = await startHarness();
    const response = await fetch(`${h.base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });

  it("logs a view submission delivered four times once: one entry, one commit, one announcement", async () => {
    h = await startHarness();
    const body = viewSubmissionBody({ viewId: "VDOUBLE", hash: "1.same" });
    const responses = await Promise.all([h.send(body), h.send(body)]);
    responses.push(await h.send(body), await h.send(body));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await h.slack.waitFor((s) => s.messages.length >= 3);
    await settle(h);
    expect((h.log() ?? "").match(/^## /gm)).toHaveLength(1);
    expect(logCommits(h)).toHaveLength(1);
    expect(h.slack.messages.filter((m) => m.metadata?.event_type === "research_log_entry")).toHaveLength(1);
    expect(h.slack.messages).toHaveLength(3);
  });

  it("does not write twice when the same entry is submitted again after a restart", async () => {
    h = await startHarness();
    await h.send(viewSubmissionBody({ viewId: "VAGAIN", hash: "1.same" }));
    await h.slack.waitFor((s) => s.messages.length >= 3);
    // The first submission is done (out of the outbox) before the restart.
    const outbox = h.outbox;
    await until(() => outbox.outbox.size === 0);
    await h.restart();
    await h.send(viewSubmissionBody({ viewId: "VAGAIN", hash: "1.same" }));
    await h.slack.waitForCall("chat.postEphemeral");
    await settle(h);
    expect(logCommits(h)).toHaveLength(1);
    expect(h.slack.messages).toHaveLength(3);
    expect(h.slack.callsTo("chat.postEphemeral")[0]?.args.text).toMatch(/already in the log/);
  });

  const forgeries: [string, (body: string) => Record<string, string>][] = [
    ["a wrong signature", (body) => ({ "x-slack-signature": slackSignature("not-the-secret", body, now()) })],
    ["no signature", () => ({ "x-slack-signature": "" })],
    ["a six-minute-old signature", (body) => ({ "x-slack-request-timestamp": String(now() - 360), "x-slack-signature": slackSignature(SECRET, body, now() - 360) })],
  ];
  const now = () => Math.floor(Date.now() / 1000);

  it.each(forgeries)("answers 401 to %s and changes nothing", async (_name, headersFor) => {
    h = await startHarness();
    const bodies = [
      slashCommandBody({ text: "forged" }),
      viewSubmissionBody(),
      reactionEventBody({ ts: "1767000001.000001" }),
    ];
    for (const body of bodies) {
      const headers = headersFor(body);
      const response =
        headers["x-slack-signature"] === ""
          ? await fetch(`${h.base}/slack/events`, {
              method: "POST",
              headers: { "content-type": body.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded" },
              body,
            })
          : await fetch(`${h.base}/slack/events`, {
              method: "POST",
              headers: {
                "content-type": body.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded",
                "x-slack-request-timestamp": String(now()),
                ...headers,
              },
              body,
            });
      expect(response.status).toBe(401);
    }
    await settle(h, 100);
    // Only start()'s auth.test (which scopes the token holds) reached Slack.
    expect(h.slack.calls.map((c) => c.method)).toEqual(["auth.test"]);
    expect(h.github.requestsTo("PUT", /contents/)).toHaveLength(0);
  });
});

describe("Slack's rate limits", () => {
  it("waits out 429s with the client's real retry settings: the finding lands once, announced once", async () => {
    h = await startHarness({ slackRetries: true });
    h.slack.rateLimit("chat.postMessage", 1, 2);
    const response = await h.send(viewSubmissionBody());
    expect(response.status).toBe(200);
    await h.slack.waitFor((s) => s.messages.some((m) => m.metadata?.event_type === "research_log_entry"), 15_000);
    await settle(h, 300);
    const limited = h.slack.callsTo("chat.postMessage").filter((c) => c.response.error === "ratelimited");
    expect(limited).toHaveLength(2);
    expect(logCommits(h)).toHaveLength(1);
    expect(h.slack.messages.filter((m) => m.metadata?.event_type === "research_log_entry")).toHaveLength(1);
    expect(h.log()?.match(/^## /gm)).toHaveLength(1);
  });
});

describe("bodies that are JSON but not an object", () => {
  it.each([
    ["a form payload of null", "payload=null"],
    ["a form payload of a number", "payload=3"],
    ["a form payload that is a list", `payload=${encodeURIComponent("[]")}`],
    ["a JSON body of null", "null"],
  ])("answers 400 at once to %s, correctly signed", async (_name, body) => {
    h = await startHarness();
    const contentType = body.startsWith("payload=") ? "application/x-www-form-urlencoded" : "application/json";
    const response = await h.send(body, { headers: { "content-type": contentType } });
    expect(response.status).toBe(400);
    // The bot still serves what comes next.
    const next = await h.send(slashCommandBody({ command: "/findings", text: "help" }));
    expect(next.status).toBe(200);
    expect(h.github.requestsTo("PUT", /contents/)).toHaveLength(0);
  });

  it("still answers 401 to a forged one", async () => {
    h = await startHarness();
    const response = await fetch(`${h.base}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)), "x-slack-signature": "v0=00" },
      body: "payload=null",
    });
    expect(response.status).toBe(401);
  });
});

describe("failures", () => {
  it("DMs the submitter the reason and the entry's markdown when the store refuses the write for good", async () => {
    h = await startHarness();
    h.github.denyWrites();
    await h.send(viewSubmissionBody({ user: { id: "U111", name: "ada" } }));
    await h.slack.waitFor((s) => s.messages.some((m) => m.channel === "U111"), 15_000);
    await settle(h);
    const dm = h.slack.messages.find((m) => m.channel === "U111");
    expect(dm?.text).toMatch(/could not save your finding/);
    expect(dm?.text).toContain("```\n## 2026-01-21 AMP Breaks Complex Number Operations");
    expect(dm?.text).toContain("- [ ] Test with bfloat16 instead of float16");
    expect(dm?.text).toContain("MLflow run `abc123`");
    expect(h.slack.messages.filter((m) => m.channel === "C100")).toHaveLength(0);
    // Handed back: nothing is left to retry.
    expect(h.outbox.outbox.size).toBe(0);
  });

  it("keeps an acknowledged submission through a GitHub outage and a crash, and logs it once when GitHub is back", async () => {
    h = await startHarness({ retries: 0, maxAttempts: 1 });
    h.github.outage(503);
    const acked = await h.send(viewSubmissionBody({ user: { id: "U111", name: "ada" } }));
    expect(acked.status).toBe(200);
    await h.slack.waitFor((s) => s.messages.some((m) => m.channel === "U111"), 15_000);
    expect(h.slack.messages.find((m) => m.channel === "U111")?.text).toMatch(/is saved.*I will keep trying/);
    expect(h.outbox.outbox.size).toBe(1);
    // The notice is marked as sent just after it is posted; a crash before that would tell the person again.
    const outbox = h.outbox;
    await until(() => outbox.outbox.pending()[0]?.steps.notified !== undefined);
    // A crash (nothing drained), then GitHub comes back before the new process starts.
    await h.restart({ before: () => h?.github.outage(undefined) });
    await h.slack.waitFor((s) => s.messages.filter((m) => m.channel === "C100").length >= 3, 15_000);
    await settle(h);
    expect(logCommits(h)).toHaveLength(1);
    expect(h.log()?.match(/AMP Breaks Complex Number Operations/g)).toHaveLength(1);
    expect(h.slack.messages.filter((m) => m.channel === "C100")).toHaveLength(3);
    expect(h.slack.messages.filter((m) => m.channel === "U111").map((m) => m.text)).toEqual([
      expect.stringMatching(/is saved/),
      expect.stringMatching(/is in the log now/),
    ]);
    expect(h.outbox.outbox.size).toBe(0);
  });

  it("joins a public channel it is not in, then announces", async () => {
    h = await startHarness({ slack: { channels: [{ id: "C200", member: false }] } });
    await h.send(viewSubmissionBody({ privateMetadata: JSON.stringify({ channel: "C200" }) }));
    await h.slack.waitFor((s) => s.messages.length >= 3);
    await settle(h);
    expect(h.slack.callsTo("conversations.join")).toHaveLength(1);
    expect(h.slack.messages.every((m) => m.channel === "C200")).toBe(true);
  });

  it("tells the submitter when it cannot get into a private channel", async () => {
    h = await startHarness({ slack: { channels: [{ id: "G300", private: true, member: false }] } });
    await h.send(viewSubmissionBody({ privateMetadata: JSON.stringify({ channel: "G300" }) }));
    await h.slack.waitFor((s) => s.messages.some((m) => m.channel === "U111"));
    await settle(h);
    const dm = h.slack.messages.find((m) => m.channel === "U111");
    expect(dm?.text).toMatch(/is in the log, but I cannot post in <#G300>/);
    expect(logCommits(h)).toHaveLength(1);
  });

  it("refuses /log-finding outside the allowed channels with an ephemeral note", async () => {
    h = await startHarness({ config: { allowedChannels: ["C100"] } });
    const response = await h.send(slashCommandBody({ channel_id: "C999" }));
    expect(response.json).toMatchObject({ response_type: "ephemeral", text: expect.stringMatching(/^Sorry/) });
    const denied = await h.send(viewSubmissionBody({ privateMetadata: JSON.stringify({ channel: "C999" }) }));
    expect(denied.json).toMatchObject({ response_action: "errors" });
    await settle(h, 50);
    expect(h.slack.callsTo("views.open")).toHaveLength(0);
    expect(logCommits(h)).toHaveLength(0);
  });
});

async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
