import type { types } from "@slack/bolt";
import { EDIT_FINDING_ACTION_ID } from "./build-announcement.js";
import { escapeSlackText, shortenEscaped, shortenSlackText, slackLink } from "./escape-slack-text.js";
import type { EntrySummary } from "../services/log-service.js";
import type { Target } from "../routes/targets.js";

/** What `/findings` and `/findings help` answer. */
export const FINDINGS_USAGE = [
  "*/findings* — the research log",
  "• `/findings open` — findings that are not resolved, with their open action items",
  "• `/findings search <words>` — findings mentioning the words",
  "• `/findings digest` — post the digest of open action items here now",
  "• `/findings where` — which repository and file this channel writes to",
  "Log a new one with `/log-finding [title]`, or the *Log as finding* message shortcut.",
].join("\n");

/** `/findings where`: the log this channel writes to, and whether that comes from a route. */
export function buildWhereReply(target: Pick<Target, "name" | "where">, routed: boolean): string {
  const how = target.name === "default" ? (routed ? " (the default: this channel has no route of its own)" : "") : ` (route *${escapeSlackText(target.name)}*)`;
  return `This channel writes to ${escapeSlackText(target.where)}${how}.`;
}

/** What `/findings open` and `/findings search` show of an entry. */
export type ListedEntry = Pick<EntrySummary, "title" | "category" | "status" | "url" | "date" | "actionItems"> & { id?: string };

const MAX_LISTED = 25;

/** One listed entry: its title (linked) and what it is at a glance. */
function listLine(entry: ListedEntry): string {
  const link = entry.url === undefined ? `*${shortenSlackText(entry.title, 300)}*` : `*${slackLink(entry.url, entry.title, 300)}*`;
  const open = entry.actionItems.filter((item) => !item.done).length;
  const details = [entry.date, entry.category, entry.status, open > 0 ? `${open} open item${open === 1 ? "" : "s"}` : undefined]
    .filter((part): part is string => part !== undefined && part !== "")
    .map(escapeSlackText)
    .join(" · ");
  return `• ${link}${details === "" ? "" : ` — ${details}`}`;
}

const listHeading = (heading: string, count: number): string => `${escapeSlackText(heading)} (${count}):`;
const moreLine = (entries: readonly ListedEntry[]): string | undefined => (entries.length > MAX_LISTED ? `…and ${entries.length - MAX_LISTED} more` : undefined);

/**
 * The same list as blocks: each entry a section with an Edit button (the
 * 25 listed fit Slack's 50 blocks), the text as the message's fallback.
 */
export function buildFindingsListBlocks(heading: string, entries: readonly ListedEntry[]): { text: string; blocks: types.KnownBlock[] } {
  const text = buildFindingsList(heading, entries);
  if (entries.length === 0) return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
  const section = (line: string, id?: string): types.SectionBlock => ({
    type: "section",
    text: { type: "mrkdwn", text: line },
    ...(id === undefined ? {} : { accessory: { type: "button", action_id: EDIT_FINDING_ACTION_ID, text: { type: "plain_text", text: "Edit", emoji: true }, value: id } }),
  });
  const blocks: types.KnownBlock[] = [section(listHeading(heading, entries.length))];
  for (const entry of entries.slice(0, MAX_LISTED)) blocks.push(section(listLine(entry), entry.id));
  const more = moreLine(entries);
  if (more !== undefined) blocks.push(section(more));
  return { text, blocks };
}

/** The ephemeral answer to `/findings open` and `/findings search`. */
export function buildFindingsList(heading: string, entries: readonly ListedEntry[]): string {
  if (entries.length === 0) return `${escapeSlackText(heading)}: none.`;
  const more = moreLine(entries);
  return [listHeading(heading, entries.length), ...entries.slice(0, MAX_LISTED).map(listLine), ...(more === undefined ? [] : [more])].join("\n");
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
  const what = shortenSlackText(options.what, 1000);
  const action =
    options.kind === "checked"
      ? `checked off “${what}”`
      : options.kind === "unchecked"
        ? `reopened “${what}”`
        : `set the status to *${what}*`;
  const commit = options.commitUrl === undefined ? "" : ` (${slackLink(options.commitUrl, "commit")})`;
  return `<@${options.userId}> ${action}${commit}`;
}

/** Slack truncates a message's text beyond 40,000 characters, silently. */
export const SLACK_TEXT_LIMIT = 40_000;

/**
 * The DMs sent when a finding could not be saved: the reason, and the entry as
 * markdown so that nothing the person typed is lost. Escaped markdown can be
 * five times as long as typed (`&` is `&amp;`) and Slack would cut a long
 * message short without a word, so the markdown is split over as many
 * messages as it takes, each one code block within `limit` characters, cut at
 * a line end where there is one and never inside an entity or a character.
 */
export function buildWriteFailureMessages(options: { reason: string; markdown: string; limit?: number; intro?: string }): string[] {
  const limit = options.limit ?? SLACK_TEXT_LIMIT;
  // Three backticks in the entry would close the code block early.
  const markdown = escapeSlackText(options.markdown.replace(/```/g, "`\u200b``"));
  const intro =
    options.intro ??
    [
      `:warning: I could not save your finding to the research log: ${shortenSlackText(options.reason, 500)}`,
      "Here is the entry, so nothing is lost. Try again later, or add it to the log by hand:",
    ].join("\n");
  const continued = (part: number, total: number) => `(the entry, part ${part} of ${total})`;
  // Room for the fences and the longest heading; the part count is at most as long as the text.
  const heading = Math.max(intro.length, continued(markdown.length, markdown.length).length);
  const room = limit - heading - "\n```\n\n```".length;
  if (room < 100) throw new RangeError(`buildWriteFailureMessages: limit ${limit} leaves no room for the entry`);
  const chunks = splitEscaped(markdown, room);
  return chunks.map((chunk, index) => `${index === 0 ? intro : continued(index + 1, chunks.length)}\n\`\`\`\n${chunk}\n\`\`\``);
}

/** Escaped text in pieces of at most `room` characters, cut after a line where possible, else between graphemes outside entities. */
function splitEscaped(text: string, room: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > room) {
    const newline = rest.lastIndexOf("\n", room);
    if (newline > 0) {
      chunks.push(rest.slice(0, newline));
      rest = rest.slice(newline + 1);
    } else {
      // A single grapheme longer than the room (a pile of combining marks) is cut by code point.
      const piece = shortenEscaped(rest, room, "") || rest.slice(0, /[\uD800-\uDBFF]/.test(rest[room - 1] ?? "") ? room - 1 : room);
      chunks.push(piece);
      rest = rest.slice(piece.length);
    }
  }
  chunks.push(rest);
  return chunks;
}

/** Told to the person when the bot cannot post in the channel they used. */
export function buildNotInChannelMessage(options: { channel: string; entryUrl: string | undefined; title: string }): string {
  const title = options.entryUrl === undefined ? `*${escapeSlackText(options.title)}*` : slackLink(options.entryUrl, options.title);
  return `Your finding ${title} is in the log, but I cannot post in <#${options.channel}>. Invite me with \`/invite @research-log\` to get announcements there.`;
}

/** Told to someone the allow-lists leave out. */
export const NOT_ALLOWED_MESSAGE =
  "Sorry, you cannot change the research log from here. Ask an admin to add you (or this channel) to the bot's allow-list.";

/** The files a finding was logged without, each with why, for the person who sent them. */
export function buildRefusedPicturesMessage(title: string, refused: readonly { name: string; reason: string }[]): string {
  const lines = refused.slice(0, 20).map(({ reason }) => `• ${shortenSlackText(reason, 300)}`);
  if (refused.length > 20) lines.push(`• and ${refused.length - 20} more`);
  const files = refused.length === 1 ? "one file" : `${refused.length} files`;
  return [`:frame_with_picture: Your finding *${shortenSlackText(title, 200)}* is logged without ${files}:`, ...lines].join("\n");
}
