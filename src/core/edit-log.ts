import { formatEntry, formatHeading } from "./format-entry.js";
import { collapseWhitespace } from "./normalize-finding.js";
import { indexLog, readEntry } from "./parse-log.js";
import type { IndexedEntry, LogIndex } from "./parse-log.js";
import { HeadingSlugger, headingText, slugify } from "./slugify.js";
import { effectiveStatus, replaceStatus } from "./status.js";
import type { Finding, Status } from "./types.js";

/** An edit that applied (possibly changing nothing: edits are idempotent). */
export type EditApplied = { ok: true; text: string; changed: boolean };
/** An edit that cannot apply: no such entry or item. */
export type EditRefused = { ok: false; reason: string };
export type EditOutcome = EditApplied | EditRefused;

export interface AppendOptions {
  /** Where new entries go; the seed's log is chronological (`oldest-first`). */
  order?: "oldest-first" | "newest-first";
}

function isLineBreakEnd(text: string): boolean {
  return text.endsWith("\n");
}

/** True when the text (ending in a line break) ends with a blank line, or is empty after the BOM. */
function endsWithBlankLine(text: string, from: number): boolean {
  let i = text.length - 1; // the final \n
  if (i >= 1 && text.charCodeAt(i - 1) === 13) i--;
  let j = i - 1;
  while (j >= from && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
  return j < from || text.charCodeAt(j) === 10;
}

/** The GitHub anchor of a finding's heading before any repeat suffix (`-1`): its id when the heading is unique. */
export function anchorOf(finding: Finding): string {
  return slugify(headingText(formatHeading(finding)));
}

/** The entry that holds this finding already (same date, title, finding and impact), if any. */
function findDuplicate(text: string, index: LogIndex, finding: Finding): IndexedEntry | undefined {
  return index.entries.find((indexed) => {
    // Only entries with the same date and title need their lines read.
    if (indexed.parts.date !== finding.date || collapseWhitespace(indexed.parts.title) !== finding.title) return false;
    const { entry } = readEntry(text, indexed);
    return entry.finding === finding.finding && entry.impact === finding.impact;
  });
}

/**
 * Add a finding to the log: appended at the end (or before the first entry
 * for `newest-first`), in the file's line endings. Idempotent: when an entry
 * with the same date, title, finding and impact is already there, the text
 * comes back unchanged with that entry's id. `id` is the anchor GitHub gives
 * the entry's heading, repeat suffix included.
 */
export function appendEntry(
  text: string | undefined,
  finding: Finding,
  options: AppendOptions = {},
): { ok: true; text: string; changed: boolean; id: string } {
  const headingBase = anchorOf(finding);
  const bom = text !== undefined && text.charCodeAt(0) === 0xfeff;
  if (text === undefined || text === "" || text === "\ufeff") {
    const slugger = new HeadingSlugger();
    slugger.next("research-log");
    return {
      ok: true,
      text: `${bom ? "\ufeff" : ""}# Research Log\n\n${formatEntry(finding)}`,
      changed: true,
      id: slugger.next(headingBase),
    };
  }
  const index = indexLog(text);
  const existing = findDuplicate(text, index, finding);
  if (existing) return { ok: true, text, changed: false, id: existing.id };

  const eol = index.eol;
  const block = formatEntry(finding, eol);
  const first = index.entries[0];
  if (options.order === "newest-first" && first) {
    const at = first.span.start;
    // The new heading's id counts only the headings before it: those in the text up to the first entry.
    const slugger = indexLog(text.slice(0, at)).slugger;
    return { ok: true, text: text.slice(0, at) + block + eol + text.slice(at), changed: true, id: slugger.next(headingBase) };
  }

  let prefix = text;
  if (!isLineBreakEnd(prefix)) prefix += eol;
  if (index.openFence) {
    // Close a fence left open by hand, or the new entry would render as code.
    prefix += String.fromCharCode(index.openFence.char).repeat(index.openFence.length) + eol;
  }
  if (!endsWithBlankLine(prefix, bom ? 1 : 0)) prefix += eol;
  return { ok: true, text: prefix + block, changed: true, id: index.slugger.next(headingBase) };
}

/** The entry with this id, as indexed: its lines are not read yet. */
function findEntry(index: LogIndex, id: string): IndexedEntry | undefined {
  return index.entries.find((e) => e.id === id);
}

function noSuchEntry(id: string): EditRefused {
  return { ok: false, reason: `no finding with id "${id}"` };
}

/**
 * Set an entry's Status. Only the Status value changes, and no word of the
 * author's is lost (see `replaceStatus`): `Open` becomes `Resolved`,
 * `Design only.` becomes `Resolved (was: Design only.)`. When the entry has
 * no Status line, one is inserted after its Category line.
 */
export function setStatus(text: string, id: string, status: Status): EditOutcome {
  const index = indexLog(text);
  const indexed = findEntry(index, id);
  if (!indexed) return noSuchEntry(id);
  const { entry, layout } = readEntry(text, indexed);
  const eol = index.eol;
  if (entry.statusSpan && entry.status !== undefined) {
    if (effectiveStatus(entry.status) === status) return { ok: true, text, changed: false };
    const { start, end } = entry.statusSpan;
    return { ok: true, text: text.slice(0, start) + replaceStatus(entry.status, status) + text.slice(end), changed: true };
  }
  let at = layout.categoryNext ?? layout.headingNext;
  let insert = `**Status**: ${status}${eol}`;
  if (layout.categoryNext === undefined) {
    // After the heading's blank line, and keep one before what follows.
    const lineEnd = text.indexOf("\n", at);
    const blankLine = lineEnd !== -1 && text.slice(at, lineEnd).trim() === "";
    if (blankLine) at = lineEnd + 1;
    const nextEnd = text.indexOf("\n", at);
    const nextLine = text.slice(at, nextEnd === -1 ? text.length : nextEnd).trim();
    if (nextLine !== "" && !/^(?:[-*+]\s+)?(?:\*\*|__)?(?:category|related)\b/i.test(nextLine)) insert += eol;
    if (!blankLine) insert = eol + insert;
  }
  if (at > 0 && text.charCodeAt(at - 1) !== 10) insert = eol + insert;
  return { ok: true, text: text.slice(0, at) + insert + text.slice(at), changed: true };
}

/**
 * Check (or uncheck) one action item, replacing only its checkbox character.
 * `item` is 1-based; with `expectedText`, an item moved by hand is found by
 * its text.
 */
export function setActionItem(
  text: string,
  id: string,
  item: number,
  done: boolean,
  expectedText?: string,
): EditOutcome {
  const indexed = findEntry(indexLog(text), id);
  if (!indexed) return noSuchEntry(id);
  const { entry } = readEntry(text, indexed);
  const items = entry.actionItems;
  let target = items[item - 1];
  if (expectedText !== undefined) {
    const wanted = collapseWhitespace(expectedText);
    if (!target || collapseWhitespace(target.text) !== wanted) {
      const found = items.find((i) => collapseWhitespace(i.text) === wanted);
      if (!found) {
        return { ok: false, reason: `finding "${entry.title}" has no action item "${wanted}"` };
      }
      target = found;
    }
  }
  if (!target) {
    return { ok: false, reason: `finding "${entry.title}" has no action item ${item} (it has ${items.length})` };
  }
  if (target.done === done) return { ok: true, text, changed: false };
  const { start, end } = target.checkSpan;
  return { ok: true, text: text.slice(0, start) + (done ? "x" : " ") + text.slice(end), changed: true };
}
