import type { ParsedEntry } from "./types.js";

/** What `list` narrows entries by; every given criterion must hold. */
export interface EntryFilter {
  /** Only entries whose status is not Resolved. */
  open?: boolean;
  category?: string;
  status?: string;
  /** Words that must each occur (case-insensitive) in the title, finding, impact, related or action items. */
  search?: string;
}

function same(a: string | undefined, b: string): boolean {
  return a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
}

function searchable(e: ParsedEntry): string {
  return [e.title, e.finding ?? "", e.impact ?? "", ...e.related, ...e.actionItems.map((i) => i.text)]
    .join("\n")
    .toLowerCase();
}

/** The entries matching `filter`, in file order. */
export function filterEntries(entries: readonly ParsedEntry[], filter: EntryFilter): ParsedEntry[] {
  const words = (filter.search ?? "").toLowerCase().split(/\s+/).filter((w) => w !== "");
  return entries.filter((e) => {
    if (filter.open && same(e.status, "Resolved")) return false;
    if (filter.category !== undefined && !same(e.category, filter.category)) return false;
    if (filter.status !== undefined && !same(e.status, filter.status)) return false;
    if (words.length > 0) {
      const haystack = searchable(e);
      if (!words.every((w) => haystack.includes(w))) return false;
    }
    return true;
  });
}
