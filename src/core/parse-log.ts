import { isCalendarDay } from "./dates.js";
import { atxContent, atxLevel, blockStart, closesFence, fenceOpener, isBlank } from "./markdown-lines.js";
import type { Fence } from "./markdown-lines.js";
import { normalizeFinding } from "./normalize-finding.js";
import { HeadingSlugger, headingText, slugify } from "./slugify.js";
import type { Finding, FindingOptions, ParsedActionItem, ParsedEntry, ParsedLog, Span } from "./types.js";

/** Where the parts of an entry that edits and checks need (but callers do not) are. */
export interface EntryLayout {
  /** Offset of the line after the heading (text length when there is none). */
  headingNext: number;
  /** The date as written in the heading, valid or not. */
  rawDate: string;
  categoryLine: number | undefined;
  /** Offset of the line after the Category line. */
  categoryNext: number | undefined;
  findingLine: number | undefined;
  impactLine: number | undefined;
}

/** What one pass over the file finds; `parseLog` returns just `log`. */
export interface LogIndex {
  log: ParsedLog;
  /** The same array as `log.entries`, typed as what it holds. */
  entries: LogEntry[];
  /** The slugger's state after every heading in the file. */
  slugger: HeadingSlugger;
  /** A fence still open at the end of the file. */
  openFence: (Fence & { line: number }) | undefined;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Where the date in the heading's content ends (set by headingDate). */
let dateEnd = 0;

/**
 * The length of what /^(?:\[(\d{4}-\d{1,2}-\d{1,2})\]|(\d{4}-\d{1,2}-\d{1,2})(?=$|[\s:]))/
 * matches at the start of `content`, or -1; the date itself ends at
 * `dateEnd` (and starts at 0, or 1 after a `[`). By hand: no match array, no
 * strings.
 */
function headingDate(content: string): number {
  const n = content.length;
  const bracket = content.charCodeAt(0) === 91;
  let i = bracket ? 1 : 0;
  for (let k = 0; k < 4; k++) if (!isDigit(content.charCodeAt(i++))) return -1;
  for (let part = 0; part < 2; part++) {
    if (content.charCodeAt(i++) !== 45 || !isDigit(content.charCodeAt(i++))) return -1;
    if (isDigit(content.charCodeAt(i))) i++;
  }
  dateEnd = i;
  if (bracket) return content.charCodeAt(i) === 93 ? i + 1 : -1;
  const c = content.charCodeAt(i);
  return i === n || c === 58 || isSpace(c) ? i : -1;
}

/** isValidDate(content.slice(from, to)), from the characters (`\d{4}-\d{1,2}-\d{1,2}` already). */
function validDateAt(content: string, from: number, to: number): boolean {
  if (to - from !== 10) return false;
  const digit = (k: number): number => content.charCodeAt(from + k) - 48;
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const month = digit(5) * 10 + digit(6);
  const day = digit(8) * 10 + digit(9);
  return isCalendarDay(year, month, day);
}

/** The date and title of an entry heading's content, or undefined when it is not an entry. */
export function parseEntryHeading(content: string): { rawDate: string; title: string } | undefined {
  const parts = entryHeadingParts(content);
  return parts && { rawDate: parts.rawDate, title: parts.title };
}

function entryHeadingParts(content: string): HeadingParts | undefined {
  const matched = headingDate(content);
  if (matched === -1) return undefined;
  const dateStart = content.charCodeAt(0) === 91 ? 1 : 0;
  const rawDate = content.slice(dateStart, dateEnd);
  const date = validDateAt(content, dateStart, dateEnd) ? rawDate : undefined;
  // The separator, as /^\s*(?::|[-\u2013\u2014](?=\s|$))?\s*/ would match it.
  const n = content.length;
  let i = matched;
  while (i < n && isSpace(content.charCodeAt(i))) i++;
  const c = content.charCodeAt(i);
  if (c === 58) i++;
  else if ((c === 45 || c === 0x2013 || c === 0x2014) && (i + 1 === n || isSpace(content.charCodeAt(i + 1)))) i++;
  while (i < n && isSpace(content.charCodeAt(i))) i++;
  let title = content.slice(i);
  if (title.charCodeAt(0) === 91 && title.charCodeAt(title.length - 1) === 93) {
    const bracketed = /^\[(.*)\]$/.exec(title);
    if (bracketed) title = (bracketed[1] ?? "").trim();
  }
  // Undo formatEntry's title escapes, last one first.
  if (title.charCodeAt(title.length - 1) === 35) {
    const closing = /(^|\s)\\(\\*#+)$/.exec(title);
    if (closing) title = title.slice(0, closing.index + (closing[1]?.length ?? 0)) + (closing[2] ?? "");
  }
  if (title.charCodeAt(0) === 92 && /^[\\:\-\u2013\u2014[]/.test(title.slice(1, 2))) title = title.slice(1);
  return { rawDate, date, title };
}

/** True when an h2's content makes it an entry heading (what `parseEntryHeading` accepts). */
function isEntryHeading(content: string): boolean {
  return headingDate(content) !== -1;
}

/** Related items as written: split on commas outside code spans, backticks dropped. */
export function parseRelated(value: string): string[] {
  return relatedIn(value, 0, value.length);
}

/**
 * `parseRelated(text.slice(from, to))` without the slice, and with one string
 * per item where it can: an item is its text with backticks removed, then
 * trimmed, so it runs from the first to the last character that is neither.
 */
function relatedIn(text: string, from: number, to: number): string[] {
  let count = 0;
  let inCode = false;
  let start = from;
  for (let i = from; i <= to; i++) {
    const c = i === to ? -1 : text.charCodeAt(i);
    if (c === 96) inCode = !inCode;
    else if (c === -1 || (c === 44 && !inCode)) {
      let first = start;
      let last = i;
      let ticks = false;
      while (first < last && isTickOrSpace(text.charCodeAt(first))) first++;
      while (last > first && isTickOrSpace(text.charCodeAt(last - 1))) last--;
      for (let k = first; k < last; k++) if (text.charCodeAt(k) === 96) ticks = true;
      if (last > first) scratch[count++] = ticks ? text.slice(first, last).replace(/`/g, "") : text.slice(first, last);
      start = i + 1;
    }
  }
  return takeScratch(scratch, count);
}

function isTickOrSpace(c: number): boolean {
  return c === 96 || isSpace(c);
}

/**
 * Reused while a list is read, then copied out at its exact size (an array
 * grown by push keeps room for 17). `scratch` is for related items, `items`
 * for action items; neither is read by two scans at once (they do not nest).
 */
const scratch: (string | undefined)[] = [];
const items: (ParsedActionItem | undefined)[] = [];

function takeScratch<T>(list: (T | undefined)[], count: number): T[] {
  const out = list.slice(0, count) as T[];
  // Keep the room (setting length would drop it), not the items.
  for (let k = 0; k < count; k++) list[k] = undefined;
  return out;
}

function unescapeActionText(text: string): string {
  if (text.charCodeAt(0) === 92 && (text.charCodeAt(1) === 92 || /^\[[ xX]\]/.test(text.slice(1)))) return text.slice(1);
  return text;
}

// ---------------------------------------------------------------------------
// Pass 1: the index. Only what needs the whole file: fences, every heading's
// id (GitHub's repeat suffixes count all headings before it), and where each
// entry starts and ends. No allocation per line.
// ---------------------------------------------------------------------------

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

/**
 * Index the log in one line scan: every heading's GitHub id, each entry's
 * heading (id, line, span, content), the line ending, the BOM and a fence left
 * open at the end. Everything else about an entry is read from its span when
 * first asked for (see `LogEntry`).
 */
export function indexLog(text: string): LogIndex {
  const len = text.length;
  const bom = len > 0 && text.charCodeAt(0) === 0xfeff;
  const firstNl = text.indexOf("\n");
  const eol = firstNl > 0 && text.charCodeAt(firstNl - 1) === 13 ? "\r\n" : "\n";
  const entries: LogEntry[] = [];
  const slugger = new HeadingSlugger();
  let fence: Fence | undefined;
  let fenceLine = 0;
  let cur: LogEntry | undefined;
  let pos = bom ? 1 : 0;
  let lineNo = 0;

  while (pos < len) {
    lineNo++;
    const nl = text.indexOf("\n", pos);
    const next = nl === -1 ? len : nl + 1;
    // Structure starts with `#`, a backtick or `~` after at most three spaces.
    let at = pos;
    let c = text.charCodeAt(at);
    while (c === 32 && at - pos < 3) c = text.charCodeAt(++at);
    if (c !== 35 && c !== 96 && c !== 126) {
      pos = next;
      continue;
    }
    let end = nl === -1 ? len : nl;
    if (text.charCodeAt(end - 1) === 13 && end > pos) end--;

    if (fence) {
      if (closesFence(text, at, end, fence)) fence = undefined;
    } else if (c === 35) {
      const level = atxLevel(text, at, end);
      if (level === 3) {
        // The formatter's own section headings need no slicing or slugging.
        const known = knownSection(text, at, end);
        if (known !== undefined) {
          slugger.advance(known.base);
          pos = next;
          continue;
        }
      }
      if (level > 0) {
        const content = atxContent(text, at, end, level);
        const base = slugify(headingText(content));
        if (level <= 2) {
          if (cur) cur.span.end = pos;
          cur = undefined;
          if (level === 2 && isEntryHeading(content)) {
            cur = new LogEntry(text, slugger.next(base), lineNo, pos, next, len, content);
            entries.push(cur);
          } else slugger.advance(base);
        } else slugger.advance(base);
      }
    } else {
      const opened = fenceOpener(text, at, end);
      if (opened) {
        fence = opened;
        fenceLine = lineNo;
      }
    }
    pos = next;
  }
  return {
    log: { eol, bom, entries },
    entries,
    slugger,
    openFence: fence ? { ...fence, line: fenceLine } : undefined,
  };
}

// ---------------------------------------------------------------------------
// Pass 2, per entry and on demand: the fields, read from the entry's span.
// ---------------------------------------------------------------------------

/** What the heading says: date and title. */
interface HeadingParts {
  rawDate: string;
  date: string | undefined;
  title: string;
}

/** What the lines under the heading say (the entry's own fields), and where. */
interface BodyParts
  extends Pick<
    ParsedEntry,
    "category" | "status" | "statusSpan" | "statusLine" | "related" | "finding" | "impact" | "actionItems" | "contentEnd"
  > {
  categoryLine: number | undefined;
  categoryNext: number | undefined;
  findingLine: number | undefined;
  impactLine: number | undefined;
}

const enum Section {
  Header,
  Finding,
  Impact,
  Actions,
  Other,
}

/** Offsets of escaping backslashes in the current section (reused: `scanBody` does not nest). */
const escapes: number[] = [];

function sectionText(text: string, first: number, lastEnd: number, cr: boolean): string {
  if (first < 0) return "";
  let s: string;
  if (escapes.length === 0) s = text.slice(first, lastEnd);
  else {
    s = "";
    let from = first;
    for (const at of escapes) {
      s += text.slice(from, at);
      from = at + 1;
    }
    s += text.slice(from, lastEnd);
  }
  if (cr) s = s.replace(/\r\n/g, "\n");
  return s.trimEnd();
}

/**
 * Read an entry's lines `[from, to)` (everything after its heading line, which
 * ends at `headingEnd` and is line `headingLine`). An entry heading is never
 * inside a fence, so the scan starts outside one; it sees the same fences as
 * the index did.
 */
function scanBody(text: string, from: number, to: number, headingLine: number, headingEnd: number): BodyParts {
  const body: BodyParts = {
    category: undefined,
    status: undefined,
    statusSpan: undefined,
    statusLine: undefined,
    related: [],
    finding: undefined,
    impact: undefined,
    actionItems: [],
    contentEnd: headingEnd,
    categoryLine: undefined,
    categoryNext: undefined,
    findingLine: undefined,
    impactLine: undefined,
  };
  let section = Section.Header;
  let secFirst = -1;
  let secLastEnd = -1;
  let secCR = false;
  let lastEnd = headingEnd;
  let fence: Fence | undefined;
  let pos = from;
  let lineNo = headingLine;
  let itemCount = 0;
  escapes.length = 0;

  while (pos < to) {
    lineNo++;
    const nl = text.indexOf("\n", pos);
    const next = nl === -1 || nl >= to ? to : nl + 1;
    let end = nl === -1 || nl >= to ? to : nl;
    const cr = end > pos && text.charCodeAt(end - 1) === 13;
    if (cr) end--;
    const first = pos < end ? text.charCodeAt(pos) : -1;
    if (first === -1 || ((first === 32 || first === 9) && isBlank(text, pos, end))) {
      pos = next;
      continue;
    }
    const at = blockStart(text, pos, end);
    const c = at === -1 ? -1 : text.charCodeAt(at);

    if (fence) {
      if (at !== -1 && closesFence(text, at, end, fence)) fence = undefined;
    } else if (c === 35) {
      // Only h3-h6 here: an h1 or h2 would have ended the entry.
      const level = atxLevel(text, at, end);
      if (level === 3) {
        const known = knownSection(text, at, end);
        const name = known ? known.name : atxContent(text, at, end, level).replace(/:$/, "").trim().toLowerCase();
        // Close the section before, open this one.
        if (section === Section.Finding) body.finding = sectionText(text, secFirst, secLastEnd, secCR);
        else if (section === Section.Impact) body.impact = sectionText(text, secFirst, secLastEnd, secCR);
        section = Section.Other;
        lastEnd = end;
        secFirst = -1;
        secLastEnd = -1;
        secCR = false;
        escapes.length = 0;
        if (name === "finding" && body.findingLine === undefined) {
          section = Section.Finding;
          body.findingLine = lineNo;
        } else if (name === "impact" && body.impactLine === undefined) {
          section = Section.Impact;
          body.impactLine = lineNo;
        } else if (name === "action items") {
          section = Section.Actions;
        }
        pos = next;
        continue;
      }
    } else if (c === 96 || c === 126) {
      const opened = fenceOpener(text, at, end);
      if (opened) {
        fence = opened;
        lastEnd = end;
        if (section === Section.Finding || section === Section.Impact) {
          if (secFirst < 0) secFirst = pos;
          secLastEnd = end;
          if (cr) secCR = true;
        }
        pos = next;
        continue;
      }
    }

    lastEnd = end;
    switch (section) {
      case Section.Finding:
      case Section.Impact:
        if (secFirst < 0) secFirst = pos;
        secLastEnd = end;
        if (cr) secCR = true;
        // A line that starts with `\` outside a fence was escaped by formatEntry.
        if (c === 92 && !fence) escapes.push(at);
        break;
      case Section.Header:
        if (c !== -1 && !fence) parseField(text, body, at, end, next, lineNo);
        break;
      case Section.Actions: {
        if (fence) break;
        const item = parseCheckbox(text, pos, end, lineNo);
        if (item) items[itemCount++] = item;
        break;
      }
      default:
        break;
    }
    pos = next;
  }
  if (section === Section.Finding) body.finding = sectionText(text, secFirst, secLastEnd, secCR);
  else if (section === Section.Impact) body.impact = sectionText(text, secFirst, secLastEnd, secCR);
  body.contentEnd = lastEnd;
  if (itemCount > 0) body.actionItems = takeScratch(items, itemCount);
  return body;
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
  let textEnd = end;
  while (textEnd > k && isSpace(text.charCodeAt(textEnd - 1))) textEnd--;
  return {
    text: text.charCodeAt(k) === 92 ? unescapeActionText(text.slice(k, textEnd)) : text.slice(k, textEnd),
    done: mark !== 32,
    line: lineNo,
    checkSpan: { start: j + 1, end: j + 2 },
  };
}

const enum Field {
  None,
  Category,
  Status,
  Related,
}

/** True for what `\s` matches in a JavaScript regex. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

function skipSpaceTab(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** True when `word` (lower-case ASCII letters) is at `i`, in any case. */
function wordAt(text: string, i: number, end: number, word: string): boolean {
  if (end - i < word.length) return false;
  for (let k = 0; k < word.length; k++) if ((text.charCodeAt(i + k) | 32) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * `**Category**: X`, `**Category:** X`, `Category: X` (also `__…__`, any case,
 * each also as a list item), by hand: which field, and where its value starts
 * (`fieldValueStart`); Field.None for any other line.
 */
let fieldValueStart = 0;
function fieldAt(text: string, at: number, end: number): Field {
  let i = at;
  let c = text.charCodeAt(i);
  if (c === 45 || c === 42 || c === 43) {
    const j = skipSpaceTab(text, i + 1, end);
    if (j > i + 1) {
      i = j;
      c = text.charCodeAt(i);
    }
  }
  let delim = 0;
  if ((c === 42 || c === 95) && text.charCodeAt(i + 1) === c && i + 1 < end) {
    delim = c;
    i += 2;
  }
  let field: Field;
  if (wordAt(text, i, end, "category")) {
    field = Field.Category;
    i += 8;
  } else if (wordAt(text, i, end, "status")) {
    field = Field.Status;
    i += 6;
  } else if (wordAt(text, i, end, "related")) {
    field = Field.Related;
    i += 7;
  } else return Field.None;
  if (delim !== 0 && i + 1 < end && text.charCodeAt(i) === delim && text.charCodeAt(i + 1) === delim) {
    // `**Category**:`
    i = skipSpaceTab(text, i + 2, end);
    if (i >= end || text.charCodeAt(i) !== 58) return Field.None;
    i++;
  } else {
    // `**Category:**` or `Category:`
    i = skipSpaceTab(text, i, end);
    if (i >= end || text.charCodeAt(i) !== 58) return Field.None;
    i++;
    if (delim !== 0) {
      if (i + 1 >= end || text.charCodeAt(i) !== delim || text.charCodeAt(i + 1) !== delim) return Field.None;
      i += 2;
    }
  }
  fieldValueStart = skipSpaceTab(text, i, end);
  return field;
}

function parseField(text: string, body: BodyParts, at: number, end: number, next: number, lineNo: number): void {
  const field = fieldAt(text, at, end);
  if (field === Field.None) return;
  const start = fieldValueStart;
  let valueEnd = end;
  while (valueEnd > start && isSpace(text.charCodeAt(valueEnd - 1))) valueEnd--;
  if (field === Field.Category) {
    if (body.category !== undefined) return;
    body.category = text.slice(start, valueEnd);
    body.categoryLine = lineNo;
    body.categoryNext = next;
  } else if (field === Field.Status) {
    if (body.status !== undefined) return;
    body.status = text.slice(start, valueEnd);
    body.statusSpan = { start, end: valueEnd };
    body.statusLine = lineNo;
  } else if (body.related.length === 0) {
    body.related = relatedIn(text, start, valueEnd);
  }
}

/**
 * One entry of a parsed log. `id`, `line`, `span` and `heading` come from the
 * index and are own properties; every other `ParsedEntry` field is an
 * accessor on the prototype that reads the entry's span on first use (once:
 * the result is kept). The accessors are enumerable (`for…in` sees them) and
 * `toJSON()` gives every field, but `Object.keys`, spreads and vitest's
 * `toEqual` see only the own properties: compare entries through their
 * fields (or `toJSON()`), not as objects.
 */
export class LogEntry implements ParsedEntry {
  id: string;
  line: number;
  span: Span;
  heading: string;
  readonly #text: string;
  readonly #headingNext: number;
  #head: HeadingParts | undefined;
  #body: BodyParts | undefined;

  declare date: string | undefined;
  declare title: string;
  declare category: string | undefined;
  declare status: string | undefined;
  declare statusSpan: Span | undefined;
  declare statusLine: number | undefined;
  declare related: string[];
  declare finding: string | undefined;
  declare impact: string | undefined;
  declare actionItems: ParsedActionItem[];
  declare contentEnd: number;

  constructor(text: string, id: string, line: number, start: number, headingNext: number, end: number, heading: string) {
    this.id = id;
    this.line = line;
    this.span = { start, end };
    this.heading = heading;
    this.#text = text;
    this.#headingNext = headingNext;
    this.#head = undefined;
    this.#body = undefined;
  }

  /** The heading's date and title, parsed on first use. */
  headingParts(): HeadingParts {
    if (this.#head) return this.#head;
    this.#head = entryHeadingParts(this.heading) ?? { rawDate: "", date: undefined, title: "" };
    return this.#head;
  }

  /** The fields under the heading, read from the span on first use. */
  bodyParts(): BodyParts {
    if (this.#body) return this.#body;
    const text = this.#text;
    const next = this.#headingNext;
    // The heading line's end, without its line break.
    let headingEnd = next;
    if (headingEnd > this.span.start && text.charCodeAt(headingEnd - 1) === 10) headingEnd--;
    if (headingEnd > this.span.start && text.charCodeAt(headingEnd - 1) === 13) headingEnd--;
    this.#body = scanBody(text, next, this.span.end, this.line, headingEnd);
    return this.#body;
  }

  /** Where the parts edits and checks need are. */
  layout(): EntryLayout {
    const body = this.bodyParts();
    return {
      headingNext: this.#headingNext,
      rawDate: this.headingParts().rawDate,
      categoryLine: body.categoryLine,
      categoryNext: body.categoryNext,
      findingLine: body.findingLine,
      impactLine: body.impactLine,
    };
  }

  /** Every `ParsedEntry` field, as a plain object. */
  toJSON(): ParsedEntry {
    return {
      id: this.id,
      line: this.line,
      span: this.span,
      heading: this.heading,
      date: this.date,
      title: this.title,
      category: this.category,
      status: this.status,
      statusSpan: this.statusSpan,
      statusLine: this.statusLine,
      related: this.related,
      finding: this.finding,
      impact: this.impact,
      actionItems: this.actionItems,
      contentEnd: this.contentEnd,
    };
  }
}

const HEADING_FIELDS = ["date", "title"] as const satisfies readonly (keyof HeadingParts & keyof ParsedEntry)[];
const BODY_FIELDS = [
  "category",
  "status",
  "statusSpan",
  "statusLine",
  "related",
  "finding",
  "impact",
  "actionItems",
  "contentEnd",
] as const satisfies readonly (keyof BodyParts & keyof ParsedEntry)[];

/** Every `ParsedEntry` field is an own property or one of the accessors (a new field fails to compile until it is). */
type Covered = "id" | "line" | "span" | "heading" | (typeof HEADING_FIELDS)[number] | (typeof BODY_FIELDS)[number];
const everyFieldCovered: Record<Exclude<keyof ParsedEntry, Covered>, never> = {};
void everyFieldCovered;

for (const key of HEADING_FIELDS) {
  Object.defineProperty(LogEntry.prototype, key, {
    enumerable: true,
    configurable: true,
    get(this: LogEntry) {
      return this.headingParts()[key];
    },
    set(this: LogEntry, value: never) {
      this.headingParts()[key] = value;
    },
  });
}
for (const key of BODY_FIELDS) {
  Object.defineProperty(LogEntry.prototype, key, {
    enumerable: true,
    configurable: true,
    get(this: LogEntry) {
      return this.bodyParts()[key];
    },
    set(this: LogEntry, value: never) {
      this.bodyParts()[key] = value;
    },
  });
}

/**
 * Read a log: its entries (with their spans), line ending and byte-order mark.
 * Each entry's fields are read from its span when first accessed.
 */
export function parseLog(text: string): ParsedLog {
  return indexLog(text).log;
}

/**
 * The Finding an entry holds, validated as if typed anew; undefined when a
 * required field is missing or invalid. For a formatted entry this gives back
 * exactly the Finding that was formatted.
 */
export function entryToFinding(entry: ParsedEntry, options: FindingOptions = {}): Finding | undefined {
  const result = normalizeFinding(
    {
      date: entry.date,
      title: entry.title,
      category: entry.category,
      status: entry.status,
      related: entry.related,
      finding: entry.finding,
      impact: entry.impact,
      actionItems: entry.actionItems.map((i) => `${i.done ? "[x]" : "[ ]"} ${i.text}`),
    },
    options,
  );
  return result.ok ? result.value : undefined;
}
