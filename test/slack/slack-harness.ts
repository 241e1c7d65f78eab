/**
 * The real Bolt app in HTTP mode on an ephemeral port, against the fake
 * Slack Web API and the GitHub store on the fake GitHub. `restart()` swaps in
 * a new app instance over the same fakes, as a process restart would.
 */
import type { Logger } from "@slack/bolt";
import { LogLevel } from "@slack/bolt";
import type { SlackConfig } from "../../src/config.js";
import type { Clock, LogService } from "../../src/services/log-service.js";
import type { SlackBot } from "../../src/slack/create-slack-bot.js";
import { createSlackBot } from "../../src/slack/create-slack-bot.js";
import type { FakeGitHub } from "../support/fake-github.js";
import type { FakeSlack, FakeSlackOptions } from "../support/fake-slack.js";
import { startFakeSlack } from "../support/fake-slack.js";
import { sendToBot } from "../support/slack-factories.js";
import { startGitHubLogService, TEST_LOG_PATH } from "../support/github-log-service.js";
import type { TestOutbox } from "../support/test-outbox.js";
import { openTestOutbox } from "../support/test-outbox.js";

export const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const LOG_PATH = TEST_LOG_PATH;

/** 23:30 UTC on 2026-01-20: already the 21st in Tokyo, still the 20th in Los Angeles. */
export const NOW = new Date("2026-01-20T23:30:00Z");

export const USERS = [
  { id: "U111", name: "ada", real_name: "Ada Lovelace", tz: "Asia/Tokyo", email: "ada@example.com" },
  { id: "U222", name: "grace", real_name: "Grace Hopper", tz: "America/Los_Angeles" },
  { id: "U333", name: "mallory", real_name: "Mallory", tz: "Europe/Berlin" },
];

export interface Harness {
  slack: FakeSlack;
  github: FakeGitHub;
  service: LogService;
  bot: SlackBot;
  /** The bot's outbox (a temporary state directory). */
  outbox: TestOutbox;
  /** `http://127.0.0.1:<port>` of the bot. */
  base: string;
  errors: string[];
  /** POSTs a signed request to /slack/events. */
  send(body: string, options?: { timestamp?: number; retryNum?: number; headers?: Record<string, string> }): ReturnType<typeof sendToBot>;
  log(): string | undefined;
  /**
   * Stops the bot and starts a new instance over the same fakes and the same
   * state directory. Without `drainMs`, nothing in flight is waited for: as a
   * crash, what was acknowledged is only in the outbox.
   */
  restart(options?: { drainMs?: number; before?: () => Promise<void> | void }): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  slack?: FakeSlackOptions;
  config?: Partial<SlackConfig>;
  files?: Record<string, string>;
  clock?: Clock;
  retries?: number;
  maxAttempts?: number;
  /** The Slack client's real retry settings (it waits out a 429's Retry-After); by default it does not retry. */
  slackRetries?: boolean;
}

/** A Bolt logger that keeps errors for assertions and prints nothing. */
function quietLogger(errors: string[]): Logger {
  let level = LogLevel.ERROR;
  let name = "test";
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (...messages: unknown[]) => {
      errors.push(messages.map(String).join(" "));
    },
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
      void name;
    },
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const slack = await startFakeSlack({ users: USERS, ...options.slack });
  const clock = options.clock ?? { now: () => NOW };
  const { github, service } = await startGitHubLogService({
    clock,
    ...(options.files === undefined ? {} : { files: options.files }),
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
  const outbox = await openTestOutbox({ clock });
  const errors: string[] = [];
  const config: SlackConfig = {
    botToken: slack.token,
    appToken: undefined,
    signingSecret: SECRET,
    apiUrl: slack.url,
    allowedChannels: undefined,
    allowedUsers: undefined,
    ...options.config,
  };
  const makeBot = () =>
    createSlackBot({
      config,
      service,
      worker: outbox.worker,
      port: 0,
      clock,
      logger: quietLogger(errors),
      identity: { botId: slack.botId, botUserId: slack.botUserId },
      clientOptions: options.slackRetries === true ? {} : { retryConfig: { retries: 0 } },
    });
  let bot = makeBot();
  await bot.start();
  outbox.worker.start();
  const harness: Harness = {
    slack,
    github,
    service,
    outbox,
    get bot() {
      return bot;
    },
    get base() {
      return `http://127.0.0.1:${bot.port ?? 0}`;
    },
    errors,
    send: (body, sendOptions = {}) => sendToBot(`${harness.base}/slack/events`, SECRET, body, sendOptions),
    log: () => github.getFile(github.defaultBranch, LOG_PATH),
    async restart(restartOptions = {}) {
      await bot.stop();
      await outbox.reopen(restartOptions.drainMs ?? 0);
      await restartOptions.before?.();
      bot = makeBot();
      await bot.start();
      outbox.worker.start();
    },
    async close() {
      await bot.stop().catch(() => undefined);
      await outbox.close();
      await slack.close();
      await github.close();
    },
  };
  return harness;
}

/** Commits that touched the log on the default branch (newest first). */
export function logCommits(h: Harness): { message: string }[] {
  return h.github.commits(h.github.defaultBranch).filter((c) => c.tree.has(LOG_PATH) && c.message.startsWith("docs:"));
}

/** Waits until no new fake Slack call has arrived for `quietMs`: the bot's background work is done. */
export async function settle(h: Harness, quietMs = 150): Promise<void> {
  let count = -1;
  while (count !== h.slack.calls.length) {
    count = h.slack.calls.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}
