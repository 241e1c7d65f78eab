/**
 * Slash command to modal: the time from sending a signed `/log-finding`
 * request to the bot until the fake Slack Web API receives the `views.open`
 * call for it. 200 commands, 20 in flight at a time; p50 and p99.
 *
 * The bot runs as it is deployed, `research-log serve` in a process of its
 * own, so the load generator and the fake servers in this process do not
 * share its event loop (they would on one thread, and inflate the tail).
 */
import { spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { join } from "node:path";
import { startFakeGitHub } from "../test/support/fake-github.js";
import { startFakeSlack } from "../test/support/fake-slack.js";
import type { FakeSlack } from "../test/support/fake-slack.js";
import { signedRequest, slashCommandBody, triggerId } from "../test/support/slack-factories.js";

const REQUESTS = 200;
const CONCURRENCY = 20;
const SECRET = "bench-signing-secret";
const cli = join(import.meta.dirname, "../src/cli/main.js");

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

export interface SlackBenchResult {
  requests: number;
  concurrency: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  failed: number;
  connection: string;
}

/** Runs the bench and prints p50 / p99 of command → views.open. */
export async function benchSlack(): Promise<void> {
  const slack = await startFakeSlack({ users: [{ id: "U111", real_name: "Ada", tz: "UTC" }] });
  const github = await startFakeGitHub({ token: "bench-token" });
  const bot = spawn(process.execPath, [cli, "serve"], {
    env: {
      PATH: process.env.PATH ?? "",
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      GITHUB_REPO: `${github.owner}/${github.repo}`,
      GITHUB_TOKEN: "bench-token",
      GITHUB_API_URL: github.url,
      PORT: "0",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const port = await new Promise<string>((resolve, reject) => {
    let output = "";
    bot.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /HTTP mode on port (\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    bot.on("exit", () => reject(new Error(`research-log serve exited:\n${output}`)));
  });
  const url = `http://127.0.0.1:${port}/slack/events`;
  const results: SlackBenchResult[] = [];
  try {
    for (const connection of ["keep-alive", "new connection per request"] as const) {
      const agent = new Agent({ keepAlive: connection === "keep-alive" });
      results.push(await measure(url, slack, agent, connection));
      agent.destroy();
    }
  } finally {
    bot.kill("SIGTERM");
    await slack.close();
    await github.close();
  }
  for (const result of results) {
    process.stdout.write(
      `slash command → views.open, ${result.requests} requests, ${result.concurrency} at a time, ${result.connection}: ` +
        `p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms, failed ${result.failed}\n`,
    );
  }

}

/** POSTs a signed request over `agent`; resolves with the status. */
function post(url: string, body: string, agent: Agent): Promise<number> {
  const { headers } = signedRequest(SECRET, body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("error", reject);
    request.end(body);
  });
}

async function measure(url: string, slack: FakeSlack, agent: Agent, connection: string): Promise<SlackBenchResult> {
  const timings: number[] = [];
  let failed = 0;
  const one = async (): Promise<void> => {
    const trigger = triggerId();
    const body = slashCommandBody({ text: "Bench finding", trigger_id: trigger, response_url: slack.responseUrl() });
    const started = performance.now();
    const status = await post(url, body, agent).catch(() => 0);
    const call = await slack.waitForCall("views.open", (c) => c.args.trigger_id === trigger, 10_000).catch(() => undefined);
    if (status !== 200 || call === undefined || call.response.ok !== true) {
      failed += 1;
      return;
    }
    timings.push(call.at - started);
  };
  // Warm up the JIT and open the connections: with keep-alive, a burst of 20 on one warm connection
  // would otherwise time the opening of 19 new ones, which a busy server accepts one loop turn at a time.
  for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: CONCURRENCY }, one));
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
  const sorted = [...timings].sort((a, b) => a - b);
  return {
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    connection,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    failed,
  };
}
