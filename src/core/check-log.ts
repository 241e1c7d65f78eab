import { isValidDate } from "./dates.js";
import { parseEntryHeading } from "./entry-heading.js";
import { indexLog, readEntry } from "./parse-log.js";
import type { StrayHeading } from "./parse-log.js";
import { statusWord } from "./status.js";
import { DEFAULT_CATEGORIES, STATUSES } from "./types.js";
import type { CheckProblem, FindingOptions } from "./types.js";

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function warning(line: number, message: string): CheckProblem {
  return { line, severity: "warning", message };
}

function error(line: number, message: string): CheckProblem {
  return { line, severity: "error", message };
}

/** A missing or empty field, or one whose value `accepted` refuses. */
function checkChoice(
  label: string,
  value: string | undefined,
  allowed: readonly string[],
  accepted: (value: string) => boolean,
  line: number | undefined,
  headingLine: number,
): CheckProblem[] {
  const v = value?.trim();
  if (v === undefined || v === "") {
    return [warning(line ?? headingLine, `${label} is missing (add **${label}**: one of ${allowed.join(", ")})`)];
  }
  if (!accepted(v)) return [warning(line ?? headingLine, `${label} "${v}" is not one of ${allowed.join(", ")}${label === "Status" ? " (it counts as Open)" : ""}`)];
  return [];
}

/** A date written some other way than YYYY-MM-DD: `2026/01/20`, `20.01.2026`, `2026-01-200`. */
const DATE_LIKE = /^\[?(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})/;

/** Why a heading that starts like a date is not an entry, or undefined when it is plainly not meant as one. */
function strayHeadingProblem({ level, content }: StrayHeading): string | undefined {
  const hashes = "#".repeat(level);
  if (parseEntryHeading(content) !== undefined) {
    return `Heading "${hashes} ${content}" has a date but is not an entry: entries are ## headings (write it as ## ${content})`;
  }
  const written = DATE_LIKE.exec(content)?.[1];
  if (level === 2 && written !== undefined) {
    return `Heading looks like an entry, but its date "${written}" is not YYYY-MM-DD, so it is not read as one`;
  }
  return undefined;
}

/**
 * What `research-log check` reports: problems a person can fix, each with
 * its 1-based line and severity, in line order. Hand-written variants the
 * parser reads as meant (`**Category:**`, `* [ ]`, CRLF, `## [date] [title]`,
 * `## 2026-07-28/29 — title`, `**Status**: Open - waiting on infra`) are not
 * problems.
 */
export function checkLog(text: string, options: FindingOptions = {}): CheckProblem[] {
  const categories = options.categories ?? DEFAULT_CATEGORIES;
  const index = indexLog(text);
  const problems: CheckProblem[] = [];
  for (const indexed of index.entries) {
    const { entry, layout } = readEntry(text, indexed);
    const raw = layout.rawDate;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
      problems.push(warning(entry.line, `Date must look like YYYY-MM-DD (got "${raw}")`));
    } else if (!isValidDate(raw)) {
      problems.push(warning(entry.line, `Date ${raw} does not exist`));
    }
    if (entry.title.trim() === "") {
      problems.push(warning(entry.line, `Title is missing (write it after the date: ## ${raw} Title)`));
    }
    const isCategory = (v: string): boolean => categories.some((c) => c.toLowerCase() === v.toLowerCase());
    problems.push(...checkChoice("Category", entry.category, categories, isCategory, layout.categoryLine, entry.line));
    const isStatus = (v: string): boolean => statusWord(v) !== undefined;
    problems.push(...checkChoice("Status", entry.status, STATUSES, isStatus, entry.statusLine, entry.line));
    for (const [label, value, line] of [
      ["Finding", entry.finding, layout.findingLine],
      ["Impact", entry.impact, layout.impactLine],
    ] as const) {
      if (line === undefined) problems.push(warning(entry.line, `${label} section is missing (add ### ${label})`));
      else if (value === undefined || value.trim() === "") problems.push(warning(line, `${label} section is empty`));
    }
    for (const line of layout.checkboxLookalikes) {
      problems.push(warning(line, "Action item is not a checkbox, so it cannot be checked off (write it as - [ ] text)"));
    }
  }
  for (const stray of index.strayHeadings) {
    const problem = strayHeadingProblem(stray);
    if (problem !== undefined) problems.push(warning(stray.line, problem));
  }
  if (index.openFence) {
    problems.push(error(index.openFence.line, "Code fence is never closed (add a closing fence)"));
  }
  for (let i = text.indexOf("\0"); i !== -1; i = text.indexOf("\0", i + 1)) {
    problems.push(error(lineOf(text, i), "Line contains a NUL byte; remove it"));
  }
  return problems.sort((a, b) => a.line - b.line);
}
