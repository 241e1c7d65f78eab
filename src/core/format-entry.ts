import { blockStart, closesFence, fenceOpener } from "./markdown-lines.js";
import type { Fence } from "./markdown-lines.js";
import { TITLE_ESCAPED_START } from "./entry-heading.js";
import type { Finding } from "./types.js";

const URL_ITEM = /^https?:\/\/\S+$/;
const MLFLOW_RUN = /^mlflow run (\S+)$/i;

/** One Related item as written: URLs bare, ids and paths in backticks, prose plain. */
function formatRelatedItem(item: string): string {
  if (URL_ITEM.test(item)) return item;
  const run = MLFLOW_RUN.exec(item);
  if (run) return `MLflow run \`${run[1]}\``;
  if (!/\s/.test(item) && (/[/._]/.test(item) || (/\d/.test(item) && /[A-Za-z]/.test(item)))) return `\`${item}\``;
  return item;
}

/**
 * The Related line's value: `experiments/train.py, MLflow run abc123` becomes
 * `` `experiments/train.py`, MLflow run `abc123` ``.
 */
export function formatRelated(items: readonly string[]): string {
  return items.map(formatRelatedItem).join(", ");
}

const SETEXT_UNDERLINE = /^(?:=+|-+)\s*$/;
const HTML_BLOCK = /^<(?:(script|pre|style|textarea)(?:[\s>]|$)|(!--)|(\?)|(![A-Za-z])|(!\[CDATA\[))/i;

/** The end marker of a CommonMark HTML block (types 1-5) a line starts, or undefined. */
function htmlBlockEnd(rest: string): string | undefined {
  const m = HTML_BLOCK.exec(rest);
  if (!m) return undefined;
  if (m[1]) return `</${m[1].toLowerCase()}>`;
  if (m[2]) return "-->";
  if (m[3]) return "?>";
  if (m[4]) return ">";
  return "]]>";
}

/**
 * Escape lines of Finding/Impact text so that none of them can be read as
 * structure (heading, setext underline, unclosed fence, unclosed HTML block)
 * by the parser or by GitHub. The escape is one `\` after the line's
 * indentation; the parser removes exactly that (every line that starts with
 * `\` is escaped, so the rule inverts). Fenced blocks closed within the text
 * are kept verbatim.
 */
export function escapeBlock(text: string): string[] {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const at = blockStart(line, 0, line.length);
    if (at === -1 || at === line.length) {
      out.push(line);
      continue;
    }
    const fence: Fence | undefined = fenceOpener(line, at, line.length);
    if (fence) {
      let close = -1;
      for (let j = i + 1; j < lines.length; j++) {
        const l = lines[j] ?? "";
        const a = blockStart(l, 0, l.length);
        if (a !== -1 && closesFence(l, a, l.length, fence)) {
          close = j;
          break;
        }
      }
      if (close !== -1) {
        for (let j = i; j <= close; j++) out.push(lines[j] ?? "");
        i = close;
        continue;
      }
      out.push(`${line.slice(0, at)}\\${line.slice(at)}`);
      continue;
    }
    const c = line.charCodeAt(at);
    let escape = c === 35 /* # */ || c === 92 /* \ */;
    if (!escape && (c === 61 /* = */ || c === 45 /* - */)) escape = SETEXT_UNDERLINE.test(line.slice(at));
    if (!escape && c === 60 /* < */) {
      const end = htmlBlockEnd(line.slice(at));
      if (end !== undefined) {
        const rest = lines.slice(i).join("\n");
        const from = end === ">" ? rest.indexOf("<") + 2 : rest.indexOf("<") + 1;
        escape = (end.startsWith("</") ? rest.toLowerCase() : rest).indexOf(end, from) === -1;
      }
    }
    out.push(escape ? `${line.slice(0, at)}\\${line.slice(at)}` : line);
  }
  return out;
}

/** Escape a title so the heading reads back as exactly this title. */
export function escapeTitle(title: string): string {
  let t = title;
  // A leading separator or bracket would be taken as part of the heading syntax.
  if (TITLE_ESCAPED_START.test(t)) t = `\\${t}`;
  // A last word of only `#`s would be an ATX closing sequence; one of
  // backslashes and `#`s could be mistaken for an escaped one.
  const closing = /(?:^|\s)(\\*#+)$/.exec(t);
  if (closing) t = `${t.slice(0, t.length - (closing[1]?.length ?? 0))}\\${closing[1] ?? ""}`;
  return t;
}

/** Escape an action item's text so a leading `[x]` or `\` reads back as text. */
export function escapeActionText(text: string): string {
  return /^(?:\\|\[[ xX]\])/.test(text) ? `\\${text}` : text;
}

/** The entry heading's content (after `## `): date, then the escaped title. */
export function formatHeading(finding: Pick<Finding, "date" | "title">): string {
  return `${finding.date} ${escapeTitle(finding.title)}`;
}

/**
 * The markdown block for one entry, from its `## ` heading through the last
 * line's line break, in the seed document's shape.
 */
export function formatEntry(finding: Finding, eol: "\n" | "\r\n" = "\n"): string {
  const lines: string[] = [`## ${formatHeading(finding)}`, ""];
  lines.push(`**Category**: ${finding.category}`, `**Status**: ${finding.status}`);
  if (finding.related.length > 0) lines.push(`**Related**: ${formatRelated(finding.related)}`);
  lines.push("", "### Finding", ...escapeBlock(finding.finding), "", "### Impact", ...escapeBlock(finding.impact));
  if (finding.actionItems.length > 0) {
    lines.push("", "### Action Items");
    for (const item of finding.actionItems) lines.push(`- [${item.done ? "x" : " "}] ${escapeActionText(item.text)}`);
  }
  return lines.join(eol) + eol;
}
