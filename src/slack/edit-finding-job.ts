import type { webApi } from "@slack/bolt";
import type { FindingInput } from "../core/types.js";
import type { JobContext } from "../outbox/outbox-worker.js";
import { isRetryable } from "../services/retryable.js";
import type { EditFindingResult } from "../services/log-service.js";
import { messageOf } from "../error-details.js";
import type { BotContext } from "./bot-context.js";
import { buildAnnouncement, buildItemMessage } from "./build-announcement.js";
import { buildWriteFailureMessages } from "./build-replies.js";
import { escapeSlackText, slackLink } from "./escape-slack-text.js";
import { readMessageMeaning } from "./message-metadata.js";
import { lookUpPerson, postToChannel } from "./slack-calls.js";

type WebClient = webApi.WebClient;

/** Outbox job kind of an edit form's submission. */
export const SLACK_EDIT_JOB = "slack.edit";

/** What the outbox keeps of an edit: enough to apply and announce it after a restart. */
export interface SlackEditJob {
  /** The entry's id when the form was opened, and its version then. */
  id: string;
  version: string;
  /** What the form said; fields left out keep what the file says. */
  input: FindingInput;
  channel: string;
  /** The announcement the Edit button was on, and its thread. */
  ts: string | undefined;
  threadTs: string | undefined;
  userId: string;
  userName: string | undefined;
  target?: string | undefined;
}

type Edited = Extract<EditFindingResult, { ok: true }>;

/**
 * Runs one edit from the outbox: commit it (refused, and the person shown
 * the entry as it is now, when the entry changed since the form was filled),
 * then update the announcement, post each new open action item in its
 * thread, and, when the title gave the entry a new id, move the thread's
 * item messages to it and say so. Each step is marked, so a retry or a
 * replay after a crash does only what is left; the commit itself is
 * idempotent (the same edit again changes nothing).
 */
export async function runSlackEditJob(client: WebClient, bot: BotContext, job: SlackEditJob, context: JobContext): Promise<void> {
  const target = (job.target === undefined ? undefined : bot.router.find(job.target)) ?? bot.router.forSlack(job.channel);
  let edited = context.steps.committed as Edited | undefined;
  if (edited === undefined) {
    const person = await lookUpPerson(client, job.userId, job.userName);
    let result: EditFindingResult;
    try {
      // A replay whose edit landed before a crash finds the entry saying what the form says: nothing to write, not a conflict.
      result = await target.service.editFinding(job.id, job.input, job.version, person.author);
    } catch (error) {
      if (isRetryable(error) && !context.lastChance) throw error;
      bot.logger.error(`could not save an edit: ${messageOf(error)}`);
      context.report("handed back", { reason: error instanceof Error ? error.name : "Error" });
      await client.chat.postMessage({ channel: job.userId, text: `:warning: I could not save your edit of *${escapeSlackText(job.input.title ?? job.id)}*: ${escapeSlackText(messageOf(error))}. Nothing was changed; please edit it again later.` });
      return;
    }
    if (!result.ok) {
      const reason = "errors" in result ? result.errors.map((e) => e.message).join("; ") : result.reason;
      const current = "errors" in result ? undefined : result.current;
      const texts =
        current === undefined
          ? [`:warning: Your edit was not saved: ${escapeSlackText(reason)}`]
          : buildWriteFailureMessages({
              reason,
              markdown: current,
              intro: `:warning: Your edit was not saved: ${escapeSlackText(reason)}.\nThis is the entry as it is in the log now. Press Edit again to start from it:`,
            });
      for (const text of texts) await client.chat.postMessage({ channel: job.userId, text });
      return;
    }
    edited = result;
    await context.mark("committed", edited);
  }
  // Nothing changed on the first try: the form said what the file says. On a retry or replay, "nothing changed"
  // may be this job's own commit that landed before a failure: finish announcing it.
  if (!edited.changed && context.attempt === 1 && !context.replayed) return;
  context.report("edited", { entry: edited.id, commit: edited.commit, route: target.name });
  await reannounce(client, edited, job, context);
}

async function reannounce(client: WebClient, edited: Edited, job: SlackEditJob, context: JobContext): Promise<void> {
  const { finding } = edited;
  const channel = job.channel;
  const threadTs = job.threadTs ?? job.ts;
  if (job.ts !== undefined && context.steps.announcement === undefined) {
    const current = await client.conversations.history({ channel, latest: job.ts, inclusive: true, limit: 1, include_all_metadata: true }).catch(() => undefined);
    const meaning = readMessageMeaning(current?.messages?.[0]?.metadata);
    const before = meaning?.kind === "entry" ? meaning.payload : undefined;
    const announcement = buildAnnouncement({
      id: edited.id,
      title: finding.title,
      category: finding.category,
      status: finding.status,
      entry_url: edited.entryUrl,
      commit_url: before?.commit_url,
      logged_by: before?.logged_by,
      ...(finding.related.length === 0 ? {} : { related: finding.related.join("\n") }),
    });
    await client.chat.update({ channel, ts: job.ts, text: announcement.text, blocks: announcement.blocks, metadata: announcement.metadata });
    await context.mark("announcement");
  }
  if (threadTs === undefined) return;
  if (edited.id !== edited.previousId && context.steps.moved === undefined) {
    // The old item messages point at the old id: move them to the new one, so that a ✅ on them still finds the entry.
    const replies = await client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true });
    for (const message of replies.messages ?? []) {
      const meaning = readMessageMeaning(message.metadata);
      if (meaning?.kind !== "item" || meaning.payload.id !== edited.previousId || message.ts === undefined) continue;
      const moved = buildItemMessage({ ...meaning.payload, id: edited.id, title: finding.title, entry_url: edited.entryUrl });
      await client.chat.update({ channel, ts: message.ts, text: moved.text, blocks: moved.blocks, metadata: moved.metadata });
    }
    const link = edited.entryUrl === undefined ? `\`${edited.id}\`` : slackLink(edited.entryUrl, edited.id);
    await client.chat.postMessage({ channel, thread_ts: threadTs, text: `:pencil2: <@${job.userId}> renamed this finding to *${escapeSlackText(finding.title)}*. Its new link: ${link}` });
    await context.mark("moved");
  }
  const done = typeof context.steps.items === "number" ? context.steps.items : 0;
  for (const added of edited.newItems) {
    if (added.item <= done) continue;
    const message = buildItemMessage({ id: edited.id, title: finding.title, item: added.item, text: added.text, done: false, entry_url: edited.entryUrl });
    await postToChannel(client, { channel, thread_ts: threadTs, ...message });
    await context.mark("items", added.item);
  }
}

/** Runs recorded edits (see above). */
export function registerEditFindingJob(client: WebClient, bot: BotContext): void {
  bot.worker.register<SlackEditJob>(SLACK_EDIT_JOB, (job, context) => runSlackEditJob(client, bot, job, context));
}
