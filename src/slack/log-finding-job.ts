import type { webApi } from "@slack/bolt";
import { todayIn } from "../core/dates.js";
import type { Finding, FindingInput } from "../core/types.js";
import type { JobContext } from "../outbox/outbox-worker.js";
import { LogWriteError } from "../services/log-service.js";
import { isRetryable } from "../services/retryable.js";
import { messageOf } from "../error-details.js";
import type { BotContext } from "./bot-context.js";
import type { Target } from "../routes/targets.js";
import { buildAnnouncement, buildItemMessage } from "./build-announcement.js";
import { buildNotInChannelMessage, buildRefusedPicturesMessage, buildWriteFailureMessages } from "./build-replies.js";
import { fetchSlackPictures } from "./finding-pictures.js";
import { PICTURE_ATTEMPTS, PictureNotReadyError } from "../services/fetch-picture.js";
import { escapeSlackText } from "./escape-slack-text.js";
import { lookUpPerson, NotInChannelError, postToChannel, slackErrorCode } from "./slack-calls.js";

type WebClient = webApi.WebClient;

/** Outbox job kind of a `/log-finding` modal submission. */
export const SLACK_FINDING_JOB = "slack.finding";

/** What the outbox keeps of a submission: enough to log and announce it after a restart. */
export interface SlackFindingJob {
  input: FindingInput;
  channel: string;
  threadTs: string | undefined;
  userId: string;
  userName: string | undefined;
  /** The route the channel had when the person submitted (absent in jobs recorded before routes). */
  target?: string | undefined;
  /** Slack file ids to commit with the finding: the message's files and the form's uploads. */
  files?: string[] | undefined;
}

/** What the `committed` step records: the announcement needs it, and a replay must not re-derive it. */
interface Committed {
  id: string;
  finding: Finding;
  entryUrl: string | undefined;
  commitUrl: string | undefined;
  /** The commit's sha (absent in jobs recorded before it was kept). */
  commit?: string | undefined;
  /** How many pictures were committed with the entry (absent in jobs recorded before pictures). */
  pictures?: number | undefined;
  /** Files left out of the finding, with why: told to the person once. */
  refused?: { name: string; reason: string }[] | undefined;
}

/**
 * Runs one submission from the outbox: commit (idempotent: an entry already
 * there is not appended again), then announce, marking each step so that a
 * retry or a replay after a crash does only what is left. A failure that may
 * pass (GitHub down, conflicts) throws, and the outbox retries it; the first
 * time, the person is told their finding is saved and will be logged. A
 * failure that will not pass, or the last chance, hands the markdown back by DM.
 */
export async function runSlackFindingJob(client: WebClient, bot: BotContext, job: SlackFindingJob, context: JobContext): Promise<void> {
  const { logger } = bot;
  const target = (job.target === undefined ? undefined : bot.router.find(job.target)) ?? bot.router.forSlack(job.channel);
  const { service } = target;
  let committed = context.steps.committed as Committed | undefined;
  if (committed === undefined) {
    const person = await lookUpPerson(client, job.userId, job.userName);
    // The day the person pressed Submit, in their zone: a replay next morning keeps it.
    const date = dateIn(person.timeZone, context.receivedAt) ?? service.today(context.receivedAt);
    let result;
    let refusedFiles: { name: string; reason: string }[] = [];
    try {
      // A picture that cannot be fetched yet is waited for a few tries; the finding never waits forever for one.
      const pictures = (job.files?.length ?? 0) === 0
        ? { files: [], refused: [] }
        : await fetchSlackPictures(client, job.files ?? [], service.imageLimits, context.attempt < PICTURE_ATTEMPTS && !context.lastChance);
      result = await service.logFinding({ ...job.input, date }, person.author, pictures.files);
      if (result.ok) refusedFiles = [...pictures.refused, ...result.refused];
    } catch (error) {
      if (isRetryable(error) && !context.lastChance) {
        // A picture that is not ready yet is tried again in seconds: no need to tell anyone.
        if (context.steps.notified === undefined && !(error instanceof PictureNotReadyError)) {
          await client.chat
            .postMessage({
              channel: job.userId,
              text: `:hourglass_flowing_sand: Your finding *${escapeSlackText(job.input.title ?? "")}* is saved, but the research log cannot be written right now (${escapeSlackText(messageOf(error))}). I will keep trying and tell you when it is in.`,
            })
            .catch(() => undefined);
          await context.mark("notified");
        }
        throw error;
      }
      logger.error(`could not save a finding: ${messageOf(error)}`);
      context.report("handed back", { reason: error instanceof Error ? error.name : "Error" });
      const markdown = error instanceof LogWriteError ? error.markdown : undefined;
      const texts =
        markdown === undefined
          ? [`:warning: I could not save your finding: ${escapeSlackText(messageOf(error))}`]
          : buildWriteFailureMessages({ reason: messageOf(error), markdown });
      // Split so that Slack's 40,000-character cut never drops the end of what was typed.
      for (const text of texts) await client.chat.postMessage({ channel: job.userId, text });
      return;
    }
    if (!result.ok) {
      // Only the date differs from what was validated before the ack.
      await client.chat.postMessage({
        channel: job.userId,
        text: `:warning: I could not save your finding: ${escapeSlackText(result.errors.map((e) => e.message).join("; "))}`,
      });
      return;
    }
    if (!result.created && context.attempt === 1 && !context.replayed) {
      // The same entry was in the log before this submission (sent twice from two forms): it was announced then.
      await client.chat
        .postEphemeral({ channel: job.channel, user: job.userId, text: `That finding is already in the log: *${escapeSlackText(result.finding.title)}*` })
        .catch(() => undefined);
      return;
    }
    // On a retry or replay, "already there" is our own write that landed before a failure: announce it.
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
    if (context.steps.notified !== undefined) {
      await client.chat
        .postMessage({ channel: job.userId, text: `:white_check_mark: Your finding *${escapeSlackText(result.finding.title)}* is in the log now.` })
        .catch(() => undefined);
    }
  }
  if (committed.refused !== undefined && context.steps.refusedTold === undefined) {
    await client.chat
      .postMessage({ channel: job.userId, text: buildRefusedPicturesMessage(committed.finding.title, committed.refused) })
      .catch((error: unknown) => logger.warn(`telling ${job.userId} about refused pictures failed: ${messageOf(error)}`));
    await context.mark("refusedTold");
  }
  try {
    await announce(client, committed, job, context, target);
  } catch (error) {
    if (error instanceof NotInChannelError) {
      await client.chat.postMessage({
        channel: job.userId,
        text: buildNotInChannelMessage({ channel: job.channel, entryUrl: committed.entryUrl, title: committed.finding.title }),
      });
      return;
    }
    // Slack refused the message itself: another try would be refused too. The finding is in the log.
    if (slackErrorCode(error) !== undefined || context.lastChance) {
      logger.error(`announcing a finding failed: ${messageOf(error)}`);
      return;
    }
    throw error;
  }
}

const dateIn = (timeZone: string | undefined, at: Date): string | undefined => {
  if (timeZone === undefined || timeZone === "") return undefined;
  try {
    return todayIn(timeZone, at);
  } catch {
    return undefined;
  }
};

/** The announcement, then one thread message per open item; each is marked, so a retry posts only what is missing. */
async function announce(client: WebClient, logged: Committed, job: SlackFindingJob, context: JobContext, target: Target): Promise<void> {
  const { finding } = logged;
  let posted = context.steps.announced as { ts: string; channel: string } | undefined;
  if (posted === undefined) {
    const announcement = buildAnnouncement(
      {
        id: logged.id,
        title: finding.title,
        category: finding.category,
        status: finding.status,
        entry_url: logged.entryUrl,
        commit_url: logged.commitUrl,
        logged_by: job.userId,
        ...(finding.related.length === 0 ? {} : { related: finding.related.join("\n") }),
      },
      target.links,
    );
    posted = await postToChannel(client, { channel: job.channel, thread_ts: job.threadTs, ...announcement });
    await context.mark("announced", posted);
  }
  const threadTs = job.threadTs ?? posted.ts;
  const done = typeof context.steps.items === "number" ? context.steps.items : 0;
  for (const [index, item] of finding.actionItems.entries()) {
    if (item.done || index < done) continue;
    const message = buildItemMessage({ id: logged.id, title: finding.title, item: index + 1, text: item.text, done: false, entry_url: logged.entryUrl });
    await postToChannel(client, { channel: posted.channel, thread_ts: threadTs, ...message });
    await context.mark("items", index + 1);
  }
}
