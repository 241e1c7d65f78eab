import { createHash } from "node:crypto";
import { MessageFlags } from "discord.js";
import type { ChatInputCommandInteraction, Message, MessageContextMenuCommandInteraction, ModalSubmitInteraction, SendableChannels, User } from "discord.js";
import { STATUSES } from "../core/types.js";
import type { CommitAuthor } from "../store/log-store.js";
import type { LogFindingResult } from "../services/log-service.js";
import { LogWriteError } from "../services/log-service.js";
import { messageOf } from "../error-details.js";
import type { DiscordBotContext } from "./bot-context.js";
import { buildAnnouncement, buildItemMessage, NO_PINGS } from "./build-messages.js";
import type { ModalContext } from "./build-finding-modal.js";
import { buildFindingModal, describeFieldErrors, FINDING_INPUT_IDS, FINDING_LABELS, MAX_INPUT_LENGTH, modalValuesToInput, parseModalId } from "./build-finding-modal.js";
import { codeBlocks, escapeDiscordText, truncate } from "./escape-discord-text.js";
import { sendableChannel } from "./post-digest.js";

const EPHEMERAL = MessageFlags.Ephemeral;

/** `/log-finding category status`: answers with the form at once (the 3 s deadline). */
export async function openFindingModal(interaction: ChatInputCommandInteraction): Promise<void> {
  const category = interaction.options.getString("category", true);
  const status = interaction.options.getString("status", true);
  await interaction.showModal(
    buildFindingModal({ context: { category, status, channel: interaction.channelId, message: undefined } }),
  );
}

/**
 * `Log as finding` on a message: the same form with Finding prefilled from the
 * message and Related holding its link. A message command takes no options, so
 * the category is the first configured one and the status Open; the announcement
 * says so, and a ✅ or an edit of the file changes them.
 */
export async function openFindingModalFromMessage(interaction: MessageContextMenuCommandInteraction, bot: DiscordBotContext): Promise<void> {
  const message = interaction.targetMessage;
  await interaction.showModal(
    buildFindingModal({
      context: { category: bot.service.categories[0] ?? "Training", status: STATUSES[0], channel: message.channelId, message: message.id },
      finding: truncate(message.content, MAX_INPUT_LENGTH),
      related: message.url,
    }),
  );
}

const authorOf = (user: User, displayName: string | undefined): CommitAuthor => ({ name: displayName ?? user.globalName ?? user.username });

/** What the person typed, each field in a code block, so that nothing is lost when we cannot use it. */
function typedBack(values: ReadonlyMap<string, string>): string[] {
  const labels: Record<string, string> = {
    [FINDING_INPUT_IDS.title]: FINDING_LABELS.title,
    [FINDING_INPUT_IDS.related]: FINDING_LABELS.related,
    [FINDING_INPUT_IDS.finding]: FINDING_LABELS.finding,
    [FINDING_INPUT_IDS.impact]: FINDING_LABELS.impact,
    [FINDING_INPUT_IDS.actionItems]: FINDING_LABELS.actionItems,
  };
  const parts: string[] = [];
  for (const [id, value] of values) {
    if (value.trim() === "") continue;
    for (const [index, block] of codeBlocks(value, 1800).entries()) parts.push(`${index === 0 ? `**${labels[id] ?? id}**` : ""}\n${block}`.trim());
  }
  return parts;
}

/** Packs parts into messages of at most 2000 characters. */
function pack(parts: readonly string[], max = 2000): string[] {
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

const modalValues = (interaction: ModalSubmitInteraction): Map<string, string> => {
  const values = new Map<string, string>();
  for (const id of Object.values(FINDING_INPUT_IDS)) {
    try {
      values.set(id, interaction.fields.getTextInputValue(id));
    } catch {
      // An input left out of the submission reads as empty.
    }
  }
  return values;
};

/**
 * The form's submission. Invalid input gets an ephemeral reply naming each
 * field's problem, with what was typed; valid input is acknowledged at once
 * (deferred), committed, then announced in the channel with a thread holding
 * one message per open action item.
 */
export async function submitFinding(interaction: ModalSubmitInteraction, bot: DiscordBotContext): Promise<void> {
  const { service, logger } = bot;
  const context = parseModalId(interaction.customId);
  if (context === undefined) return;
  const values = modalValues(interaction);
  const input = modalValuesToInput(context, values);
  const valid = service.validate(input);
  if (!valid.ok) {
    const [first, ...more] = pack([
      ["I could not log that finding:", ...describeFieldErrors(valid.errors).map((line) => `• ${escapeDiscordText(line)}`), "Here is what you typed, to paste into `/log-finding` again:"].join("\n"),
      ...typedBack(values),
    ]);
    await interaction.reply({ content: first ?? "", flags: EPHEMERAL, allowedMentions: NO_PINGS });
    for (const content of more) await interaction.followUp({ content, flags: EPHEMERAL, allowedMentions: NO_PINGS });
    return;
  }
  const key = createHash("sha256")
    .update(JSON.stringify([interaction.user.id, interaction.customId, [...values]]))
    .digest("hex");
  const duplicate = bot.submissions.seen(key);
  await interaction.deferReply({ flags: EPHEMERAL });
  if (duplicate) {
    await interaction.editReply({ content: `You already sent **${escapeDiscordText(valid.finding.title)}**: it is logged once.`, allowedMentions: NO_PINGS });
    return;
  }
  const member = interaction.member;
  const displayName = member !== null && "displayName" in member ? member.displayName : undefined;
  let result: LogFindingResult;
  try {
    result = await service.logFinding({ ...input, date: service.today() }, authorOf(interaction.user, displayName));
  } catch (error) {
    bot.submissions.forget(key);
    logger.error(`could not save a finding: ${messageOf(error)}`);
    const markdown = error instanceof LogWriteError ? error.markdown : undefined;
    const intro = `⚠️ I could not save your finding to the research log: ${escapeDiscordText(truncate(messageOf(error), 500))}`;
    const [first, ...more] =
      markdown === undefined
        ? [intro]
        : pack([`${intro}\nHere is the entry, so nothing is lost. Try again later, or add it to the log by hand:`, ...codeBlocks(markdown, 1800)]);
    await interaction.editReply({ content: first ?? intro, allowedMentions: NO_PINGS });
    for (const content of more) await interaction.followUp({ content, flags: EPHEMERAL, allowedMentions: NO_PINGS });
    return;
  }
  if (!result.ok) {
    await interaction.editReply({ content: `I could not log that finding: ${escapeDiscordText(describeFieldErrors(result.errors).join("; "))}`, allowedMentions: NO_PINGS });
    return;
  }
  const title = escapeDiscordText(truncate(result.finding.title, 300));
  if (!result.created) {
    await interaction.editReply({ content: `That finding is already in the log: **${title}**`, allowedMentions: NO_PINGS });
    return;
  }
  try {
    const posted = await announce(bot, result, context, interaction.user.id);
    await interaction.editReply({ content: `Logged **${title}**${result.entryUrl === undefined ? "" : ` (<${result.entryUrl}>)`} and announced it: ${posted.url}`, allowedMentions: NO_PINGS });
  } catch (error) {
    logger.error(`announcing a finding failed: ${messageOf(error)}`);
    await interaction.editReply({
      content: `Logged **${title}**${result.entryUrl === undefined ? "" : ` (<${result.entryUrl}>)`}, but I could not post the announcement here: ${escapeDiscordText(messageOf(error))}`,
      allowedMentions: NO_PINGS,
    });
  }
}

/**
 * The announcement in the channel, a thread on it, one message per open item in
 * the thread. From `Log as finding`: all of it in a thread on that message.
 */
async function announce(bot: DiscordBotContext, result: Extract<LogFindingResult, { ok: true }>, context: ModalContext, userId: string): Promise<Message> {
  const { finding } = result;
  const channel = await sendableChannel(bot.client, context.channel);
  const announcement = buildAnnouncement({
    id: result.id,
    title: finding.title,
    category: finding.category,
    status: finding.status,
    statusBefore: undefined,
    entryUrl: result.entryUrl,
    commitUrl: result.pullRequestUrl ?? result.commitUrl,
    loggedBy: userId,
  });
  const threadName = truncate(finding.title, 100);
  let thread: SendableChannels;
  let posted: Message;
  if (context.message !== undefined && !channel.isThread() && "messages" in channel) {
    const source = await channel.messages.fetch(context.message);
    thread = source.thread ?? (await source.startThread({ name: threadName }));
    posted = await thread.send(announcement);
  } else {
    posted = await channel.send(announcement);
    thread = channel.isThread() ? channel : await posted.startThread({ name: threadName });
  }
  for (const [index, item] of finding.actionItems.entries()) {
    if (item.done) continue;
    await thread.send(buildItemMessage({ id: result.id, title: finding.title, item: index + 1, text: item.text, done: false, entryUrl: result.entryUrl }));
  }
  return posted;
}
