import { createHash } from "node:crypto";
import type { App, webApi } from "@slack/bolt";
import { shorten } from "../core/shorten.js";
import type { BotContext } from "./bot-context.js";
import type { Target } from "../routes/targets.js";
import { buildFindingModal, LOG_FINDING_CALLBACK_ID, MAX_INPUT_LENGTH, parseModalContext } from "./build-finding-modal.js";
import { NOT_ALLOWED_MESSAGE } from "./build-replies.js";
import { slackTextToPlain } from "./escape-slack-text.js";
import { isAllowed } from "./is-allowed.js";
import type { SlackFindingJob } from "./log-finding-job.js";
import { runSlackFindingJob, SLACK_FINDING_JOB } from "./log-finding-job.js";
import { toViewErrors, viewToFileIds, viewToInput } from "./view-to-input.js";
import { messageOf } from "../error-details.js";

type WebClient = webApi.WebClient;

/** Callback id of the `Log as finding` message shortcut. */
export const LOG_AS_FINDING_CALLBACK_ID = "log_as_finding";


/** The form's categories for a channel's log, its default selected. */
const modalCategories = (target: Target) => ({ categories: target.service.categories, defaultCategory: target.defaultCategory });

/** `/log-finding`, the `Log as finding` shortcut, and the modal's submission. */
export function registerLogFinding(app: App, bot: BotContext): void {
  const { config, logger } = bot;

  app.command("/log-finding", async ({ command, ack, client, respond }) => {
    if (!isAllowed(config, command.user_id, command.channel_id)) {
      await ack({ response_type: "ephemeral", text: NOT_ALLOWED_MESSAGE });
      return;
    }
    // The trigger id lives 3 s: ask for the modal first, and ack while that request is on its way.
    const opening = client.views
      .open({
        trigger_id: command.trigger_id,
        view: buildFindingModal({
          context: { channel: command.channel_id },
          ...modalCategories(bot.router.forSlack(command.channel_id)),
          title: command.text,
          upload: bot.canReadFiles() && bot.router.forSlack(command.channel_id).service.imageLimits.count > 0,
        }),
      })
      .then(
        () => undefined,
        (error: unknown) => error ?? new Error("views.open failed"),
      );
    await ack();
    const failure = await opening;
    if (failure !== undefined) {
      logger.error(`views.open failed: ${messageOf(failure)}`);
      await respond({ response_type: "ephemeral", text: "Sorry, I could not open the form. Please try again." }).catch(() => undefined);
    }
  });

  app.shortcut({ callback_id: LOG_AS_FINDING_CALLBACK_ID, type: "message_action" }, async ({ shortcut, ack, client }) => {
    await ack();
    const channel = shortcut.channel.id;
    if (!isAllowed(config, shortcut.user.id, channel)) {
      await client.chat.postEphemeral({ channel, user: shortcut.user.id, text: NOT_ALLOWED_MESSAGE }).catch(() => undefined);
      return;
    }
    const { message } = shortcut;
    let permalink: string | undefined;
    try {
      permalink = (await client.chat.getPermalink({ channel, message_ts: shortcut.message_ts })).permalink;
    } catch (error) {
      logger.warn(`chat.getPermalink failed: ${messageOf(error)}`);
    }
    const threadTs = (message as { thread_ts?: string }).thread_ts ?? shortcut.message_ts;
    // The message's files go with the finding (the job fetches them); without files:read none can be fetched.
    const takesPictures = bot.canReadFiles() && bot.router.forSlack(channel).service.imageLimits.count > 0;
    const files = takesPictures ? filesOf(message).slice(0, MAX_MESSAGE_FILES) : [];
    try {
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: buildFindingModal({
          context: { channel, threadTs, ...(files.length === 0 ? {} : { files }) },
          upload: takesPictures,
          ...modalCategories(bot.router.forSlack(channel)),
          finding: shorten(slackTextToPlain(message.text ?? ""), MAX_INPUT_LENGTH),
          related: permalink,
        }),
      });
    } catch (error) {
      logger.error(`views.open failed: ${messageOf(error)}`);
    }
  });

  app.view({ callback_id: LOG_FINDING_CALLBACK_ID, type: "view_submission" }, async ({ ack, body, view }) => {
    const input = viewToInput(view.state.values);
    const context = parseModalContext(view.private_metadata);
    if (context === undefined) {
      await ack({ response_action: "errors", errors: { title: "This form has expired. Close it and open it again." } });
      return;
    }
    // The channel's own log decides what is valid (its categories).
    const target = bot.router.forSlack(context.channel);
    const valid = target.service.validate(input);
    if (!valid.ok) {
      await ack({ response_action: "errors", errors: toViewErrors(valid.errors) });
      return;
    }
    const userId = body.user.id;
    if (!isAllowed(config, userId, context.channel)) {
      await ack({ response_action: "errors", errors: { title: NOT_ALLOWED_MESSAGE } });
      return;
    }
    // Recorded durably before the ack: from here on a crash loses nothing. A double-click
    // submits the same view twice: the same id, refused as a duplicate, so it is logged once.
    const id = `slack:view:${view.id}:${createHash("sha256").update(JSON.stringify(view.state.values)).digest("hex").slice(0, 32)}`;
    const files = [...(context.files ?? []), ...viewToFileIds(view.state.values)];
    const job: SlackFindingJob = {
      input,
      channel: context.channel,
      threadTs: context.threadTs,
      userId,
      userName: body.user.name,
      target: target.name,
      ...(files.length === 0 ? {} : { files }),
    };
    try {
      await bot.worker.submit({ id, kind: SLACK_FINDING_JOB, payload: job });
    } catch (error) {
      logger.error(`could not record a submission: ${messageOf(error)}`);
      // The modal stays open with what was typed: nothing is lost, and the person can try again.
      await ack({ response_action: "errors", errors: { title: "I could not save this right now. Please press Submit again in a moment." } });
      return;
    }
    await ack();
  });
}

/** A message holds at most 10 files when posted from Slack's clients; more would not fit the form's metadata anyway. */
const MAX_MESSAGE_FILES = 10;

/** The ids of a message's files (Slack lists them on the message a shortcut was used on). */
function filesOf(message: unknown): string[] {
  const files = (message as { files?: { id?: unknown }[] }).files;
  if (!Array.isArray(files)) return [];
  return files.flatMap((file) => (typeof file.id === "string" && /^F[A-Z0-9]+$/.test(file.id) ? [file.id] : []));
}

/** Runs recorded submissions (see log-finding-job.ts). */
export function registerLogFindingJob(client: WebClient, bot: BotContext): void {
  bot.worker.register<SlackFindingJob>(SLACK_FINDING_JOB, (job, context) => runSlackFindingJob(client, bot, job, context));
}
