import { createHash } from "node:crypto";
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { BotContext } from "./bot-context.js";
import { EDIT_FINDING_ACTION_ID } from "./build-announcement.js";
import { buildFindingModal, buildLoadingModal, buildNoticeModal, EDIT_FINDING_CALLBACK_ID, MAX_INPUT_LENGTH, MAX_RELATED_LENGTH, parseModalContext } from "./build-finding-modal.js";
import type { ModalContext } from "./build-finding-modal.js";
import { buildWriteFailureMessages, NOT_ALLOWED_MESSAGE } from "./build-replies.js";
import type { SlackEditJob } from "./edit-finding-job.js";
import { SLACK_EDIT_JOB } from "./edit-finding-job.js";
import { readMessageMeaning } from "./message-metadata.js";
import { toViewErrors, viewToInput } from "./view-to-input.js";
import { messageOf } from "../error-details.js";
import type { FindingInput } from "../core/types.js";

/** How long a submission may spend checking the entry before it is acknowledged (Slack waits 3 s). */
const FORM_CHECK_MS = 1500;

/**
 * Who may edit an entry: its author (who logged it), and the people on
 * SLACK_ALLOWED_USERS. Without an allow-list, only the author; an entry whose
 * author is unknown (logged by hand or from the CLI) can be edited by whoever
 * may log findings in the channel.
 */
export function mayEdit(bot: BotContext, user: string, author: string | undefined): boolean {
  if (author !== undefined && user === author) return true;
  if (bot.config.allowedUsers !== undefined) return bot.config.allowedUsers.includes(user);
  return author === undefined;
}

/** The Edit button, the edit form and its submission. */
export function registerEditFinding(app: App, bot: BotContext): void {
  const { logger } = bot;

  app.action<BlockAction<ButtonAction>>({ action_id: EDIT_FINDING_ACTION_ID }, async ({ ack, body, action, client }) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id;
    const id = action.value ?? "";
    if (channel === undefined || id === "") return;
    const meaning = readMessageMeaning((body.message as { metadata?: unknown } | undefined)?.metadata);
    const author = meaning?.kind === "entry" ? meaning.payload.logged_by : undefined;
    if (!mayEdit(bot, user, author)) {
      await client.chat.postEphemeral({ channel, user, text: `${NOT_ALLOWED_MESSAGE} Only the person who logged a finding, and the people on the allow-list, can edit it.` }).catch(() => undefined);
      return;
    }
    // The trigger id lives 3 s and reading a large log can take longer: open the form at once, fill it when the entry is read.
    let opened;
    try {
      opened = await client.views.open({ trigger_id: body.trigger_id, view: buildLoadingModal() });
    } catch (error) {
      logger.error(`views.open failed: ${messageOf(error)}`);
      return;
    }
    const view = opened.view;
    if (view?.id === undefined) return;
    const target = bot.router.forSlack(channel);
    let filled;
    try {
      const form = await target.service.editForm(id);
      if (form === undefined) {
        filled = buildNoticeModal(`There is no finding with id \`${id}\` in the log any more: it may have been renamed or removed by hand.`);
      } else {
        const actionItems = (form.input.actionItems as string[] | undefined)?.join("\n") ?? "";
        const related = (form.input.related as string[] | undefined)?.join(", ") ?? "";
        const keep: NonNullable<ModalContext["edit"]>["keep"] = [];
        if (related.length > MAX_RELATED_LENGTH) keep.push("related");
        if ((form.input.finding ?? "").length > MAX_INPUT_LENGTH) keep.push("finding");
        if ((form.input.impact ?? "").length > MAX_INPUT_LENGTH) keep.push("impact");
        if (actionItems.length > MAX_INPUT_LENGTH) keep.push("actionItems");
        const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts;
        filled = buildFindingModal({
          context: { channel, ...(threadTs === undefined ? {} : { threadTs }), edit: { id, version: form.version, ...(body.message?.ts === undefined ? {} : { ts: body.message.ts }), keep } },
          categories: target.service.categories,
          defaultCategory: form.input.category,
          title: form.input.title,
          status: form.input.status,
          related,
          finding: form.input.finding,
          impact: form.input.impact,
          actionItems,
        });
      }
    } catch (error) {
      filled = buildNoticeModal(`I could not read the log: ${messageOf(error)}. Please try again in a moment.`);
    }
    await client.views.update({ view_id: view.id, ...(view.hash === undefined ? {} : { hash: view.hash }), view: filled }).catch((error: unknown) => {
      logger.error(`views.update failed: ${messageOf(error)}`);
    });
  });

  app.view({ callback_id: EDIT_FINDING_CALLBACK_ID, type: "view_submission" }, async ({ ack, body, view, client }) => {
    const context = parseModalContext(view.private_metadata);
    const edit = context?.edit;
    if (context === undefined || edit === undefined) {
      await ack({ response_action: "errors", errors: { title: "This form has expired. Close it and open it again." } });
      return;
    }
    const typed = viewToInput(view.state.values);
    // A field too long for the form was not shown: left empty, it keeps what the file says.
    const input: FindingInput = { ...typed };
    for (const field of edit.keep) if ((typed[field] ?? "") === "") input[field] = undefined;
    const target = bot.router.forSlack(context.channel);
    // A kept field is what the file says: only what was typed is checked here.
    const valid = target.service.validate(input);
    const errors = valid.ok ? [] : valid.errors.filter((error) => !(edit.keep as readonly string[]).includes(error.field));
    if (errors.length > 0) {
      await ack({ response_action: "errors", errors: toViewErrors(errors) });
      return;
    }
    const userId = body.user.id;
    // Refused on the form when the entry already changed since the form was filled (a hand edit, another edit,
    // a ✅), when the log can be read quickly enough; the job checks again when it writes.
    const current = await Promise.race([target.service.editForm(edit.id).catch(() => undefined), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), FORM_CHECK_MS).unref())]);
    if (current !== undefined && current.version !== edit.version) {
      await ack({ response_action: "errors", errors: { title: "This finding changed in the log since you opened the form, so nothing was saved. Close the form and press Edit again: I sent you the entry as it is now." } });
      const texts = buildWriteFailureMessages({ reason: "", markdown: current.markdown, intro: ":information_source: The finding you were editing, as it is in the log now:" });
      for (const text of texts) await client.chat.postMessage({ channel: userId, text }).catch(() => undefined);
      return;
    }
    const job: SlackEditJob = { id: edit.id, version: edit.version, input, channel: context.channel, ts: edit.ts, threadTs: context.threadTs, userId, userName: body.user.name, target: target.name };
    // Recorded durably before the ack, as a new finding is; a double-click submits the same view twice and is refused as a duplicate.
    const jobId = `slack:edit:${view.id}:${createHash("sha256").update(JSON.stringify(view.state.values)).digest("hex").slice(0, 32)}`;
    try {
      await bot.worker.submit({ id: jobId, kind: SLACK_EDIT_JOB, payload: job });
    } catch (error) {
      logger.error(`could not record an edit: ${messageOf(error)}`);
      await ack({ response_action: "errors", errors: { title: "I could not save this right now. Please press Save again in a moment." } });
      return;
    }
    await ack();
  });
}
