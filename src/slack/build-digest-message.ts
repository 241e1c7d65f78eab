import type { types } from "@slack/bolt";
import { escapeSlackText, slackLink, truncate } from "./escape-slack-text.js";

/** One finding's open action items, as the digest shows them. */
export interface DigestGroup {
  id: string;
  title: string;
  url: string | undefined;
  items: { item: number; text: string; ageDays: number | undefined }[];
}

const MAX_BLOCKS = 50;
const SECTION_LIMIT = 3000;

const age = (days: number | undefined): string =>
  days === undefined ? "" : ` _(${days === 1 ? "1 day" : `${days} days`})_`;

/**
 * The digest's head message: open action items grouped by finding, with
 * their ages. The items themselves follow as threaded replies.
 */
export function buildDigestMessage(groups: readonly DigestGroup[]): { text: string; blocks: types.KnownBlock[] } {
  const itemCount = groups.reduce((n, g) => n + g.items.length, 0);
  const summary = `${itemCount} open action item${itemCount === 1 ? "" : "s"} in ${groups.length} finding${groups.length === 1 ? "" : "s"}`;
  const blocks: types.KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: "Research log digest", emoji: true } },
    { type: "section", text: { type: "mrkdwn", text: `${summary}. React with :white_check_mark: on an item in the thread to check it off.` } },
  ];
  // Leave room for the "and N more" line.
  const room = MAX_BLOCKS - blocks.length - 1;
  for (const [index, group] of groups.entries()) {
    if (index >= room) {
      blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `…and ${groups.length - index} more findings` }] });
      break;
    }
    const title = truncate(group.title, 300);
    const heading = group.url === undefined ? `*${escapeSlackText(title)}*` : `*${slackLink(group.url, title)}*`;
    const lines = group.items.map((item) => `• ${escapeSlackText(truncate(item.text, 300))}${age(item.ageDays)}`);
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate([heading, ...lines].join("\n"), SECTION_LIMIT) } });
  }
  return { text: `Research log digest: ${summary}`, blocks };
}
