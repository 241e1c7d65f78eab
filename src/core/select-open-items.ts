import { daysBetween } from "./dates.js";
import { isOpen } from "./filter-entries.js";
import type { ParsedLog } from "./types.js";

/** One entry's open action items, as the digest shows them. */
export interface OpenItemGroup {
  id: string;
  title: string;
  date: string | undefined;
  status: string | undefined;
  items: { item: number; text: string; ageDays: number | undefined }[];
}

/**
 * The digest's content: unchecked action items of entries that are not
 * Resolved, grouped by entry in file order; `item` is 1-based among the
 * entry's items, `ageDays` counts from the entry's date to `today`.
 */
export function selectOpenItems(log: ParsedLog, today: string): OpenItemGroup[] {
  const groups: OpenItemGroup[] = [];
  for (const entry of log.entries) {
    if (!isOpen(entry)) continue;
    // An entry dated in its author's zone can be a day ahead of `today` here: 0 days old, not -1.
    const ageDays = entry.date === undefined ? undefined : Math.max(0, daysBetween(entry.date, today));
    const items: OpenItemGroup["items"] = [];
    entry.actionItems.forEach((item, index) => {
      if (!item.done) items.push({ item: index + 1, text: item.text, ageDays: Number.isNaN(ageDays) ? undefined : ageDays });
    });
    if (items.length > 0) {
      groups.push({ id: entry.id, title: entry.title, date: entry.date, status: entry.status, items });
    }
  }
  return groups;
}
