import type { Logger } from "@slack/bolt";
import type { SlackConfig } from "../config.js";
import type { Clock } from "../services/log-service.js";
import type { Router } from "../routes/targets.js";
import type { OutboxWorker } from "../outbox/outbox-worker.js";

/** What the listeners share: the router to each channel's log, the allow-lists, and the outbox their work goes through. */
export interface BotContext {
  /** Which log (service, links, digest) a channel writes to. */
  router: Router;
  config: Pick<SlackConfig, "allowedChannels" | "allowedUsers">;
  clock: Clock;
  logger: Logger;
  /**
   * Where submissions and reactions are recorded before they are acknowledged,
   * and run from; a duplicate id (a double-click, Slack's retry of an event)
   * is refused there.
   */
  worker: OutboxWorker;
  /** Whether the bot token holds `files:read`: without it no picture can be fetched, and the form offers no upload. */
  canReadFiles(): boolean;
}
