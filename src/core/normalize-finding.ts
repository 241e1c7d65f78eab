import { z } from "zod";
import { isValidDate } from "./dates.js";
import { DEFAULT_CATEGORIES, STATUSES } from "./types.js";
import type { FieldError, Finding, FindingField, FindingInput, FindingOptions, Result, Status } from "./types.js";

/** The label a person sees for each field (the Slack modal uses the same words). */
export const FIELD_LABELS: Readonly<Record<FindingField, string>> = {
  date: "Date",
  title: "Title",
  category: "Category",
  status: "Status",
  related: "Related",
  finding: "Finding",
  impact: "Impact",
  actionItems: "Action Items",
};

export const LIMITS = {
  title: 200,
  text: 20_000,
  relatedItems: 20,
  relatedItem: 300,
  actionItems: 50,
  actionItem: 500,
} as const;

const C0_NAMES = [
  "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
];
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL = /[\x00-\x08\x0B-\x1F]/;

type Ctx = z.RefinementCtx;

function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}

/** CRLF and lone CR become LF; then any other C0 control character is an error. */
function cleanText(value: string, label: string, ctx: Ctx): string | undefined {
  const text = value.includes("\r") ? value.replace(/\r\n?/g, "\n") : value;
  const bad = FORBIDDEN_CONTROL.exec(text);
  if (bad) {
    ctx.addIssue({
      code: "custom",
      message: `${label} contains a control character (${C0_NAMES[bad[0].charCodeAt(0)] ?? "?"}); remove it`,
    });
    return undefined;
  }
  return text;
}

function asStrings(value: unknown, label: string, ctx: Ctx): string[] | undefined {
  if (value === undefined) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  ctx.addIssue({ code: "custom", message: `${label} must be text or a list of texts` });
  return undefined;
}

function requiredText(value: unknown, label: string, ctx: Ctx): string | undefined {
  if (value === undefined || value === null) {
    ctx.addIssue({ code: "custom", message: `${label} is required` });
    return undefined;
  }
  if (typeof value !== "string") {
    ctx.addIssue({ code: "custom", message: `${label} must be text` });
    return undefined;
  }
  const text = cleanText(value, label, ctx);
  if (text === undefined) return undefined;
  if (text.trim() === "") {
    ctx.addIssue({ code: "custom", message: `${label} is required` });
    return undefined;
  }
  return text;
}

/** Collapse every run of whitespace (newlines included) to one space, and trim. */
export function collapseWhitespace(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** Multi-line text as stored: no trailing whitespace, no leading blank lines. */
export function trimBlock(s: string): string {
  return s.trimEnd().replace(/^(?:[^\S\n]*\n)+/, "");
}

function tooLong(label: string, length: number, max: number): string {
  return `${label} is too long (${length} characters; at most ${max})`;
}

function oneOf(label: string, allowed: readonly string[]) {
  return z.unknown().transform((value, ctx): string => {
    const text = requiredText(value, label, ctx);
    if (text === undefined) return z.NEVER;
    const wanted = text.trim().toLowerCase();
    const match = allowed.find((a) => a.toLowerCase() === wanted);
    if (match === undefined) {
      return fail(ctx, `${label} must be one of ${allowed.join(", ")} (got "${collapseWhitespace(text)}")`);
    }
    return match;
  });
}

function blockField(label: string) {
  return z.unknown().transform((value, ctx): string => {
    const text = requiredText(value, label, ctx);
    if (text === undefined) return z.NEVER;
    const block = trimBlock(text);
    if (block.length > LIMITS.text) return fail(ctx, tooLong(label, block.length, LIMITS.text));
    return block;
  });
}

const MLFLOW_RUN = /^mlflow\s+run\s+(\S+)$/i;

function buildSchema(categories: readonly string[]) {
  return z.object({
    date: z.unknown().transform((value, ctx): string => {
      const text = requiredText(value, "Date", ctx);
      if (text === undefined) return z.NEVER;
      const date = text.trim();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return fail(ctx, `Date must look like YYYY-MM-DD (got "${date}")`);
      if (!isValidDate(date)) return fail(ctx, `Date ${date} does not exist`);
      return date;
    }),
    title: z.unknown().transform((value, ctx): string => {
      const text = requiredText(value, "Title", ctx);
      if (text === undefined) return z.NEVER;
      const title = collapseWhitespace(text);
      if (title.length > LIMITS.title) return fail(ctx, tooLong("Title", title.length, LIMITS.title));
      return title;
    }),
    category: oneOf("Category", categories),
    status: oneOf("Status", STATUSES),
    related: z.unknown().transform((value, ctx): string[] => {
      const values = asStrings(value, "Related", ctx);
      if (values === undefined) return z.NEVER;
      const items: string[] = [];
      for (const v of values) {
        const text = cleanText(v, "Related", ctx);
        if (text === undefined) return z.NEVER;
        for (const part of text.split(/[,\n]/)) {
          let item = part.replace(/`/g, "").trim();
          const run = MLFLOW_RUN.exec(item);
          if (run) item = `MLflow run ${run[1]}`;
          if (item !== "") items.push(item);
        }
      }
      if (items.length > LIMITS.relatedItems) {
        return fail(ctx, `Related has too many items (${items.length}; at most ${LIMITS.relatedItems})`);
      }
      const long = items.findIndex((i) => i.length > LIMITS.relatedItem);
      if (long !== -1) {
        return fail(ctx, tooLong(`Related item ${long + 1}`, items[long]?.length ?? 0, LIMITS.relatedItem));
      }
      return items;
    }),
    finding: blockField("Finding"),
    impact: blockField("Impact"),
    actionItems: z.unknown().transform((value, ctx): { text: string; done: boolean }[] => {
      const values = asStrings(value, "Action Items", ctx);
      if (values === undefined) return z.NEVER;
      const items: { text: string; done: boolean }[] = [];
      for (const v of values) {
        const text = cleanText(v, "Action Items", ctx);
        if (text === undefined) return z.NEVER;
        for (const line of text.split("\n")) {
          const item = parseActionLine(line);
          if (item) items.push(item);
        }
      }
      if (items.length > LIMITS.actionItems) {
        return fail(ctx, `Action Items has too many items (${items.length}; at most ${LIMITS.actionItems})`);
      }
      const long = items.findIndex((i) => i.text.length > LIMITS.actionItem);
      if (long !== -1) {
        return fail(ctx, tooLong(`Action item ${long + 1}`, items[long]?.text.length ?? 0, LIMITS.actionItem));
      }
      return items;
    }),
  });
}

/** One typed action-item line: `- [x] text` → done; a bare line → not done; blank → undefined. */
function parseActionLine(line: string): { text: string; done: boolean } | undefined {
  let s = line.trim();
  const bullet = /^[-*+](?:\s+|$)/.exec(s);
  if (bullet) s = s.slice(bullet[0].length);
  let done = false;
  const box = /^\[([ xX])\](?:\s+|$)/.exec(s);
  if (box) {
    done = box[1] !== " ";
    s = s.slice(box[0].length);
  }
  const text = collapseWhitespace(s);
  return text === "" ? undefined : { text, done };
}

const FIELD_ORDER: readonly FindingField[] = ["date", "title", "category", "status", "related", "finding", "impact", "actionItems"];
const schemaCache = new Map<string, ReturnType<typeof buildSchema>>();

function schemaFor(categories: readonly string[]): ReturnType<typeof buildSchema> {
  const key = categories.join("\u0000");
  let schema = schemaCache.get(key);
  if (!schema) {
    schema = buildSchema(categories);
    if (schemaCache.size < 32) schemaCache.set(key, schema);
  }
  return schema;
}

/**
 * Turn what a person typed into a valid Finding, or report every invalid
 * field at once (in form order) with a message saying what to do.
 */
export function normalizeFinding(input: FindingInput, options: FindingOptions = {}): Result<Finding, FieldError> {
  // Every key present (zod 4 treats a missing key of an `unknown` field as absent, not undefined).
  const all = Object.fromEntries(FIELD_ORDER.map((f) => [f, (input as Record<string, unknown> | undefined)?.[f]]));
  const parsed = schemaFor(options.categories ?? DEFAULT_CATEGORIES).safeParse(all);
  if (parsed.success) {
    return { ok: true, value: { ...parsed.data, status: parsed.data.status as Status } };
  }
  const errors: FieldError[] = [];
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (typeof field === "string" && (FIELD_ORDER as readonly string[]).includes(field)) {
      errors.push({ field: field as FindingField, message: issue.message });
    }
  }
  errors.sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field));
  return { ok: false, errors };
}
