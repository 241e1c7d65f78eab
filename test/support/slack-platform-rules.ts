/**
 * What Slack checks that its Web API spec (test/vendor/slack/web-api.trimmed.json,
 * 2021) does not say: Block Kit's limits, the arguments added since, and the
 * scopes each method needs today. Every rule cites the docs page it comes
 * from. The fake Slack refuses what breaks a rule with Slack's own error and
 * a `response_metadata.messages` line in Slack's form:
 * `[ERROR] must be less than 25 characters [json-pointer:/view/title/text]`.
 */
import { readRepoFile } from "./repo-file.js";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";

const BLOCKS = "https://docs.slack.dev/reference/block-kit/blocks";
const SECTION = "https://docs.slack.dev/reference/block-kit/blocks/section-block";
const CONTEXT = "https://docs.slack.dev/reference/block-kit/blocks/context-block";
const HEADER = "https://docs.slack.dev/reference/block-kit/blocks/header-block";
const ACTIONS = "https://docs.slack.dev/reference/block-kit/blocks/actions-block";
const INPUT = "https://docs.slack.dev/reference/block-kit/blocks/input-block";
const MODAL = "https://docs.slack.dev/reference/views/modal-views";
const PLAIN_TEXT_INPUT = "https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element";
const STATIC_SELECT = "https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#static_select";
const BUTTON = "https://docs.slack.dev/reference/block-kit/block-elements/button-element";
const OPTION = "https://docs.slack.dev/reference/block-kit/composition-objects/option-object";
const POST_MESSAGE = "https://docs.slack.dev/reference/methods/chat.postMessage";

/** One limit: at most `max` characters (or items), and where Slack says so. */
export interface SlackLimit {
  max: number;
  docs: string;
}

/** Block Kit's limits, as Slack documents them. */
export const BLOCK_KIT_LIMITS = {
  messageBlocks: { max: 50, docs: BLOCKS },
  viewBlocks: { max: 100, docs: BLOCKS },
  blockId: { max: 255, docs: BLOCKS },
  actionId: { max: 255, docs: BUTTON },
  sectionText: { max: 3000, docs: SECTION },
  sectionFields: { max: 10, docs: SECTION },
  sectionFieldText: { max: 2000, docs: SECTION },
  contextElements: { max: 10, docs: CONTEXT },
  headerText: { max: 150, docs: HEADER },
  actionsElements: { max: 25, docs: ACTIONS },
  inputLabel: { max: 2000, docs: INPUT },
  inputHint: { max: 2000, docs: INPUT },
  modalTitle: { max: 24, docs: MODAL },
  modalSubmit: { max: 24, docs: MODAL },
  modalClose: { max: 24, docs: MODAL },
  privateMetadata: { max: 3000, docs: MODAL },
  callbackId: { max: 255, docs: MODAL },
  placeholder: { max: 150, docs: PLAIN_TEXT_INPUT },
  plainTextInputMaxLength: { max: 3000, docs: PLAIN_TEXT_INPUT },
  selectOptions: { max: 100, docs: STATIC_SELECT },
  optionText: { max: 75, docs: OPTION },
  optionValue: { max: 150, docs: OPTION },
  buttonText: { max: 75, docs: BUTTON },
  buttonValue: { max: 2000, docs: BUTTON },
  buttonUrl: { max: 3000, docs: BUTTON },
  /** Past this, Slack truncates the message's text and warns `message_truncated`. */
  messageText: { max: 40_000, docs: POST_MESSAGE },
} as const satisfies Record<string, SlackLimit>;

/**
 * The bot token scopes each method needs today (the 2021 spec names the old
 * `chat:write:bot` kind). A method missing here needs none. `history` depends
 * on the conversation: see `scopeFor`.
 */
export const METHOD_SCOPES: Record<string, { scope: string | "history"; docs: string }> = {
  "chat.postMessage": { scope: "chat:write", docs: POST_MESSAGE },
  "chat.update": { scope: "chat:write", docs: "https://docs.slack.dev/reference/methods/chat.update" },
  "chat.postEphemeral": { scope: "chat:write", docs: "https://docs.slack.dev/reference/methods/chat.postEphemeral" },
  "conversations.history": { scope: "history", docs: "https://docs.slack.dev/reference/methods/conversations.history" },
  "conversations.replies": { scope: "history", docs: "https://docs.slack.dev/reference/methods/conversations.replies" },
  "conversations.join": { scope: "channels:join", docs: "https://docs.slack.dev/reference/methods/conversations.join" },
  "users.info": { scope: "users:read", docs: "https://docs.slack.dev/reference/methods/users.info" },
  "files.info": { scope: "files:read", docs: "https://docs.slack.dev/reference/methods/files.info" },
  "reactions.add": { scope: "reactions:write", docs: "https://docs.slack.dev/reference/methods/reactions.add" },
};

/** The scope a call of `method` on `channel` needs, or undefined when it needs none. */
export function scopeFor(method: string, channel: string | undefined): string | undefined {
  const needed = METHOD_SCOPES[method]?.scope;
  if (needed !== "history") return needed;
  if (channel?.startsWith("G") === true) return "groups:history";
  if (channel?.startsWith("D") === true) return "im:history";
  return "channels:history";
}

/** The bot scopes our manifest asks for: what an installed app's token holds. */
export function manifestBotScopes(): string[] {
  const manifest = parseYaml(readRepoFile("manifest.yml")) as { oauth_config?: { scopes?: { bot?: string[] } } };
  return manifest.oauth_config?.scopes?.bot ?? [];
}

/** Arguments Slack added to the methods after the vendored spec was written. */
const LATER_ARGUMENTS: Record<string, string[]> = {
  "chat.postMessage": ["metadata"],
  "chat.update": ["metadata"],
  "conversations.history": ["include_all_metadata"],
  "conversations.replies": ["include_all_metadata"],
  "views.update": ["view", "view_id", "external_id", "hash"],
};

interface SpecParameter {
  name: string;
  required?: boolean;
}

interface SpecOperation {
  parameters?: SpecParameter[];
  responses?: Record<string, { schema?: unknown }>;
}

const spec = JSON.parse(readRepoFile("test/vendor/slack/web-api.trimmed.json")) as {
  paths: Record<string, { post?: SpecOperation; get?: SpecOperation }>;
  definitions: Record<string, unknown>;
};

/**
 * Fields Slack added to its answers after the 2021 spec, which closes some
 * objects (`additionalProperties: false`): an answer may carry these.
 * https://docs.slack.dev/messaging/message-metadata, https://docs.slack.dev/apis/web-api/#responses
 */
const LATER_ANSWER_FIELDS = new Set(["metadata", "response_metadata", "warning", "blocks", "app_id", "team", "bot_profile", "is_locked", "edited"]);

// Swagger 2.0 schemas are draft-04 JSON Schema; Ajv's draft-07 class reads them (formats unchecked).
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ definitions: spec.definitions, paths: spec.paths, $id: "slack" });

/** Where a fake's answer to `method` breaks the spec's success schema (`path: message`); empty when it conforms. */
export function checkSlackAnswer(method: string, answer: unknown): string[] {
  const operation = spec.paths[`/${method}`]?.post ?? spec.paths[`/${method}`]?.get;
  if (operation?.responses?.["200"]?.schema === undefined) return [];
  const verb = spec.paths[`/${method}`]?.post === undefined ? "get" : "post";
  const validate = ajv.getSchema(`slack#/paths/${`/${method}`.replaceAll("/", "~1")}/${verb}/responses/200/schema`);
  if (validate === undefined || validate(answer)) return [];
  return (validate.errors ?? [])
    .filter((e) => !(e.keyword === "additionalProperties" && LATER_ANSWER_FIELDS.has(String(e.params.additionalProperty))))
    .filter((e) => !["anyOf", "oneOf"].includes(e.keyword))
    // Ids in answers echo the tests' own (C100, U111: shorter than Slack's); their form is not the fake's to check.
    .filter((e) => e.keyword !== "pattern")
    // The 2021 spec types chat.update's `message.blocks` as an object; Slack answers the array it was sent (docs win).
    .filter((e) => !(method === "chat.update" && e.instancePath === "/message/blocks"))
    // It also wants at least one message in a history or replies answer; Slack answers [] for an empty window.
    .filter((e) => !(e.keyword === "minItems" && e.instancePath === "/messages"))
    .map((e) => `${e.instancePath || "(answer)"}: ${e.message ?? "invalid"}${e.keyword === "additionalProperties" ? ` (${String(e.params.additionalProperty)})` : ""}`);
}

/** The arguments the spec (and LATER_ARGUMENTS) know for `method`, and which are required; undefined for a method the spec lacks. */
export function methodArguments(method: string): { known: Set<string>; required: string[] } | undefined {
  const operation = spec.paths[`/${method}`];
  const parameters = operation?.post?.parameters ?? operation?.get?.parameters;
  if (parameters === undefined && LATER_ARGUMENTS[method] === undefined) return undefined;
  const named = (parameters ?? []).filter((p) => p.name !== "token");
  return {
    known: new Set([...named.map((p) => p.name), ...(LATER_ARGUMENTS[method] ?? [])]),
    required: named.filter((p) => p.required === true).map((p) => p.name),
  };
}

/** A broken rule, as Slack words it in `response_metadata.messages`. */
export type SlackProblem = string;

const problem = (message: string, pointer: string): SlackProblem => `[ERROR] ${message} [json-pointer:${pointer}]`;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const textOf = (value: unknown): string | undefined => (isObject(value) && typeof value.text === "string" ? value.text : undefined);

/** Collects the problems of one payload. */
class Checker {
  readonly problems: SlackProblem[] = [];

  fail(message: string, pointer: string): void {
    this.problems.push(problem(message, pointer));
  }

  /** A string (or a text object's text, with `text`) of at most `limit.max` characters. */
  length(value: string | undefined, limit: SlackLimit, pointer: string, required = false): void {
    if (value === undefined) {
      if (required) this.fail("must provide a string", pointer);
      return;
    }
    if (required && value === "") this.fail("must be at least 1 characters", pointer);
    if ([...value].length > limit.max) this.fail(`must be less than ${limit.max + 1} characters`, pointer);
  }

  text(value: unknown, limit: SlackLimit, pointer: string, required = false): void {
    if (value === undefined) {
      if (required) this.fail("must provide an object", pointer);
      return;
    }
    if (!isObject(value) || (value.type !== "plain_text" && value.type !== "mrkdwn")) {
      this.fail("must be a text object (plain_text or mrkdwn)", pointer);
      return;
    }
    this.length(textOf(value), limit, `${pointer}/text`, true);
  }

  items(value: unknown, limit: SlackLimit, pointer: string): unknown[] {
    if (!Array.isArray(value)) {
      this.fail("must provide an array", pointer);
      return [];
    }
    if (value.length > limit.max) this.fail(`must provide no more than ${limit.max} items`, pointer);
    return value;
  }

  blocks(value: unknown, limit: SlackLimit, pointer: string): void {
    const blocks = this.items(value, limit, pointer);
    const ids = new Set<string>();
    blocks.forEach((block, i) => {
      const at = `${pointer}/${i}`;
      if (!isObject(block)) {
        this.fail("must be an object", at);
        return;
      }
      if (typeof block.block_id === "string") {
        if (ids.has(block.block_id)) this.fail("block_id must be unique", `${at}/block_id`);
        ids.add(block.block_id);
        this.length(block.block_id, BLOCK_KIT_LIMITS.blockId, `${at}/block_id`);
      }
      this.block(block, at);
    });
  }

  block(block: Json, at: string): void {
    const L = BLOCK_KIT_LIMITS;
    switch (block.type) {
      case "section":
        if (block.text === undefined && block.fields === undefined) this.fail("must provide text or fields", at);
        this.text(block.text, L.sectionText, `${at}/text`);
        if (block.fields !== undefined) {
          this.items(block.fields, L.sectionFields, `${at}/fields`).forEach((field, j) => this.text(field, L.sectionFieldText, `${at}/fields/${j}`, true));
        }
        if (block.accessory !== undefined) this.element(block.accessory, `${at}/accessory`);
        break;
      case "context":
        this.items(block.elements, L.contextElements, `${at}/elements`).forEach((element, j) => {
          if (isObject(element) && element.type === "image") return;
          this.text(element, L.sectionText, `${at}/elements/${j}`, true);
        });
        break;
      case "header":
        this.text(block.text, L.headerText, `${at}/text`, true);
        if (isObject(block.text) && block.text.type !== "plain_text") this.fail("must be a plain_text object", `${at}/text/type`);
        break;
      case "actions":
        this.items(block.elements, L.actionsElements, `${at}/elements`).forEach((element, j) => this.element(element, `${at}/elements/${j}`));
        break;
      case "input":
        this.text(block.label, L.inputLabel, `${at}/label`, true);
        this.text(block.hint, L.inputHint, `${at}/hint`);
        this.element(block.element, `${at}/element`, true);
        break;
      case "divider":
      case "image":
      case "rich_text":
      case "file":
      case "video":
      case "markdown":
        break;
      default:
        this.fail(`unsupported type: ${String(block.type)}`, `${at}/type`);
    }
  }

  element(value: unknown, at: string, required = false): void {
    const L = BLOCK_KIT_LIMITS;
    if (!isObject(value)) {
      if (required || value !== undefined) this.fail("must provide an object", at);
      return;
    }
    if (typeof value.action_id === "string") this.length(value.action_id, L.actionId, `${at}/action_id`);
    this.text(value.placeholder, L.placeholder, `${at}/placeholder`);
    switch (value.type) {
      case "plain_text_input": {
        const max = value.max_length;
        if (max !== undefined && (typeof max !== "number" || max < 1 || max > L.plainTextInputMaxLength.max)) {
          this.fail(`must be between 1 and ${L.plainTextInputMaxLength.max}`, `${at}/max_length`);
        }
        const initial = value.initial_value;
        if (typeof initial === "string" && typeof max === "number" && [...initial].length > max) this.fail(`must be less than ${max + 1} characters`, `${at}/initial_value`);
        break;
      }
      case "static_select": {
        const options = this.items(value.options, L.selectOptions, `${at}/options`);
        options.forEach((option, j) => {
          this.text(isObject(option) ? option.text : undefined, L.optionText, `${at}/options/${j}/text`, true);
          this.length(isObject(option) && typeof option.value === "string" ? option.value : undefined, L.optionValue, `${at}/options/${j}/value`, true);
        });
        if (value.initial_option !== undefined) {
          const initial = value.initial_option;
          const same = (option: unknown): boolean =>
            isObject(option) && isObject(initial) && option.value === initial.value && textOf(option.text) === textOf(initial.text);
          if (!options.some(same)) this.fail("must be one of the provided options", `${at}/initial_option`);
        }
        break;
      }
      case "file_input": {
        // https://docs.slack.dev/reference/block-kit/block-elements/file-input-element: max_files 1 to 10; filetypes are extensions.
        const max = value.max_files;
        if (max !== undefined && (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 10)) this.fail("must be between 1 and 10", `${at}/max_files`);
        const types = value.filetypes;
        if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== "string"))) this.fail("must be an array of strings", `${at}/filetypes`);
        break;
      }
      case "button":
        this.text(value.text, L.buttonText, `${at}/text`, true);
        if (typeof value.value === "string") this.length(value.value, L.buttonValue, `${at}/value`);
        if (typeof value.url === "string") this.length(value.url, L.buttonUrl, `${at}/url`);
        break;
      default:
        break;
    }
  }
}

/** The problems of a modal view (views.open, views.update), with pointers from `/view`. */
export function checkView(view: unknown): SlackProblem[] {
  const check = new Checker();
  const L = BLOCK_KIT_LIMITS;
  if (!isObject(view)) return [problem("must provide an object", "/view")];
  if (view.type !== "modal") check.fail("must be modal", "/view/type");
  check.text(view.title, L.modalTitle, "/view/title", true);
  check.text(view.submit, L.modalSubmit, "/view/submit");
  check.text(view.close, L.modalClose, "/view/close");
  if (typeof view.private_metadata === "string") check.length(view.private_metadata, L.privateMetadata, "/view/private_metadata");
  if (typeof view.callback_id === "string") check.length(view.callback_id, L.callbackId, "/view/callback_id");
  check.blocks(view.blocks, L.viewBlocks, "/view/blocks");
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((block) => isObject(block) && block.type === "input");
  if (hasInput && view.submit === undefined) check.fail("submit is required when an input block is within the blocks array", "/view/submit");
  return check.problems;
}

/** The problems of a message's blocks (chat.postMessage, chat.update, chat.postEphemeral, response URLs). */
export function checkMessageBlocks(blocks: unknown): SlackProblem[] {
  const check = new Checker();
  check.blocks(blocks, BLOCK_KIT_LIMITS.messageBlocks, "/blocks");
  return check.problems;
}
