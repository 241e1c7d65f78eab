import { isValidDate } from "./dates.js";

/**
 * Which `##` headings are entries, and what their date and title are. A
 * heading is an entry when its content starts with a date, `YYYY-MM-DD`
 * (month and day may have one digit: `check` says how to write them), or the
 * date in brackets. Whatever follows the date is the title, once these are
 * set aside:
 *
 * - a range's end attached to the date: `2026-07-28/29`, `2026-03-13–14`,
 *   `2026-03-13-14`, `2026-03-30/04-02`, `2026-03-30..2026-04-02`;
 * - one separator: a colon (`:`, full-width `：`) or a dash (`–`, `—`, `―`,
 *   full-width `－`, or `-` followed by a space), with spaces around it;
 * - brackets around the whole title: `## [2026-01-01] [Title]`.
 */

const DATE = String.raw`\d{4}-\d{1,2}-\d{1,2}`;
const RANGE_END = String.raw`(?:[/~\u2013\u2014-]|\.\.)(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}|\d{1,2})`;
/** The date (group 1 in brackets, group 2 bare), with a range's end, not followed by a digit. */
const HEADING_DATE = new RegExp(String.raw`^(?:\[(${DATE})(?:${RANGE_END})?\]|(${DATE})(?:${RANGE_END})?(?!\d))`);

/** Characters that separate the date from the title; an ASCII `-` only before a space. */
const COLONS = ":\uFF1A\uFE55";
const DASHES = "\u2013\u2014\u2015\uFF0D";
const SEPARATOR = new RegExp(String.raw`^\s*(?:[${COLONS}${DASHES}]|-(?=\s|$))?\s*`);

/** What the formatter escapes with a `\` at the start of a title, and the parser unescapes. */
export const TITLE_ESCAPED_START = new RegExp(String.raw`^[\\\[${COLONS}${DASHES}-]`);

/** An ATX closing sequence the formatter escaped: `\#`, `\\#` and so on, as the last word. */
const ESCAPED_CLOSING = /(^|\s)\\(\\*#+)$/;

export interface EntryHeading {
  /** The date as written, valid or not (`2026-7-28`, `2026-02-30`). */
  rawDate: string;
  /** The date when it is a day on the calendar written `YYYY-MM-DD`. */
  date: string | undefined;
  title: string;
}

/** A dated heading split at its title: the date as written, and where the title starts (after the separator). */
function splitDated(content: string): { rawDate: string; titleAt: number } | undefined {
  const dated = HEADING_DATE.exec(content);
  if (!dated) return undefined;
  const afterDate = content.slice(dated[0].length);
  return { rawDate: dated[1] ?? dated[2] ?? "", titleAt: dated[0].length + (SEPARATOR.exec(afterDate)?.[0].length ?? 0) };
}

/** What a heading's content starts with before its title: the date (or range) and the separator, as written. */
export function headingDatePrefix(content: string): string | undefined {
  const split = splitDated(content);
  return split === undefined ? undefined : content.slice(0, split.titleAt);
}

/** The date and title of a `##` heading's content, or undefined when it is not an entry. */
export function parseEntryHeading(content: string): EntryHeading | undefined {
  const split = splitDated(content);
  if (!split) return undefined;
  const { rawDate } = split;
  let title = content.slice(split.titleAt);
  const bracketed = /^\[(.*)\]$/.exec(title);
  if (bracketed) title = (bracketed[1] ?? "").trim();
  // Undo the formatter's escapes (see escapeTitle), the last one first.
  const closing = ESCAPED_CLOSING.exec(title);
  if (closing) title = title.slice(0, closing.index + (closing[1] ?? "").length) + (closing[2] ?? "");
  if (title.startsWith("\\") && TITLE_ESCAPED_START.test(title.slice(1))) title = title.slice(1);
  return { rawDate, date: isValidDate(rawDate) ? rawDate : undefined, title };
}
