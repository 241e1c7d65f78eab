import type { webApi } from "@slack/bolt";
import type { CommitAuthor } from "../store/log-store.js";
import type { SlackMetadata } from "./message-metadata.js";

type WebClient = webApi.WebClient;

/** The `error` code of a failed Web API call (`not_in_channel`, ...), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === "string" ? data.error : undefined;
}

/** The bot is not in the channel and could not join it (private channel, archived, or no permission). */
export class NotInChannelError extends Error {
  override name = "NotInChannelError";
  constructor(
    readonly channel: string,
    options: { cause: unknown },
  ) {
    super(`cannot post in channel ${channel}: the bot is not a member and could not join`, options);
  }
}

export interface OutgoingMessage {
  channel: string;
  text: string;
  blocks?: unknown[] | undefined;
  metadata?: SlackMetadata | undefined;
  thread_ts?: string | undefined;
}

const MISSING_CHANNEL = new Set(["not_in_channel", "channel_not_found"]);

/**
 * Posts a message; when the bot is not in the channel, joins it (public
 * channels only) and tries once more.
 *
 * @throws NotInChannelError when the bot cannot get in.
 */
export async function postToChannel(client: WebClient, message: OutgoingMessage): Promise<{ ts: string; channel: string }> {
  const post = async (): Promise<{ ts: string; channel: string }> => {
    const result = await client.chat.postMessage({
      channel: message.channel,
      text: message.text,
      unfurl_links: false,
      unfurl_media: false,
      ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
      ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
      ...(message.thread_ts === undefined ? {} : { thread_ts: message.thread_ts }),
    } as webApi.ChatPostMessageArguments);
    return { ts: result.ts ?? "", channel: result.channel ?? message.channel };
  };
  try {
    return await post();
  } catch (error) {
    if (!MISSING_CHANNEL.has(slackErrorCode(error) ?? "")) throw error;
    try {
      await client.conversations.join({ channel: message.channel });
    } catch (joinError) {
      throw new NotInChannelError(message.channel, { cause: joinError });
    }
    try {
      return await post();
    } catch (retryError) {
      throw new NotInChannelError(message.channel, { cause: retryError });
    }
  }
}

/** A Slack user as the log sees them: commit author and time zone. */
export interface SlackPerson {
  author: CommitAuthor;
  timeZone: string | undefined;
}

/** Looks a user up (users.info); falls back to what the payload said when that fails. */
export async function lookUpPerson(client: WebClient, userId: string, fallbackName: string | undefined): Promise<SlackPerson> {
  try {
    const { user } = await client.users.info({ user: userId });
    const name = user?.real_name ?? user?.profile?.real_name ?? user?.name ?? fallbackName ?? userId;
    const email = user?.profile?.email;
    return { author: email === undefined || email === "" ? { name } : { name, email }, timeZone: user?.tz };
  } catch {
    return { author: { name: fallbackName ?? userId }, timeZone: undefined };
  }
}

/** A message as conversations.history / conversations.replies return it. */
export interface FetchedMessage {
  ts: string;
  thread_ts?: string | undefined;
  metadata?: unknown;
  reactions?: { name?: string; users?: string[]; count?: number }[] | undefined;
}

/**
 * Reads one message with its metadata: top-level messages through
 * conversations.history, thread replies through conversations.replies.
 */
export async function fetchMessage(client: WebClient, channel: string, ts: string): Promise<FetchedMessage | undefined> {
  const window = { channel, latest: ts, oldest: ts, inclusive: true, include_all_metadata: true };
  const history = await client.conversations.history({ ...window, limit: 1 });
  const top = history.messages?.find((m) => m.ts === ts);
  if (top !== undefined) return top as FetchedMessage;
  const replies = await client.conversations.replies({ ...window, ts });
  return replies.messages?.find((m) => m.ts === ts) as FetchedMessage | undefined;
}
