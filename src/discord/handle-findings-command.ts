import { ButtonStyle, ComponentType, MessageFlags } from "discord.js";
import type { APIActionRowComponent, APIButtonComponent, ChatInputCommandInteraction } from "discord.js";
import type { EntrySummary } from "../services/log-service.js";
import { entryKey, LIST_EDIT_PREFIX } from "./handle-edit-finding.js";
import { messageOf } from "../error-details.js";
import type { DiscordBotContext } from "./bot-context.js";
import { targetOf } from "./bot-context.js";
import { buildFindingsList, buildWhereReply, NO_PINGS } from "./build-messages.js";
import { shorten } from "../core/shorten.js";
import { escapeDiscordText } from "./escape-discord-text.js";
import { postDigest } from "./post-digest.js";

/** `/findings open | search words | digest`: lists answered to the asker only; the digest posted in the channel. */
export async function handleFindingsCommand(interaction: ChatInputCommandInteraction, bot: DiscordBotContext): Promise<void> {
  const target = targetOf(bot, interaction.channel, interaction.channelId, interaction.guildId);
  const { service } = target;
  const sub = interaction.options.getSubcommand(true);
  // Reading the log can take longer than the 3 s Discord gives the first answer.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const tell = (content: string) => interaction.editReply({ content: shorten(content, 2000), allowedMentions: NO_PINGS });
  /** The list, with an Edit button for each of its first 25 entries (Discord's five rows of five). */
  const list = (heading: string, entries: readonly EntrySummary[]) =>
    interaction.editReply({
      content: shorten(buildFindingsList(heading, entries), 2000),
      allowedMentions: NO_PINGS,
      components: editRows(entries),
    });
  try {
    if (sub === "open") {
      await list("Open findings", await service.list({ open: true }));
    } else if (sub === "search") {
      const words = interaction.options.getString("words", true).trim();
      await list(`Findings matching “${words}”`, await service.list({ search: words }));
    } else if (sub === "where") {
      await tell(buildWhereReply(target, bot.router.targets.length > 1));
    } else if (sub === "digest") {
      const result = await postDigest(bot.client, interaction.channelId, service);
      await tell(result.posted ? `Posted the digest: ${result.items} open action item${result.items === 1 ? "" : "s"}.` : "Nothing open: every action item is checked off.");
    } else {
      await tell("Try `/findings open`, `/findings search`, `/findings digest` or `/findings where`.");
    }
  } catch (error) {
    bot.logger.error(`/findings ${sub} failed: ${messageOf(error)}`);
    await tell(`Sorry, I could not do that: ${escapeDiscordText(messageOf(error))}`);
  }
}

/** Up to 25 Edit buttons, five to a row, labelled with the entries' titles. */
function editRows(entries: readonly EntrySummary[]): APIActionRowComponent<APIButtonComponent>[] {
  const buttons: APIButtonComponent[] = entries.slice(0, 25).map((entry) => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label: shorten(`Edit: ${entry.title}`, 80),
    custom_id: `${LIST_EDIT_PREFIX}${entryKey(entry.id)}`,
  }));
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length; i += 5) rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + 5) });
  return rows;
}
