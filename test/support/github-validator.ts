/**
 * What GitHub checks, for the fake GitHub: request bodies against GitHub's
 * REST description (test/vendor/github/rest.trimmed.json, trimmed from
 * `@octokit/openapi` by scripts/vendor-specs.mjs; OpenAPI 3.0, so Ajv's
 * draft-07 class with `nullable`), and the fake's own answers against its
 * response schemas. The description's examples are what the fake builds its
 * answers on, so that they carry every field GitHub's do.
 */
import { readRepoFile } from "./repo-file.js";
import { Ajv } from "ajv";
import type { ErrorObject } from "ajv";
import { errorPath, OpenApiOperations, preciseErrors } from "./openapi-operations.js";
import type { OpenApiDocument } from "./openapi-operations.js";

const description = JSON.parse(readRepoFile("test/vendor/github/rest.trimmed.json")) as OpenApiDocument & {
  info: { "x-octokit-openapi": string };
  components: { examples: Record<string, { value: unknown }> };
};

/** The @octokit/openapi version the description was trimmed from. */
export const OCTOKIT_OPENAPI_VERSION = description.info["x-octokit-openapi"];

/**
 * OpenAPI 3.0's `nullable: true` next to `anyOf` (no `type`) as JSON Schema
 * says it: Ajv takes `nullable` only beside `type`.
 */
function nullableUnions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullableUnions);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).map(([key, child]) => [key, nullableUnions(child)] as const);
  const schema = Object.fromEntries(entries) as Record<string, unknown>;
  if (schema.nullable !== true || schema.type !== undefined) return schema;
  const { nullable: _nullable, ...rest } = schema;
  return { anyOf: [{ type: "null" }, rest] };
}

// `format`s (uri, date-time) are not checked; types, enums and required fields are.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, verbose: true });
ajv.addSchema({ ...(nullableUnions(description) as object), $id: "github" });
const operations = new OpenApiOperations(ajv, description, "github");

/** The description's path template for a request (`/repos/{owner}/{repo}/contents/{path}`), or undefined. */
export function githubOperationOf(method: string, path: string): string | undefined {
  return operations.templateOf(method, path);
}

/** GitHub's words for one schema error in a request body. */
function describe(error: ErrorObject): string {
  const at = errorPath(error);
  if (error.keyword === "required") return `"${String(error.params.missingProperty)}" wasn't supplied.`;
  if (error.keyword === "type") return `For 'properties/${at}', ${JSON.stringify(error.data)} is not ${article(String(error.params.type))}.`;
  if (error.keyword === "additionalProperties") return `"${String(error.params.additionalProperty)}" is not a permitted key.`;
  return `For 'properties/${at}', ${error.message ?? "the value is not valid"}.`;
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** What GitHub would refuse in a request's JSON body, in its words; empty when valid. */
export function checkGitHubRequest(method: string, path: string, body: unknown): string[] {
  return preciseErrors(operations.requestErrors(method, path, body) ?? []).map(describe);
}

/** Where a fake's answer breaks the description's response schema (`path: message`); empty when it conforms. */
export function checkGitHubResponse(method: string, path: string, status: number, body: unknown, mediaType = "application/json"): string[] {
  return preciseErrors(operations.responseErrors(method, path, status, body, mediaType)).map((e) => `${errorPath(e) || "(body)"}: ${e.message ?? "invalid"}`);
}

/** GitHub's 422 for a body its schema refuses. */
export function invalidRequest(problems: readonly string[]): { message: string; documentation_url: string; status: string } {
  return { message: `Invalid request.\n\n${problems.join("\n")}`, documentation_url: "https://docs.github.com/rest", status: "422" };
}

/**
 * An example answer from the description (`full-repository-default-response`,
 * `pull-request`, `installation`), a fresh copy with GitHub's hosts and the
 * example repository replaced by the fake's.
 */
export function githubExample(name: string, where: { baseUrl: string; owner: string; repo: string }): Record<string, unknown> {
  const example = description.components.examples[name];
  if (example === undefined) throw new Error(`the GitHub description has no example ${name}`);
  const text = JSON.stringify(example.value)
    .replaceAll("https://api.github.com", where.baseUrl)
    .replaceAll("https://github.com", where.baseUrl)
    .replaceAll("octocat/Hello-World", `${where.owner}/${where.repo}`);
  return JSON.parse(text) as Record<string, unknown>;
}
