import type { Config } from "./config.js";
import type { LogService } from "./services/log-service.js";
import type { DigestSchedule } from "./services/schedule-digest.js";
import { scheduleDigest } from "./services/schedule-digest.js";
import type { LogStore } from "./store/log-store.js";
import { messageOf } from "./error-details.js";

export interface Running {
  /** Stops the bots and the digest schedule. */
  stop(): Promise<void>;
  /** Slack's HTTP port, when the Slack bot listens on one. */
  slackPort: number | undefined;
  digest: DigestSchedule | undefined;
}

export interface ServeIo {
  log: (line: string) => void;
}

/**
 * Starts the chat bots the configuration enables, and the digest schedule.
 * Returns a handle to stop them; the CLI's `serve` keeps it until a signal.
 *
 * @throws Error when nothing is configured to serve.
 */
export async function startBots(config: Config, service: LogService, store: LogStore, io: ServeIo): Promise<Running> {
  if (config.slack === undefined) {
    throw new Error(
      config.discord === undefined
        ? "nothing to serve: set SLACK_BOT_TOKEN (with SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode)"
        : "the Discord bot is not available in this version yet: set SLACK_BOT_TOKEN to run the Slack bot",
    );
  }
  if (config.discord !== undefined) io.log("research-log: DISCORD_TOKEN is set, but the Discord bot is not available in this version yet");

  // Bolt is loaded only for serve: the CLI's other commands start faster without it.
  const { createSlackBot, postDigest } = await import("./slack/create-slack-bot.js");
  const slack = createSlackBot({ config: config.slack, service, port: config.port });
  await slack.start();
  const mode = config.slack.appToken === undefined ? `HTTP mode on port ${slack.port ?? config.port}` : "Socket Mode";
  io.log(`research-log: Slack bot running (${mode}); log: ${store.description}`);

  let digest: DigestSchedule | undefined;
  const channel = config.digest.slackChannel;
  if (channel !== undefined) {
    digest = scheduleDigest({
      pattern: config.digest.cron,
      timeZone: config.digest.timeZone,
      post: async () => {
        const result = await postDigest(slack.app.client, channel, service);
        io.log(`research-log: digest ${result.posted ? `posted (${result.items} items)` : "skipped: nothing open"}`);
      },
      onError: (error) => io.log(`research-log: the digest failed: ${messageOf(error)}`),
    });
    io.log(`research-log: digest "${config.digest.cron}" (${config.digest.timeZone}), next ${digest.nextRun()?.toISOString() ?? "never"}`);
  }

  return {
    slackPort: slack.port,
    digest,
    async stop() {
      digest?.stop();
      await slack.stop();
    },
  };
}

/** `research-log serve`: runs the bots until SIGINT or SIGTERM. Returns the exit code. */
export async function serve(config: Config, service: LogService, store: LogStore): Promise<number> {
  const io: ServeIo = { log: (line) => process.stderr.write(`${line}\n`) };
  let running: Running;
  try {
    running = await startBots(config, service, store, io);
  } catch (error) {
    io.log(`research-log: ${messageOf(error)}`);
    return 2;
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  io.log("research-log: stopping");
  await running.stop();
  return 0;
}
