import { createHash } from "node:crypto";
import { MessageFlags } from "discord.js";
import type { Attachment, ChatInputCommandInteraction, MessageContextMenuCommandInteraction, ModalSubmitInteraction, User } from "discord.js";
import type { PictureSource } from "../services/fetch-picture.js";
import { PICTURE_OPTIONS } from "./build-commands.js";
import { STATUSES } from "../core/types.js";
import type { CommitAuthor } from "../store/log-store.js";
import { messageOf } from "../error-details.js";
import type { DiscordBotContext } from "./bot-context.js";
import { targetOf } from "./bot-context.js";
import type { Target } from "../routes/targets.js";
import { NO_PINGS } from "./build-messages.js";
import { buildFindingModal, describeFieldErrors, FINDING_INPUT_IDS, FINDING_LABELS, MAX_INPUT_LENGTH, modalValuesToInput, parseModalId } from "./build-finding-modal.js";
import { codeBlocks, escapeDiscordText, truncate } from "./escape-discord-text.js";
import type { DiscordFindingJob } from "./log-finding-job.js";
import { DISCORD_FINDING_JOB, pack, runDiscordFindingJob } from "./log-finding-job.js";

const EPHEMERAL = MessageFlags.Ephemeral;

/** A picture as Discord describes an attachment: its CDN link (signed, valid for a day), name and size. */
const pictureOf = (attachment: Attachment): PictureSource => ({ url: attachment.url, name: attachment.name, size: attachment.size });

/** Holds a form's pictures until it is submitted; the key goes in the form's id. */
const holdPictures = (bot: DiscordBotContext, sources: readonly PictureSource[]): string | undefined => (sources.length === 0 ? undefined : bot.pictures.hold(sources));

/** `/log-finding category status [picture…]`: answers with the form at once (the 3 s deadline). */
export async function openFindingModal(interaction: ChatInputCommandInteraction, bot: DiscordBotContext): Promise<void> {
  const category = interaction.options.getString("category", true);
  const status = interaction.options.getString("status", true);
  const attached = PICTURE_OPTIONS.flatMap((name) => {
    const attachment = interaction.options.getAttachment(name);
    return attachment === null ? [] : [pictureOf(attachment)];
  });
  const pictures = holdPictures(bot, attached);
  await interaction.showModal(
    buildFindingModal({ context: { category, status, channel: interaction.channelId, message: undefined, ...(pictures === undefined ? {} : { pictures }) } }),
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
  const pictures = holdPictures(bot, [...message.attachments.values()].map(pictureOf));
  await interaction.showModal(
    buildFindingModal({
      context: {
        category: defaultCategoryOf(targetOf(bot, message.channel, message.channelId, message.guildId)),
        status: STATUSES[0],
        channel: message.channelId,
        message: message.id,
        ...(pictures === undefined ? {} : { pictures }),
      },
      finding: truncate(message.content, MAX_INPUT_LENGTH),
      related: message.url,
    }),
  );
}

/** A route's default category, else the first configured one. */
const defaultCategoryOf = (target: Target): string => target.defaultCategory ?? target.service.categories[0] ?? "Training";

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
 * field's problem, with what was typed; valid input is recorded in the outbox,
 * acknowledged (deferred), then committed and announced by the outbox's job.
 */
export async function submitFinding(interaction: ModalSubmitInteraction, bot: DiscordBotContext): Promise<void> {
  const { logger } = bot;
  const context = parseModalId(interaction.customId);
  if (context === undefined) return;
  // The channel's own log decides what is valid (its categories); the job goes to that log.
  const target = targetOf(bot, interaction.channel, context.channel, interaction.guildId);
  const { service } = target;
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
  // Recorded durably before the acknowledgement: from here on a crash loses nothing. A second
  // identical submit is the same id, refused as a duplicate, so it is logged once.
  const id = `discord:submit:${createHash("sha256")
    .update(JSON.stringify([interaction.user.id, interaction.customId, [...values]]))
    .digest("hex")
    .slice(0, 32)}`;
  const member = interaction.member;
  const displayName = member !== null && "displayName" in member ? member.displayName : undefined;
  // The pictures are in the job from here: a restart after the acknowledgement keeps them.
  const pictures = context.pictures === undefined ? undefined : bot.pictures.get(context.pictures);
  const job: DiscordFindingJob = {
    input,
    context,
    userId: interaction.user.id,
    authorName: authorOf(interaction.user, displayName).name,
    interaction: { applicationId: interaction.applicationId, token: interaction.token },
    target: target.name,
    ...(pictures === undefined || pictures.length === 0 ? {} : { pictures }),
    ...(context.pictures !== undefined && pictures === undefined ? { picturesLost: true } : {}),
  };
  let deferred!: () => void;
  const acknowledged = new Promise<void>((resolve) => (deferred = resolve));
  let outcome: "accepted" | "duplicate";
  try {
    outcome = await bot.worker.submit({ id, kind: DISCORD_FINDING_JOB, payload: job, after: acknowledged });
  } catch (error) {
    deferred();
    logger.error(`could not record a submission: ${messageOf(error)}`);
    const [first, ...more] = pack([
      `I could not save that right now (${escapeDiscordText(truncate(messageOf(error), 300))}). Here is what you typed, to paste into \`/log-finding\` again in a moment:`,
      ...typedBack(values),
    ]);
    await interaction.reply({ content: first ?? "", flags: EPHEMERAL, allowedMentions: NO_PINGS });
    for (const content of more) await interaction.followUp({ content, flags: EPHEMERAL, allowedMentions: NO_PINGS });
    return;
  }
  try {
    await interaction.deferReply({ flags: EPHEMERAL });
  } finally {
    deferred();
  }
  if (outcome === "duplicate") {
    await interaction.editReply({ content: `You already sent **${escapeDiscordText(truncate(valid.finding.title, 300))}**: it is logged once.`, allowedMentions: NO_PINGS });
  }
}

/** Runs recorded submissions (see log-finding-job.ts). */
export function registerLogFindingJob(bot: DiscordBotContext): void {
  bot.worker.register<DiscordFindingJob>(DISCORD_FINDING_JOB, (job, context) => runDiscordFindingJob(bot, job, context));
}
