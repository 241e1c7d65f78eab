/**
 * The reference: an eager, single-pass parser of the log written
 * independently of src/core/parse-log.ts (it is that file as of commit
 * 643e31d), kept verbatim but for ids, which come from github-slugger
 * itself, and for headings, which since issue 10 follow
 * `parseEntryHeading` (tested on its own in entry-heading.test.ts). Tests
 * compare what parse-log.ts reads with what this gives, field by field.
 * It knows nothing of `body` or `checkboxLookalikes`, which came later.
 */
import GithubSlugger from "github-slugger";
import { atxLevel, blockStart, closesFence, fenceOpener, isBlank } from "../../src/core/markdown-lines.js";
import type { Fence } from "../../src/core/markdown-lines.js";
import { parseEntryHeading } from "../../src/core/entry-heading.js";
import type { EntryLayout } from "../../src/core/parse-log.js";
import { headingText } from "../../src/core/slugify.js";
import { isValidDate } from "../../src/core/dates.js";
import type { ParsedActionItem, ParsedEntry, ParsedLog, Span } from "../../src/core/types.js";

/** An entry without the fields the reference does not know. */
export type ReferenceEntry = Omit<ParsedEntry, "body">;
export type ReferenceLayout = Omit<EntryLayout, "checkboxLookalikes" | "fields" | "sections" | "items">;

export interface EagerScan {
  log: Omit<ParsedLog, "entries"> & { entries: ReferenceEntry[] };
  layouts: ReferenceLayout[];
  openFence: (Fence & { line: number }) | undefined;
}

// `**Category**: X`, `**Category:** X`, `Category: X`, each also as a list item.
const FIELD =
  /^(?:[-*+][ \t]+)?(?:(\*\*|__)(category|status|related)\1[ \t]*:|(\*\*|__)(category|status|related)[ \t]*:\3|(category|status|related)[ \t]*:)[ \t]*/i;

/** Related items as written: split on commas outside code spans, backticks dropped. */
function parseRelated(value: string): string[] {
  const items: string[] = [];
  let inCode = false;
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 96) inCode = !inCode;
    else if (i === value.length || (c === 44 && !inCode)) {
      let item = value.slice(start, i);
      if (item.includes("`")) item = item.replace(/`/g, "");
      item = item.trim();
      if (item !== "") items.push(item);
      start = i + 1;
    }
  }
  return items;
}

/** A heading's content: without the `#`s, surrounding whitespace and closing sequence. */
function atxContent(text: string, at: number, end: number, level: number): string {
  let s = text.slice(at + level, end).trim();
  // A closing sequence is a run of `#` preceded by a space (or the whole content).
  let j = s.length;
  while (j > 0 && s.charCodeAt(j - 1) === 35) j--;
  if (j < s.length && (j === 0 || s.charCodeAt(j - 1) === 32 || s.charCodeAt(j - 1) === 9)) {
    s = s.slice(0, j).trimEnd();
  }
  return s;
}

function unescapeActionText(text: string): string {
  if (text.charCodeAt(0) === 92 && (text.charCodeAt(1) === 92 || /^\[[ xX]\]/.test(text.slice(1)))) return text.slice(1);
  return text;
}

const enum Section {
  Header,
  Finding,
  Impact,
  Actions,
  Other,
}

interface Builder {
  entry: ReferenceEntry;
  layout: ReferenceLayout;
  section: Section;
  secStart: number;
  secFirst: number;
  secLastEnd: number;
  secCR: boolean;
  escapes: number[];
  lastEnd: number;
}

function sectionText(text: string, b: Builder): string {
  if (b.secFirst < 0) return "";
  let s: string;
  if (b.escapes.length === 0) s = text.slice(b.secFirst, b.secLastEnd);
  else {
    s = "";
    let from = b.secFirst;
    for (const at of b.escapes) {
      s += text.slice(from, at);
      from = at + 1;
    }
    s += text.slice(from, b.secLastEnd);
  }
  if (b.secCR) s = s.replace(/\r\n/g, "\n");
  return s.trimEnd();
}

function closeSection(text: string, b: Builder): void {
  if (b.section === Section.Finding) b.entry.finding = sectionText(text, b);
  else if (b.section === Section.Impact) b.entry.impact = sectionText(text, b);
  b.section = Section.Other;
}

/**
 * Read the log with one line scan: entries, their fields and where each part
 * is, every heading's GitHub id, and a fence left open at the end.
 */
export function eagerScan(text: string): EagerScan {
  const len = text.length;
  const bom = len > 0 && text.charCodeAt(0) === 0xfeff;
  const firstNl = text.indexOf("\n");
  const eol = firstNl > 0 && text.charCodeAt(firstNl - 1) === 13 ? "\r\n" : "\n";
  const entries: ReferenceEntry[] = [];
  const layouts: ReferenceLayout[] = [];
  const slugger = new GithubSlugger();
  let fence: Fence | undefined;
  let fenceLine = 0;
  let cur: Builder | undefined;
  let pos = bom ? 1 : 0;
  let lineNo = 0;

  const finish = (at: number): void => {
    if (!cur) return;
    closeSection(text, cur);
    cur.entry.span.end = at;
    cur.entry.contentEnd = cur.lastEnd;
    entries.push(cur.entry);
    layouts.push(cur.layout);
    cur = undefined;
  };

  while (pos < len) {
    lineNo++;
    const nl = text.indexOf("\n", pos);
    const next = nl === -1 ? len : nl + 1;
    let end = nl === -1 ? len : nl;
    const cr = end > pos && text.charCodeAt(end - 1) === 13;
    if (cr) end--;
    const first = pos < end ? text.charCodeAt(pos) : -1;
    const blank = first === -1 || ((first === 32 || first === 9) && isBlank(text, pos, end));
    const at = blank ? -1 : blockStart(text, pos, end);
    const c = at === -1 ? -1 : text.charCodeAt(at);

    if (fence) {
      if (at !== -1 && closesFence(text, at, end, fence)) fence = undefined;
    } else if (c === 35) {
      const level = atxLevel(text, at, end);
      if (level > 0) {
        // The formatter's own section headings need no slicing or slugging.
        const known = level === 3 && cur !== undefined ? knownSection(text, at, end) : undefined;
        if (known !== undefined && cur) {
          slugger.slug(known.heading);
          startSection(text, cur, known.name, end, lineNo);
          pos = next;
          continue;
        }
        const content = atxContent(text, at, end, level);
        const id = slugger.slug(headingText(content));
        if (level <= 2) {
          finish(pos);
          const parsed = level === 2 ? parseEntryHeading(content) : undefined;
          if (parsed) {
            cur = {
              entry: {
                id,
                line: lineNo,
                span: { start: pos, end: len },
                heading: content,
                date: isValidDate(parsed.rawDate) ? parsed.rawDate : undefined,
                title: parsed.title,
                category: undefined,
                status: undefined,
                statusSpan: undefined,
                statusLine: undefined,
                related: [],
                finding: undefined,
                impact: undefined,
                actionItems: [],
                contentEnd: end,
              },
              layout: {
                headingNext: next,
                rawDate: parsed.rawDate,
                categoryLine: undefined,
                categoryNext: undefined,
                findingLine: undefined,
                impactLine: undefined,
              },
              section: Section.Header,
              secStart: next,
              secFirst: -1,
              secLastEnd: -1,
              secCR: false,
              escapes: [],
              lastEnd: end,
            };
          }
          pos = next;
          continue;
        }
        if (cur && level === 3) {
          startSection(text, cur, content.replace(/:$/, "").trim().toLowerCase(), end, lineNo);
          pos = next;
          continue;
        }
      }
    } else if (c === 96 || c === 126) {
      const opened = fenceOpener(text, at, end);
      if (opened) {
        fence = opened;
        fenceLine = lineNo;
        if (cur) cur.lastEnd = end;
        if (cur && (cur.section === Section.Finding || cur.section === Section.Impact)) {
          if (cur.secFirst < 0) cur.secFirst = pos;
          cur.secLastEnd = end;
          if (cr) cur.secCR = true;
        }
        pos = next;
        continue;
      }
    }

    if (cur && !blank) {
      cur.lastEnd = end;
      const b = cur;
      switch (b.section) {
        case Section.Finding:
        case Section.Impact:
          if (b.secFirst < 0) b.secFirst = pos;
          b.secLastEnd = end;
          if (cr) b.secCR = true;
          // A line that starts with `\` outside a fence was escaped by formatEntry.
          if (c === 92 && !fence) b.escapes.push(at);
          break;
        case Section.Header:
          if (c !== -1 && !fence) parseField(text, b, at, end, next, lineNo);
          break;
        case Section.Actions: {
          if (fence) break;
          const item = parseCheckbox(text, pos, end, lineNo);
          if (item) b.entry.actionItems.push(item);
          break;
        }
        default:
          break;
      }
    }
    pos = next;
  }
  finish(len);
  return {
    log: { eol, bom, entries },
    layouts,
    openFence: fence ? { ...fence, line: fenceLine } : undefined,
  };
}

const KNOWN_SECTIONS = [
  { heading: "Finding", name: "finding", base: "finding" },
  { heading: "Impact", name: "impact", base: "impact" },
  { heading: "Action Items", name: "action items", base: "action-items" },
] as const;

/** `### Finding` and the like exactly as the formatter writes them, or undefined. */
function knownSection(text: string, at: number, end: number): (typeof KNOWN_SECTIONS)[number] | undefined {
  const from = at + 4;
  for (const known of KNOWN_SECTIONS) {
    if (end - from === known.heading.length && text.startsWith(known.heading, from)) return known;
  }
  return undefined;
}

function startSection(text: string, b: Builder, name: string, end: number, lineNo: number): void {
  closeSection(text, b);
  b.lastEnd = end;
  b.secFirst = -1;
  b.secLastEnd = -1;
  b.secCR = false;
  b.escapes = [];
  if (name === "finding" && b.layout.findingLine === undefined) {
    b.section = Section.Finding;
    b.layout.findingLine = lineNo;
  } else if (name === "impact" && b.layout.impactLine === undefined) {
    b.section = Section.Impact;
    b.layout.impactLine = lineNo;
  } else if (name === "action items") {
    b.section = Section.Actions;
  }
}

/** `- [ ] text`, `* [x] text`, `+ [X] text`, any indentation; undefined for other lines. */
function parseCheckbox(text: string, pos: number, end: number, lineNo: number): ParsedActionItem | undefined {
  let i = pos;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const bullet = text.charCodeAt(i);
  if (bullet !== 45 && bullet !== 42 && bullet !== 43) return undefined;
  let j = i + 1;
  while (j < end && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
  if (j === i + 1 || text.charCodeAt(j) !== 91 || text.charCodeAt(j + 2) !== 93 || j + 3 > end) return undefined;
  const mark = text.charCodeAt(j + 1);
  if (mark !== 32 && mark !== 120 && mark !== 88) return undefined;
  let k = j + 3;
  if (k < end && text.charCodeAt(k) !== 32 && text.charCodeAt(k) !== 9) return undefined;
  while (k < end && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  return {
    text: unescapeActionText(text.slice(k, end).trimEnd()),
    done: mark !== 32,
    line: lineNo,
    checkSpan: { start: j + 1, end: j + 2 },
  };
}

function parseField(text: string, b: Builder, at: number, end: number, next: number, lineNo: number): void {
  const c = text.charCodeAt(at) | 32;
  // `*`, `_`, `-`, `+` or the first letter of a field name
  if (c !== 42 && c !== 127 && c !== 45 && c !== 43 && c !== 99 && c !== 115 && c !== 114) return;
  const line = text.slice(at, end);
  const m = FIELD.exec(line);
  if (!m) return;
  const name = (m[2] ?? m[4] ?? m[5] ?? "").toLowerCase();
  let valueEnd = line.length;
  while (valueEnd > m[0].length && /\s/.test(line[valueEnd - 1] ?? "")) valueEnd--;
  const value = line.slice(m[0].length, valueEnd);
  const e = b.entry;
  if (name === "category") {
    if (e.category !== undefined) return;
    e.category = value;
    b.layout.categoryLine = lineNo;
    b.layout.categoryNext = next;
  } else if (name === "status") {
    if (e.status !== undefined) return;
    e.status = value;
    const span: Span = { start: at + m[0].length, end: at + valueEnd };
    e.statusSpan = span;
    e.statusLine = lineNo;
  } else if (e.related.length === 0) {
    e.related = parseRelated(value);
  }
}

