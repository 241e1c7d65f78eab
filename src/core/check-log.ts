import { isValidDate } from "./dates.js";
import { indexLog } from "./parse-log.js";
import { DEFAULT_CATEGORIES, STATUSES } from "./types.js";
import type { CheckProblem, FindingOptions } from "./types.js";

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function checkChoice(
  problems: CheckProblem[],
  label: string,
  value: string | undefined,
  allowed: readonly string[],
  line: number,
  headingLine: number,
): void {
  const v = value?.trim();
  if (v === undefined || v === "") {
    problems.push({ line: v === undefined ? headingLine : line, message: `${label} is missing (add **${label}**: one of ${allowed.join(", ")})` });
  } else if (!allowed.some((a) => a.toLowerCase() === v.toLowerCase())) {
    problems.push({ line, message: `${label} "${v}" is not one of ${allowed.join(", ")}` });
  }
}

/**
 * What `research-log check` reports: problems a person can fix, each with
 * its 1-based line, in line order. Hand-written variants the parser accepts
 * (`**Category:**`, `* [ ]`, CRLF, `## [date] [title]`) are not problems.
 */
export function checkLog(text: string, options: FindingOptions = {}): CheckProblem[] {
  const categories = options.categories ?? DEFAULT_CATEGORIES;
  const index = indexLog(text);
  const problems: CheckProblem[] = [];
  for (const entry of index.entries) {
    const layout = entry.layout();
    const raw = layout.rawDate;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
      problems.push({ line: entry.line, message: `Date must look like YYYY-MM-DD (got "${raw}")` });
    } else if (!isValidDate(raw)) {
      problems.push({ line: entry.line, message: `Date ${raw} does not exist` });
    }
    if (entry.title.trim() === "") {
      problems.push({ line: entry.line, message: `Title is missing (write it after the date: ## ${raw} Title)` });
    }
    checkChoice(problems, "Category", entry.category, categories, layout.categoryLine ?? entry.line, entry.line);
    checkChoice(problems, "Status", entry.status, STATUSES, entry.statusLine ?? entry.line, entry.line);
    for (const [label, value, line] of [
      ["Finding", entry.finding, layout.findingLine],
      ["Impact", entry.impact, layout.impactLine],
    ] as const) {
      if (line === undefined) problems.push({ line: entry.line, message: `${label} section is missing (add ### ${label})` });
      else if (value === undefined || value.trim() === "") problems.push({ line, message: `${label} section is empty` });
    }
  }
  if (index.openFence) {
    problems.push({ line: index.openFence.line, message: "Code fence is never closed (add a closing fence)" });
  }
  for (let i = text.indexOf("\0"); i !== -1; i = text.indexOf("\0", i + 1)) {
    problems.push({ line: lineOf(text, i), message: "Line contains a NUL byte; remove it" });
  }
  return problems.sort((a, b) => a.line - b.line);
}
