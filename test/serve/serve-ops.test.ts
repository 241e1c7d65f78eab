/**
 * `serve` as an operator sees it: its log lines, `/readyz`, `/metrics` and
 * `serve --check`, with the built CLI in its own process against the fake
 * Slack, Discord and GitHub.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeGitHub } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";
import type { FakeSlack } from "../support/fake-slack.js";
import { startFakeSlack } from "../support/fake-slack.js";
import { startFakeDiscord } from "../support/fake-discord.js";
import type { FakeDiscord } from "../support/fake-discord.js";
import { AMP_FINDING, findingViewState, reactionEventBody, sendToBot, viewSubmissionBody } from "../support/slack-factories.js";
import type { Cleanups, Served } from "../support/serve-process.js";
import { root, spawnServe, waitForOutput } from "../support/serve-process.js";
import { parsePrometheusText, sampleValue } from "../support/prometheus-text.js";
import { startRedis } from "../support/redis-server.js";

const SECRET = "ops-test-signing-secret";
const GITHUB_TOKEN = "ghp_opstesttoken0123456789";
const LOG_PATH = "docs/research_log.md";
const seedLog = readFileSync(join(root, "test/fixtures/seed-example.md"), "utf8");

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startGitHub(): Promise<FakeGitHub> {
  const github = await startFakeGitHub({ token: GITHUB_TOKEN, files: { [LOG_PATH]: seedLog } });
  cleanups.push(() => github.close());
  return github;
}

async function startSlack(): Promise<FakeSlack> {
  const slack = await startFakeSlack();
  cleanups.push(() => slack.close());
  return slack;
}

async function startDiscord(): Promise<FakeDiscord> {
  const discord = await startFakeDiscord();
  cleanups.push(() => discord.close());
  return discord;
}

const githubEnv = (github: FakeGitHub): Record<string, string> => ({
  GITHUB_REPO: `${github.owner}/${github.repo}`,
  GITHUB_TOKEN,
  GITHUB_API_URL: github.url,
});

const slackEnv = (slack: FakeSlack): Record<string, string> => ({
  SLACK_BOT_TOKEN: slack.token,
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: slack.url,
});

const discordEnv = (discord: FakeDiscord): Record<string, string> => ({
  DISCORD_TOKEN: discord.token,
  DISCORD_APPLICATION_ID: discord.applicationId,
  DISCORD_GUILD_ID: discord.guildId,
  DISCORD_API_URL: discord.apiUrl,
});

interface LogLine {
  level: number;
  time: string;
  msg: string;
  [field: string]: unknown;
}

/** Every line serve printed, each parsed as JSON (a line that is not JSON fails the test). */
function logLines(served: Served): LogLine[] {
  return served
    .output()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
      return record as LogLine;
    });
}

async function readyz(base: string): Promise<{ status: number; body: { ready: boolean; checks: Record<string, { up: boolean; detail: string }> } }> {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, body: (await response.json()) as never };
}

async function metrics(base: string): Promise<ReturnType<typeof parsePrometheusText>> {
  const response = await fetch(`${base}/metrics`);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("serve's logs, readiness and metrics", () => {
  it("prints only JSON lines with level and time; one submission's stages share its id; no secret and no typed text at info", async () => {
    const [slack, github] = await Promise.all([startSlack(), startGitHub()]);
    const served = spawnServe({ ...slackEnv(slack), ...githubEnv(github), PORT: "0", LOG_LEVEL: "info" }, cleanups);
    const [, port] = await waitForOutput(served, /HTTP mode on port (\d+)/);
    const base = `http://127.0.0.1:${port}`;
    const before = await metrics(base);
    expect(sampleValue(before, "research_log_findings_logged_total", { platform: "slack" })).toBe(0);

    // GitHub asks the first write to wait a second: the wait is logged, as a warning from the GitHub client.
    github.secondaryRateLimitNext(1, 1);
    const acked = await sendToBot(`${base}/slack/events`, SECRET, viewSubmissionBody({ viewId: "VOPS1", values: findingViewState(AMP_FINDING) }));
    expect(acked.status).toBe(200);
    await waitForOutput(served, /"msg":"done"/);
    const message = slack.messages.find((m) => m.channel === "C100" && m.thread_ts === undefined);
    expect(message).toBeDefined();

    // A reaction on the announcement resolves the finding: an edit, counted and logged under its own id.
    const reacted = await sendToBot(`${base}/slack/events`, SECRET, reactionEventBody({ ts: message?.ts ?? "" }));
    expect(reacted.status).toBe(200);
    await until(
      async () => github.getFile(github.defaultBranch, LOG_PATH) ?? "",
      (log) => /AMP Breaks Complex Number Operations[\s\S]*\*\*Status\*\*: Resolved/.test(log.slice(seedLog.length - 200)),
    );
    await until(async () => logLines(served).filter((line) => line.msg === "done").length, (n) => n >= 2);

    const after = await metrics(base);
    expect(sampleValue(after, "research_log_findings_logged_total", { platform: "slack", route: "default" })).toBe(1);
    expect(sampleValue(after, "research_log_edits_total", { platform: "slack", route: "default" })).toBe(1);
    expect(sampleValue(after, "research_log_commit_duration_seconds_count", { platform: "slack" })).toBe(2);
    expect(sampleValue(after, "research_log_outbox_depth")).toBe(0);
    expect(sampleValue(after, "research_log_process_resident_memory_bytes")).toBeGreaterThan(0);

    served.child.kill("SIGTERM");
    expect(await served.exit).toBe(0);
    const lines = logLines(served);
    for (const line of lines) {
      expect(typeof line.level).toBe("number");
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
    }
    const finding = lines.filter((line) => line.kind === "slack.finding");
    const ids = new Set(finding.map((line) => line.job));
    expect(ids.size).toBe(1);
    expect(finding.map((line) => line.msg)).toEqual(["received", "committed", "announced", "done"]);
    const committed = finding.find((line) => line.msg === "committed");
    expect(committed).toMatchObject({ platform: "slack", entry: expect.stringMatching(/^\d{4}-\d{2}-\d{2}-amp-breaks-complex-number-operations$/) });
    expect(committed?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(github.commits(github.defaultBranch).map((c) => c.sha)).toContain(committed?.sha);
    expect(typeof committed?.ms).toBe("number");
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, component: "github", msg: expect.stringMatching(/^GitHub secondary rate limit on \w+ \S+: waiting 1s \(retry 1 of 3\)$/) }));
    const edit = lines.filter((line) => line.kind === "slack.reaction");
    expect(edit.map((line) => line.msg)).toEqual(["received", "edited", "done"]);
    expect(new Set(edit.map((line) => line.job)).size).toBe(1);

    const output = served.output();
    for (const secret of [GITHUB_TOKEN, slack.token, SECRET]) expect(output).not.toContain(secret);
    for (const typed of ["Automatic Mixed Precision (AMP) causes NaN", "Cannot use AMP for training speedup", "Investigate selective AMP"]) expect(output).not.toContain(typed);
  }, 60_000);

  it("/readyz is 503 naming the Discord gateway or the store while they are down, 200 once they are back", async () => {
    const [discord, github] = await Promise.all([startDiscord(), startGitHub()]);
    const served = spawnServe(
      { ...discordEnv(discord), ...githubEnv(github), PORT: "0", DIGEST_CRON: "*/1 * * * * *", DIGEST_DISCORD_CHANNEL: discord.channelId },
      cleanups,
    );
    const [, port] = await waitForOutput(served, /health and metrics on port (\d+)/);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const up = await until(() => readyz(base), (r) => r.status === 200);
    expect(up.body.ready).toBe(true);
    expect(Object.keys(up.body.checks).sort()).toEqual(["discord", "store default"]);

    discord.setGateway(false);
    const gatewayDown = await until(() => readyz(base), (r) => r.status === 503);
    expect(gatewayDown.body.checks.discord?.up).toBe(false);
    expect(gatewayDown.body.checks.discord?.detail).toMatch(/^gateway: shard 0 /);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    discord.setGateway(true);
    await until(() => readyz(base), (r) => r.status === 200, 30_000);

    // The digest reads the log every second: with the token revoked the store is down, and says why.
    github.revokeToken();
    const storeDown = await until(() => readyz(base), (r) => r.status === 503);
    expect(storeDown.body.checks["store default"]).toEqual({ up: false, detail: expect.stringMatching(/read failed: GITHUB_TOKEN was rejected by GitHub \(Bad credentials/) });
    expect(storeDown.body.checks.discord?.up).toBe(true);
    github.revokeToken(false);
    await until(() => readyz(base), (r) => r.status === 200);

    served.child.kill("SIGTERM");
    expect(await served.exit).toBe(0);
    expect(served.output()).not.toContain(GITHUB_TOKEN);
    expect(served.output()).not.toContain(discord.token);
  }, 90_000);
});

describe("research-log serve --check", () => {
  it("reaches each configured service once, prints a line each, and exits 0", async () => {
    const [slack, discord, github] = await Promise.all([startSlack(), startDiscord(), startGitHub()]);
    const served = spawnServe({ ...slackEnv(slack), ...discordEnv(discord), ...githubEnv(github) }, cleanups, ["serve", "--check"]);
    expect(await served.exit).toBe(0);
    const lines = served.output().trimEnd().split("\n");
    expect(lines).toEqual([
      `log default (${github.owner}/${github.repo}:${LOG_PATH}@(default branch)): ok: read 1 entry`,
      `GitHub ${github.owner}/${github.repo}: ok: GITHUB_TOKEN has push access (contents: write)`,
      expect.stringMatching(/^Slack: ok: SLACK_BOT_TOKEN is the bot research-log in Fake \(T1\)$/),
      `Discord: ok: DISCORD_TOKEN is the application research-log (${discord.applicationId})`,
    ]);
    expect(slack.calls.filter((call) => call.method === "auth.test")).toHaveLength(1);
    expect(discord.requestsTo("GET", "/applications/@me")).toHaveLength(1);
    expect(served.output()).not.toContain(GITHUB_TOKEN);
  });

  it("names the revoked token and the missing write access, and exits 2", async () => {
    const [slack, github] = await Promise.all([startSlack(), startGitHub()]);
    github.revokeToken();
    const revoked = spawnServe({ ...slackEnv(slack), ...githubEnv(github) }, cleanups, ["serve", "--check"]);
    expect(await revoked.exit).toBe(2);
    expect(revoked.output()).toMatch(/^log default \(.*\): FAILED: GITHUB_TOKEN was rejected by GitHub \(Bad credentials/m);
    expect(revoked.output()).toMatch(/^GitHub acme\/research: FAILED: GITHUB_TOKEN was rejected by GitHub/m);
    expect(revoked.output()).toMatch(/^Slack: ok: /m);

    github.revokeToken(false);
    github.denyWrites();
    const readOnly = spawnServe({ ...slackEnv(slack), ...githubEnv(github), SLACK_BOT_TOKEN: "xoxb-revoked-in-test" }, cleanups, ["serve", "--check"]);
    expect(await readOnly.exit).toBe(2);
    expect(readOnly.output()).toMatch(/^log default \(.*\): ok: read 1 entry$/m);
    expect(readOnly.output()).toMatch(/^GitHub acme\/research: FAILED: GITHUB_TOKEN cannot write to acme\/research: it needs contents: write/m);
    expect(readOnly.output()).toMatch(/^Slack: FAILED: auth.test refused SLACK_BOT_TOKEN: invalid_auth$/m);
    expect(readOnly.output()).not.toContain("xoxb-revoked-in-test");
  });

  it("reaches Redis with REDIS_URL: its version and appendonly, and names it when it cannot be reached", async () => {
    const [slack, github, redis] = await Promise.all([startSlack(), startGitHub(), startRedis()]);
    cleanups.push(() => redis.close());
    const served = spawnServe({ ...slackEnv(slack), ...githubEnv(github), REDIS_URL: redis.url }, cleanups, ["serve", "--check"]);
    expect(await served.exit).toBe(0);
    expect(served.output()).toMatch(new RegExp(`^Redis redis://127\\.0\\.0\\.1:${redis.port}: ok: Redis 7\\.\\S+; appendonly yes$`, "m"));
    await redis.kill();
    const down = spawnServe({ ...slackEnv(slack), ...githubEnv(github), REDIS_URL: `redis://:hunter2@127.0.0.1:${redis.port}` }, cleanups, ["serve", "--check"]);
    expect(await down.exit).toBe(2);
    expect(down.output()).toMatch(new RegExp(`^Redis redis://:REDACTED@127\\.0\\.0\\.1:${redis.port}: FAILED: could not reach Redis`, "m"));
    expect(down.output()).not.toContain("hunter2");
  });
});
