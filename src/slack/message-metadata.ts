import { z } from "zod";
import { STATUSES } from "../core/types.js";

/** Metadata event type of a finding's announcement. */
export const ENTRY_EVENT_TYPE = "research_log_entry";
/** Metadata event type of an action item's message. */
export const ITEM_EVENT_TYPE = "research_log_item";

const status = z.enum(STATUSES);
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

const entryPayloadSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  category: z.string().optional(),
  status: status,
  /** The status before a reaction resolved it, to restore when the reaction is removed. */
  status_before: status.optional(),
  entry_url: z.string().optional(),
  commit_url: z.string().optional(),
  logged_by: z.string().optional(),
  /** The Related items as typed, one per line, to link them again when the message is rebuilt. */
  related: z.string().optional(),
});

const itemPayloadSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  /** 1-based, as `research-log list` shows it. */
  item: z.coerce.number().int().positive(),
  text: z.string(),
  done: flag,
  entry_url: z.string().optional(),
  age_days: z.coerce.number().int().optional(),
});

/** What an announcement's metadata says: which entry it stands for, and its status. */
export type EntryPayload = z.infer<typeof entryPayloadSchema>;
/** What an action item message's metadata says: which entry and item it stands for. */
export type ItemPayload = z.infer<typeof itemPayloadSchema>;

/** Slack message metadata as sent with chat.postMessage / chat.update. */
export interface SlackMetadata {
  event_type: string;
  event_payload: Record<string, string | number | boolean>;
}

export type MessageMeaning = { kind: "entry"; payload: EntryPayload } | { kind: "item"; payload: ItemPayload };

const compact = (payload: Record<string, string | number | boolean | undefined>): Record<string, string | number | boolean> =>
  Object.fromEntries(Object.entries(payload).filter((pair): pair is [string, string | number | boolean] => pair[1] !== undefined));

/** Metadata for an announcement. */
export function entryMetadata(payload: EntryPayload): SlackMetadata {
  return { event_type: ENTRY_EVENT_TYPE, event_payload: compact(payload) };
}

/** Metadata for an action item's message. */
export function itemMetadata(payload: ItemPayload): SlackMetadata {
  return { event_type: ITEM_EVENT_TYPE, event_payload: compact(payload) };
}

/**
 * What a message of ours stands for, read from its metadata; undefined for
 * any other message (or metadata we do not recognise), which callers ignore.
 */
export function readMessageMeaning(metadata: unknown): MessageMeaning | undefined {
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const { event_type: eventType, event_payload: payload } = metadata as { event_type?: unknown; event_payload?: unknown };
  if (eventType === ENTRY_EVENT_TYPE) {
    const parsed = entryPayloadSchema.safeParse(payload);
    return parsed.success ? { kind: "entry", payload: parsed.data } : undefined;
  }
  if (eventType === ITEM_EVENT_TYPE) {
    const parsed = itemPayloadSchema.safeParse(payload);
    return parsed.success ? { kind: "item", payload: parsed.data } : undefined;
  }
  return undefined;
}
