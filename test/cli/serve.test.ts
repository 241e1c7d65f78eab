/**
 * `research-log serve` as a deployment runs it: the built CLI in its own
 * process, configured only through the environment, against the fake Slack
 * Web API and the fake GitHub.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeGitHub } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";
import type { FakeSlack } from "../support/fake-slack.js";
import { startFakeSlack } from "../support/fake-slack.js";
import { AMP_FINDING, findingViewState, sendToBot, slashCommandBody, viewSubmissionBody } from "../support/slack-factories.js";
import { startFakeDiscord } from "../support/fake-discord.js";
import type { Cleanups, Served } from "../support/serve-process.js";
import { newStateDir, root, spawnServe, waitForOutput } from "../support/serve-process.js";

const SECRET = "serve-test-signing-secret";
const GITHUB_TOKEN = "ghp_servetesttoken0123456789";
const LOG_PATH = "docs/research_log.md";
const seedLog = readFileSync(join(root, "test/fixtures/seed-example.md"), "utf8");

const cleanups: Cleanups = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const stateDir = (): string => newStateDir(cleanups);
const serve = (env: Record<string, string>): Served => spawnServe(env, cleanups);

/** The variables that point the bot's store at the fake GitHub. */
const githubEnv = (github: FakeGitHub): Record<string, string> => ({
  GITHUB_REPO: `${github.owner}/${github.repo}`,
  GITHUB_TOKEN,
  GITHUB_API_URL: github.url,
});

async function fakes(): Promise<{ slack: FakeSlack; github: FakeGitHub }> {
  const slack = await startFakeSlack();
  const github = await startFakeGitHub({ token: GITHUB_TOKEN, files: { [LOG_PATH]: seedLog } });
  cleanups.push(() => slack.close(), () => github.close());
  return { slack, github };
}

describe("research-log serve", () => {
  it("runs the Slack bot in HTTP mode: health check, /log-finding, the scheduled digest, a clean stop", async () => {
    const { slack, github } = await fakes();
    const served = serve({
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      ...githubEnv(github),
      PORT: "0",
      DIGEST_CRON: "*/2 * * * * *",
      DIGEST_SLACK_CHANNEL: "C900",
      DIGEST_TIMEZONE: "Europe/Berlin",
    });
    const [, port] = await waitForOutput(served, /HTTP mode on port (\d+)/);
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);

    const command = await sendToBot(`${base}/slack/events`, SECRET, slashCommandBody({ text: "Loss spikes at step 4k" }));
    expect(command.status).toBe(200);
    const opened = await slack.waitForCall("views.open");
    expect(JSON.stringify(opened.args.view)).toContain("Loss spikes at step 4k");

    // The seed's entry has two open items: the digest posts a head message and one reply each.
    await slack.waitFor((fake) => fake.messages.filter((m) => m.channel === "C900").length >= 3);
    const digest = slack.messages.filter((m) => m.channel === "C900");
    const head = digest[0];
    expect(head?.thread_ts).toBeUndefined();
    expect(digest.slice(1, 3).map((m) => m.thread_ts)).toEqual([head?.ts, head?.ts]);
    expect(digest.slice(1, 3).map((m) => m.metadata?.event_payload.item)).toEqual([1, 2]);

    served.child.kill("SIGTERM");
    expect(await served.exit).toBe(0);
    expect(served.output()).not.toContain(GITHUB_TOKEN);
    expect(served.output()).not.toContain(slack.token);
    expect(served.output()).not.toContain(SECRET);
  });

  it("runs the Discord bot beside the Slack bot (Socket Mode) on one log, with a digest on each", async () => {
    const { slack, github } = await fakes();
    const discord = await startFakeDiscord();
    cleanups.push(() => discord.close());
    const served = serve({
      SLACK_BOT_TOKEN: slack.token,
      SLACK_APP_TOKEN: "xapp-test",
      SLACK_API_URL: slack.url,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guildId,
      DISCORD_API_URL: discord.apiUrl,
      ...githubEnv(github),
      PORT: "0",
      DIGEST_CRON: "*/2 * * * * *",
      DIGEST_SLACK_CHANNEL: "C900",
      DIGEST_DISCORD_CHANNEL: discord.channelId,
    });
    await waitForOutput(served, /Slack bot running \(Socket Mode\)/);
    await waitForOutput(served, /Discord bot running \(commands registered in guild/);
    await slack.socketMode.connected();
    expect(discord.requestsTo("PUT", new RegExp(`/applications/${discord.applicationId}/guilds/${discord.guildId}/commands`))).toHaveLength(1);

    // Both digests come from the same log: the seed's two open items.
    await slack.waitFor((fake) => fake.messages.filter((m) => m.channel === "C900").length >= 3, 10_000);
    await waitForOutput(served, /Discord digest posted \(2 items\)/, 10_000);

    served.child.kill("SIGTERM");
    expect(await served.exit).toBe(0);
    expect(served.output()).not.toContain(discord.token);
  });

  it("loses no acknowledged submission to a SIGKILL during a GitHub outage: after a restart all 10 are in the log once", async () => {
    const { slack, github } = await fakes();
    const env = {
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      ...githubEnv(github),
      PORT: "0",
      STATE_DIR: stateDir(),
    };
    github.outage(503);
    const first = serve(env);
    const [, port] = await waitForOutput(first, /HTTP mode on port (\d+)/);
    const titles = Array.from({ length: 10 }, (_, i) => `Outage finding ${i + 1}`);
    for (const title of titles) {
      const body = viewSubmissionBody({ values: findingViewState({ ...AMP_FINDING, title }) });
      const acked = await sendToBot(`http://127.0.0.1:${port}/slack/events`, SECRET, body);
      expect(acked.status).toBe(200);
    }
    first.child.kill("SIGKILL");
    await first.exit;
    github.outage(undefined);

    const second = serve(env);
    await waitForOutput(second, /replaying 10 job/);
    await slack.waitFor((fake) => fake.messages.filter((m) => m.channel === "C100" && m.thread_ts === undefined).length >= 10, 30_000);
    const log = github.getFile(github.defaultBranch, LOG_PATH) ?? "";
    for (const title of titles) expect(log.split(`## ${"2026"}`).filter((part) => part.includes(`${title}\n`))).toHaveLength(1);
    second.child.kill("SIGTERM");
    expect(await second.exit).toBe(0);
    expect(second.output()).not.toContain(GITHUB_TOKEN);
  }, 60_000);

  it("exits at once on a second SIGTERM during the drain, and the next start logs everything that was acknowledged", async () => {
    const { slack, github } = await fakes();
    const env = {
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      ...githubEnv(github),
      PORT: "0",
      STATE_DIR: stateDir(),
      SHUTDOWN_TIMEOUT_S: "30",
    };
    github.outage(503);
    const first = serve(env);
    const [, port] = await waitForOutput(first, /HTTP mode on port (\d+)/);
    const titles = Array.from({ length: 30 }, (_, i) => `Queued finding ${i + 1}`);
    await Promise.all(
      titles.map(async (title) => {
        const acked = await sendToBot(`http://127.0.0.1:${port}/slack/events`, SECRET, viewSubmissionBody({ values: findingViewState({ ...AMP_FINDING, title }) }));
        expect(acked.status).toBe(200);
      }),
    );
    first.child.kill("SIGTERM");
    await waitForOutput(first, /draining/);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    first.child.kill("SIGTERM");
    expect(await first.exit).toBe(143);
    expect(first.output()).toMatch(/SIGTERM again: exiting now; 30 job\(s\) stay in the outbox/);
    github.outage(undefined);

    const second = serve(env);
    await slack.waitFor((fake) => fake.messages.filter((m) => m.channel === "C100" && m.thread_ts === undefined).length >= 30, 60_000);
    const log = github.getFile(github.defaultBranch, LOG_PATH) ?? "";
    for (const title of titles) expect(log.split("\n").filter((line) => line.endsWith(` ${title}`))).toHaveLength(1);
    second.child.kill("SIGTERM");
    expect(await second.exit).toBe(0);
  }, 90_000);

  it("refuses to start with one message per bad variable, naming it", async () => {
    const served = serve({ SLACK_BOT_TOKEN: "not-a-bot-token", DIGEST_CRON: "every morning", DIGEST_TIMEZONE: "Mars/Olympus", PORT: "http" });
    expect(await served.exit).toBe(2);
    const output = served.output();
    for (const name of ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DIGEST_CRON", "DIGEST_TIMEZONE", "PORT"]) {
      expect(output).toContain(name);
    }
    expect(output).not.toContain("not-a-bot-token");
  });

  it("names the token to check when Slack refuses it, and exits 2", async () => {
    const { slack, github } = await fakes();
    const served = serve({
      SLACK_BOT_TOKEN: "xoxb-revoked-token",
      SLACK_APP_TOKEN: "xapp-test",
      SLACK_API_URL: slack.url,
      ...githubEnv(github),
      PORT: "0",
    });
    expect(await served.exit).toBe(2);
    expect(served.output()).toMatch(/the Slack bot could not start: .*invalid_auth.*check SLACK_BOT_TOKEN/);
    expect(served.output()).not.toContain("xoxb-revoked-token");
  });

  it("names the variables to check when Discord refuses the token, and exits 2", async () => {
    const { github } = await fakes();
    const discord = await startFakeDiscord();
    cleanups.push(() => discord.close());
    const served = serve({
      DISCORD_TOKEN: "revoked.discord.token",
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guildId,
      DISCORD_API_URL: discord.apiUrl,
      ...githubEnv(github),
    });
    expect(await served.exit).toBe(2);
    expect(served.output()).toMatch(/the Discord bot could not start: .*check DISCORD_TOKEN/);
    expect(served.output()).not.toContain("revoked.discord.token");
  });

  it("says what to set when no bot is configured", async () => {
    const served = serve({ GITHUB_REPO: "acme/research", GITHUB_TOKEN });
    expect(await served.exit).toBe(2);
    expect(served.output()).toContain("SLACK_BOT_TOKEN");
  });
});
