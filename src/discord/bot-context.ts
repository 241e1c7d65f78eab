import type { Client } from "discord.js";
import type { Channel } from "discord.js";
import type { Clock } from "../services/log-service.js";
import type { Router, Target } from "../routes/targets.js";
import type { OutboxWorker } from "../outbox/outbox-worker.js";
import type { RecentKeys } from "../services/recent-keys.js";
import type { PendingPictures } from "./pending-pictures.js";

/** Where the Discord bot reports what goes wrong in the background. */
export interface DiscordLogger {
  /** discord.js's own debug lines go here when given (serve at LOG_LEVEL=debug). */
  debug?(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What the handlers share. */
export interface DiscordBotContext {
  client: Client;
  /** Which log (service, links, digest) a channel writes to. */
  router: Router;
  clock: Clock;
  logger: DiscordLogger;
  /** Interaction ids handled: a re-delivered interaction is handled once. */
  interactions: RecentKeys;
  /** Where submissions and reactions are recorded before they are acknowledged, and run from. */
  worker: OutboxWorker;
  /** Pictures known when a form opened, until it is submitted. */
  pictures: PendingPictures;
}

/** The log a channel writes to: a thread writes where its parent channel does. */
export function targetOf(bot: Pick<DiscordBotContext, "router">, channel: Channel | null | undefined, channelId: string | undefined, guildId: string | null | undefined): Target {
  const id = channel?.isThread() === true ? (channel.parentId ?? channelId) : channelId;
  return bot.router.forDiscord(id ?? undefined, guildId ?? undefined);
}
