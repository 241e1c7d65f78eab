/**
 * What Discord checks, for the fake Discord: request bodies against the
 * vendored OpenAPI 3.1 description (test/vendor/discord/openapi.trimmed.json,
 * JSON Schema 2020-12, with Ajv's 2020 class), and the fake's own answers
 * against its response schemas. The spec is a public preview; where it
 * disagrees with Discord's docs, the docs win (`DISCORD_LIMITS`): it allows
 * 4,000-character message content (a bot gets 2,000), and it does not say
 * that a modal holds at most 5 components or that embeds share 6,000
 * characters.
 */
import { readRepoFile } from "./repo-file.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject } from "ajv";
import { errorPath, OpenApiOperations, preciseErrors } from "./openapi-operations.js";
import type { OpenApiDocument } from "./openapi-operations.js";

const MESSAGE_LIMITS = "https://discord.com/developers/docs/resources/message#create-message-jsonform-params";
const EMBED_LIMITS = "https://discord.com/developers/docs/resources/message#embed-object-embed-limits";
const MODAL = "https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-modal";

/** Limits from Discord's docs that the spec leaves out or states otherwise. */
export const DISCORD_LIMITS = {
  content: { max: 2000, docs: MESSAGE_LIMITS },
  embedsTotal: { max: 6000, docs: EMBED_LIMITS },
  modalComponents: { max: 5, docs: MODAL },
} as const;

type Json = Record<string, unknown>;

const spec = JSON.parse(readRepoFile("test/vendor/discord/openapi.trimmed.json")) as OpenApiDocument;

// The spec's `format`s (snowflake, int64, date-time, uri) are not checked: the patterns and types are.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ ...spec, $id: "discord" });
const operations = new OpenApiOperations(ajv, spec, "discord");

/** The spec's path template for a request, or undefined when the spec has no such operation. */
export function operationOf(method: string, path: string): string | undefined {
  return operations.templateOf(method, path);
}

/** One thing Discord would refuse: where in the body (`embeds.0.title`), and why in Discord's words. */
export interface DiscordProblem {
  at: string;
  code: string;
  message: string;
}

const CODES: Record<string, (error: ErrorObject) => [string, string]> = {
  maxLength: (e) => ["BASE_TYPE_MAX_LENGTH", `Must be ${String(e.params.limit)} or fewer in length.`],
  minLength: (e) => ["BASE_TYPE_MIN_LENGTH", `Must be ${String(e.params.limit)} or more in length.`],
  maxItems: (e) => ["BASE_TYPE_MAX_LENGTH", `Must be ${String(e.params.limit)} or fewer in length.`],
  minItems: (e) => ["BASE_TYPE_MIN_LENGTH", `Must be ${String(e.params.limit)} or more in length.`],
  required: () => ["BASE_TYPE_REQUIRED", "This field is required"],
  type: (e) => ["BASE_TYPE_INVALID", `Must be of type ${String(e.params.type)}.`],
  enum: () => ["BASE_TYPE_CHOICES", "Value must be one of the allowed choices."],
  pattern: () => ["BASE_TYPE_INVALID", "Value is not valid."],
  maximum: (e) => ["NUMBER_TYPE_MAX", `int value should be less than or equal to ${String(e.params.limit)}.`],
  minimum: (e) => ["NUMBER_TYPE_MIN", `int value should be greater than or equal to ${String(e.params.limit)}.`],
};

/** Ajv's errors as Discord's problems, one per place and code. */
function problemsOf(errors: readonly ErrorObject[]): DiscordProblem[] {
  const seen = new Set<string>();
  const problems: DiscordProblem[] = [];
  for (const error of preciseErrors(errors)) {
    const [code, message] = CODES[error.keyword]?.(error) ?? ["BASE_TYPE_INVALID", error.message ?? "Invalid value."];
    const at = errorPath(error);
    if (seen.has(`${at}:${code}`)) continue;
    seen.add(`${at}:${code}`);
    problems.push({ at, code, message });
  }
  return problems;
}

const length = (value: unknown): number => (typeof value === "string" ? [...value].length : 0);

/** The characters Discord counts toward the 6,000 shared by a message's embeds. */
function embedCharacters(embeds: unknown): number {
  if (!Array.isArray(embeds)) return 0;
  let total = 0;
  for (const embed of embeds as Json[]) {
    total += length(embed.title) + length(embed.description);
    total += length((embed.footer as Json | undefined)?.text) + length((embed.author as Json | undefined)?.name);
    for (const field of Array.isArray(embed.fields) ? (embed.fields as Json[]) : []) total += length(field.name) + length(field.value);
  }
  return total;
}

/** What Discord's docs say of a message body that the spec does not. */
function messageLimits(body: Json, prefix = ""): DiscordProblem[] {
  const problems: DiscordProblem[] = [];
  if (length(body.content) > DISCORD_LIMITS.content.max) {
    problems.push({ at: `${prefix}content`, code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${DISCORD_LIMITS.content.max} or fewer in length.` });
  }
  if (embedCharacters(body.embeds) > DISCORD_LIMITS.embedsTotal.max) {
    problems.push({ at: `${prefix}embeds`, code: "MAX_EMBED_SIZE_EXCEEDED", message: `Embed size exceeds maximum size of ${DISCORD_LIMITS.embedsTotal.max}` });
  }
  return problems;
}

const MESSAGE_BODIES = new Set([
  "POST /channels/{channel_id}/messages",
  "PATCH /channels/{channel_id}/messages/{message_id}",
  "POST /webhooks/{webhook_id}/{webhook_token}",
  "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original",
]);

/** What Discord would refuse in a request's JSON body; an empty list when it is valid. Throws for an operation the spec lacks. */
export function checkRequest(method: string, path: string, body: unknown): DiscordProblem[] {
  const problems = problemsOf(operations.requestErrors(method, path, body) ?? []);
  const template = operationOf(method, path);
  const json = (typeof body === "object" && body !== null ? body : {}) as Json;
  const key = `${method} ${template}`;
  if (MESSAGE_BODIES.has(key)) problems.push(...messageLimits(json));
  if (key === "POST /interactions/{interaction_id}/{interaction_token}/callback") {
    const data = (json.data ?? {}) as Json;
    if (json.type === 9 && Array.isArray(data.components) && data.components.length > DISCORD_LIMITS.modalComponents.max) {
      problems.push({ at: "data.components", code: "BASE_TYPE_BAD_LENGTH", message: `Must be between 1 and ${DISCORD_LIMITS.modalComponents.max} in length.` });
    }
    if (json.type === 4 || json.type === 7) problems.push(...messageLimits(data, "data."));
  }
  return problems;
}

/** Where a fake's answer breaks the spec's response schema for `status`; empty when it conforms or the spec has none. */
export function checkResponse(method: string, path: string, status: number, body: unknown): DiscordProblem[] {
  return problemsOf(operations.responseErrors(method, path, status, body));
}

/** Discord's 400 for a body it refuses: `Invalid Form Body`, with the problems nested by where they are. */
export function invalidFormBody(problems: readonly DiscordProblem[]): Json {
  const errors: Json = {};
  for (const problem of problems) {
    let node = errors;
    for (const segment of problem.at === "" ? [] : problem.at.split(".")) node = (node[segment] ??= {}) as Json;
    ((node._errors ??= []) as unknown[]).push({ code: problem.code, message: problem.message });
  }
  return { code: 50035, message: "Invalid Form Body", errors };
}
