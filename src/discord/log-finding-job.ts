import { DiscordAPIError, MessageFlags, Routes } from "discord.js";
import type { Message, SendableChannels } from "discord.js";
import type { Finding, FindingInput } from "../core/types.js";
import type { JobContext } from "../outbox/outbox-worker.js";
import { LogWriteError } from "../services/log-service.js";
import { isRetryable } from "../services/retryable.js";
import { gatherPictures, PICTURE_ATTEMPTS, PictureNotReadyError } from "../services/fetch-picture.js";
import type { PictureSource } from "../services/fetch-picture.js";
import { messageOf } from "../error-details.js";
import type { DiscordBotContext } from "./bot-context.js";
import type { Target } from "../routes/targets.js";
import type { ModalContext } from "./build-finding-modal.js";
import { describeFieldErrors } from "./build-finding-modal.js";
import { buildAnnouncement, buildItemMessage } from "./build-messages.js";
import { codeBlocks, escapeDiscordText, truncate } from "./escape-discord-text.js";
import { NotSendableError, sendableChannel } from "./post-digest.js";

/** Outbox job kind of a `/log-finding` modal submission. */
export const DISCORD_FINDING_JOB = "discord.finding";

/** What the outbox keeps of a submission. The interaction token lets the job edit the ephemeral reply for 15 minutes. */
export interface DiscordFindingJob {
  input: FindingInput;
  context: ModalContext;
  userId: string;
  authorName: string;
  interaction: { applicationId: string; token: string };
  /** The route the channel had when the person submitted (absent in jobs recorded before routes). */
  target?: string | undefined;
  /** Attachments to commit with the finding (their CDN links live a day). */
  pictures?: PictureSource[] | undefined;
  /** The form had pictures that this process no longer holds (it restarted while the form was open). */
  picturesLost?: boolean | undefined;
}

interface Committed {
  id: string;
  finding: Finding;
  entryUrl: string | undefined;
  commitUrl: string | undefined;
  /** The commit's sha (absent in jobs recorded before it was kept). */
  commit?: string | undefined;
  /** How many pictures were committed with the entry (absent in jobs recorded before pictures). */
  pictures?: number | undefined;
  /** Files left out of the finding, with why. */
  refused?: { name: string; reason: string }[] | undefined;
}

/** An interaction token works for 15 minutes; leave a margin for the request itself. */
const TOKEN_LIFETIME_MS = 14 * 60_000;
const NO_PINGS_BODY = { parse: [] };

/** Packs parts into messages of at most 2000 characters. */
export function pack(parts: readonly string[], max = 2000): string[] {
  const messages: string[] = [];
  let current = "";
  for (const part of parts) {
    if (current !== "" && current.length + part.length + 1 > max) {
      messages.push(current);
      current = "";
    }
    current = current === "" ? part : `${current}\n${part}`;
  }
  if (current !== "") messages.push(current);
  return messages;
}

/**
 * Tells the person how their submission went: by editing the deferred
 * ephemeral reply while the interaction token lives, later by DM (or, when
 * DMs are closed, in the channel).
 */
export async function tell(bot: DiscordBotContext, job: Pick<DiscordFindingJob, "interaction" | "userId" | "context">, context: JobContext, messages: readonly string[]): Promise<void> {
  const [first, ...more] = messages;
  if (first === undefined) return;
  const { applicationId, token } = job.interaction;
  if (context.ageMs < TOKEN_LIFETIME_MS) {
    try {
      await bot.client.rest.patch(Routes.webhookMessage(applicationId, token, "@original"), {
        body: { content: first, allowed_mentions: NO_PINGS_BODY },
        auth: false,
      });
      for (const content of more) {
        await bot.client.rest.post(Routes.webhook(applicationId, token), {
          body: { content, flags: MessageFlags.Ephemeral, allowed_mentions: NO_PINGS_BODY },
          auth: false,
        });
      }
      return;
    } catch (error) {
      // An expired or unknown token (a replay after a long outage): fall back to a DM.
      if (!(error instanceof DiscordAPIError)) throw error;
    }
  }
  try {
    const user = await bot.client.users.fetch(job.userId);
    for (const content of messages) await user.send({ content, allowedMentions: { parse: [] } });
  } catch (error) {
    if (!(error instanceof DiscordAPIError)) throw error;
    // DMs closed: say it in the channel, pinging only that person.
    const channel = await sendableChannel(bot.client, job.context.channel);
    for (const content of messages) await channel.send({ content: `<@${job.userId}> ${content}`, allowedMentions: { users: [job.userId] } });
  }
}

/**
 * Runs one submission from the outbox: commit (idempotent), announce, tell
 * the person; each step marked, so that a retry or a replay after a crash
 * does only what is left. A failure that may pass throws (the outbox
 * retries; the person is told once that it is saved); one that will not, or
 * the last chance, hands the markdown back.
 */
export async function runDiscordFindingJob(bot: DiscordBotContext, job: DiscordFindingJob, context: JobContext): Promise<void> {
  const { logger } = bot;
  const target = (job.target === undefined ? undefined : bot.router.find(job.target)) ?? bot.router.forDiscord(job.context.channel, undefined);
  const { service } = target;
  let committed = context.steps.committed as Committed | undefined;
  if (committed === undefined) {
    let result;
    let refusedFiles: { name: string; reason: string }[] = [];
    try {
      // A picture that cannot be fetched yet is waited for a few tries; the finding never waits forever for one.
      const pictures = await gatherPictures(job.pictures ?? [], {
        limits: service.imageLimits,
        platform: "Discord",
        mayWait: context.attempt < PICTURE_ATTEMPTS && !context.lastChance,
      });
      result = await service.logFinding({ ...job.input, date: service.today(context.receivedAt) }, { name: job.authorName }, pictures.files);
      const lost = job.picturesLost === true ? [{ name: "pictures", reason: "the pictures attached to the form were lost when the bot restarted while it was open: post them in the finding's thread" }] : [];
      if (result.ok) refusedFiles = [...lost, ...pictures.refused, ...result.refused];
    } catch (error) {
      if (isRetryable(error) && !context.lastChance) {
        // A picture that is not ready yet is tried again in seconds: no need to tell anyone.
        if (context.steps.notified === undefined && !(error instanceof PictureNotReadyError)) {
          await tell(bot, job, context, [
            `⏳ Your finding **${escapeDiscordText(truncate(job.input.title ?? "", 300))}** is saved, but the research log cannot be written right now (${escapeDiscordText(truncate(messageOf(error), 300))}). I will keep trying and tell you when it is in.`,
          ]).catch(() => undefined);
          await context.mark("notified");
        }
        throw error;
      }
      logger.error(`could not save a finding: ${messageOf(error)}`);
      context.report("handed back", { reason: error instanceof Error ? error.name : "Error" });
      const markdown = error instanceof LogWriteError ? error.markdown : undefined;
      const intro = `⚠️ I could not save your finding to the research log: ${escapeDiscordText(truncate(messageOf(error), 500))}`;
      await tell(
        bot,
        job,
        context,
        markdown === undefined ? [intro] : pack([`${intro}\nHere is the entry, so nothing is lost. Try again later, or add it to the log by hand:`, ...codeBlocks(markdown, 1800)]),
      );
      return;
    }
    if (!result.ok) {
      await tell(bot, job, context, [`I could not log that finding: ${escapeDiscordText(describeFieldErrors(result.errors).join("; "))}`]);
      return;
    }
    if (!result.created && context.attempt === 1 && !context.replayed) {
      await tell(bot, job, context, [`That finding is already in the log: **${escapeDiscordText(truncate(result.finding.title, 300))}**`]);
      return;
    }
    committed = {
      id: result.id,
      finding: result.finding,
      entryUrl: result.entryUrl,
      commitUrl: result.pullRequestUrl ?? result.commitUrl,
      commit: result.commit,
      ...(result.pictures.length === 0 ? {} : { pictures: result.pictures.length }),
      ...(refusedFiles.length === 0 ? {} : { refused: refusedFiles }),
    };
    await context.mark("committed", committed);
  }
  const without = refusedLines(committed.refused);
  const title = escapeDiscordText(truncate(committed.finding.title, 300));
  const link = committed.entryUrl === undefined ? "" : ` (<${committed.entryUrl}>)`;
  let url: string;
  try {
    url = await announce(bot, committed, job, context, target);
  } catch (error) {
    // Discord refused the message (no access, bad request): another try is refused too. The finding is in the log.
    if (!(error instanceof DiscordAPIError || error instanceof NotSendableError) && !context.lastChance) throw error;
    logger.error(`announcing a finding failed: ${messageOf(error)}`);
    await tell(bot, job, context, pack([`Logged **${title}**${link}, but I could not post the announcement here: ${escapeDiscordText(truncate(messageOf(error), 500))}`, ...without]));
    return;
  }
  await tell(bot, job, context, pack([`Logged **${title}**${link} and announced it: ${url}`, ...without]));
}

/** The files a finding was logged without, each with why. */
function refusedLines(refused: readonly { name: string; reason: string }[] | undefined): string[] {
  if (refused === undefined || refused.length === 0) return [];
  return [`🖼️ Logged without ${refused.length === 1 ? "one file" : `${refused.length} files`}:`, ...refused.slice(0, 20).map(({ reason }) => `• ${escapeDiscordText(truncate(reason, 300))}`)];
}

/**
 * The announcement in the channel, a thread on it, one message per open item in
 * the thread. From `Log as finding`: all of it in a thread on that message.
 * Returns the announcement's link.
 */
async function announce(bot: DiscordBotContext, logged: Committed, job: DiscordFindingJob, context: JobContext, target: Target): Promise<string> {
  const { finding } = logged;
  let announced = context.steps.announced as { url: string; threadId: string } | undefined;
  let thread: SendableChannels | undefined;
  if (announced === undefined) {
    const channel = await sendableChannel(bot.client, job.context.channel);
    const announcement = buildAnnouncement(
      {
        id: logged.id,
        title: finding.title,
        category: finding.category,
        status: finding.status,
        statusBefore: undefined,
        entryUrl: logged.entryUrl,
        commitUrl: logged.commitUrl,
        loggedBy: job.userId,
        related: finding.related,
      },
      target.links,
    );
    const threadName = truncate(finding.title, 100);
    let posted: Message;
    if (job.context.message !== undefined && !channel.isThread() && "messages" in channel) {
      const source = await channel.messages.fetch(job.context.message);
      thread = source.thread ?? (await source.startThread({ name: threadName }));
      posted = await thread.send(announcement);
    } else {
      posted = await channel.send(announcement);
      thread = channel.isThread() ? channel : await posted.startThread({ name: threadName });
    }
    announced = { url: posted.url, threadId: thread.id };
    await context.mark("announced", announced);
  }
  const done = typeof context.steps.items === "number" ? context.steps.items : 0;
  for (const [index, item] of finding.actionItems.entries()) {
    if (item.done || index < done) continue;
    thread ??= await sendableChannel(bot.client, announced.threadId);
    await thread.send(buildItemMessage({ id: logged.id, title: finding.title, item: index + 1, text: item.text, done: false, entryUrl: logged.entryUrl }));
    await context.mark("items", index + 1);
  }
  return announced.url;
}
