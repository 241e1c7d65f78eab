import { randomUUID } from "node:crypto";
import type { App, webApi } from "@slack/bolt";
import type { Status } from "../core/types.js";
import type { EditEntryResult } from "../services/log-service.js";
import { isRetryable } from "../services/retryable.js";
import type { JobContext } from "../outbox/outbox-worker.js";
import type { BotContext } from "./bot-context.js";
import { buildAnnouncement, buildItemMessage, CHECK_REACTIONS } from "./build-announcement.js";
import { buildEditReply, NOT_ALLOWED_MESSAGE } from "./build-replies.js";
import { escapeSlackText } from "./escape-slack-text.js";
import { isAllowed } from "./is-allowed.js";
import type { FetchedMessage } from "./slack-calls.js";
import { fetchMessage, lookUpPerson } from "./slack-calls.js";
import { readMessageMeaning } from "./message-metadata.js";
import { messageOf } from "../error-details.js";

type WebClient = webApi.WebClient;

interface ReactionEvent {
  user: string;
  reaction: string;
  item_user?: string | undefined;
  item: { type: string; channel?: string; ts?: string };
}


/**
 * A check reaction on an action item's message checks the item; on an
 * announcement it resolves the finding. Removing the reaction undoes it.
 * Which entry and item a message stands for is read from the message's
 * metadata, so this works after a restart.
 */
export function registerReactions(app: App, bot: BotContext): void {
  const handle = async (added: boolean, event: ReactionEvent, eventId: string | undefined, botUserId: string | undefined) => {
    if (!CHECK_REACTIONS.includes(event.reaction) || event.item.type !== "message") return;
    if (event.user === botUserId) return;
    if (botUserId !== undefined && event.item_user !== undefined && event.item_user !== botUserId) return;
    const { channel, ts } = event.item;
    if (channel === undefined || ts === undefined) return;
    // Bolt has acked the event before this listener runs: record it at once. Slack's
    // retries carry the same event id and are refused as duplicates.
    const id = `slack:event:${eventId ?? randomUUID()}`;
    const job: SlackReactionJob = { added, user: event.user, channel, ts, botUserId };
    try {
      await bot.worker.submit({ id, kind: SLACK_REACTION_JOB, payload: job });
    } catch (error) {
      bot.logger.error(`could not record a reaction: ${messageOf(error)}`);
    }
  };
  app.event("reaction_added", async ({ event, body, context }) => {
    await handle(true, event, body.event_id, context.botUserId);
  });
  app.event("reaction_removed", async ({ event, body, context }) => {
    await handle(false, event, body.event_id, context.botUserId);
  });
}

/** Outbox job kind of a check reaction added or removed. */
export const SLACK_REACTION_JOB = "slack.reaction";

export interface SlackReactionJob {
  added: boolean;
  user: string;
  channel: string;
  ts: string;
  botUserId: string | undefined;
}

/**
 * Runs recorded reactions. A failure that may pass throws (the outbox
 * retries); one that will not is told to the person.
 */
export function registerReactionJob(client: WebClient, bot: BotContext): void {
  bot.worker.register<SlackReactionJob>(SLACK_REACTION_JOB, async (job, context) => {
    try {
      await applyReaction(bot, client, job, context);
    } catch (error) {
      if (isRetryable(error) && !context.lastChance) throw error;
      bot.logger.error(`applying a reaction failed: ${messageOf(error)}`);
      await client.chat
        .postEphemeral({ channel: job.channel, user: job.user, text: `I could not update the log: ${escapeSlackText(messageOf(error))}` })
        .catch(() => undefined);
    }
  });
}

/** Another check reaction (not the bot's) is still on the message. */
const stillChecked = (message: FetchedMessage, botUserId: string | undefined): boolean =>
  (message.reactions ?? []).some(
    (r) => r.name !== undefined && CHECK_REACTIONS.includes(r.name) && (r.users ?? []).some((u) => u !== botUserId),
  );

async function applyReaction(
  bot: BotContext,
  client: WebClient,
  reaction: { added: boolean; user: string; channel: string; ts: string; botUserId: string | undefined },
  context: JobContext,
): Promise<void> {
  const { added, user, channel, ts } = reaction;
  const target = bot.router.forSlack(channel);
  const { service } = target;
  const message = await fetchMessage(client, channel, ts);
  const meaning = message === undefined ? undefined : readMessageMeaning(message.metadata);
  if (message === undefined || meaning === undefined) return;
  if (!isAllowed(bot.config, user, channel)) {
    await client.chat.postEphemeral({ channel, user, text: NOT_ALLOWED_MESSAGE }).catch(() => undefined);
    return;
  }
  if (!added && stillChecked(message, reaction.botUserId)) return;
  const person = await lookUpPerson(client, user, undefined);
  const threadTs = message.thread_ts ?? message.ts;

  let result: EditEntryResult;
  let updated: ReturnType<typeof buildItemMessage>;
  let reply: string;
  if (meaning.kind === "item") {
    const { payload } = meaning;
    result = await service.setActionItem(payload.id, payload.item, added, person.author, payload.text);
    updated = buildItemMessage({ ...payload, done: added });
    reply = buildEditReply({ userId: user, kind: added ? "checked" : "unchecked", what: payload.text, commitUrl: commitOf(result) });
  } else {
    const { payload } = meaning;
    const status: Status = added ? "Resolved" : (payload.status_before ?? "Open");
    result = await service.setStatus(payload.id, status, person.author);
    updated = buildAnnouncement(
      {
        ...payload,
        status,
        ...(added ? { status_before: payload.status } : { status_before: undefined }),
      },
      target.links,
    );
    reply = buildEditReply({ userId: user, kind: "status", what: status, commitUrl: commitOf(result) });
  }
  if (!result.ok) {
    await client.chat
      .postEphemeral({ channel, user, text: `I could not update the log: ${escapeSlackText(result.reason)}` })
      .catch(() => undefined);
    return;
  }
  // Already so in the log (a retried event, or a second reaction): nothing to commit, nothing to say.
  if (!result.changed) return;
  context.report("edited", { entry: result.id, commit: result.commit, route: target.name });
  await client.chat.update({ channel, ts, text: updated.text, blocks: updated.blocks, metadata: updated.metadata } as webApi.ChatUpdateArguments);
  await client.chat.postMessage({ channel, thread_ts: threadTs, text: reply, unfurl_links: false });
}

const commitOf = (result: EditEntryResult): string | undefined => (result.ok ? (result.pullRequestUrl ?? result.commitUrl) : undefined);
