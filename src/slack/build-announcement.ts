import type { types } from "@slack/bolt";
import type { RelatedLinkOptions } from "../core/related-links.js";
import { linkRelated } from "../core/related-links.js";
import { escapeSlackText, shortenEscaped, shortenSlackText, slackLink } from "./escape-slack-text.js";
import type { EntryPayload, ItemPayload, SlackMetadata } from "./message-metadata.js";
import { entryMetadata, itemMetadata } from "./message-metadata.js";

/** A message ready for chat.postMessage / chat.update. */
export interface SlackMessage {
  /** Fallback text for notifications and screen readers. */
  text: string;
  blocks: types.KnownBlock[];
  metadata: SlackMetadata;
}

/** The action id of the Edit button on announcements and listed entries; its value is the entry's id. */
export const EDIT_FINDING_ACTION_ID = "edit_finding";

/** An actions block with the Edit button for entry `id`. */
export function editButton(id: string): types.KnownBlock {
  return { type: "actions", block_id: `edit:${id}`.slice(0, 255), elements: [{ type: "button", action_id: EDIT_FINDING_ACTION_ID, text: { type: "plain_text", text: "Edit", emoji: true }, value: id }] };
}

/** Reactions that check an item off (or resolve a finding). */
export const CHECK_REACTIONS: readonly string[] = ["white_check_mark", "heavy_check_mark", "ballot_box_with_check"];

const STATUS_EMOJI: Record<string, string> = { Open: ":large_yellow_circle:", Resolved: ":white_check_mark:", Workaround: ":large_orange_circle:" };

// Slack's limit for a section's text; titles are short, but item text is free.
const SECTION_LIMIT = 3000;

/** The title in at most `max` escaped characters, linked when there is a URL. */
const titleText = (title: string, url: string | undefined, max: number): string =>
  url === undefined ? `*${shortenSlackText(title, max)}*` : `*${slackLink(url, title, max)}*`;

/** The Related items as mrkdwn: runs, files and URLs linked, the rest escaped, each cut to fit. */
export function relatedMrkdwn(items: readonly string[], links: RelatedLinkOptions, max = SECTION_LIMIT - 100): string {
  const each = Math.max(40, Math.floor(max / Math.max(1, items.length)) - 2);
  const parts = linkRelated(items, links).map((link) => (link.url === undefined ? shortenSlackText(link.label, each) : slackLink(link.url, link.label, each - 20)));
  return shortenEscaped(parts.join(", "), max);
}

/**
 * The message announcing a finding in the channel: title (linked to the entry
 * on GitHub), category, status, Related (runs, files and URLs linked), who
 * logged it, the commit. Its metadata names the entry, so a reaction on it can
 * be applied after a restart.
 */
export function buildAnnouncement(payload: EntryPayload, links: RelatedLinkOptions = {}): SlackMessage {
  const context = [
    payload.logged_by === undefined ? undefined : `Logged by <@${payload.logged_by}>`,
    payload.commit_url === undefined ? undefined : slackLink(payload.commit_url, "commit"),
    payload.status === "Resolved" ? undefined : "React with :white_check_mark: to mark it Resolved",
  ].filter((part): part is string => part !== undefined);
  const blocks: types.KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: `:memo: New finding: ${titleText(payload.title, payload.entry_url, 1000)}` } },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Category*\n${escapeSlackText(payload.category ?? "—")}` },
        { type: "mrkdwn", text: `*Status*\n${STATUS_EMOJI[payload.status] ?? ""} ${payload.status}`.trim() },
      ],
    },
  ];
  const related = payload.related?.split("\n").filter((item) => item !== "") ?? [];
  if (related.length > 0) {
    blocks.push({ type: "section", block_id: "related", text: { type: "mrkdwn", text: `*Related*\n${relatedMrkdwn(related, links)}` } });
  }
  blocks.push(editButton(payload.id));
  if (context.length > 0) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: context.join(" · ") }] });
  return {
    text: `New finding: ${shortenSlackText(payload.title, 1000)} (${escapeSlackText(payload.category ?? "")}, ${payload.status})`,
    blocks,
    metadata: entryMetadata(payload),
  };
}

/**
 * One action item as its own message (in the announcement's or the digest's
 * thread), so that a reaction on it checks the item off.
 */
export function buildItemMessage(payload: ItemPayload, options: { showTitle?: boolean } = {}): SlackMessage {
  // Escaped, then shortened: the title (with its link) and the text together stay within the section's limit.
  const text = shortenSlackText(payload.text, SECTION_LIMIT - 800);
  const body = payload.done ? `:white_check_mark: ~${text}~` : `:white_large_square: ${text}`;
  const age = payload.age_days === undefined ? "" : ` _(${payload.age_days === 1 ? "1 day" : `${payload.age_days} days`} old)_`;
  const title = options.showTitle === true ? `${titleText(payload.title, payload.entry_url, 300)}: ` : "";
  return {
    text: `${payload.done ? "Done" : "Action item"}: ${text}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${title}${body}${age}` } },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: payload.done ? "Checked off. Remove the reaction to reopen it." : "React with :white_check_mark: to check it off.",
          },
        ],
      },
    ],
    metadata: itemMetadata(payload),
  };
}
