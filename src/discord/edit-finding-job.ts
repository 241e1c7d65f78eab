import type { Message } from "discord.js";
import type { FindingInput } from "../core/types.js";
import type { JobContext } from "../outbox/outbox-worker.js";
import type { EditFindingResult } from "../services/log-service.js";
import { isRetryable } from "../services/retryable.js";
import { messageOf } from "../error-details.js";
import type { DiscordBotContext } from "./bot-context.js";
import { describeFieldErrors } from "./build-finding-modal.js";
import { buildAnnouncement, buildItemMessage, loggedByOf } from "./build-messages.js";
import { codeBlocks, escapeDiscordText, truncate } from "./escape-discord-text.js";
import { pack, tell } from "./log-finding-job.js";
import { formatMarker, readMarker } from "./message-marker.js";
import { sendableChannel } from "./post-digest.js";

/** Outbox job kind of an edit form's submission. */
export const DISCORD_EDIT_JOB = "discord.edit";

/** What the outbox keeps of an edit: the entry and its version when the form was filled, what it said, where it came from. */
export interface DiscordEditJob {
  id: string;
  version: string;
  input: FindingInput;
  /** The announcement the Edit button was on, and its thread. */
  channelId: string;
  /** Absent for an edit from a `/findings` list. */
  messageId: string | undefined;
  threadId: string | undefined;
  userId: string;
  /** The name the commit credits (the person's display name in the server). */
  authorName: string;
  interaction: { applicationId: string; token: string };
  target?: string | undefined;
}

type Edited = Extract<EditFindingResult, { ok: true }>;

/**
 * Runs one edit: commit it (refused, with the entry as it is now, when it
 * changed since the form was filled), then update the announcement, post new
 * open items in its thread, and move the thread's item markers to a new id
 * after a rename. Each step is marked, so a retry or replay does what is left.
 */
export async function runDiscordEditJob(bot: DiscordBotContext, job: DiscordEditJob, context: JobContext): Promise<void> {
  const target = (job.target === undefined ? undefined : bot.router.find(job.target)) ?? bot.router.forDiscord(job.channelId, undefined);
  const reply = { interaction: job.interaction, userId: job.userId, context: { channel: job.channelId, message: undefined, category: "", status: "" } };
  let edited = context.steps.committed as Edited | undefined;
  if (edited === undefined) {
    let result: EditFindingResult;
    try {
      result = await target.service.editFinding(job.id, job.input, job.version, { name: job.authorName });
    } catch (error) {
      if (isRetryable(error) && !context.lastChance) throw error;
      context.report("handed back", { reason: error instanceof Error ? error.name : "Error" });
      await tell(bot, reply, context, [`⚠️ I could not save your edit: ${escapeDiscordText(truncate(messageOf(error), 500))}. Nothing was changed; press Edit to try again later.`]);
      return;
    }
    if (!result.ok) {
      if ("errors" in result) {
        await tell(bot, reply, context, [`Your edit was not saved: ${escapeDiscordText(describeFieldErrors(result.errors).join("; "))}`]);
      } else {
        const intro = `⚠️ Your edit was not saved: ${escapeDiscordText(truncate(result.reason, 500))}.`;
        await tell(bot, reply, context, result.current === undefined ? [intro] : pack([`${intro}\nThis is the entry as it is in the log now. Press Edit again to start from it:`, ...codeBlocks(result.current, 1800)]));
      }
      return;
    }
    edited = result;
    await context.mark("committed", edited);
  }
  if (!edited.changed && context.attempt === 1 && !context.replayed) {
    await tell(bot, reply, context, ["Nothing to change: the entry already says that."]);
    return;
  }
  context.report("edited", { entry: edited.id, commit: edited.commit, route: target.name });
  await reannounce(bot, edited, job, context);
  const renamed = edited.id === edited.previousId ? "" : ` Its id is now \`${edited.id}\`${edited.entryUrl === undefined ? "" : ` (<${edited.entryUrl}>)`}.`;
  await tell(bot, reply, context, [`Edited **${escapeDiscordText(truncate(edited.finding.title, 300))}**.${renamed}`]);
}

async function reannounce(bot: DiscordBotContext, edited: Edited, job: DiscordEditJob, context: JobContext): Promise<void> {
  const { finding } = edited;
  const channel = await sendableChannel(bot.client, job.channelId);
  if (job.messageId !== undefined && context.steps.announcement === undefined && "messages" in channel) {
    const message = await channel.messages.fetch(job.messageId);
    const embed = message.embeds[0];
    const before = readMarker(embed?.footer?.text);
    const updated = buildAnnouncement({
      id: edited.id,
      title: finding.title,
      category: finding.category,
      status: finding.status,
      statusBefore: before?.kind === "entry" ? before.statusBefore : undefined,
      entryUrl: edited.entryUrl,
      commitUrl: edited.commitUrl,
      loggedBy: loggedByOf(embed),
      related: finding.related,
    });
    await message.edit({ content: updated.content ?? null, embeds: updated.embeds, allowedMentions: updated.allowedMentions, components: updated.components ?? [] });
    await context.mark("announcement");
  }
  if (job.threadId === undefined) return;
  const thread = await sendableChannel(bot.client, job.threadId);
  if (edited.id !== edited.previousId && context.steps.moved === undefined && "messages" in thread) {
    // The thread's item messages name the old id: move them to the new one, so that a ✅ on them still finds the entry.
    const messages = await thread.messages.fetch({ limit: 100 });
    for (const message of messages.values() as Iterable<Message>) {
      const embed = message.embeds[0];
      const marker = readMarker(embed?.footer?.text);
      if (marker?.kind !== "item" || marker.id !== edited.previousId || message.author.id !== bot.client.user?.id || embed === undefined) continue;
      const footer = (embed.footer?.text ?? "").replace(formatMarker(marker), formatMarker({ ...marker, id: edited.id }));
      await message.edit({ embeds: [{ ...embed.toJSON(), footer: { text: footer }, author: { name: truncate(finding.title, 256), ...(edited.entryUrl === undefined ? {} : { url: edited.entryUrl }) } }], allowedMentions: { parse: [] } });
    }
    await context.mark("moved");
  }
  const done = typeof context.steps.items === "number" ? context.steps.items : 0;
  for (const added of edited.newItems) {
    if (added.item <= done) continue;
    await thread.send(buildItemMessage({ id: edited.id, title: finding.title, item: added.item, text: added.text, done: false, entryUrl: edited.entryUrl }));
    await context.mark("items", added.item);
  }
}

/** Runs recorded edits (see above). */
export function registerEditFindingJob(bot: DiscordBotContext): void {
  bot.worker.register<DiscordEditJob>(DISCORD_EDIT_JOB, (job, context) => runDiscordEditJob(bot, job, context));
}
