/**
 * The values the log is made of. Everything in src/core is pure: strings and
 * values in, strings and values out.
 */

export const DEFAULT_CATEGORIES = ["Training", "Architecture", "Data", "Tooling", "Performance"] as const;
export const STATUSES = ["Open", "Resolved", "Workaround"] as const;
export type Status = (typeof STATUSES)[number];

export interface ActionItem {
  text: string;
  done: boolean;
}

/** A normalised, valid finding: what the formatter writes and the parser reads back. */
export interface Finding {
  /** Calendar date, `YYYY-MM-DD`. */
  date: string;
  /** One line, trimmed, inner whitespace collapsed. */
  title: string;
  /** One of the configured categories, spelled as configured. */
  category: string;
  status: Status;
  /** Items as typed, without the backticks the formatter adds: `experiments/train.py`, `MLflow run abc123`, a URL. */
  related: string[];
  /** Multi-line text, LF line endings, no leading/trailing blank lines. */
  finding: string;
  impact: string;
  actionItems: ActionItem[];
}

/** What a person typed: every field a string (or list of strings), nothing trusted yet. */
export interface FindingInput {
  date?: string | undefined;
  title?: string | undefined;
  category?: string | undefined;
  status?: string | undefined;
  /** A comma/newline separated string, or several such strings (one per `--related`). */
  related?: string | readonly string[] | undefined;
  finding?: string | undefined;
  impact?: string | undefined;
  /** One item per line; a leading `-`, `*`, `[ ]`, `[x]` is understood. Or one string per `--action`. */
  actionItems?: string | readonly string[] | undefined;
}

export type FindingField = "date" | "title" | "category" | "status" | "related" | "finding" | "impact" | "actionItems";

/** An invalid field, with a message a person can act on, e.g. `Title is required`. */
export interface FieldError {
  field: FindingField;
  message: string;
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; errors: E[] };

export interface FindingOptions {
  /** Allowed categories; defaults to DEFAULT_CATEGORIES. Matching is case-insensitive, the configured spelling is kept. */
  categories?: readonly string[];
}

/** A half-open byte range `[start, end)` as UTF-16 string offsets into the log text. */
export interface Span {
  start: number;
  end: number;
}

/** One entry as found in the file, with where each part of it is. */
export interface ParsedEntry {
  /** GitHub's anchor for the heading, with `-1`, `-2` for repeats: the entry's id. */
  id: string;
  /** 1-based line number of the heading. */
  line: number;
  /** From the heading start to the start of the next entry heading (or other h1/h2 heading, or end of file). */
  span: Span;
  /** The heading's text after `## `, raw. */
  heading: string;
  /** Parsed date, or undefined when the heading has none / an impossible one. */
  date: string | undefined;
  title: string;
  /** Raw field values as written (`undefined` when the line is missing). */
  category: string | undefined;
  status: string | undefined;
  /** Where the status word is, for in-place edits. */
  statusSpan: Span | undefined;
  /** 1-based line of the status field, for messages. */
  statusLine: number | undefined;
  related: string[];
  finding: string | undefined;
  impact: string | undefined;
  actionItems: ParsedActionItem[];
  /** End of the entry's last non-blank line: where an inserted line goes. */
  contentEnd: number;
  /**
   * Everything under the heading as written, through `contentEnd`: the fields,
   * every section (the author's own too), tables and prose. What search reads.
   */
  body: string;
}

export interface ParsedActionItem extends ActionItem {
  /** 1-based line number. */
  line: number;
  /** The one character between the brackets (` `, `x` or `X`). */
  checkSpan: Span;
}

export interface ParsedLog {
  /** `\r\n` when the file's first line ends so, otherwise `\n`. */
  eol: "\n" | "\r\n";
  /** True when the text starts with U+FEFF. */
  bom: boolean;
  entries: ParsedEntry[];
}

/**
 * A problem found by `checkLog`, located by 1-based line. An `error` breaks
 * how the rest of the file reads (an unclosed fence, a NUL byte); a
 * `warning` is something in one entry that cannot be read as its author
 * meant (an impossible date, a missing Status, a look-alike checkbox).
 */
export interface CheckProblem {
  line: number;
  severity: "error" | "warning";
  message: string;
}

/** The result of an edit: the new text, and whether anything changed (edits are idempotent). */
export interface EditResult {
  text: string;
  changed: boolean;
}
