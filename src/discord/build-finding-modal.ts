import { LabelBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from "discord.js";
import type { APIModalInteractionResponseCallbackData } from "discord.js";
import type { FieldError, FindingInput } from "../core/types.js";
import { shorten } from "../core/shorten.js";
import { FIELD_LABELS } from "../core/normalize-finding.js";

/** Custom ids of the modal's text inputs. */
export const FINDING_INPUT_IDS = {
  title: "title",
  related: "related",
  finding: "finding",
  impact: "impact",
  actionItems: "action_items",
} as const;

/** Labels, as the Slack modal and the CLI's messages have them. */
export const FINDING_LABELS = FIELD_LABELS;

/** Discord's limit on a modal's components. */
export const MAX_MODAL_COMPONENTS = 5;
/** Discord's limit on a text input's value. */
export const MAX_INPUT_LENGTH = 4000;
const MAX_TITLE_LENGTH = 200;

const MODAL_PREFIX = "rl:f:";
/** The same form with pictures waiting for it: `rl:p:<key>:` then as above. */
const PICTURES_PREFIX = "rl:p:";

/** What a modal's custom id carries to its submission: where it was opened and the chosen options. */
export interface ModalContext {
  category: string;
  status: string;
  channel: string;
  /** The message `Log as finding` was used on: the announcement goes in its thread. */
  message: string | undefined;
  /** The key of the pictures waiting for this form (pending-pictures.ts). */
  pictures?: string | undefined;
}

/** `rl:f:<channel>:<message>:<status>:<category>`: the category last (it may hold spaces), all within Discord's 100 characters. */
export function formatModalId(context: ModalContext): string {
  const prefix = context.pictures === undefined ? MODAL_PREFIX : `${PICTURES_PREFIX}${context.pictures}:`;
  return `${prefix}${context.channel}:${context.message ?? ""}:${context.status}:${context.category}`;
}

export function parseModalId(customId: string): ModalContext | undefined {
  let rest: string;
  let pictures: string | undefined;
  if (customId.startsWith(MODAL_PREFIX)) {
    rest = customId.slice(MODAL_PREFIX.length);
  } else if (customId.startsWith(PICTURES_PREFIX)) {
    const at = customId.indexOf(":", PICTURES_PREFIX.length);
    if (at === -1) return undefined;
    pictures = customId.slice(PICTURES_PREFIX.length, at);
    rest = customId.slice(at + 1);
  } else {
    return undefined;
  }
  const [channel = "", message = "", status = "", ...category] = rest.split(":");
  if (!/^\d+$/.test(channel) || status === "") return undefined;
  return { channel, message: message === "" ? undefined : message, status, category: category.join(":"), ...(pictures === undefined ? {} : { pictures }) };
}

export interface FindingModalOptions {
  context: ModalContext;
  title?: string | undefined;
  related?: string | undefined;
  finding?: string | undefined;
  impact?: string | undefined;
  actionItems?: string | undefined;
}

/**
 * The finding form: Title, Related, Finding, Impact, Action Items (category
 * and status came as command options: a modal holds five components).
 */
export function buildFindingModal(options: FindingModalOptions): APIModalInteractionResponseCallbackData {
  const { context } = options;
  const input = (id: string, style: TextInputStyle, required: boolean, max: number, value: string | undefined, placeholder: string) => {
    const builder = new TextInputBuilder().setCustomId(id).setStyle(style).setRequired(required).setMaxLength(max).setPlaceholder(placeholder);
    if (value !== undefined && value !== "") builder.setValue(shorten(value, max));
    return builder;
  };
  const label = (text: string, description: string, component: TextInputBuilder) =>
    new LabelBuilder().setLabel(text).setDescription(description).setTextInputComponent(component);
  const modal = new ModalBuilder()
    .setCustomId(formatModalId(context))
    .setTitle(shorten(`Log a finding (${context.category}, ${context.status})`, 45))
    .addLabelComponents(
      label("Title", "One line", input(FINDING_INPUT_IDS.title, TextInputStyle.Short, true, MAX_TITLE_LENGTH, options.title, "AMP breaks complex number operations")),
      label("Related", "Optional: files, runs, links, separated by commas", input(FINDING_INPUT_IDS.related, TextInputStyle.Short, false, MAX_INPUT_LENGTH, options.related, "experiments/train.py, MLflow run abc123")),
      label("Finding", "What you found", input(FINDING_INPUT_IDS.finding, TextInputStyle.Paragraph, true, MAX_INPUT_LENGTH, options.finding, "What happened, and how you know")),
      label("Impact", "Why it matters", input(FINDING_INPUT_IDS.impact, TextInputStyle.Paragraph, true, MAX_INPUT_LENGTH, options.impact, "Who or what it affects")),
      label("Action Items", "Optional: one per line; [x] marks one done", input(FINDING_INPUT_IDS.actionItems, TextInputStyle.Paragraph, false, MAX_INPUT_LENGTH, options.actionItems, "- Test with bfloat16")),
    );
  return modal.toJSON();
}

/** What the person typed, from the submitted values by input id; nothing is trusted here. */
export function modalValuesToInput(context: ModalContext, values: ReadonlyMap<string, string>): FindingInput {
  return {
    title: values.get(FINDING_INPUT_IDS.title),
    category: context.category,
    status: context.status,
    related: values.get(FINDING_INPUT_IDS.related),
    finding: values.get(FINDING_INPUT_IDS.finding),
    impact: values.get(FINDING_INPUT_IDS.impact),
    actionItems: values.get(FINDING_INPUT_IDS.actionItems),
  };
}

/** Field errors as lines naming the field: Discord modals cannot show errors inline. */
export function describeFieldErrors(errors: readonly FieldError[]): string[] {
  return errors.map(({ field, message }) => (message.toLowerCase().startsWith(FINDING_LABELS[field].toLowerCase()) ? message : `${FINDING_LABELS[field]}: ${message}`));
}
