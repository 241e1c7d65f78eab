import type { types } from "@slack/bolt";
import { shortenSlackText, slackLink } from "./escape-slack-text.js";

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
 * One finding's section: its title and its items, each escaped and then
 * shortened, whole lines only (a cut never falls inside `&amp;` or a link),
 * within the section limit after escaping.
 */
function groupText(group: DigestGroup): string {
  const heading = group.url === undefined ? `*${shortenSlackText(group.title, 300)}*` : `*${slackLink(group.url, group.title, 300)}*`;
  const lines = [heading];
  let length = heading.length;
  for (const [index, item] of group.items.entries()) {
    const line = `• ${shortenSlackText(item.text, 300)}${age(item.ageDays)}`;
    const more = `…and ${group.items.length - index} more in the thread`;
    const last = index === group.items.length - 1;
    if (length + 1 + line.length + (last ? 0 : 1 + more.length) > SECTION_LIMIT) {
      lines.push(more);
      break;
    }
    lines.push(line);
    length += 1 + line.length;
  }
  return lines.join("\n");
}

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
    blocks.push({ type: "section", text: { type: "mrkdwn", text: groupText(group) } });
  }
  return { text: `Research log digest: ${summary}`, blocks };
}
