/**
 * Slash command to modal: the time from sending a signed `/log-finding`
 * request to the bot (real Bolt, HTTP mode) until the fake Slack Web API
 * receives the `views.open` call for it. 200 commands, 20 in flight at a
 * time; p50 and p99.
 */
import type { Logger } from "@slack/bolt";
import { LogLevel } from "@slack/bolt";
import { createLogService } from "../src/services/log-service.js";
import { createSlackBot } from "../src/slack/create-slack-bot.js";
import { createGitHubClient, createGitHubStore } from "../src/store/github.js";
import { startFakeGitHub } from "../test/support/fake-github.js";
import { startFakeSlack } from "../test/support/fake-slack.js";
import { sendToBot, slashCommandBody, triggerId } from "../test/support/slack-factories.js";

const REQUESTS = 200;
const CONCURRENCY = 20;
const SECRET = "bench-signing-secret";

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

export interface SlackBenchResult {
  requests: number;
  concurrency: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  failed: number;
}

/** Runs the bench and prints p50 / p99 of command → views.open. */
export async function benchSlack(): Promise<void> {
  const slack = await startFakeSlack({ users: [{ id: "U111", real_name: "Ada", tz: "UTC" }] });
  const github = await startFakeGitHub({ token: "bench-token" });
  const octokit = createGitHubClient({ token: "bench-token", baseUrl: github.url, repo: { owner: github.owner, repo: github.repo } });
  const service = createLogService({ store: createGitHubStore(octokit, { owner: github.owner, repo: github.repo, path: "docs/research_log.md" }) });
  const bot = createSlackBot({
    config: { botToken: slack.token, appToken: undefined, signingSecret: SECRET, apiUrl: slack.url, allowedChannels: undefined, allowedUsers: undefined },
    service,
    port: 0,
    logger: silent,
    identity: { botId: slack.botId, botUserId: slack.botUserId },
    clientOptions: { retryConfig: { retries: 0 } },
  });
  await bot.start();
  const url = `http://127.0.0.1:${bot.port ?? 0}/slack/events`;
  const timings: number[] = [];
  let failed = 0;
  try {
    const one = async (): Promise<void> => {
      const trigger = triggerId();
      const body = slashCommandBody({ text: "Bench finding", trigger_id: trigger, response_url: slack.responseUrl() });
      const started = performance.now();
      const response = await sendToBot(url, SECRET, body);
      const call = await slack.waitForCall("views.open", (c) => c.args.trigger_id === trigger, 10_000).catch(() => undefined);
      if (response.status !== 200 || call === undefined || call.response.ok !== true) {
        failed += 1;
        return;
      }
      timings.push(call.at - started);
    };
    // Warm up the JIT and the connection pool.
    for (let i = 0; i < 10; i++) await one();
    timings.length = 0;
    failed = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < REQUESTS) {
        next += 1;
        await one();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    await bot.stop();
    await slack.close();
    await github.close();
  }
  const sorted = [...timings].sort((a, b) => a - b);
  const result: SlackBenchResult = {
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    failed,
  };
  process.stdout.write(
    `slash command → views.open, ${result.requests} requests, ${result.concurrency} at a time: ` +
      `p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms, failed ${result.failed}\n`,
  );
}
