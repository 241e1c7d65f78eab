import type { Client } from "discord.js";
import type { Clock, LogService } from "../services/log-service.js";
import type { OutboxWorker } from "../outbox/outbox-worker.js";
import type { RecentKeys } from "../services/recent-keys.js";

/** Where the Discord bot reports what goes wrong in the background. */
export interface DiscordLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What the handlers share. */
export interface DiscordBotContext {
  client: Client;
  service: LogService;
  clock: Clock;
  logger: DiscordLogger;
  /** Interaction ids handled: a re-delivered interaction is handled once. */
  interactions: RecentKeys;
  /** Where submissions and reactions are recorded before they are acknowledged, and run from. */
  worker: OutboxWorker;
}
