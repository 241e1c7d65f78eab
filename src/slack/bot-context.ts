import type { Logger } from "@slack/bolt";
import type { SlackConfig } from "../config.js";
import type { Clock, LogService } from "../services/log-service.js";
import type { RecentKeys } from "../services/recent-keys.js";

/** What the listeners share: the service, the allow-lists, and what this process has already handled. */
export interface BotContext {
  service: LogService;
  config: Pick<SlackConfig, "allowedChannels" | "allowedUsers">;
  clock: Clock;
  logger: Logger;
  /** View submissions handled (view id + state hash): a double-click logs once. */
  submissions: RecentKeys;
  /** Event ids handled: Slack's retries of an event are applied once. */
  events: RecentKeys;
}
