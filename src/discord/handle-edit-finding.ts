import { createHash } from "node:crypto";
import { MessageFlags } from "discord.js";
import type { ButtonInteraction, Message, ModalSubmitInteraction } from "discord.js";
import type { FindingInput } from "../core/types.js";
import { messageOf } from "../error-details.js";
import type { DiscordBotContext } from "./bot-context.js";
import { targetOf } from "./bot-context.js";
import { buildFindingModal, FINDING_INPUT_IDS, MAX_INPUT_LENGTH } from "./build-finding-modal.js";
import { loggedByOf, NO_PINGS } from "./build-messages.js";
import type { DiscordEditJob } from "./edit-finding-job.js";
import { DISCORD_EDIT_JOB } from "./edit-finding-job.js";
import { escapeDiscordText, truncate } from "./escape-discord-text.js";
import { readMarker } from "./message-marker.js";

const EPHEMERAL = MessageFlags.Ephemeral;

/** `rl:e:<version>[:<entry key>]`: the edit form; without a key, the entry is the one the announcement it was opened from names. */
const EDIT_MODAL_PREFIX = "rl:e:";

/** `rl:edit:<entry key>`: an Edit button on a `/findings` list (ids can be longer than a custom id's 100 characters). */
export const LIST_EDIT_PREFIX = "rl:edit:";

/** A short key for an entry id, for custom ids. */
export const entryKey = (id: string): string => createHash("sha256").update(id).digest("hex").slice(0, 16);

/** The id of the entry with this key in a channel's log, if there is one. */
async function idOfKey(bot: DiscordBotContext, interaction: ButtonInteraction | ModalSubmitInteraction, key: string): Promise<string | undefined> {
  const target = targetOf(bot, interaction.channel, interaction.channelId ?? undefined, interaction.guildId);
  return (await target.service.list()).find((entry) => entryKey(entry.id) === key)?.id;
}

/** The entry an announcement stands for, and who logged it (its `Logged by <@id>`). */
function announcementOf(message: Message | null | undefined): { id: string; author: string | undefined } | undefined {
  const embed = message?.embeds[0];
  const marker = readMarker(embed?.footer?.text);
  if (marker?.kind !== "entry") return undefined;
  return { id: marker.id, author: loggedByOf(embed) };
}

/**
 * The Edit button: the form as `/log-finding` shows it, filled from the entry
 * as it is in the file now. Only the person who logged the finding may edit
 * it from Discord (Discord has no allow-list here); category and status are
 * not in the form (a modal holds five inputs): a ✅ or the CLI changes them.
 */
export async function openEditModal(interaction: ButtonInteraction, bot: DiscordBotContext): Promise<void> {
  // From a /findings list the author is not known: whoever may log findings may edit (as in Slack without an allow-list).
  const key = interaction.customId.startsWith(LIST_EDIT_PREFIX) ? interaction.customId.slice(LIST_EDIT_PREFIX.length) : undefined;
  const listed = key === undefined ? undefined : await idOfKey(bot, interaction, key);
  const entry = key === undefined ? announcementOf(interaction.message) : listed === undefined ? undefined : { id: listed, author: interaction.user.id };
  if (entry === undefined) {
    if (key !== undefined) await interaction.reply({ content: "That finding is not in the log any more: it may have been renamed or removed.", flags: EPHEMERAL, allowedMentions: NO_PINGS });
    return;
  }
  if (entry.author !== interaction.user.id) {
    await interaction.reply({ content: "Sorry, only the person who logged this finding can edit it here.", flags: EPHEMERAL, allowedMentions: NO_PINGS });
    return;
  }
  const target = targetOf(bot, interaction.channel, interaction.channelId, interaction.guildId);
  const form = await target.service.editForm(entry.id);
  if (form === undefined) {
    await interaction.reply({ content: `There is no finding \`${escapeDiscordText(truncate(entry.id, 200))}\` in the log any more: it may have been renamed or removed by hand.`, flags: EPHEMERAL, allowedMentions: NO_PINGS });
    return;
  }
  const { input } = form;
  const items = (input.actionItems as string[] | undefined) ?? [];
  const related = ((input.related as string[] | undefined) ?? []).join(", ");
  const tooLong = [related, input.finding ?? "", input.impact ?? "", items.join("\n")].some((text) => text.length > MAX_INPUT_LENGTH);
  if (tooLong) {
    await interaction.reply({ content: "This entry is longer than a Discord form holds: edit it in the file, or with `research-log edit`.", flags: EPHEMERAL, allowedMentions: NO_PINGS });
    return;
  }
  const modal = buildFindingModal({
    context: { category: input.category ?? "", status: String(input.status ?? "Open"), channel: interaction.channelId, message: interaction.message.id },
    title: input.title,
    related,
    finding: input.finding,
    impact: input.impact,
    actionItems: items.join("\n"),
  });
  await interaction.showModal({ ...modal, custom_id: `${EDIT_MODAL_PREFIX}${form.version}${key === undefined ? "" : `:${key}`}`, title: "Edit finding" });
}

/** True for the edit form's submission. */
export const isEditModal = (customId: string): boolean => customId.startsWith(EDIT_MODAL_PREFIX);

/** The edit form's submission: recorded in the outbox, acknowledged, then committed by the job. */
export async function submitEdit(interaction: ModalSubmitInteraction, bot: DiscordBotContext): Promise<void> {
  const [version = "", key] = interaction.customId.slice(EDIT_MODAL_PREFIX.length).split(":");
  const listed = key === undefined ? undefined : await idOfKey(bot, interaction, key);
  const entry = key === undefined ? announcementOf(interaction.message) : listed === undefined ? undefined : { id: listed, author: undefined };
  if (entry === undefined) {
    await interaction.reply({ content: "This form has expired, or the finding was renamed: press Edit again.", flags: EPHEMERAL, allowedMentions: NO_PINGS });
    return;
  }
  const value = (id: string): string | undefined => {
    try {
      return interaction.fields.getTextInputValue(id);
    } catch {
      return undefined;
    }
  };
  const input: FindingInput = {
    title: value(FINDING_INPUT_IDS.title),
    related: value(FINDING_INPUT_IDS.related) ?? "",
    finding: value(FINDING_INPUT_IDS.finding),
    impact: value(FINDING_INPUT_IDS.impact),
    actionItems: value(FINDING_INPUT_IDS.actionItems) ?? "",
  };
  // From an announcement: it is updated, and new items go in its thread. From a list: there is no announcement to update.
  const message = key === undefined ? interaction.message : null;
  const target = targetOf(bot, interaction.channel, interaction.channelId ?? undefined, interaction.guildId);
  const job: DiscordEditJob = {
    id: entry.id,
    version,
    input,
    channelId: message?.channelId ?? interaction.channelId ?? "",
    messageId: message?.id,
    threadId: message === null ? undefined : (message.thread?.id ?? (message.hasThread ? message.id : undefined)),
    userId: interaction.user.id,
    authorName: (interaction.member !== null && "displayName" in interaction.member ? interaction.member.displayName : undefined) ?? interaction.user.globalName ?? interaction.user.username,
    interaction: { applicationId: interaction.applicationId, token: interaction.token },
    target: target.name,
  };
  const id = `discord:edit:${createHash("sha256").update(JSON.stringify([interaction.user.id, message?.id ?? entry.id, interaction.customId, input])).digest("hex").slice(0, 32)}`;
  let deferred!: () => void;
  const acknowledged = new Promise<void>((resolve) => (deferred = resolve));
  try {
    await bot.worker.submit({ id, kind: DISCORD_EDIT_JOB, payload: job, after: acknowledged });
  } catch (error) {
    deferred();
    bot.logger.error(`could not record an edit: ${messageOf(error)}`);
    await interaction.reply({ content: "I could not save this edit right now: press Edit and try again in a moment.", flags: EPHEMERAL, allowedMentions: NO_PINGS });
    return;
  }
  try {
    await interaction.deferReply({ flags: EPHEMERAL });
  } finally {
    deferred();
  }
}
