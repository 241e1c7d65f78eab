import type { types } from "@slack/bolt";
import { z } from "zod";
import { STATUSES } from "../core/types.js";
import { shorten } from "../core/shorten.js";

type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;
type PlainTextOption = types.PlainTextOption;

/** The modal's callback id, shared by the slash command and the message shortcut. */
export const LOG_FINDING_CALLBACK_ID = "log_finding";

/** The callback id of the same form opened to edit an entry. */
export const EDIT_FINDING_CALLBACK_ID = "edit_finding";

/** Block ids of the modal's input blocks; inline errors are keyed by these. */
export const FINDING_BLOCK_IDS = {
  title: "title",
  category: "category",
  status: "status",
  related: "related",
  finding: "finding",
  impact: "impact",
  actionItems: "action_items",
} as const;

/** Every input element in the modal uses this action id. */
export const FINDING_ACTION_ID = "value";

/** The block of the form's picture upload (a `file_input`, optional). */
export const PICTURES_BLOCK_ID = "pictures";

/** The image types the upload offers; the bytes decide in the end (core/images.ts). */
const PICTURE_FILE_TYPES = ["png", "jpg", "jpeg", "gif", "webp"];

/** Slack's limit for a plain_text_input's max_length. */
export const MAX_INPUT_LENGTH = 3000;
export const MAX_TITLE_LENGTH = 200;
export const MAX_RELATED_LENGTH = 1000;

const modalContextSchema = z.object({
  channel: z.string().min(1),
  threadTs: z.string().min(1).optional(),
  /** An edit: the entry, its version when the form was filled, its announcement, and fields too long to show (kept as they are). */
  edit: z
    .object({
      id: z.string().min(1),
      version: z.string().min(1),
      ts: z.string().min(1).optional(),
      keep: z.array(z.enum(["related", "finding", "impact", "actionItems"])).default([]),
    })
    .optional(),
  /** Files of the message `Log as finding` was used on: the pictures among them go with the finding. */
  files: z.array(z.string().regex(/^F[A-Z0-9]+$/)).max(20).optional(),
});

/** Where the modal was opened from: the announcement goes there. Kept in `private_metadata`. */
export type ModalContext = z.infer<typeof modalContextSchema>;

/** Reads the modal context back from `private_metadata`; undefined when it is not ours. */
export function parseModalContext(privateMetadata: string | undefined): ModalContext | undefined {
  if (privateMetadata === undefined || privateMetadata === "") return undefined;
  try {
    const parsed = modalContextSchema.safeParse(JSON.parse(privateMetadata));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface FindingModalOptions {
  context: ModalContext;
  categories: readonly string[];
  /** The category selected at first (a route's default_category); none selected without it. */
  defaultCategory?: string | undefined;
  /** Prefills, e.g. the text typed after `/log-finding`, or the message a shortcut was used on. */
  title?: string | undefined;
  finding?: string | undefined;
  related?: string | undefined;
  /** Further prefills, for an edit (the entry as it is in the file). */
  status?: string | undefined;
  impact?: string | undefined;
  actionItems?: string | undefined;
  /** Offer a picture upload (the bot token holds `files:read`, which `file_input` needs). */
  upload?: boolean | undefined;
}

const plain = (text: string) => ({ type: "plain_text" as const, text, emoji: true });

const option = (value: string): PlainTextOption => ({ text: plain(shorten(value, 75)), value });

const textInput = (
  blockId: string,
  label: string,
  options: { maxLength: number; placeholder: string; multiline?: boolean; optional?: boolean; initial?: string | undefined; hint?: string },
): KnownBlock => {
  const initial = options.initial?.trim();
  return {
    type: "input",
    block_id: blockId,
    label: plain(label),
    optional: options.optional ?? false,
    ...(options.hint === undefined ? {} : { hint: plain(options.hint) }),
    element: {
      type: "plain_text_input",
      action_id: FINDING_ACTION_ID,
      multiline: options.multiline ?? false,
      max_length: options.maxLength,
      placeholder: plain(shorten(options.placeholder, 150)),
      ...(initial === undefined || initial === "" ? {} : { initial_value: shorten(initial, options.maxLength) }),
    },
  };
};

const selectInput = (blockId: string, label: string, values: readonly string[], placeholder: string, initial?: string): KnownBlock => ({
  type: "input",
  block_id: blockId,
  label: plain(label),
  element: {
    type: "static_select",
    action_id: FINDING_ACTION_ID,
    placeholder: plain(placeholder),
    // Slack allows at most 100 options in a static select.
    options: values.slice(0, 100).map(option),
    ...(initial === undefined ? {} : { initial_option: option(initial) }),
  },
});

/**
 * The "Log a finding" modal: labels exactly as in the log format, placeholders
 * from the format's example entry, and Slack's length limits.
 */
export function buildFindingModal(options: FindingModalOptions): ModalView {
  // A one-line title: a prefill from a message may span several lines.
  const title = options.title?.replace(/\s+/g, " ");
  const editing = options.context.edit !== undefined;
  const kept = new Set(options.context.edit?.keep ?? []);
  const keptHint = "Longer than a Slack form holds: left as it is in the file (edit the file to change it)";
  return {
    type: "modal",
    callback_id: editing ? EDIT_FINDING_CALLBACK_ID : LOG_FINDING_CALLBACK_ID,
    private_metadata: JSON.stringify(options.context),
    title: plain(editing ? "Edit finding" : "Log a finding"),
    submit: plain(editing ? "Save" : "Log"),
    close: plain("Cancel"),
    blocks: [
      textInput(FINDING_BLOCK_IDS.title, "Title", {
        maxLength: MAX_TITLE_LENGTH,
        placeholder: "AMP Breaks Complex Number Operations",
        initial: title,
      }),
      selectInput(FINDING_BLOCK_IDS.category, "Category", options.categories, "Training", options.defaultCategory),
      selectInput(FINDING_BLOCK_IDS.status, "Status", STATUSES, "Open", STATUSES.find((s) => s === options.status) ?? "Open"),
      textInput(FINDING_BLOCK_IDS.related, "Related", {
        maxLength: MAX_RELATED_LENGTH,
        placeholder: "experiments/train.py, MLflow run abc123",
        optional: true,
        initial: kept.has("related") ? undefined : options.related,
        hint: kept.has("related") ? keptHint : "File paths, experiment or MLflow run ids, links; separated by commas",
      }),
      textInput(FINDING_BLOCK_IDS.finding, "Finding", {
        maxLength: MAX_INPUT_LENGTH,
        placeholder: "Automatic Mixed Precision (AMP) causes NaN gradients when used with complex-valued tensors.",
        multiline: true,
        initial: kept.has("finding") ? undefined : options.finding,
        ...(kept.has("finding") ? { optional: true, hint: keptHint } : {}),
      }),
      textInput(FINDING_BLOCK_IDS.impact, "Impact", {
        maxLength: MAX_INPUT_LENGTH,
        placeholder: "Cannot use AMP for training speedup. Training is ~2x slower than comparable real-valued models.",
        multiline: true,
        initial: kept.has("impact") ? undefined : options.impact,
        ...(kept.has("impact") ? { optional: true, hint: keptHint } : {}),
      }),
      textInput(FINDING_BLOCK_IDS.actionItems, "Action Items", {
        maxLength: MAX_INPUT_LENGTH,
        placeholder: "One per line, e.g. Test with bfloat16 instead of float16",
        multiline: true,
        optional: true,
        initial: kept.has("actionItems") ? undefined : options.actionItems,
        hint: kept.has("actionItems") ? keptHint : "One item per line; start a line with [x] if it is already done",
      }),
      ...picturesBlocks(options),
    ],
  };
}

/** What the form says of pictures: those the message has, and an upload for more. */
function picturesBlocks(options: FindingModalOptions): KnownBlock[] {
  if (options.context.edit !== undefined) return [];
  const blocks: KnownBlock[] = [];
  const fromMessage = options.context.files?.length ?? 0;
  if (fromMessage > 0) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `:frame_with_picture: The message's ${fromMessage === 1 ? "file goes" : `${fromMessage} files go`} with the finding: images are committed beside the log and shown in the entry.` }],
    });
  }
  if (options.upload === true) {
    blocks.push({
      type: "input",
      block_id: PICTURES_BLOCK_ID,
      label: plain("Pictures"),
      optional: true,
      hint: plain("Plots, screenshots: PNG, JPEG, GIF or WebP, committed beside the log and shown in the entry"),
      element: { type: "file_input", action_id: FINDING_ACTION_ID, filetypes: PICTURE_FILE_TYPES, max_files: 10 },
    });
  }
  return blocks;
}

/** What the edit form shows while the entry is read (a trigger id lives 3 s; a 10 MB log may take longer). */
export function buildLoadingModal(): ModalView {
  return {
    type: "modal",
    title: plain("Edit finding"),
    close: plain("Cancel"),
    blocks: [{ type: "section", text: { type: "mrkdwn", text: ":hourglass_flowing_sand: Reading the entry as it is in the log now…" } }],
  };
}

/** What the edit form shows when it cannot be filled: the reason, and nothing to submit. */
export function buildNoticeModal(text: string): ModalView {
  return {
    type: "modal",
    title: plain("Edit finding"),
    close: plain("Close"),
    blocks: [{ type: "section", text: { type: "mrkdwn", text: shorten(text, 3000) } }],
  };
}
