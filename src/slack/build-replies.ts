import { escapeSlackText, slackLink, truncate } from "./escape-slack-text.js";
import type { EntrySummary } from "../services/log-service.js";

/** What `/findings` and `/findings help` answer. */
export const FINDINGS_USAGE = [
  "*/findings* — the research log",
  "• `/findings open` — findings that are not resolved, with their open action items",
  "• `/findings search <words>` — findings mentioning the words",
  "• `/findings digest` — post the digest of open action items here now",
  "Log a new one with `/log-finding [title]`, or the *Log as finding* message shortcut.",
].join("\n");

/** What `/findings open` and `/findings search` show of an entry. */
export type ListedEntry = Pick<EntrySummary, "title" | "category" | "status" | "url" | "date" | "actionItems">;

const MAX_LISTED = 25;

/** The ephemeral answer to `/findings open` and `/findings search`. */
export function buildFindingsList(heading: string, entries: readonly ListedEntry[]): string {
  if (entries.length === 0) return `${escapeSlackText(heading)}: none.`;
  const lines = entries.slice(0, MAX_LISTED).map((entry) => {
    const title = truncate(entry.title, 200);
    const link = entry.url === undefined ? `*${escapeSlackText(title)}*` : `*${slackLink(entry.url, title)}*`;
    const open = entry.actionItems.filter((item) => !item.done).length;
    const details = [entry.date, entry.category, entry.status, open > 0 ? `${open} open item${open === 1 ? "" : "s"}` : undefined]
      .filter((part): part is string => part !== undefined && part !== "")
      .map(escapeSlackText)
      .join(" · ");
    return `• ${link}${details === "" ? "" : ` — ${details}`}`;
  });
  if (entries.length > MAX_LISTED) lines.push(`…and ${entries.length - MAX_LISTED} more`);
  return [`${escapeSlackText(heading)} (${entries.length}):`, ...lines].join("\n");
}

export type EditKind = "checked" | "unchecked" | "status";

/** The thread reply saying who changed what, with the commit. */
export function buildEditReply(options: {
  userId: string;
  kind: EditKind;
  /** The item's text, or the new status. */
  what: string;
  commitUrl: string | undefined;
}): string {
  const what = escapeSlackText(truncate(options.what, 500));
  const action =
    options.kind === "checked"
      ? `checked off “${what}”`
      : options.kind === "unchecked"
        ? `reopened “${what}”`
        : `set the status to *${what}*`;
  const commit = options.commitUrl === undefined ? "" : ` (${slackLink(options.commitUrl, "commit")})`;
  return `<@${options.userId}> ${action}${commit}`;
}

/**
 * The DM sent when a finding could not be saved: the reason, and the entry as
 * markdown so that nothing the person typed is lost.
 */
export function buildWriteFailureMessage(options: { reason: string; markdown: string }): string {
  // Three backticks in the entry would close the code block early.
  const markdown = escapeSlackText(options.markdown.replace(/```/g, "`\u200b``"));
  return [
    `:warning: I could not save your finding to the research log: ${escapeSlackText(truncate(options.reason, 500))}`,
    "Here is the entry, so nothing is lost. Try again later, or add it to the log by hand:",
    "```",
    markdown,
    "```",
  ].join("\n");
}

/** Told to the person when the bot cannot post in the channel they used. */
export function buildNotInChannelMessage(options: { channel: string; entryUrl: string | undefined; title: string }): string {
  const title = options.entryUrl === undefined ? `*${escapeSlackText(options.title)}*` : slackLink(options.entryUrl, options.title);
  return `Your finding ${title} is in the log, but I cannot post in <#${options.channel}>. Invite me with \`/invite @research-log\` to get announcements there.`;
}

/** Told to someone the allow-lists leave out. */
export const NOT_ALLOWED_MESSAGE =
  "Sorry, you cannot change the research log from here. Ask an admin to add you (or this channel) to the bot's allow-list.";
