import type { Config } from "./config.js";
import type { LogService } from "./services/log-service.js";
import type { DigestSchedule } from "./services/schedule-digest.js";
import { scheduleDigest } from "./services/schedule-digest.js";
import type { LogStore } from "./store/log-store.js";
import { messageOf } from "./error-details.js";

export interface Running {
  /** Stops the bots and the digest schedules. */
  stop(): Promise<void>;
  /** Slack's HTTP port, when the Slack bot listens on one. */
  slackPort: number | undefined;
  digests: DigestSchedule[];
}

export interface ServeIo {
  log: (line: string) => void;
}

/**
 * Starts the chat bots the configuration enables (Slack, Discord or both,
 * over one log service) and their digest schedules. Returns a handle to stop
 * them; the CLI's `serve` keeps it until a signal.
 *
 * @throws Error when nothing is configured to serve, or a bot cannot start.
 */
export async function startBots(config: Config, service: LogService, store: LogStore, io: ServeIo): Promise<Running> {
  if (config.slack === undefined && config.discord === undefined) {
    throw new Error(
      "nothing to serve: set SLACK_BOT_TOKEN (with SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode), or DISCORD_TOKEN and DISCORD_APPLICATION_ID",
    );
  }
  const stops: (() => Promise<void>)[] = [];
  const digests: DigestSchedule[] = [];
  const schedule = (platform: string, post: () => Promise<{ posted: boolean; items: number } | undefined>): void => {
    const digest = scheduleDigest({
      pattern: config.digest.cron,
      timeZone: config.digest.timeZone,
      post: async () => {
        const result = await post();
        io.log(`research-log: ${platform} digest ${result?.posted === true ? `posted (${result.items} items)` : "skipped: nothing open"}`);
      },
      onError: (error) => io.log(`research-log: the ${platform} digest failed: ${messageOf(error)}`),
    });
    digests.push(digest);
    io.log(`research-log: ${platform} digest "${config.digest.cron}" (${config.digest.timeZone}), next ${digest.nextRun()?.toISOString() ?? "never"}`);
  };
  const stopAll = async (): Promise<void> => {
    for (const digest of digests) digest.stop();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  let slackPort: number | undefined;
  try {
    if (config.slack !== undefined) {
      // The SDKs are loaded only for serve: the CLI's other commands start faster without them.
      const { createSlackBot, postDigest } = await import("./slack/create-slack-bot.js");
      const slack = createSlackBot({ config: config.slack, service, port: config.port });
      await slack.start().catch((error: unknown) => {
        throw new Error(`the Slack bot could not start: ${messageOf(error)} (check SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_API_URL)`, { cause: error });
      });
      stops.push(() => slack.stop());
      slackPort = slack.port;
      const mode = config.slack.appToken === undefined ? `HTTP mode on port ${slack.port ?? config.port}` : "Socket Mode";
      io.log(`research-log: Slack bot running (${mode}); log: ${store.description}`);
      const channel = config.digest.slackChannel;
      if (channel !== undefined) schedule("Slack", () => postDigest(slack.app.client, channel, service));
    }
    if (config.discord !== undefined) {
      const { createDiscordBot } = await import("./discord/create-discord-bot.js");
      const discord = createDiscordBot({ config: config.discord, service, digestChannel: config.digest.discordChannel });
      await discord.start().catch((error: unknown) => {
        throw new Error(`the Discord bot could not start: ${messageOf(error)} (check DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_GUILD_ID)`, {
          cause: error,
        });
      });
      stops.push(() => discord.stop());
      const where = config.discord.guildId === undefined ? "commands registered globally" : `commands registered in guild ${config.discord.guildId}`;
      io.log(`research-log: Discord bot running (${where}); log: ${store.description}`);
      if (config.digest.discordChannel !== undefined) schedule("Discord", () => discord.postScheduledDigest());
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  return { slackPort, digests, stop: stopAll };
}

/** `research-log serve`: runs the bots until SIGINT or SIGTERM. Returns the exit code. */
export async function serve(config: Config, service: LogService, store: LogStore): Promise<number> {
  const io: ServeIo = { log: (line) => process.stderr.write(`${line}\n`) };
  // A bug in one handler must not end the process while other writes are in flight: say so and go on.
  process.on("unhandledRejection", (reason) => io.log(`research-log: unexpected error (please report it): ${messageOf(reason)}`));
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
