/**
 * Socket Mode, the default deployment (no public URL): the real Bolt app with
 * SLACK_APP_TOKEN opens a connection through `apps.connections.open` on
 * SLACK_API_URL, and Slack's fake sends envelopes over the WebSocket.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AMP_FINDING, findingViewState, reactionEventBody, slashCommandBody, triggerId, viewSubmissionBody } from "../support/slack-factories.js";
import type { Harness } from "./slack-harness.js";
import { startHarness } from "./slack-harness.js";

const payloadOf = (formBody: string): unknown => JSON.parse(new URLSearchParams(formBody).get("payload") ?? "null");
const commandOf = (formBody: string): Record<string, string> => Object.fromEntries(new URLSearchParams(formBody));

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("Socket Mode", () => {
  it("connects with the app token and runs /log-finding → modal → commit → announcement → ✅", async () => {
    harness = await startHarness({ config: { appToken: "xapp-test", signingSecret: undefined } });
    const { slack } = harness;
    await slack.socketMode.connected();
    expect(slack.callsTo("apps.connections.open")).toHaveLength(1);

    const trigger = triggerId();
    const ack = await slack.socketMode.send("slash_commands", commandOf(slashCommandBody({ text: "Over the socket", trigger_id: trigger })));
    expect(ack.envelope_id).toMatch(/^envelope-/);
    const opened = await slack.waitForCall("views.open", (c) => c.args.trigger_id === trigger);
    expect(JSON.stringify(opened.args.view)).toContain("Over the socket");

    // Invalid input comes back in the acknowledgement, as inline errors.
    const invalid = await slack.socketMode.send(
      "interactive",
      payloadOf(viewSubmissionBody({ values: findingViewState({ ...AMP_FINDING, title: "" }) })),
    );
    expect(invalid.payload).toMatchObject({ response_action: "errors", errors: { title: expect.any(String) } });
    expect(harness.log()).toBeUndefined();

    await slack.socketMode.send("interactive", payloadOf(viewSubmissionBody()));
    await slack.waitFor((fake) => fake.messages.filter((m) => m.channel === "C100").length >= 3);
    expect(harness.log()).toContain("## 2026-01-21 AMP Breaks Complex Number Operations");
    const [announcement, firstItem] = slack.messages.filter((m) => m.channel === "C100");
    expect(firstItem?.thread_ts).toBe(announcement?.ts);

    const item = firstItem?.ts ?? "";
    slack.react("C100", item, "white_check_mark", "U222");
    await slack.socketMode.send("events_api", JSON.parse(reactionEventBody({ user: "U222", ts: item })));
    await slack.waitFor(() => harness?.log()?.includes("- [x] Investigate selective AMP") === true);
  });
});
