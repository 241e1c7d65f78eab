/**
 * An OpenAPI description's operations, for the fakes: which operation a
 * request is, and Ajv's verdict on its body and on a fake's answer. The
 * fakes word the verdict as their platform does (discord-validator.ts,
 * github-validator.ts).
 */
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";

interface Described {
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Described>>;
}

const METHODS = ["get", "put", "post", "patch", "delete"];

/** A JSON pointer's segments escaped (`/` as `~1`). */
const pointer = (...parts: string[]): string => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

export class OpenApiOperations {
  private readonly operations: { template: string; method: string; match: RegExp; params: number }[];
  private readonly compiled = new Map<string, ValidateFunction>();

  /** `ajv` must hold `document` under `$id`. */
  constructor(
    private readonly ajv: Ajv,
    private readonly document: OpenApiDocument,
    private readonly id: string,
  ) {
    // The most specific path first: `/users/@me` before `/users/{user_id}`.
    this.operations = Object.entries(document.paths)
      .flatMap(([template, item]) =>
        Object.keys(item)
          .filter((method) => METHODS.includes(method))
          .map((method) => ({
            template,
            method: method.toUpperCase(),
            match: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{path\}$/, ".+").replace(/\{[^}]+\}/g, "[^/]+")}$`),
            params: (template.match(/\{/g) ?? []).length,
          })),
      )
      .sort((a, b) => a.params - b.params);
  }

  /** The path template of the operation a request is, or undefined when the description has none. */
  templateOf(method: string, path: string): string | undefined {
    return this.operations.find((op) => op.method === method && op.match.test(path))?.template;
  }

  /** Ajv's errors for a request's JSON body; undefined when the operation takes no JSON body. */
  requestErrors(method: string, path: string, body: unknown): ErrorObject[] | undefined {
    const template = this.templateOf(method, path);
    if (template === undefined) throw new Error(`the ${this.id} description has no ${method} ${path}`);
    const operation = this.document.paths[template]?.[method.toLowerCase()];
    if (operation?.requestBody?.content["application/json"]?.schema === undefined) return undefined;
    return this.errors(`/paths/${pointer(template)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`, body);
  }

  /** Ajv's errors for an answer; empty when it conforms, or when the description gives no schema for it. */
  responseErrors(method: string, path: string, status: number, body: unknown, mediaType = "application/json"): ErrorObject[] {
    const template = this.templateOf(method, path);
    const content = template === undefined ? undefined : this.document.paths[template]?.[method.toLowerCase()]?.responses?.[String(status)]?.content;
    if (template === undefined || content?.[mediaType]?.schema === undefined) return [];
    return this.errors(`/paths/${pointer(template)}/${method.toLowerCase()}/responses/${status}/content/${pointer(mediaType)}/schema`, body);
  }

  private errors(ref: string, value: unknown): ErrorObject[] {
    let validate = this.compiled.get(ref);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${this.id}#${ref}` });
      this.compiled.set(ref, validate);
    }
    return validate(value) ? [] : [...(validate.errors ?? [])];
  }
}

/** Ajv's errors without the union branches that failed, unless nothing more precise is left. */
export function preciseErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const precise = errors.filter((e) => !["anyOf", "oneOf", "allOf", "if", "const", "discriminator"].includes(e.keyword));
  return precise.length > 0 ? precise : [...errors];
}

/** Where an error is, as dotted segments (`embeds.0.title`); a missing property is named. */
export function errorPath(error: ErrorObject): string {
  const segments = error.instancePath.split("/").slice(1).map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (error.keyword === "required") segments.push(String(error.params.missingProperty));
  return segments.join(".");
}
