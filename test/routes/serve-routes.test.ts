/**
 * One `research-log serve` process, two routes: two repositories on the fake
 * GitHub, channels on the fake Slack and the fake Discord. Each channel's
 * findings, digests and reactions stay in its own log.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeGitHub } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { startFakeSlack } from "../support/fake-slack.js";
import type { FakeSlackMessage } from "../support/fake-slack.js";
import { AMP_FINDING, findingViewState, reactionEventBody, sendToBot, slashCommandBody, viewSubmissionBody } from "../support/slack-factories.js";
import { startFakeDiscord } from "../support/fake-discord.js";
import { AMP_VALUES, findingsCommand, logFindingCommand, modalSubmit } from "../support/discord-factories.js";
import type { SentModal } from "../support/discord-factories.js";

const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "dist/src/cli/main.js");
const SECRET = "routes-test-signing-secret";
const TOKEN = "ghp_routestesttoken0123456789";
const LOG = "docs/research_log.md";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** A log with one finding and one open action item, named after its project. */
const logWith = (project: string): string =>
  `# Research Log\n\n## 2026-11-02 ${project} baseline drifts\n\n**Category**: Data\n**Status**: Open\n\n### Finding\nThe ${project} baseline moved.\n\n### Impact\nComparisons are off.\n\n### Action Items\n- [ ] Pin the ${project} eval set\n`;

function serve(env: Record<string, string>, cwd: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [bin, "serve"], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill("SIGKILL");
      await exit;
    }
  });
  const waitFor = async (pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = output.match(pattern);
      if (match !== null) return match;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in serve's output:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exit, waitFor, output: () => output };
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const logOf = (github: FakeGitHub): string => github.getFile(github.defaultBranch, LOG) ?? "";

describe("serve with routes", () => {
  it("keeps each channel's findings, digests and reactions in its own repository's log", async () => {
    const slack = await startFakeSlack();
    const discord = await startFakeDiscord();
    const vision = await startFakeGitHub({ owner: "lab", repo: "vision", token: TOKEN, files: { [LOG]: logWith("vision") } });
    const speech = await startFakeGitHub({ owner: "lab", repo: "speech", token: TOKEN, files: { [LOG]: logWith("speech") } });
    cleanups.push(() => slack.close(), () => discord.close(), () => vision.close(), () => speech.close());
    const speechChannel = discord.addChannel("speech");

    const dir = tempDir("research-log-routes-");
    const routesFile = join(dir, "research-log.config.yml");
    writeFileSync(
      routesFile,
      `routes:
  - name: vision
    slack_channels: [C0VISION1]
    discord_channels: ["${discord.channelId}"]
    github: { repo: lab/vision, api_url: "${vision.url}" }
    default_category: Architecture
    digest: { slack_channel: C0VISION1, discord_channel: "${discord.channelId}" }
  - name: speech
    slack_channels: [C0SPEECH1]
    discord_channels: ["${speechChannel.id}"]
    github: { repo: lab/speech, api_url: "${speech.url}" }
    digest: { slack_channel: C0SPEECH1, discord_channel: "${speechChannel.id}" }
`,
    );
    const served = serve(
      {
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.url,
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_GUILD_ID: discord.guildId,
        DISCORD_API_URL: discord.apiUrl,
        GITHUB_TOKEN: TOKEN,
        ROUTES_FILE: routesFile,
        MLFLOW_TRACKING_URI: "https://mlflow.example",
        STATE_DIR: tempDir("research-log-state-"),
        PORT: "0",
        DIGEST_CRON: "*/2 * * * * *",
      },
      // The default target is the local checkout here: no test may write to the project's own log.
      dir,
    );
    const [, port] = await served.waitFor(/HTTP mode on port (\d+)/);
    await served.waitFor(/Discord bot running/);
    const events = `http://127.0.0.1:${port}/slack/events`;

    // The digests: each channel lists only its own log's open item.
    await until(() => slack.messages.some((m) => m.channel === "C0VISION1") && slack.messages.some((m) => m.channel === "C0SPEECH1"), "both Slack digests");
    await served.waitFor(/Discord digest of vision posted \(1 items\)/);
    await served.waitFor(/Discord digest of speech posted \(1 items\)/);
    const slackText = (channel: string) => JSON.stringify(slack.messages.filter((m) => m.channel === channel));
    expect(slackText("C0VISION1")).toContain("Pin the vision eval set");
    expect(slackText("C0VISION1")).not.toContain("speech");
    expect(slackText("C0SPEECH1")).toContain("Pin the speech eval set");
    expect(slackText("C0SPEECH1")).not.toContain("vision");
    const discordText = (channel: string) => JSON.stringify(discord.messages.filter((m) => m.channel_id === channel || discord.channel(m.channel_id)?.parent_id === channel));
    expect(discordText(discord.channelId)).toContain("Pin the vision eval set");
    expect(discordText(discord.channelId)).not.toContain("speech");
    expect(discordText(speechChannel.id)).toContain("Pin the speech eval set");
    expect(discordText(speechChannel.id)).not.toContain("vision");
    served.child.kill("SIGTERM");
    expect(await served.exit).toBe(0);

    // Again without the digests every 2 s in the way.
    const quiet = readFileSync(routesFile, "utf8").replace(/ {4}digest: .*\n/g, "");
    writeFileSync(routesFile, quiet);
    const again = serve(
      {
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.url,
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_GUILD_ID: discord.guildId,
        DISCORD_API_URL: discord.apiUrl,
        GITHUB_TOKEN: TOKEN,
        ROUTES_FILE: routesFile,
        MLFLOW_TRACKING_URI: "https://mlflow.example",
        STATE_DIR: tempDir("research-log-state-"),
        PORT: "0",
      },
      dir,
    );
    const [, port2] = await again.waitFor(/HTTP mode on port (\d+)/);
    await again.waitFor(/Discord bot running/);
    const events2 = `http://127.0.0.1:${port2}/slack/events`;
    void events;

    // The form in a vision channel offers the route's default category first.
    expect((await sendToBot(events2, SECRET, slashCommandBody({ channel_id: "C0VISION1", text: "" }))).status).toBe(200);
    const opened = await slack.waitForCall("views.open");
    expect(JSON.stringify(opened.args.view)).toContain('"initial_option":{"text":{"type":"plain_text","text":"Architecture","emoji":true},"value":"Architecture"}');

    // Slack: a finding from each channel lands in that channel's repository only.
    const submit = async (channel: string, title: string) => {
      const body = viewSubmissionBody({ privateMetadata: JSON.stringify({ channel }), values: findingViewState({ ...AMP_FINDING, title }) });
      expect((await sendToBot(events2, SECRET, body)).status).toBe(200);
    };
    await submit("C0VISION1", "Vision AMP finding");
    await submit("C0SPEECH1", "Speech AMP finding");
    await until(() => logOf(vision).includes("Vision AMP finding") && logOf(speech).includes("Speech AMP finding"), "both findings committed");
    expect(logOf(vision)).not.toContain("Speech AMP finding");
    expect(logOf(speech)).not.toContain("Vision AMP finding");
    // The file keeps the seed's text form; the links are for chat only.
    expect(logOf(vision)).toContain("**Related**: `experiments/train.py`, MLflow run `abc123`\n");

    // The announcement links the run and the file on the route's own repository.
    let announcement: FakeSlackMessage | undefined;
    await until(() => (announcement = slack.messages.find((m) => m.channel === "C0VISION1" && JSON.stringify(m.blocks ?? []).includes("Vision AMP finding"))) !== undefined, "the vision announcement");
    const blocks = JSON.stringify(announcement?.blocks);
    expect(blocks).toContain("<https://mlflow.example/#/runs/abc123|MLflow run abc123>");
    expect(blocks).toMatch(/<[^|>]*\/lab\/vision\/blob\/main\/experiments\/train\.py\|experiments\/train\.py>/);

    // A ✅ on the speech announcement resolves the speech finding, and leaves the vision log alone.
    let speechAnnouncement: FakeSlackMessage | undefined;
    await until(() => (speechAnnouncement = slack.messages.find((m) => m.channel === "C0SPEECH1" && JSON.stringify(m.blocks ?? []).includes("Speech AMP finding"))) !== undefined, "the speech announcement");
    const visionBefore = logOf(vision);
    const ts = speechAnnouncement?.ts ?? "";
    slack.react("C0SPEECH1", ts, "white_check_mark", "U222");
    expect((await sendToBot(events2, SECRET, reactionEventBody({ channel: "C0SPEECH1", ts, user: "U222", itemUser: slack.botUserId }))).status).toBe(200);
    await until(() => /## \d{4}-\d\d-\d\d Speech AMP finding\n\n\*\*Category\*\*: Training\n\*\*Status\*\*: Resolved/.test(logOf(speech)), "the speech finding resolved");
    expect(logOf(vision)).toBe(visionBefore);

    // Discord: a finding from the speech channel lands in the speech log; `/findings where` names each channel's log.
    const command = logFindingCommand(discord, { channelId: speechChannel.id });
    discord.dispatch("INTERACTION_CREATE", command);
    await discord.waitFor((d) => d.answer(command.id).callback !== undefined);
    const modal = discord.answer(command.id).callback?.data as unknown as SentModal;
    const modalBody = modalSubmit(discord, modal, { ...AMP_VALUES, title: "Speech finding from Discord" }, { channelId: speechChannel.id });
    discord.dispatch("INTERACTION_CREATE", modalBody);
    await until(() => logOf(speech).includes("Speech finding from Discord"), "the Discord finding committed");
    expect(logOf(vision)).not.toContain("Speech finding from Discord");
    await until(() => discord.inChannel(speechChannel.id).some((m) => JSON.stringify(m.embeds).includes("Speech finding from Discord")), "the Discord announcement");
    const embed = JSON.stringify(discord.inChannel(speechChannel.id).find((m) => JSON.stringify(m.embeds).includes("Speech finding from Discord"))?.embeds);
    expect(embed).toContain("[MLflow run abc123](https://mlflow.example/#/runs/abc123)");
    expect(embed).toMatch(/\[experiments\/train\.py\]\([^)]*\/lab\/speech\/blob\/main\/experiments\/train\.py\)/);

    // A ✅ on an action item in the announcement's thread (a channel of its own) checks it in the thread's parent's log.
    let item: ReturnType<typeof discord.inChannel>[number] | undefined;
    await until(
      () => (item = discord.messages.find((m) => discord.channel(m.channel_id)?.parent_id === speechChannel.id && JSON.stringify(m.embeds).includes("Test with bfloat16"))) !== undefined,
      "the item message in the speech thread",
    );
    const visionBeforeItem = logOf(vision);
    if (item === undefined) throw new Error("no item message");
    discord.react(item, "✅", "1200000000000000002");
    await until(() => /Speech finding from Discord[\s\S]*- \[x\] Test with bfloat16/.test(logOf(speech)), "the speech item checked");
    expect(logOf(vision)).toBe(visionBeforeItem);

    for (const [channelId, repo] of [
      [discord.channelId, "lab/vision"],
      [speechChannel.id, "lab/speech"],
    ] as const) {
      const where = findingsCommand(discord, "where" as "open", { channelId });
      discord.dispatch("INTERACTION_CREATE", where);
      await discord.waitFor((d) => d.answer(where.id).original?.content !== undefined);
      expect(String(discord.answer(where.id).original?.content)).toContain(repo);
    }

    again.child.kill("SIGTERM");
    expect(await again.exit).toBe(0);
    expect(again.output()).not.toContain(TOKEN);
  }, 90_000);

  it("does not start with a routes file that has mistakes: one line per mistake", async () => {
    const dir = tempDir("research-log-routes-");
    writeFileSync(join(dir, "research-log.config.yml"), "routes:\n  - name: Vision\n    slack_channels: [general]\n    github: { repo: vision }\n");
    const served = serve({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: SECRET, GITHUB_TOKEN: TOKEN, STATE_DIR: tempDir("research-log-state-") }, dir);
    expect(await served.exit).toBe(2);
    expect(served.output().trim().split("\n")).toEqual([
      "research-log: research-log.config.yml:2: routes[0].name: must be a short name: lower-case letters, digits, - and _",
      'research-log: research-log.config.yml:3: routes[0].slack_channels[0]: must be a Slack channel id such as C0123ABCD (the channel\'s "About" tab shows it), not a name',
      "research-log: research-log.config.yml:4: routes[0].github.repo: must look like owner/name",
    ]);
  });
});
