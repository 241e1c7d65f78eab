import { createHash } from "node:crypto";
import type { App, webApi } from "@slack/bolt";
import { todayIn } from "../core/dates.js";
import { shorten } from "../core/shorten.js";
import type { Finding, FindingInput } from "../core/types.js";
import { LogWriteError } from "../services/log-service.js";
import type { BotContext } from "./bot-context.js";
import { buildAnnouncement, buildItemMessage } from "./build-announcement.js";
import type { ModalContext } from "./build-finding-modal.js";
import { buildFindingModal, LOG_FINDING_CALLBACK_ID, MAX_INPUT_LENGTH, parseModalContext } from "./build-finding-modal.js";
import { buildNotInChannelMessage, buildWriteFailureMessages, NOT_ALLOWED_MESSAGE } from "./build-replies.js";
import { escapeSlackText, slackTextToPlain } from "./escape-slack-text.js";
import { isAllowed } from "./is-allowed.js";
import { lookUpPerson, NotInChannelError, postToChannel } from "./slack-calls.js";
import { toViewErrors, viewToInput } from "./view-to-input.js";
import { messageOf } from "../error-details.js";

type WebClient = webApi.WebClient;

/** Callback id of the `Log as finding` message shortcut. */
export const LOG_AS_FINDING_CALLBACK_ID = "log_as_finding";


/** `/log-finding`, the `Log as finding` shortcut, and the modal's submission. */
export function registerLogFinding(app: App, bot: BotContext): void {
  const { service, config, logger } = bot;

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
          categories: service.categories,
          title: command.text,
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
    try {
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: buildFindingModal({
          context: { channel, threadTs },
          categories: service.categories,
          finding: shorten(slackTextToPlain(message.text ?? ""), MAX_INPUT_LENGTH),
          related: permalink,
        }),
      });
    } catch (error) {
      logger.error(`views.open failed: ${messageOf(error)}`);
    }
  });

  app.view({ callback_id: LOG_FINDING_CALLBACK_ID, type: "view_submission" }, async ({ ack, body, view, client }) => {
    const input = viewToInput(view.state.values);
    const valid = service.validate(input);
    if (!valid.ok) {
      await ack({ response_action: "errors", errors: toViewErrors(valid.errors) });
      return;
    }
    const context = parseModalContext(view.private_metadata);
    if (context === undefined) {
      await ack({ response_action: "errors", errors: { title: "This form has expired. Close it and open it again." } });
      return;
    }
    const userId = body.user.id;
    if (!isAllowed(config, userId, context.channel)) {
      await ack({ response_action: "errors", errors: { title: NOT_ALLOWED_MESSAGE } });
      return;
    }
    // A double-click submits the same view twice: log it once.
    const key = `${view.id}:${createHash("sha256").update(JSON.stringify(view.state.values)).digest("hex")}`;
    if (bot.submissions.seen(key)) {
      await ack();
      return;
    }
    await ack();
    try {
      await logAndAnnounce(client, bot, { input, context, userId, userName: body.user.name });
    } catch (error) {
      logger.error(`logging a finding failed: ${messageOf(error)}`);
    }
  });
}

/** The slow part of a submission, after the ack: commit, then announce. */
async function logAndAnnounce(
  client: WebClient,
  bot: BotContext,
  request: { input: FindingInput; context: ModalContext; userId: string; userName: string | undefined },
): Promise<void> {
  const { service, logger } = bot;
  const { context, userId } = request;
  const person = await lookUpPerson(client, userId, request.userName);
  const date = dateIn(person.timeZone, bot) ?? service.today();

  let result;
  try {
    result = await service.logFinding({ ...request.input, date }, person.author);
  } catch (error) {
    const markdown = error instanceof LogWriteError ? error.markdown : undefined;
    logger.error(`could not save a finding: ${messageOf(error)}`);
    const texts =
      markdown === undefined
        ? [`:warning: I could not save your finding: ${escapeSlackText(messageOf(error))}`]
        : buildWriteFailureMessages({ reason: messageOf(error), markdown });
    for (const text of texts) await client.chat.postMessage({ channel: userId, text });
    return;
  }
  if (!result.ok) {
    // Only the date differs from what was validated before the ack.
    await client.chat.postMessage({
      channel: userId,
      text: `:warning: I could not save your finding: ${escapeSlackText(result.errors.map((e) => e.message).join("; "))}`,
    });
    return;
  }
  if (!result.created) {
    // Already in the log (a resubmission after a restart): it was announced then.
    await client.chat
      .postEphemeral({ channel: context.channel, user: userId, text: `That finding is already in the log: *${escapeSlackText(result.finding.title)}*` })
      .catch(() => undefined);
    return;
  }
  try {
    await announce(client, { ...result, channel: context.channel, threadTs: context.threadTs, userId });
  } catch (error) {
    if (!(error instanceof NotInChannelError)) throw error;
    await client.chat.postMessage({
      channel: userId,
      text: buildNotInChannelMessage({ channel: context.channel, entryUrl: result.entryUrl, title: result.finding.title }),
    });
  }
}

const dateIn = (timeZone: string | undefined, bot: BotContext): string | undefined => {
  if (timeZone === undefined || timeZone === "") return undefined;
  try {
    return todayIn(timeZone, bot.clock.now());
  } catch {
    return undefined;
  }
};

async function announce(
  client: WebClient,
  logged: {
    id: string;
    finding: Finding;
    entryUrl: string | undefined;
    commitUrl: string | undefined;
    channel: string;
    threadTs: string | undefined;
    userId: string;
  },
): Promise<void> {
  const { finding } = logged;
  const announcement = buildAnnouncement({
    id: logged.id,
    title: finding.title,
    category: finding.category,
    status: finding.status,
    entry_url: logged.entryUrl,
    commit_url: logged.commitUrl,
    logged_by: logged.userId,
  });
  const posted = await postToChannel(client, { channel: logged.channel, thread_ts: logged.threadTs, ...announcement });
  const threadTs = logged.threadTs ?? posted.ts;
  for (const [index, item] of finding.actionItems.entries()) {
    if (item.done) continue;
    const message = buildItemMessage({
      id: logged.id,
      title: finding.title,
      item: index + 1,
      text: item.text,
      done: false,
      entry_url: logged.entryUrl,
    });
    await postToChannel(client, { channel: posted.channel, thread_ts: threadTs, ...message });
  }
}
