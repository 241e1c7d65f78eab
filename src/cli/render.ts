import type { OpenItemGroup } from "../core/select-open-items.js";
import type { EntrySummary } from "../services/log-service.js";

/** `list` for people: one line per finding, its action items numbered below. */
export function renderList(entries: readonly EntrySummary[]): string {
  if (entries.length === 0) return "No findings.\n";
  const lines: string[] = [];
  for (const entry of entries) {
    lines.push(`${entry.id}`);
    lines.push(`  ${entry.date ?? "????-??-??"}  [${entry.status ?? "no status"}] ${entry.category ?? "no category"}: ${entry.title}`);
    entry.actionItems.forEach((item, index) => {
      lines.push(`    ${index + 1}. [${item.done ? "x" : " "}] ${item.text}`);
    });
  }
  return `${lines.join("\n")}\n`;
}

/** `digest` for people: open action items grouped by finding, with ages. */
export function renderDigest(groups: readonly OpenItemGroup[]): string {
  if (groups.length === 0) return "No open action items.\n";
  const count = groups.reduce((sum, group) => sum + group.items.length, 0);
  const lines = [`${count} open action item${count === 1 ? "" : "s"} in ${groups.length} finding${groups.length === 1 ? "" : "s"}:`];
  for (const group of groups) {
    lines.push("", `${group.title}  (${group.id})`);
    for (const item of group.items) {
      const age = item.ageDays === undefined ? "" : `  ${item.ageDays} day${item.ageDays === 1 ? "" : "s"} old`;
      lines.push(`  ${item.item}. [ ] ${item.text}${age}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
