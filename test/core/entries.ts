import type { ParsedEntry } from "../../src/core/index.js";

/**
 * Every field of an entry as a plain object, in a fixed order. Typed as
 * ParsedEntry, so a field added to the interface must be added here.
 */
export function plainEntry(e: ParsedEntry): ParsedEntry {
  return {
    id: e.id,
    line: e.line,
    span: e.span,
    heading: e.heading,
    date: e.date,
    title: e.title,
    category: e.category,
    status: e.status,
    statusSpan: e.statusSpan,
    statusLine: e.statusLine,
    related: e.related,
    finding: e.finding,
    impact: e.impact,
    actionItems: e.actionItems,
    contentEnd: e.contentEnd,
    body: e.body,
  };
}

/** An entry without `body`, to compare with the reference parser (test/core/eager-parse.ts), which has none. */
export function referenceFields(e: ParsedEntry): Omit<ParsedEntry, "body"> {
  const { body, ...rest } = plainEntry(e);
  void body;
  return rest;
}
