import { ApplicationCommandType, ContextMenuCommandBuilder, SlashCommandBuilder } from "discord.js";
import type { RESTPostAPIApplicationCommandsJSONBody } from "discord.js";
import { STATUSES } from "../core/types.js";

export const LOG_FINDING_COMMAND = "log-finding";
export const FINDINGS_COMMAND = "findings";
export const LOG_AS_FINDING_COMMAND = "Log as finding";

/** `/log-finding`'s attachment options: a form (a modal) cannot take files beside its five text inputs. */
export const PICTURE_OPTIONS = ["picture", "picture-2", "picture-3"] as const;

/** Discord allows at most 25 choices on an option. */
const MAX_CHOICES = 25;

/**
 * The application commands: `/log-finding category status` (choices, since a
 * modal holds only five inputs), the message command `Log as finding`, and
 * `/findings open | search words | digest | where`.
 */
export function buildCommands(categories: readonly string[]): RESTPostAPIApplicationCommandsJSONBody[] {
  const logFinding = new SlashCommandBuilder()
    .setName(LOG_FINDING_COMMAND)
    .setDescription("Log a finding in the research log")
    .addStringOption((option) =>
      option
        .setName("category")
        .setDescription("What the finding is about")
        .setRequired(true)
        .addChoices(...categories.slice(0, MAX_CHOICES).map((name) => ({ name, value: name }))),
    )
    .addStringOption((option) =>
      option
        .setName("status")
        .setDescription("Where things stand")
        .setRequired(true)
        .addChoices(...STATUSES.map((name) => ({ name, value: name }))),
    );
  for (const [i, name] of PICTURE_OPTIONS.entries()) {
    logFinding.addAttachmentOption((option) =>
      option
        .setName(name)
        .setDescription(i === 0 ? "A plot or screenshot, committed beside the log and shown in the entry" : "Another picture")
        .setRequired(false),
    );
  }
  const findings = new SlashCommandBuilder()
    .setName(FINDINGS_COMMAND)
    .setDescription("The research log")
    .addSubcommand((sub) => sub.setName("open").setDescription("Findings that are not resolved"))
    .addSubcommand((sub) =>
      sub
        .setName("search")
        .setDescription("Findings mentioning some words")
        .addStringOption((option) => option.setName("words").setDescription("What to look for").setRequired(true)),
    )
    .addSubcommand((sub) => sub.setName("digest").setDescription("Post the digest of open action items here now"))
    .addSubcommand((sub) => sub.setName("where").setDescription("Which repository and file this channel writes to"));
  const logAsFinding = new ContextMenuCommandBuilder().setName(LOG_AS_FINDING_COMMAND).setType(ApplicationCommandType.Message);
  return [logFinding.toJSON(), logAsFinding.toJSON(), findings.toJSON()];
}
