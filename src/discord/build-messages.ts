import { ButtonStyle, ComponentType } from "discord.js";
import type { APIActionRowComponent, APIButtonComponent, APIEmbed, MessageMentionOptions } from "discord.js";
import type { Status } from "../core/types.js";
import { shorten } from "../core/shorten.js";
import { escapeDiscordText, shortenEscaped } from "./escape-discord-text.js";
import { formatMarker } from "./message-marker.js";
import type { EntrySummary } from "../services/log-service.js";
import type { RelatedLinkOptions } from "../core/related-links.js";
import { linkRelated } from "../core/related-links.js";
import type { Target } from "../routes/targets.js";

/** On every message the bot sends: nothing it writes pings anyone. */
export const NO_PINGS: MessageMentionOptions = { parse: [] };

/** Reactions that check an item off (or resolve a finding), with and without the variation selector. */
export const CHECK_REACTIONS: readonly string[] = ["✅", "✔️", "✔", "☑️", "☑"];

const STATUS_EMOJI: Record<string, string> = { Open: "🟡", Resolved: "✅", Workaround: "🟠" };
const COLOR: Record<string, number> = { Open: 0xf1c40f, Resolved: 0x2ecc71, Workaround: 0xe67e22 };
const MAX_DESCRIPTION = 4000;

/** A message body for channel.send / message.edit. */
export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  allowedMentions: MessageMentionOptions;
  components?: APIActionRowComponent<APIButtonComponent>[];
}

/** The custom id of the Edit button on announcements; the entry is the one the message's marker names. */
export const EDIT_BUTTON_ID = "rl:edit";

/** A row with the Edit button. */
export const editButtonRow = (): APIActionRowComponent<APIButtonComponent> => ({
  type: ComponentType.ActionRow,
  components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: "Edit", custom_id: EDIT_BUTTON_ID }],
});

export interface AnnouncementPayload {
  id: string;
  title: string;
  category: string | undefined;
  status: Status;
  statusBefore: Status | undefined;
  entryUrl: string | undefined;
  commitUrl: string | undefined;
  loggedBy: string | undefined;
  /** The Related items as typed; runs, files and URLs are linked. */
  related?: readonly string[] | undefined;
}

/** The Related items as Discord markdown: runs, files and URLs linked, the rest escaped, within an embed field's 1,024 characters. */
export function relatedMarkdown(items: readonly string[], links: RelatedLinkOptions, max = 1024): string {
  const parts = linkRelated(items, links).map((item) => (item.url === undefined ? escapeDiscordText(item.label) : link(escapeDiscordText(item.label), item.url)));
  // Whole items only: a cut link would show its markup.
  let out = "";
  for (const part of parts) {
    const next = out === "" ? part : `${out}, ${part}`;
    if (next.length > max - 2) return out === "" ? shorten(escapeDiscordText(items.join(", ")), max) : `${out}, …`;
    out = next;
  }
  return out;
}

const link = (label: string, url: string): string => `[${label}](${url.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)})`;

/**
 * The message announcing a finding: title (linked to the entry), category,
 * status, who logged it, the commit. The footer names the entry, so a
 * reaction on it can be applied after a restart.
 */
export function buildAnnouncement(payload: AnnouncementPayload, links: RelatedLinkOptions = {}): DiscordMessage {
  const details = [
    payload.loggedBy === undefined ? undefined : `Logged by <@${payload.loggedBy}>`,
    payload.commitUrl === undefined ? undefined : link("commit", payload.commitUrl),
  ].filter((part): part is string => part !== undefined);
  const hint = payload.status === "Resolved" ? "Remove the ✅ to reopen it" : "React with ✅ to mark it Resolved";
  const embed: APIEmbed = {
    title: shorten(`📝 ${payload.title}`, 256),
    color: COLOR[payload.status] ?? 0,
    fields: [
      { name: "Category", value: escapeDiscordText(payload.category ?? "—"), inline: true },
      { name: "Status", value: `${STATUS_EMOJI[payload.status] ?? ""} ${payload.status}`.trim(), inline: true },
      ...(payload.related === undefined || payload.related.length === 0 ? [] : [{ name: "Related", value: relatedMarkdown(payload.related, links) }]),
    ],
    footer: { text: `${hint} · ${formatMarker({ kind: "entry", id: payload.id, statusBefore: payload.statusBefore })}` },
  };
  if (payload.entryUrl !== undefined) embed.url = payload.entryUrl;
  if (details.length > 0) embed.description = details.join(" · ");
  return { content: `New finding: **${escapeDiscordText(shorten(payload.title, 500))}**`, embeds: [embed], allowedMentions: NO_PINGS, components: [editButtonRow()] };
}

/** Who logged the finding an announcement's embed stands for: the `Logged by <@id>` buildAnnouncement writes. */
export function loggedByOf(embed: { description?: string | null } | undefined): string | undefined {
  return /Logged by <@(\d+)>/.exec(embed?.description ?? "")?.[1];
}

/** The announcement's embed with a new status (the rest as it was posted). */
export function withStatus(embed: APIEmbed, id: string, status: Status, statusBefore: Status | undefined): APIEmbed {
  const hint = status === "Resolved" ? "Remove the ✅ to reopen it" : "React with ✅ to mark it Resolved";
  return {
    ...embed,
    color: COLOR[status] ?? 0,
    fields: (embed.fields ?? []).map((field) =>
      field.name === "Status" ? { ...field, value: `${STATUS_EMOJI[status] ?? ""} ${status}`.trim() } : field,
    ),
    footer: { text: `${hint} · ${formatMarker({ kind: "entry", id, statusBefore })}` },
  };
}

export interface ItemPayload {
  id: string;
  title: string;
  /** 1-based. */
  item: number;
  text: string;
  done: boolean;
  entryUrl: string | undefined;
  ageDays?: number | undefined;
}

/**
 * One action item as its own message in the announcement's (or the digest's)
 * thread, so that a reaction on it checks the item off. The description holds
 * the item's text escaped and nothing else, so it can be read back.
 */
export function buildItemMessage(payload: ItemPayload): DiscordMessage {
  const escaped = escapeDiscordText(payload.text);
  const cut = escaped.length > MAX_DESCRIPTION - 4;
  const text = cut ? shortenEscaped(escaped, MAX_DESCRIPTION - 4) : escaped;
  const hint = payload.done ? "Checked off. Remove the reaction to reopen it" : "React with ✅ to check it off";
  const embed: APIEmbed = {
    author: { name: shorten(payload.title, 256), ...(payload.entryUrl === undefined ? {} : { url: payload.entryUrl }) },
    description: payload.done ? `~~${text}~~` : text,
    color: payload.done ? COLOR.Resolved : COLOR.Open,
    footer: { text: `${hint} · ${formatMarker({ kind: "item", id: payload.id, item: payload.item, cut })}` },
  };
  if (payload.ageDays !== undefined) embed.fields = [{ name: "Age", value: payload.ageDays === 1 ? "1 day" : `${payload.ageDays} days`, inline: true }];
  return { content: `${payload.done ? "✅" : "⬜"} Action item ${payload.item}`, embeds: [embed], allowedMentions: NO_PINGS };
}

/** The item's text as the item message holds it (escaped, without the strike-through). */
export function itemTextOf(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  const struck = /^~~([\s\S]*)~~$/.exec(description);
  return struck?.[1] ?? description;
}

/** One finding's open items, as the digest shows them. */
export interface DigestGroup {
  id: string;
  title: string;
  url: string | undefined;
  items: { item: number; text: string; ageDays: number | undefined }[];
}

const age = (days: number | undefined): string => (days === undefined ? "" : ` *(${days === 1 ? "1 day" : `${days} days`})*`);

/** The digest's head message: open items grouped by finding with their ages; the items follow in its thread. */
export function buildDigestMessage(groups: readonly DigestGroup[]): DiscordMessage {
  const itemCount = groups.reduce((n, g) => n + g.items.length, 0);
  const summary = `${itemCount} open action item${itemCount === 1 ? "" : "s"} in ${groups.length} finding${groups.length === 1 ? "" : "s"}`;
  const blocks: string[] = [];
  let length = 0;
  for (const [index, group] of groups.entries()) {
    const title = escapeDiscordText(shorten(group.title, 200));
    const heading = group.url === undefined ? `**${title}**` : `**${link(title, group.url)}**`;
    const block = [heading, ...group.items.map((item) => `• ${escapeDiscordText(shorten(item.text, 200))}${age(item.ageDays)}`)].join("\n");
    if (length + block.length > MAX_DESCRIPTION - 100) {
      blocks.push(`…and ${groups.length - index} more finding${groups.length - index === 1 ? "" : "s"}`);
      break;
    }
    blocks.push(block);
    length += block.length + 2;
  }
  return {
    content: `**Research log digest**: ${summary}. React with ✅ on an item in the thread to check it off.`,
    embeds: [{ title: "Open action items", description: blocks.join("\n\n"), color: COLOR.Open }],
    allowedMentions: NO_PINGS,
  };
}

export type EditKind = "checked" | "unchecked" | "status";

/** The thread message saying who changed what, with the commit. */
export function buildEditReply(options: { userId: string; kind: EditKind; what: string; commitUrl: string | undefined }): DiscordMessage {
  const what = escapeDiscordText(shorten(options.what, 500));
  const action =
    options.kind === "checked" ? `checked off “${what}”` : options.kind === "unchecked" ? `reopened “${what}”` : `set the status to **${what}**`;
  const commit = options.commitUrl === undefined ? "" : ` (${link("commit", options.commitUrl)})`;
  return { content: `<@${options.userId}> ${action}${commit}`, embeds: [], allowedMentions: NO_PINGS };
}

/** What `/findings open` and `/findings search` show of an entry. */
export type ListedEntry = Pick<EntrySummary, "title" | "category" | "status" | "url" | "date" | "actionItems">;

/** The ephemeral answer to `/findings open` and `/findings search`, within Discord's 2000 characters. */
export function buildFindingsList(heading: string, entries: readonly ListedEntry[]): string {
  if (entries.length === 0) return `${escapeDiscordText(heading)}: none.`;
  const lines = [`${escapeDiscordText(heading)} (${entries.length}):`];
  let length = lines[0]?.length ?? 0;
  for (const [index, entry] of entries.entries()) {
    const title = escapeDiscordText(shorten(entry.title, 150));
    const open = entry.actionItems.filter((item) => !item.done).length;
    const details = [entry.date, entry.category, entry.status, open > 0 ? `${open} open item${open === 1 ? "" : "s"}` : undefined]
      .filter((part): part is string => part !== undefined && part !== "")
      .map(escapeDiscordText)
      .join(" · ");
    const line = `• ${entry.url === undefined ? `**${title}**` : `**${link(title, entry.url)}**`}${details === "" ? "" : ` — ${details}`}`;
    if (length + line.length + 40 > 2000) {
      lines.push(`…and ${entries.length - index} more`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join("\n");
}

/** `/findings where`: the log this channel writes to, and whether that comes from a route. */
export function buildWhereReply(target: Pick<Target, "name" | "where">, routed: boolean): string {
  const how = target.name === "default" ? (routed ? " (the default: this channel has no route of its own)" : "") : ` (route **${escapeDiscordText(target.name)}**)`;
  return `This channel writes to ${escapeDiscordText(target.where)}${how}.`;
}
