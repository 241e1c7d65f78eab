import type { SlackConfig } from "../config.js";

/**
 * Whether the allow-lists let `user` change the log from `channel`. An unset
 * list allows everyone (everywhere).
 */
export function isAllowed(
  config: Pick<SlackConfig, "allowedChannels" | "allowedUsers">,
  user: string,
  channel: string | undefined,
): boolean {
  const userOk = config.allowedUsers === undefined || config.allowedUsers.includes(user);
  const channelOk = config.allowedChannels === undefined || (channel !== undefined && config.allowedChannels.includes(channel));
  return userOk && channelOk;
}
