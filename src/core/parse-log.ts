import { parseEntryHeading } from "./entry-heading.js";
import type { EntryHeading } from "./entry-heading.js";
import { atxContent, atxLevel, blockStart, closesFence, fenceOpener, isBlank } from "./markdown-lines.js";
import type { Fence } from "./markdown-lines.js";
import { normalizeFinding } from "./normalize-finding.js";
import { HeadingSlugger, headingText, slugify } from "./slugify.js";
import type { Finding, FindingOptions, ParsedActionItem, ParsedEntry, ParsedLog, Span } from "./types.js";

export { parseEntryHeading };

/**
 * Reading a log takes two steps. `indexLog` walks every line once and finds
 * what needs the whole file: fences, every heading's GitHub id (a repeat
 * suffix counts all the headings before it) and where each entry starts and
 * ends. `readEntry` then reads one entry's lines for its fields. An edit reads
 * only the entry it changes; `parseLog` reads them all.
 */

/** Where the parts of an entry are that edits and checks need (and callers do not). */
export interface EntryLayout {
  /** Offset of the line after the heading (the text's length when there is none). */
  headingNext: number;
  /** The date as written in the heading, valid or not. */
  rawDate: string;
  categoryLine: number | undefined;
  /** Offset of the line after the Category line. */
  categoryNext: number | undefined;
  findingLine: number | undefined;
  impactLine: number | undefined;
  /** Lines under Action Items that look like a checkbox but are not one (`- []`, `-[ ]`, `- [v]`, `[ ] x`). */
  checkboxLookalikes: number[];
  /** The whole lines (line break included) of the Category, Status and Related fields, and their values. */
  fields: Partial<Record<"category" | "status" | "related", { line: Span; value: Span }>>;
  /** Each read section: where its heading line ends (the next line's offset) and its text (first to last non-blank line). */
  sections: Partial<Record<"finding" | "impact" | "action items", { next: number; text: Span | undefined }>>;
  /** Each action item's whole line (line break included) and its text, in the order of `actionItems`. */
  items: { line: Span; text: Span }[];
}

/** An entry as the index finds it: its heading, and where it is. */
export interface IndexedEntry {
  id: string;
  /** 1-based line of the heading. */
  line: number;
  span: Span;
  /** The heading's content after `## `, raw. */
  heading: string;
  /** What the heading says. */
  parts: EntryHeading;
  /** End of the heading line, without its line break. */
  headingEnd: number;
  /** Offset of the line after the heading. */
  headingNext: number;
}

export interface LogIndex {
  eol: "\n" | "\r\n";
  bom: boolean;
  entries: IndexedEntry[];
  /** The slugger's state after every heading in the file: it gives the id a heading appended at the end would get. */
  slugger: HeadingSlugger;
  /** A fence still open at the end of the file. */
  openFence: (Fence & { line: number }) | undefined;
  /**
   * Headings that start like a date but are not entries: a `#` or `##` one
   * whose date the parser does not read, or one of another level outside
   * any entry. `check` says what is wrong with each.
   */
  strayHeadings: StrayHeading[];
}

export interface StrayHeading {
  line: number;
  level: number;
  content: string;
}

/** What a heading that might have been meant as an entry starts with: a digit, maybe in brackets. */
const STARTS_WITH_DIGIT = /^\[?\d/;

/**
 * Walks the lines of `text` from `from` to `to`: each line's start, its end
 * without the line break (`\n` or `\r\n`) and where the next line starts.
 */
class Lines {
  start = 0;
  end = 0;
  next: number;
  number: number;
  /** True when the line ends in `\r\n`. */
  crlf = false;

  constructor(
    private readonly text: string,
    from: number,
    private readonly to: number,
    lineBefore: number,
  ) {
    this.next = from;
    this.number = lineBefore;
  }

  /** Move to the next line; false at the end. */
  advance(): boolean {
    if (this.next >= this.to) return false;
    this.start = this.next;
    this.number++;
    const lineBreak = this.text.indexOf("\n", this.start);
    const last = lineBreak === -1 || lineBreak >= this.to;
    this.end = last ? this.to : lineBreak;
    this.next = last ? this.to : lineBreak + 1;
    this.crlf = this.end > this.start && this.text[this.end - 1] === "\r";
    if (this.crlf) this.end--;
    return true;
  }
}

/** The characters a line of structure (heading or fence) starts with. */
const STRUCTURE = new Set(["#", "`", "~"]);

/**
 * Index the log: every entry's heading, id and span, the line ending, the
 * byte-order mark and a fence left open at the end. An `##` heading that
 * `parseEntryHeading` accepts starts an entry; any `#` or `##` heading ends one.
 */
export function indexLog(text: string): LogIndex {
  const bom = text.startsWith("\uFEFF");
  const firstBreak = text.indexOf("\n");
  const eol = firstBreak > 0 && text[firstBreak - 1] === "\r" ? "\r\n" : "\n";
  const entries: IndexedEntry[] = [];
  const slugger = new HeadingSlugger();
  let fence: (Fence & { line: number }) | undefined;
  let current: IndexedEntry | undefined;
  const strayHeadings: StrayHeading[] = [];
  const lines = new Lines(text, bom ? 1 : 0, text.length, 0);

  while (lines.advance()) {
    const at = blockStart(text, lines.start, lines.end);
    if (at === -1 || !STRUCTURE.has(text[at] ?? "")) continue;
    if (fence) {
      if (closesFence(text, at, lines.end, fence)) fence = undefined;
      continue;
    }
    const level = atxLevel(text, at, lines.end);
    if (level === 0) {
      const opened = fenceOpener(text, at, lines.end);
      if (opened) fence = { ...opened, line: lines.number };
      continue;
    }
    const content = atxContent(text, at, lines.end, level);
    const base = slugify(headingText(content));
    if (level > 2) {
      if (!current && STARTS_WITH_DIGIT.test(content)) strayHeadings.push({ line: lines.number, level, content });
      slugger.next(base);
      continue;
    }
    if (current) current.span.end = lines.start;
    const parts = level === 2 ? parseEntryHeading(content) : undefined;
    if (!parts) {
      if (STARTS_WITH_DIGIT.test(content)) strayHeadings.push({ line: lines.number, level, content });
      current = undefined;
      slugger.next(base);
      continue;
    }
    current = {
      id: slugger.next(base),
      line: lines.number,
      span: { start: lines.start, end: text.length },
      heading: content,
      parts,
      headingEnd: lines.end,
      headingNext: lines.next,
    };
    entries.push(current);
  }
  return { eol, bom, entries, slugger, openFence: fence, strayHeadings };
}

/** `**Category**: X`, `**Category:** X`, `Category: X` (also with `__`, in any case, and as a list item). */
const FIELD =
  /^(?:[-*+][ \t]+)?(?:(\*\*|__)(category|status|related)\1[ \t]*:|(\*\*|__)(category|status|related)[ \t]*:\3|(category|status|related)[ \t]*:)[ \t]*/i;

/** `- [ ] text`, `* [x] text`, `+ [X] text`, indented or not. */
const CHECKBOX = /^[ \t]*[-*+][ \t]+\[([ xX])\](?:[ \t]+|$)/;

/** What people type for a checkbox that GitHub does not render as one: a look-alike when CHECKBOX fails. */
const CHECKBOX_LOOKALIKE = /^[ \t]*(?:[-*+][ \t]*)?\[[ xXvV*/\u2713\u2714\u2717-]{0,3}\](?!\()/;

/** Action-item text the formatter escaped: a leading `\` before `\` or a checkbox. */
const ESCAPED_ACTION = /^\\(?=\\|\[[ xX]\])/;

/** The `###` sections whose content the entry reads. */
type Section = "header" | "finding" | "impact" | "action items" | "other";

/** The lines of a Finding or Impact section, collected as they are read. */
interface SectionLines {
  /** Offset of the first non-blank line, and the end of the last one. */
  first: number;
  lastEnd: number;
  crlf: boolean;
  /** Offsets of the `\` that escape lines (see `escapeBlock`), removed from the text. */
  escapes: number[];
}

/** Reads the lines of one entry, from the line after its heading to the end of its span. */
class EntryReader {
  readonly entry: ParsedEntry;
  readonly layout: EntryLayout;
  private section: Section = "header";
  private lines: SectionLines | undefined;
  private fence: Fence | undefined;

  constructor(
    private readonly text: string,
    indexed: IndexedEntry,
  ) {
    this.entry = {
      id: indexed.id,
      line: indexed.line,
      span: { ...indexed.span },
      heading: indexed.heading,
      date: indexed.parts.date,
      title: indexed.parts.title,
      category: undefined,
      status: undefined,
      statusSpan: undefined,
      statusLine: undefined,
      related: [],
      finding: undefined,
      impact: undefined,
      actionItems: [],
      contentEnd: indexed.headingEnd,
      body: "",
    };
    this.layout = {
      headingNext: indexed.headingNext,
      rawDate: indexed.parts.rawDate,
      categoryLine: undefined,
      categoryNext: undefined,
      findingLine: undefined,
      impactLine: undefined,
      checkboxLookalikes: [],
      fields: {},
      sections: {},
      items: [],
    };
  }

  read(lines: Lines): void {
    const text = this.text;
    while (lines.advance()) {
      if (isBlank(text, lines.start, lines.end)) continue;
      const at = blockStart(text, lines.start, lines.end);
      if (this.fence) {
        if (at !== -1 && closesFence(text, at, lines.end, this.fence)) this.fence = undefined;
      } else if (at !== -1 && text[at] === "#" && atxLevel(text, at, lines.end) === 3) {
        // Only h3 and below here: an h1 or h2 would have ended the entry.
        this.startSection(atxContent(text, at, lines.end, 3), lines);
        continue;
      } else if (at !== -1) {
        const opened = fenceOpener(text, at, lines.end);
        if (opened) {
          this.fence = opened;
          this.entry.contentEnd = lines.end;
          this.addSectionLine(lines, undefined);
          continue;
        }
      }
      this.entry.contentEnd = lines.end;
      this.readLine(lines, at);
    }
    this.endSection();
    this.entry.body = text.slice(this.layout.headingNext, Math.max(this.layout.headingNext, this.entry.contentEnd));
  }

  /** A line that is not a section heading or a fence opener (`at`: its blockStart). */
  private readLine(lines: Lines, at: number): void {
    const text = this.text;
    switch (this.section) {
      case "finding":
      case "impact":
        // A line that starts with `\` outside a fence was escaped by the formatter.
        this.addSectionLine(lines, at !== -1 && !this.fence && text[at] === "\\" ? at : undefined);
        break;
      case "header":
        if (at !== -1 && !this.fence) this.readField(text.slice(at, lines.end), at, lines);
        break;
      case "action items":
        if (!this.fence) this.readCheckbox(text.slice(lines.start, lines.end), lines);
        break;
      case "other":
        break;
    }
  }

  private startSection(content: string, lines: Lines): void {
    this.endSection();
    this.entry.contentEnd = lines.end;
    const name = content.replace(/:$/, "").trim().toLowerCase();
    this.section = "other";
    if (name === "finding" && this.layout.findingLine === undefined) {
      this.section = "finding";
      this.layout.findingLine = lines.number;
    } else if (name === "impact" && this.layout.impactLine === undefined) {
      this.section = "impact";
      this.layout.impactLine = lines.number;
    } else if (name === "action items") {
      this.section = "action items";
    }
    if (this.section !== "other") this.layout.sections[this.section] ??= { next: lines.next, text: undefined };
    this.lines = undefined;
  }

  /** Add a line to the Finding or Impact section being read; `escapeAt`: where its escaping `\\` is. */
  private addSectionLine(lines: Lines, escapeAt: number | undefined): void {
    if (this.section !== "finding" && this.section !== "impact") return;
    this.lines ??= { first: lines.start, lastEnd: lines.end, crlf: false, escapes: [] };
    this.lines.lastEnd = lines.end;
    if (lines.crlf) this.lines.crlf = true;
    if (escapeAt !== undefined) this.lines.escapes.push(escapeAt);
  }

  /** Close the Finding or Impact section being read: its text, unescaped, LF line endings, no trailing blank. */
  private endSection(): void {
    if (this.section !== "finding" && this.section !== "impact") return;
    let value = "";
    if (this.lines) {
      const { first, lastEnd, escapes } = this.lines;
      const pieces: string[] = [];
      let from = first;
      for (const at of escapes) {
        pieces.push(this.text.slice(from, at));
        from = at + 1;
      }
      pieces.push(this.text.slice(from, lastEnd));
      value = pieces.join("");
      if (this.lines.crlf) value = value.replaceAll("\r\n", "\n");
      value = value.trimEnd();
    }
    this.entry[this.section] = value;
    const section = this.layout.sections[this.section];
    if (section !== undefined && section.text === undefined && this.lines) section.text = { start: this.lines.first, end: this.lines.lastEnd };
  }

  /** A Category, Status or Related line; the first of each counts. */
  private readField(line: string, at: number, lines: Lines): void {
    const field = FIELD.exec(line);
    if (!field) return;
    const name = (field[2] ?? field[4] ?? field[5] ?? "").toLowerCase() as "category" | "status" | "related";
    const value = line.slice(field[0].length).trimEnd();
    const entry = this.entry;
    const valueStart = at + field[0].length;
    this.layout.fields[name] ??= { line: { start: lines.start, end: lines.next }, value: { start: valueStart, end: valueStart + value.length } };
    if (name === "category" && entry.category === undefined) {
      entry.category = value;
      this.layout.categoryLine = lines.number;
      this.layout.categoryNext = lines.next;
    } else if (name === "status" && entry.status === undefined) {
      const start = at + field[0].length;
      entry.status = value;
      entry.statusSpan = { start, end: start + value.length };
      entry.statusLine = lines.number;
    } else if (name === "related" && entry.related.length === 0) {
      entry.related = parseRelated(value);
    }
  }

  private readCheckbox(line: string, lines: Lines): void {
    const box = CHECKBOX.exec(line);
    if (!box) {
      if (CHECKBOX_LOOKALIKE.test(line)) this.layout.checkboxLookalikes.push(lines.number);
      return;
    }
    const mark = lines.start + box[0].indexOf("[") + 1;
    const textStart = lines.start + box[0].length;
    this.layout.items.push({ line: { start: lines.start, end: lines.next }, text: { start: textStart, end: textStart + line.slice(box[0].length).trimEnd().length } });
    const item: ParsedActionItem = {
      text: line.slice(box[0].length).trimEnd().replace(ESCAPED_ACTION, ""),
      done: box[1] !== " ",
      line: lines.number,
      checkSpan: { start: mark, end: mark + 1 },
    };
    this.entry.actionItems.push(item);
  }
}

/** Read one indexed entry's fields, and where its parts are. */
export function readEntry(text: string, indexed: IndexedEntry): { entry: ParsedEntry; layout: EntryLayout } {
  const reader = new EntryReader(text, indexed);
  reader.read(new Lines(text, indexed.headingNext, indexed.span.end, indexed.line));
  return { entry: reader.entry, layout: reader.layout };
}

/** Related items as written: split on commas outside code spans, backticks dropped. */
export function parseRelated(value: string): string[] {
  const items: string[] = [];
  // A comma, or a code span (kept whole: a comma in it does not split).
  for (const part of value.match(/(?:`[^`]*`?|[^,`]+)+/g) ?? []) {
    const item = part.replaceAll("`", "").trim();
    if (item !== "") items.push(item);
  }
  return items;
}

/** Read a log: its entries, each with its fields and span, the line ending and the byte-order mark. */
export function parseLog(text: string): ParsedLog {
  const index = indexLog(text);
  return { eol: index.eol, bom: index.bom, entries: index.entries.map((indexed) => readEntry(text, indexed).entry) };
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
