import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogService } from "../../src/services/log-service.js";
import type { SlackBot } from "../../src/slack/create-slack-bot.js";
import { createSlackBot } from "../../src/slack/create-slack-bot.js";
import type { LogStore } from "../../src/store/log-store.js";
import { viewSubmissionBody } from "../support/slack-factories.js";
import type { Harness } from "./slack-harness.js";
import { settle, startHarness } from "./slack-harness.js";
import type { TestOutbox } from "../support/test-outbox.js";
import { openTestOutbox } from "../support/test-outbox.js";

const unusedStore: LogStore = {
  description: "unused",
  logPath: "docs/research_log.md",
  read: () => Promise.resolve({ text: undefined, version: undefined }),
  write: () => Promise.reject(new Error("unused")),
  withLock: (fn) => fn(),
  entryUrl: () => undefined,
};
const config = { botToken: "xoxb-1", appToken: undefined, signingSecret: undefined, apiUrl: undefined, allowedChannels: undefined, allowedUsers: undefined };

let h: Harness | undefined;
let spare: TestOutbox;
beforeAll(async () => {
  spare = await openTestOutbox();
});
afterAll(() => spare.close());
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("createSlackBot", () => {
  it("needs a signing secret in HTTP mode", () => {
    expect(() => createSlackBot({ config, service: createLogService({ store: unusedStore }), worker: spare.worker })).toThrow(/SLACK_SIGNING_SECRET/);
  });

  it("builds a Socket Mode app when an app token is set, without connecting", () => {
    const bot: SlackBot = createSlackBot({
      config: { ...config, appToken: "xapp-1-A1-1-abc" },
      service: createLogService({ store: unusedStore }),
      worker: spare.worker,
      identity: { botId: "B1", botUserId: "U1" },
    });
    expect(bot.app).toBeDefined();
    expect(bot.port).toBeUndefined();
  });

  it("posts the scheduled digest in the configured channel", async () => {
    h = await startHarness();
    await h.send(viewSubmissionBody());
    await h.slack.waitFor((s) => s.messages.length >= 3);
    await settle(h);
    const scheduled = createSlackBot({
      config: { ...config, botToken: h.slack.token, signingSecret: "s", apiUrl: h.slack.url },
      service: h.service,
      worker: spare.worker,
      identity: { botId: h.slack.botId, botUserId: h.slack.botUserId },
      digestChannel: "C900",
    });
    const posted = await scheduled.postScheduledDigest();
    expect(posted).toMatchObject({ posted: true, items: 2 });
    expect(h.slack.messages.filter((m) => m.channel === "C900")).toHaveLength(3);
    const unscheduled = createSlackBot({ config: { ...config, botToken: h.slack.token, signingSecret: "s", apiUrl: h.slack.url }, service: h.service, worker: spare.worker });
    expect(await unscheduled.postScheduledDigest()).toBeUndefined();
  });
});
