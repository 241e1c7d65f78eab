/**
 * Two `research-log serve` processes on one real Redis, as two Kubernetes
 * replicas run, against the fake Slack, Discord and GitHub: findings spread
 * over both with one killed mid-burst, the digest posted once per tick, the
 * Discord gateway moving to the survivor, and Redis itself going away.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeGitHub } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";
import type { FakeSlack } from "../support/fake-slack.js";
import { startFakeSlack } from "../support/fake-slack.js";
import { startFakeDiscord } from "../support/fake-discord.js";
import { AMP_FINDING, findingViewState, sendToBot, viewSubmissionBody } from "../support/slack-factories.js";
import type { Cleanups, Served } from "../support/serve-process.js";
import { root, spawnServe, waitForOutput } from "../support/serve-process.js";
import type { TestRedis } from "../support/redis-server.js";
import { startRedis } from "../support/redis-server.js";

const SECRET = "replica-test-signing-secret";
const GITHUB_TOKEN = "ghp_replicatesttoken0123456789";
const LOG_PATH = "docs/research_log.md";
const seedLog = readFileSync(join(root, "test/fixtures/seed-example.md"), "utf8");

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setUp(): Promise<{ redis: TestRedis; slack: FakeSlack; github: FakeGitHub; env: Record<string, string> }> {
  const redis = await startRedis();
  const slack = await startFakeSlack();
  const github = await startFakeGitHub({ token: GITHUB_TOKEN, files: { [LOG_PATH]: seedLog } });
  cleanups.push(() => redis.close(), () => slack.close(), () => github.close());
  const env = {
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.url,
    GITHUB_REPO: `${github.owner}/${github.repo}`,
    GITHUB_TOKEN,
    GITHUB_API_URL: github.url,
    GITHUB_WRITE_INTERVAL_MS: "0",
    PORT: "0",
    REDIS_URL: redis.url,
    REDIS_LEASE_S: "2",
    LOG_FORMAT: "json",
  };
  return { redis, slack, github, env };
}

/** A replica, with the port its Slack HTTP server listens on. */
async function replica(env: Record<string, string>): Promise<{ served: Served; base: string }> {
  const served = spawnServe(env, cleanups);
  const [, port] = await waitForOutput(served, /HTTP mode on port (\d+)/);
  return { served, base: `http://127.0.0.1:${port}` };
}

/** Submits a finding's form to a replica; true when Slack would show it as accepted (an empty 200). */
async function submit(base: string, title: string): Promise<boolean> {
  try {
    const answer = await sendToBot(`${base}/slack/events`, SECRET, viewSubmissionBody({ values: findingViewState({ ...AMP_FINDING, title, actionItems: "" }) }));
    return answer.status === 200 && answer.text === "";
  } catch {
    return false;
  }
}

const occurrences = (log: string, title: string): number => log.split("\n").filter((line) => /^## \d{4}-\d\d-\d\d /.test(line) && line.endsWith(` ${title}`)).length;

/** The JSON lines a replica printed. */
const lines = (served: Served): Record<string, unknown>[] =>
  served
    .output()
    .split("\n")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

describe("two replicas on one Redis", () => {
  it("logs 100 findings spread over both exactly once when one is killed mid-burst; the survivor takes over its jobs", async () => {
    const { slack, github, env } = await setUp();
    const a = await replica(env);
    const b = await replica(env);
    const acknowledged: string[] = [];
    // GitHub is down for the first half: the replicas' jobs wait in the shared outbox when one of them is killed.
    github.outage(503);
    for (let i = 0; i < 50; i += 10) {
      const batch = Array.from({ length: 10 }, (_, j) => `Replica finding ${i + j + 1}`);
      const answers = await Promise.all(batch.map((title, j) => submit(j % 2 === 0 ? a.base : b.base, title)));
      batch.forEach((title, j) => answers[j] && acknowledged.push(title));
    }
    a.served.child.kill("SIGKILL");
    await a.served.exit;
    github.outage(undefined);
    for (let i = 50; i < 100; i += 10) {
      const batch = Array.from({ length: 10 }, (_, j) => `Replica finding ${i + j + 1}`);
      // Half go to the dead replica: refused at the door (nothing acknowledged), as a load balancer would see it.
      const answers = await Promise.all(batch.map((title, j) => submit(j % 2 === 0 ? a.base : b.base, title)));
      batch.forEach((title, j) => answers[j] && acknowledged.push(title));
    }
    expect(acknowledged.length).toBe(75);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const log = github.getFile(github.defaultBranch, LOG_PATH) ?? "";
      if (acknowledged.every((title) => occurrences(log, title) >= 1)) break;
      await sleep(250);
    }
    await sleep(1_000);
    const log = github.getFile(github.defaultBranch, LOG_PATH) ?? "";
    for (const title of acknowledged) expect([title, occurrences(log, title)]).toEqual([title, 1]);
    // Every finding announced once.
    const announced = slack.messages.filter((m) => m.user === slack.botUserId && m.thread_ts === undefined && m.channel === "C100");
    expect(announced.length).toBe(acknowledged.length);
    expect(b.served.output()).toMatch(/took over \d+ job/);
    b.served.child.kill("SIGTERM");
    expect(await b.served.exit).toBe(0);
  }, 120_000);

  it("posts each scheduled digest once with two replicas, and still once a tick after one is killed", async () => {
    const { slack, env } = await setUp();
    const digestEnv = { ...env, DIGEST_CRON: "*/2 * * * * *", DIGEST_SLACK_CHANNEL: "C900" };
    const a = await replica(digestEnv);
    const b = await replica(digestEnv);
    await sleep(5_000);
    a.served.child.kill("SIGKILL");
    await a.served.exit;
    await sleep(5_000);
    b.served.child.kill("SIGTERM");
    await b.served.exit;
    const posted = [...lines(a.served), ...lines(b.served)].filter((line) => String(line.msg).startsWith("Slack digest posted")).map((line) => String(line.tick));
    expect(posted.length).toBeGreaterThanOrEqual(4);
    expect(new Set(posted).size).toBe(posted.length);
    // What Slack received: one head message per posted tick.
    const heads = slack.messages.filter((m) => m.channel === "C900" && m.thread_ts === undefined);
    expect(heads.length).toBe(posted.length);
    expect(lines(b.served).some((line) => String(line.msg).startsWith("Slack digest posted"))).toBe(true);
  }, 60_000);

  it("posts a tick once when the replica holding its lock is killed while posting: the other posts it", async () => {
    const { slack, env } = await setUp();
    const digestEnv = { ...env, DIGEST_CRON: "*/2 * * * * *", DIGEST_SLACK_CHANNEL: "C900" };
    const a = await replica(digestEnv);
    const b = await replica(digestEnv);
    // Both run the schedule from the later of their first ticks on: arm the 429 just before it, when no digest is being posted.
    const firsts = await Promise.all([a, b].map(async (r) => Date.parse((await waitForOutput(r.served, /Slack digest .*, next (\S+?)"/))[1] ?? "")));
    await sleep(Math.max(0, Math.max(...firsts) - 300 - Date.now()));
    // That tick's first digest message waits out a 429: the replica holding the tick's lock is stuck in the post.
    slack.rateLimit("chat.postMessage", 5);
    const deadline = Date.now() + 15_000;
    let holder: typeof a | undefined;
    while (holder === undefined && Date.now() < deadline) {
      holder = [a, b].find((r) => /rate limit/i.test(r.served.output()));
      await sleep(50);
    }
    if (holder === undefined) throw new Error("no replica met the rate limit");
    const survivor = holder === a ? b : a;
    const killedAt = Date.now();
    holder.served.child.kill("SIGKILL");
    await holder.served.exit;
    await sleep(6_000);
    survivor.served.child.kill("SIGTERM");
    await survivor.served.exit;
    const postedBy = (r: typeof a) => lines(r.served).filter((line) => String(line.msg).startsWith("Slack digest posted"));
    const posted = postedBy(survivor);
    // The tick the killed replica was posting was posted after the kill, by the survivor.
    expect(posted.some((line) => Date.parse(String(line.tick)) < killedAt && Date.parse(String(line.time)) > killedAt)).toBe(true);
    // Every tick once, across both replicas, and one head message in Slack per tick posted.
    const ticks = [...postedBy(holder), ...posted].map((line) => String(line.tick));
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(slack.messages.filter((m) => m.channel === "C900" && m.thread_ts === undefined)).toHaveLength(ticks.length);
  }, 60_000);

  it("moves the Discord gateway to the survivor after a SIGKILL, where a ✅ then checks an item off", async () => {
    const { github, env } = await setUp();
    const discord = await startFakeDiscord();
    cleanups.push(() => discord.close());
    const discordEnv = {
      ...env,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guildId,
      DISCORD_API_URL: discord.apiUrl,
      DIGEST_CRON: "*/2 * * * * *",
      DIGEST_DISCORD_CHANNEL: discord.channelId,
    };
    const a = await replica(discordEnv);
    await waitForOutput(a.served, /Discord gateway: this replica holds it/);
    const b = await replica(discordEnv);
    await sleep(3_000);
    expect(discord.sessions).toBe(1);
    expect(b.served.output()).not.toMatch(/Discord gateway: this replica holds it/);
    const killed = Date.now();
    a.served.child.kill("SIGKILL");
    await a.served.exit;
    await waitForOutput(b.served, /Discord gateway: this replica holds it/, 15_000);
    // Bounded: the lease (2 s) and a poll.
    expect(Date.now() - killed).toBeLessThan(10_000);
    await discord.waitFor((d) => d.sessions === 1);
    // The survivor handles reactions now: a ✅ on an item message of a digest posted since checks the item off.
    const since = discord.messages.length;
    const isItem = (m: (typeof discord.messages)[number]) => JSON.stringify(m.embeds).includes("Investigate selective AMP") && JSON.stringify(m.embeds).includes("research-log:item:");
    await discord.waitFor((d) => d.messages.slice(since).some(isItem), 10_000);
    const item = discord.messages.slice(since).find(isItem);
    if (item === undefined) throw new Error("no digest item message");
    expect(github.getFile(github.defaultBranch, LOG_PATH)).toMatch(/- \[ \] Investigate selective AMP/);
    discord.react(item, "✅", "1200000000000000001");
    const deadline = Date.now() + 15_000;
    while (!/- \[x\] Investigate selective AMP/.test(github.getFile(github.defaultBranch, LOG_PATH) ?? "") && Date.now() < deadline) await sleep(100);
    expect(github.getFile(github.defaultBranch, LOG_PATH)).toMatch(/- \[x\] Investigate selective AMP/);
    b.served.child.kill("SIGTERM");
    expect(await b.served.exit).toBe(0);
  }, 60_000);

  it("refuses on the form what is submitted while Redis is down, says so on /readyz, and loses nothing acknowledged", async () => {
    const { redis, github, env } = await setUp();
    const a = await replica(env);
    // GitHub is slow to come back, so the acknowledged jobs are still in Redis when it dies.
    github.outage(503);
    const burst = Array.from({ length: 20 }, (_, i) => `Mid-burst finding ${i + 1}`);
    const answers = Promise.all(burst.map(async (title, i) => {
      await sleep(i * 15);
      return submit(a.base, title);
    }));
    await sleep(120);
    await redis.kill();
    const answered = await answers;
    const acknowledged = burst.filter((_, i) => answered[i]);
    const refused = burst.filter((_, i) => !answered[i]);
    // Mid-burst: some were in before Redis went, the rest were refused.
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    const during = await sendToBot(`${a.base}/slack/events`, SECRET, viewSubmissionBody({ values: findingViewState({ ...AMP_FINDING, title: "During the outage" }) }));
    // The modal stays open, with what was typed, and says why.
    expect(during.status).toBe(200);
    expect(during.json).toEqual({ response_action: "errors", errors: { title: "I could not save this right now. Please press Submit again in a moment." } });
    const ready = await fetch(`${a.base}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toMatch(/"redis":\{"up":false/);
    await redis.start();
    github.outage(undefined);
    const deadline = Date.now() + 15_000;
    while ((await fetch(`${a.base}/readyz`)).status !== 200 && Date.now() < deadline) await sleep(200);
    const after = Array.from({ length: 10 }, (_, i) => `After the outage ${i + 1}`);
    expect(await Promise.all(after.map((title) => submit(a.base, title)))).toEqual(after.map(() => true));
    const all = [...acknowledged, ...after];
    const waitUntil = Date.now() + 30_000;
    while (!all.every((title) => occurrences(github.getFile(github.defaultBranch, LOG_PATH) ?? "", title) === 1) && Date.now() < waitUntil) await sleep(200);
    const log = github.getFile(github.defaultBranch, LOG_PATH) ?? "";
    for (const title of all) expect([title, occurrences(log, title)]).toEqual([title, 1]);
    for (const title of [...refused, "During the outage"]) expect([title, occurrences(log, title)]).toEqual([title, 0]);
    a.served.child.kill("SIGTERM");
    expect(await a.served.exit).toBe(0);
  }, 90_000);
});
