import { headingDatePrefix } from "./entry-heading.js";
import { escapeActionText, escapeBlock, escapeTitle, formatRelated } from "./format-entry.js";
import { collapseWhitespace } from "./normalize-finding.js";
import { indexLog, readEntry } from "./parse-log.js";
import { effectiveStatus, replaceStatus } from "./status.js";
import type { Finding, FindingInput, ParsedEntry, Span } from "./types.js";

/**
 * Rewriting an entry from an edited form: only what changed is rewritten, in
 * place, so every byte outside the entry stays as it was and, inside it, the
 * author's own sections, prose and formatting of untouched fields stay too.
 * The entry keeps its date as written. A form opened on an older version of
 * the entry is refused (`entryVersion`): nothing is written over a hand edit,
 * another person's edit or a ✅ made in the meantime.
 */

/** What `editEntry` answers. `id` is the entry's id after the edit (a new title gives a new anchor). */
export type EditEntryOutcome =
  | { ok: true; text: string; changed: boolean; id: string }
  | { ok: false; reason: string; conflict?: { current: string; version: string } };

/** A version of one entry: a hash of its bytes from its heading through its last line. */
export function entryVersion(text: string, entry: Pick<ParsedEntry, "span" | "contentEnd">): string {
  return hash53(text.slice(entry.span.start, Math.max(entry.span.start, entry.contentEnd)));
}

/** The entry with this id as it is now, with its version: what an edit form is filled from. */
export function entryForEdit(text: string, id: string): { entry: ParsedEntry; version: string; markdown: string } | undefined {
  const indexed = indexLog(text).entries.find((e) => e.id === id);
  if (indexed === undefined) return undefined;
  const { entry } = readEntry(text, indexed);
  return { entry, version: entryVersion(text, entry), markdown: text.slice(entry.span.start, Math.max(entry.span.start, entry.contentEnd)) };
}

/**
 * What an edit form shows of an entry as it is now: its fields as typed
 * input, the status as the status it counts as, done items as `[x] text`.
 */
export function formInputOf(entry: ParsedEntry): FindingInput {
  return {
    date: entry.date,
    title: entry.title,
    category: entry.category,
    status: effectiveStatus(entry.status ?? ""),
    related: entry.related,
    finding: entry.finding,
    impact: entry.impact,
    actionItems: entry.actionItems.map((item) => `${item.done ? "[x]" : "[ ]"} ${item.text}`),
  };
}

/** cyrb53: a fast 53-bit string hash (not for secrets), as 14 hex digits. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}

interface Replacement {
  start: number;
  end: number;
  text: string;
}

/** True when the text before `end` ends with a line break (a whole line's span does, but for the file's last line). */
const hasLineBreak = (text: string, end: number): boolean => end > 0 && text.charCodeAt(end - 1) === 10;

/**
 * Rewrite entry `id` to say what `finding` says (its date is ignored: the
 * entry keeps its own). With `expectedVersion`, the edit applies only when
 * the entry is still the one the form was filled from.
 */
export function editEntry(text: string, id: string, finding: Finding, expectedVersion?: string): EditEntryOutcome {
  const index = indexLog(text);
  const position = index.entries.findIndex((e) => e.id === id);
  const indexed = index.entries[position];
  if (indexed === undefined) return { ok: false, reason: `no finding with id "${id}"` };
  const { entry, layout } = readEntry(text, indexed);
  const version = entryVersion(text, entry);
  if (expectedVersion !== undefined && expectedVersion !== version) {
    // The entry changed since the form was filled. If it already says what the form says (this very edit,
    // landed before a crash), there is nothing to do; otherwise nothing is written over the change.
    const same = editEntry(text, id, finding);
    if (same.ok && !same.changed) return same;
    return {
      ok: false,
      reason: `"${entry.title}" changed in the log since the form was opened; nothing was written`,
      conflict: { current: text.slice(entry.span.start, Math.max(entry.span.start, entry.contentEnd)), version },
    };
  }
  const eol = index.eol;
  const edits: Replacement[] = [];
  const replace = (span: Span, value: string): void => {
    edits.push({ start: span.start, end: span.end, text: value });
  };
  const insert = (at: number, value: string): void => {
    edits.push({ start: at, end: at, text: value });
  };

  // The heading: the date as written, the new title.
  if (collapseWhitespace(entry.title) !== finding.title) {
    const prefix = headingDatePrefix(entry.heading) ?? `${entry.date ?? finding.date} `;
    replace({ start: entry.span.start, end: indexed.headingEnd }, `## ${prefix}${prefix === "" || /\s$/.test(prefix) ? "" : " "}${escapeTitle(finding.title)}`);
  }

  // Fields: a changed value is replaced; a missing one is added after the heading (Category) or the field before it.
  const { category, status, related } = layout.fields;
  if ((entry.category ?? "").trim().toLowerCase() !== finding.category.toLowerCase()) {
    if (category !== undefined) replace(category.value, finding.category);
    else insert(layout.headingNext, `**Category**: ${finding.category}${eol}`);
  }
  if (status === undefined) {
    const after = category?.line.end ?? layout.headingNext;
    insert(after, `**Status**: ${finding.status}${eol}`);
  } else if (effectiveStatus(entry.status ?? "") !== finding.status) {
    replace(status.value, replaceStatus(entry.status ?? "", finding.status));
  }
  const relatedNow = entry.related.join("\n");
  if (relatedNow !== finding.related.join("\n")) {
    if (related !== undefined && finding.related.length === 0) replace(related.line, "");
    else if (related !== undefined) replace(related.value, formatRelated(finding.related));
    else {
      const after = status?.line.end ?? category?.line.end ?? layout.headingNext;
      insert(after, `**Related**: ${formatRelated(finding.related)}${eol}`);
    }
  }

  // Finding and Impact: the section's text is replaced; the author's other sections stay.
  for (const name of ["finding", "impact"] as const) {
    if (entry[name] === finding[name]) continue;
    const section = layout.sections[name];
    const block = escapeBlock(finding[name]).join(eol);
    if (section?.text !== undefined) replace(section.text, block);
    else if (section !== undefined) insert(section.next, `${block}${eol}`);
    else insert(entry.contentEnd, `${eol}${eol}### ${name === "finding" ? "Finding" : "Impact"}${eol}${block}`);
  }

  // Action items, pair by pair: text and checkbox as needed; dropped ones lose their line; new ones follow the last.
  const old = entry.actionItems;
  const wanted = finding.actionItems;
  for (let i = 0; i < Math.min(old.length, wanted.length); i++) {
    const was = old[i];
    const now = wanted[i];
    const where = layout.items[i];
    if (was === undefined || now === undefined || where === undefined) continue;
    if (was.text !== now.text) replace(where.text, escapeActionText(now.text));
    if (was.done !== now.done) replace(was.checkSpan, now.done ? "x" : " ");
  }
  for (let i = wanted.length; i < old.length; i++) {
    const where = layout.items[i];
    if (where !== undefined) replace(where.line, "");
  }
  if (wanted.length > old.length) {
    const lines = wanted.slice(old.length).map((item) => `- [${item.done ? "x" : " "}] ${escapeActionText(item.text)}`);
    const last = layout.items.at(-1);
    const section = layout.sections["action items"];
    if (last !== undefined) {
      const prefix = hasLineBreak(text, last.line.end) ? "" : eol;
      insert(last.line.end, `${prefix}${lines.join(eol)}${eol}`);
    } else if (section !== undefined) {
      insert(section.next, `${lines.join(eol)}${eol}`);
    } else {
      const end = entry.contentEnd;
      insert(end, `${eol}${eol}### Action Items${eol}${lines.join(eol)}`);
    }
  }

  if (edits.length === 0) return { ok: true, text, changed: false, id };
  // Apply from the end, so earlier offsets stay right; insertions at one place keep their order.
  const ordered = edits.map((edit, order) => ({ ...edit, order })).sort((a, b) => b.start - a.start || b.order - a.order);
  let result = text;
  for (const edit of ordered) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  const newId = indexLog(result).entries[position]?.id ?? id;
  return { ok: true, text: result, changed: result !== text, id: newId };
}
