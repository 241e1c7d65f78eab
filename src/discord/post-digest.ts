import type { Client, SendableChannels } from "discord.js";
import type { LogService } from "../services/log-service.js";
import type { DigestGroup } from "./build-messages.js";
import { buildDigestMessage, buildItemMessage } from "./build-messages.js";
import { shorten } from "../core/shorten.js";

/** What a digest run did. */
export interface DigestPosted {
  /** False when nothing was open: then nothing is posted. */
  posted: boolean;
  /** The head message's id, when posted. */
  messageId: string | undefined;
  items: number;
}

/** The channel as something the bot can post in. @throws Error when it is not a text channel. */
/** The channel is gone, or not one the bot can post in. */
export class NotSendableError extends Error {
  override name = "NotSendableError";
}

export async function sendableChannel(client: Client, channelId: string): Promise<SendableChannels> {
  const channel = await client.channels.fetch(channelId);
  if (channel === null || !channel.isSendable()) throw new NotSendableError(`channel ${channelId} is not a text channel I can post in`);
  return channel;
}

/**
 * Posts the digest of open action items in `channelId`: one message grouped
 * by finding, then each item as a message in its thread, marked so that a ✅
 * there checks the item off. Posts nothing when nothing is open.
 *
 * @throws StoreError when the log cannot be read; DiscordAPIError when the bot cannot post there.
 */
export async function postDigest(client: Client, channelId: string, service: LogService): Promise<DigestPosted> {
  const groups: DigestGroup[] = await service.digest();
  if (groups.length === 0) return { posted: false, messageId: undefined, items: 0 };
  const channel = await sendableChannel(client, channelId);
  const head = await channel.send(buildDigestMessage(groups));
  const thread = channel.isThread() ? channel : await head.startThread({ name: shorten(`Digest ${new Date(head.createdTimestamp).toISOString().slice(0, 10)}`, 100) });
  let items = 0;
  for (const group of groups) {
    for (const item of group.items) {
      await thread.send(buildItemMessage({ id: group.id, title: group.title, item: item.item, text: item.text, done: false, entryUrl: group.url, ageDays: item.ageDays }));
      items += 1;
    }
  }
  return { posted: true, messageId: head.id, items };
}
