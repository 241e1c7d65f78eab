#!/usr/bin/env node
/* global process, console */
/**
 * Regenerates test/vendor/{discord,slack,github}/ from the platforms' published specs
 * (by default ../shared/specs and ../shared/slack beside this checkout; GitHub's
 * from the installed @octokit/openapi), keeping
 * only what the strict fakes validate: the operations the bots call and the
 * schemas those reach. Run: node scripts/vendor-specs.mjs [SPECS_DIR] [SLACK_SCHEMAS_DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const specs = resolve(process.argv[2] ?? resolve(root, "../shared/specs"));
const slackSchemas = resolve(process.argv[3] ?? resolve(root, "../shared/slack"));
const out = resolve(root, "test/vendor");

/** Discord REST operations the bot makes (discord.js routes), by path template and method. */
const DISCORD_OPERATIONS = {
  "/gateway/bot": ["get"],
  "/applications/@me": ["get"],
  "/users/@me": ["get"],
  "/users/{user_id}": ["get"],
  "/applications/{application_id}/commands": ["put"],
  "/applications/{application_id}/guilds/{guild_id}/commands": ["put"],
  "/interactions/{interaction_id}/{interaction_token}/callback": ["post"],
  "/webhooks/{webhook_id}/{webhook_token}": ["post"],
  "/webhooks/{webhook_id}/{webhook_token}/messages/@original": ["patch"],
  "/channels/{channel_id}": ["get"],
  "/channels/{channel_id}/messages": ["get", "post"],
  "/channels/{channel_id}/messages/{message_id}": ["get", "patch"],
  "/channels/{channel_id}/messages/{message_id}/threads": ["post"],
};
/** Responses the fake answers with and checks against the spec: every operation's JSON success responses. */
const isSuccess = (status) => /^2\d\d$/.test(status);
const DISCORD_EXTRA_SCHEMAS = ["ErrorResponse", "RatelimitedResponse"];

/** Slack Web API methods the bot calls (apps.connections.open is newer than the spec: see test/support/slack-platform-rules.ts). */
const SLACK_METHODS = [
  "auth.test",
  "views.open",
  "chat.postMessage",
  "chat.update",
  "chat.postEphemeral",
  "chat.getPermalink",
  "conversations.history",
  "conversations.replies",
  "conversations.join",
  "files.info",
  "users.info",
];

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
// Copied as text, so the copies are ordinary writable files whatever the source's mode.
const copyFileSync = (from, to) => writeFileSync(to, readFileSync(from));
const write = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 1)}\n`);

/** Every `#/components/...` reference under `value`. */
function refsIn(value, found = new Set()) {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string" && child.startsWith("#/components/")) found.add(child);
      else refsIn(child, found);
    }
  }
  return found;
}

/** The OpenAPI components the `roots` references reach, transitively, each kind sorted by name. */
function reachableComponents(spec, roots, what) {
  const components = {};
  const queue = [...roots];
  const seen = new Set();
  while (queue.length > 0) {
    const ref = queue.pop();
    if (seen.has(ref)) continue;
    seen.add(ref);
    const [, , kind, name] = ref.split("/");
    const value = spec.components[kind]?.[name];
    if (value === undefined) throw new Error(`${what} has no ${ref}`);
    (components[kind] ??= {})[name] = value;
    queue.push(...refsIn(value));
  }
  for (const kind of Object.keys(components)) components[kind] = Object.fromEntries(Object.entries(components[kind]).sort(([a], [b]) => a.localeCompare(b)));
  return components;
}

/** The names of every `#/definitions/...` (Swagger 2.0) reference under `value`. */
function definitionRefsIn(value, found = new Set()) {
  if (Array.isArray(value)) for (const item of value) definitionRefsIn(item, found);
  else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string" && child.startsWith("#/definitions/")) found.add(child.slice("#/definitions/".length));
      else definitionRefsIn(child, found);
    }
  }
  return found;
}

function trimDiscord() {
  const spec = readJson(resolve(specs, "discord-openapi.json"));
  const paths = {};
  for (const [path, methods] of Object.entries(DISCORD_OPERATIONS)) {
    const item = spec.paths[path];
    if (item === undefined) throw new Error(`Discord spec has no path ${path}`);
    const kept = item.parameters === undefined ? {} : { parameters: item.parameters };
    for (const method of methods) {
      const op = item[method];
      if (op === undefined) throw new Error(`Discord spec has no ${method.toUpperCase()} ${path}`);
      const json = op.requestBody?.content?.["application/json"];
      const responses = {};
      for (const status of Object.keys(op.responses ?? {}).filter(isSuccess)) {
        const schema = op.responses?.[status]?.content?.["application/json"]?.schema;
        if (schema !== undefined) responses[status] = { description: op.responses[status].description, content: { "application/json": { schema } } };
      }
      kept[method] = {
        operationId: op.operationId,
        ...(op.parameters === undefined ? {} : { parameters: op.parameters }),
        ...(json === undefined ? {} : { requestBody: { content: { "application/json": json }, required: op.requestBody.required ?? false } }),
        ...(Object.keys(responses).length === 0 ? {} : { responses }),
      };
    }
    paths[path] = kept;
  }
  const components = reachableComponents(spec, [...refsIn(paths), ...DISCORD_EXTRA_SCHEMAS.map((name) => `#/components/schemas/${name}`)], "Discord spec");
  write(resolve(out, "discord/openapi.trimmed.json"), {
    openapi: spec.openapi,
    info: { ...spec.info, "x-trimmed": "Only the operations and components research-log's tests use; regenerate with scripts/vendor-specs.mjs." },
    servers: spec.servers,
    paths,
    components,
  });
  copyFileSync(resolve(specs, "LICENSE.discord-api-spec"), resolve(out, "discord/LICENSE"));
  return { operations: Object.values(DISCORD_OPERATIONS).flat().length, schemas: Object.keys(components.schemas ?? {}).length };
}

function trimSlack() {
  const spec = readJson(resolve(specs, "slack_web_openapi_v2.json"));
  const paths = {};
  for (const method of SLACK_METHODS) {
    const item = spec.paths[`/${method}`];
    if (item === undefined) throw new Error(`Slack spec has no method ${method}`);
    const [[verb, op]] = Object.entries(item);
    // Arguments, and the success answer's schema (the fake Slack's answers are checked against it).
    const success = op.responses?.["200"]?.schema;
    paths[`/${method}`] = {
      [verb]: {
        operationId: op.operationId,
        externalDocs: op.externalDocs,
        security: op.security,
        consumes: op.consumes,
        parameters: op.parameters,
        ...(success === undefined ? {} : { responses: { 200: { description: op.responses["200"].description, schema: success } } }),
      },
    };
  }
  // The definitions those reach, transitively.
  const definitions = {};
  const queue = [...definitionRefsIn(paths)];
  while (queue.length > 0) {
    const name = queue.pop();
    if (definitions[name] !== undefined) continue;
    const value = spec.definitions?.[name];
    if (value === undefined) throw new Error(`Slack spec has no definition ${name}`);
    definitions[name] = value;
    queue.push(...definitionRefsIn(value));
  }
  write(resolve(out, "slack/web-api.trimmed.json"), {
    swagger: spec.swagger,
    info: { ...spec.info, "x-trimmed": "Only the methods research-log calls: arguments and success answers; regenerate with scripts/vendor-specs.mjs." },
    basePath: spec.basePath,
    paths,
    definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b))),
  });
  copyFileSync(resolve(specs, "LICENSE.slack-api-specs"), resolve(out, "slack/LICENSE.slack-api-specs"));
  for (const file of ["manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json"]) copyFileSync(resolve(slackSchemas, file), resolve(out, "slack", file));
  copyFileSync(resolve(slackSchemas, "LICENSE"), resolve(out, "slack/LICENSE.manifest-schema"));
  return { methods: SLACK_METHODS.length };
}

/** GitHub REST operations the store makes (Octokit routes), from @octokit/openapi's description of api.github.com. */
const GITHUB_OPERATIONS = {
  "/app/installations/{installation_id}/access_tokens": ["post"],
  "/repos/{owner}/{repo}": ["get"],
  "/repos/{owner}/{repo}/installation": ["get"],
  "/repos/{owner}/{repo}/contents/{path}": ["get", "put"],
  "/repos/{owner}/{repo}/git/blobs": ["post"],
  "/repos/{owner}/{repo}/git/commits": ["post"],
  "/repos/{owner}/{repo}/git/commits/{commit_sha}": ["get"],
  "/repos/{owner}/{repo}/git/ref/{ref}": ["get"],
  "/repos/{owner}/{repo}/git/refs": ["post"],
  "/repos/{owner}/{repo}/git/refs/{ref}": ["delete", "patch"],
  "/repos/{owner}/{repo}/git/trees": ["post"],
  "/repos/{owner}/{repo}/pulls": ["post"],
};

function trimGitHub() {
  const packageDir = resolve(root, "node_modules/@octokit/openapi");
  const { version } = readJson(resolve(packageDir, "package.json"));
  const spec = readJson(resolve(packageDir, "generated/api.github.com.json"));
  const paths = {};
  for (const [path, methods] of Object.entries(GITHUB_OPERATIONS)) {
    const item = spec.paths[path];
    if (item === undefined) throw new Error(`GitHub description has no path ${path}`);
    const kept = {};
    for (const method of methods) {
      const op = item[method];
      if (op === undefined) throw new Error(`GitHub description has no ${method.toUpperCase()} ${path}`);
      // Success responses, every media type, with their examples (the fake builds its answers on them).
      const responses = {};
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!/^2\d\d$/.test(status) || response.content === undefined) continue;
        responses[status] = { description: response.description, content: response.content };
      }
      const json = op.requestBody?.content?.["application/json"];
      kept[method] = {
        operationId: op.operationId,
        ...(json === undefined ? {} : { requestBody: { content: { "application/json": { schema: json.schema } }, required: op.requestBody.required ?? false } }),
        ...(Object.keys(responses).length === 0 ? {} : { responses }),
      };
    }
    paths[path] = kept;
  }
  const components = reachableComponents(spec, refsIn(paths), "GitHub description");
  mkdirSync(resolve(out, "github"), { recursive: true });
  write(resolve(out, "github/rest.trimmed.json"), {
    openapi: spec.openapi,
    info: { ...spec.info, "x-octokit-openapi": version, "x-trimmed": "Only the operations and components research-log's tests use; regenerate with scripts/vendor-specs.mjs." },
    paths,
    components,
  });
  copyFileSync(resolve(packageDir, "LICENSE"), resolve(out, "github/LICENSE"));
  return { operations: Object.values(GITHUB_OPERATIONS).flat().length, schemas: Object.keys(components.schemas ?? {}).length, version };
}

const discord = trimDiscord();
const slack = trimSlack();
const github = trimGitHub();
console.log(
  `test/vendor: Discord ${discord.operations} operations, ${discord.schemas} schemas; Slack ${slack.methods} methods, 2 manifest schemas; GitHub ${github.operations} operations, ${github.schemas} schemas (@octokit/openapi ${github.version})`,
);
