import { statusWord } from "./status.js";
import type { ParsedEntry } from "./types.js";

/** What `list` narrows entries by; every given criterion must hold. */
export interface EntryFilter {
  /** Only entries whose status is not Resolved. */
  open?: boolean;
  category?: string;
  /** The status word (`Open` finds `Open - waiting on infra` too). */
  status?: string;
  /** Words that must each occur (case-insensitive) somewhere in the entry: title, fields, any section, action items. */
  search?: string;
}

function same(a: string | undefined, b: string): boolean {
  return a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Markup that is not the author's words: field labels, the formatter's section headings, checkboxes. */
const MARKUP = [
  /^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?:category|status|related)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?/gim,
  /^[ \t]*###[ \t]+(?:finding|impact|action items)[ \t]*:?[ \t]*$/gim,
  /^[ \t]*[-*+][ \t]+\[[ xX]\]/gm,
];

/** Everything the entry says, lower-cased, without the markup every entry has. */
function searchable(e: ParsedEntry): string {
  let body = e.body;
  for (const markup of MARKUP) body = body.replace(markup, "");
  return `${e.title}\n${body}`.toLowerCase();
}

/** True when an entry counts as open: its status does not start with Resolved. */
export function isOpen(e: ParsedEntry): boolean {
  return statusWord(e.status) !== "Resolved";
}

/** The entries matching `filter`, in file order. */
export function filterEntries(entries: readonly ParsedEntry[], filter: EntryFilter): ParsedEntry[] {
  const words = (filter.search ?? "").toLowerCase().split(/\s+/).filter((w) => w !== "");
  return entries.filter((e) => {
    if (filter.open && !isOpen(e)) return false;
    if (filter.category !== undefined && !same(e.category, filter.category)) return false;
    if (filter.status !== undefined && !same(statusWord(e.status) ?? e.status, filter.status)) return false;
    if (words.length > 0) {
      const haystack = searchable(e);
      if (!words.every((w) => haystack.includes(w))) return false;
    }
    return true;
  });
}
