import { randomUUID } from "node:crypto";
import type { APIEmbed, GatewayMessageReactionAddDispatchData, GatewayMessageReactionRemoveDispatchData, Message } from "discord.js";
import type { Status } from "../core/types.js";
import type { EditEntryResult } from "../services/log-service.js";
import { isRetryable } from "../services/retryable.js";
import { messageOf } from "../error-details.js";
import type { JobContext } from "../outbox/outbox-worker.js";
import type { DiscordBotContext } from "./bot-context.js";
import { targetOf } from "./bot-context.js";
import { buildEditReply, buildItemMessage, CHECK_REACTIONS, itemTextOf, NO_PINGS, withStatus } from "./build-messages.js";
import { escapeDiscordText, unescapeDiscordText } from "./escape-discord-text.js";
import { readMarker } from "./message-marker.js";

export type ReactionPacket = GatewayMessageReactionAddDispatchData | GatewayMessageReactionRemoveDispatchData;

/**
 * A ✅ on an action item's message checks the item; on an announcement it
 * resolves the finding; removing it undoes that. Read from the raw gateway
 * event: discord.js drops reactions in channels it has not cached (a thread
 * after a restart), partials or not. The message is fetched, and its footer
 * says which entry and item it stands for.
 */
export async function handleReaction(bot: DiscordBotContext, added: boolean, data: ReactionPacket): Promise<void> {
  if (!isCheckReaction(bot, data)) return;
  // Gateway events carry no id to de-duplicate by; applying a reaction twice is a no-op anyway.
  const job: DiscordReactionJob = { added, data };
  try {
    await bot.worker.submit({ id: `discord:reaction:${randomUUID()}`, kind: DISCORD_REACTION_JOB, payload: job });
  } catch (error) {
    bot.logger.error(`could not record a reaction: ${messageOf(error)}`);
  }
}

/** Outbox job kind of a check reaction added or removed. */
export const DISCORD_REACTION_JOB = "discord.reaction";

export interface DiscordReactionJob {
  added: boolean;
  data: ReactionPacket;
}

/** Runs recorded reactions: a failure that may pass throws (the outbox retries); others are logged. */
export function registerReactionJob(bot: DiscordBotContext): void {
  bot.worker.register<DiscordReactionJob>(DISCORD_REACTION_JOB, async ({ added, data }, context) => {
    try {
      await applyReaction(bot, added, data, context);
    } catch (error) {
      if (isRetryable(error) && !context.lastChance) throw error;
      bot.logger.error(`applying a reaction failed: ${messageOf(error)}`);
    }
  });
}

function isCheckReaction(bot: DiscordBotContext, data: ReactionPacket): boolean {
  const { client } = bot;
  const botId = client.user?.id;
  const emoji = data.emoji.name ?? "";
  if (data.emoji.id != null || !CHECK_REACTIONS.includes(emoji)) return false;
  if (data.user_id === botId) return false;
  return !("message_author_id" in data && data.message_author_id !== undefined && data.message_author_id !== botId);
}

/** Another check reaction (not the bot's) is still on the message. */
const stillChecked = (message: Message): boolean =>
  message.reactions.cache.some((r) => r.emoji.id === null && CHECK_REACTIONS.includes(r.emoji.name ?? "") && (r.count ?? 0) - (r.me ? 1 : 0) > 0);

async function applyReaction(bot: DiscordBotContext, added: boolean, data: ReactionPacket, context: JobContext): Promise<void> {
  const { client } = bot;
  const channel = await client.channels.fetch(data.channel_id);
  if (channel === null || !channel.isTextBased() || !("messages" in channel)) return;
  const route = targetOf(bot, channel, data.channel_id, data.guild_id);
  const { service } = route;
  const message = await channel.messages.fetch({ message: data.message_id, force: true });
  if (message.author.id !== client.user?.id) return;
  const embed = message.embeds[0]?.toJSON();
  const marker = readMarker(embed?.footer?.text);
  if (embed === undefined || marker === undefined) return;
  if (!added && stillChecked(message)) return;

  const user = await client.users.fetch(data.user_id).catch(() => undefined);
  const member = "member" in data ? data.member : undefined;
  const author = { name: member?.nick ?? user?.globalName ?? user?.username ?? data.user_id };

  let result: EditEntryResult;
  let updated: APIEmbed;
  let content = message.content;
  let reply: ReturnType<typeof buildEditReply>;
  if (marker.kind === "item") {
    const escaped = itemTextOf(embed.description);
    const text = escaped === undefined ? undefined : unescapeDiscordText(escaped);
    result = await service.setActionItem(marker.id, marker.item, added, author, marker.cut ? undefined : text);
    const rebuilt = buildItemMessage({
      id: marker.id,
      title: embed.author?.name ?? marker.id,
      item: marker.item,
      text: text ?? "",
      done: added,
      entryUrl: embed.author?.url,
    });
    updated = { ...rebuilt.embeds[0], fields: embed.fields ?? [] } as APIEmbed;
    if (updated.fields?.length === 0) delete updated.fields;
    content = rebuilt.content ?? content;
    reply = buildEditReply({ userId: data.user_id, kind: added ? "checked" : "unchecked", what: text ?? `item ${marker.item}`, commitUrl: commitOf(result) });
  } else {
    const current = statusIn(embed) ?? "Open";
    const status: Status = added ? "Resolved" : (marker.statusBefore ?? "Open");
    result = await service.setStatus(marker.id, status, author);
    updated = withStatus(embed, marker.id, status, added ? (current === "Resolved" ? marker.statusBefore : current) : undefined);
    reply = buildEditReply({ userId: data.user_id, kind: "status", what: status, commitUrl: commitOf(result) });
  }
  const thread = message.channel.isThread() ? message.channel : (message.thread ?? (message.hasThread ? await client.channels.fetch(message.id).catch(() => null) : null));
  const target = thread !== null && thread.isSendable() ? thread : channel.isSendable() ? channel : undefined;
  if (!result.ok) {
    await target?.send({ content: `<@${data.user_id}> I could not update the log: ${escapeDiscordText(result.reason)}`, allowedMentions: NO_PINGS });
    return;
  }
  // Already so in the log (a second reaction, a replayed event): nothing to commit, nothing to say.
  if (!result.changed) return;
  context.report("edited", { entry: result.id, commit: result.commit, route: route.name });
  await message.edit({ content, embeds: [updated], allowedMentions: NO_PINGS });
  await target?.send(reply);
}

const statusIn = (embed: APIEmbed): Status | undefined => {
  const value = embed.fields?.find((f) => f.name === "Status")?.value ?? "";
  return (["Open", "Resolved", "Workaround"] as const).find((s) => value.endsWith(s));
};

const commitOf = (result: EditEntryResult): string | undefined => (result.ok ? (result.pullRequestUrl ?? result.commitUrl) : undefined);
