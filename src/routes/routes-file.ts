import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { checkLogPath, isTimeZone } from "../config.js";
import { isCronPattern } from "../services/schedule-digest.js";
import { messageOf } from "../error-details.js";

/**
 * The routes file (`research-log.config.yml`, or ROUTES_FILE): which chat
 * channels write to which log. Parsed and checked like the environment, with
 * one message per problem naming the file, the line and the key.
 */

/** One route as the file states it, checked; defaults are filled in later, from the environment. */
export interface RouteSpec {
  name: string;
  /** The line of the route in the file, for messages. */
  line: number;
  slackChannels: string[];
  discordChannels: string[];
  discordGuilds: string[];
  target:
    | { kind: "github"; repo: string; branch: string | undefined; commitMode: "direct" | "pull-request" | undefined; apiUrl: string | undefined }
    | { kind: "local"; dir: string }
    | undefined;
  logPath: string | undefined;
  defaultCategory: string | undefined;
  categories: string[];
  /** A file in the target repository whose `categories:` list adds categories (edited by pull request). */
  categoriesFile: string | undefined;
  digest: { slackChannel: string | undefined; discordChannel: string | undefined; cron: string | undefined; timeZone: string | undefined };
}

export type RoutesFileResult = { ok: true; routes: RouteSpec[] } | { ok: false; problems: string[] };

// Snowflakes are 64-bit: YAML reads an unquoted one as a number, which a double cannot hold. The file is parsed with
// intAsBigInt, so they arrive whole, as bigint; both forms become strings here.
const idString = z.union([z.string(), z.bigint(), z.number().int()]).transform((v) => String(v).trim());
const slackChannelId = idString.pipe(
  z.string().regex(/^[CGD][A-Z0-9]{6,}$/, 'must be a Slack channel id such as C0123ABCD (the channel\'s "About" tab shows it), not a name'),
);
const snowflake = idString.pipe(z.string().regex(/^\d{17,20}$/, "must be a Discord id (17 to 20 digits; Developer Mode, then Copy ID)"));
const ids = <T extends z.ZodType<string>>(item: T) => z.array(item).default([]);

const categoryName = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} &/-]{0,39}$/u, "must be a category name (letters, digits, spaces; at most 40 characters)");

const logPath = z.string().superRefine((path, ctx) => {
  const problem = checkLogPath(path);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem.replace(/^LOG_PATH /, "") });
});

const routeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "must be a short name: lower-case letters, digits, - and _"),
    slack_channels: ids(slackChannelId),
    discord_channels: ids(snowflake),
    discord_guilds: ids(snowflake),
    github: z
      .strictObject({
        repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must look like owner/name"),
        branch: z.string().min(1, "must be a branch name, such as main").optional(),
        commit_mode: z.enum(["direct", "pull-request"]).optional(),
        api_url: z.url({ protocol: /^https?$/ }).optional(),
      })
      .optional(),
    local: z.string().min(1, "must be the path of a local git checkout").optional(),
    log_path: logPath.optional(),
    default_category: categoryName.optional(),
    categories: z.array(categoryName).default([]),
    categories_file: z
      .string()
      .regex(/^(?![/\\])(?!.*(?:^|\/)\.\.(?:\/|$))[\w./-]+\.ya?ml$/, "must be a .yml file inside the repository, such as .github/research-log.yml")
      .optional(),
    digest: z
      .strictObject({
        slack_channel: slackChannelId.optional(),
        discord_channel: snowflake.optional(),
        cron: z.string().refine(isCronPattern, 'must be a cron expression with 5 fields (or 6 with seconds), e.g. "0 9 * * 1-5"').optional(),
        timezone: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin").optional(),
      })
      .default({}),
  })
  .strict();

const fileSchema = z.strictObject({ routes: z.array(routeSchema).min(1, "must list at least one route") });

/**
 * Reads a routes file's text. `file` names it in messages. Every problem is
 * reported, each as `file:line: key: what is wrong`.
 */
export function parseRoutesFile(text: string, file: string): RoutesFileResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, intAsBigInt: true, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((error) => `${file}:${lineAt(error.pos[0])}: ${error.message.split("\n")[0] ?? "not valid YAML"}`) };
  }
  const raw: unknown = doc.toJS() ?? {};
  const problems: Problem[] = [];
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((key): key is string | number => typeof key !== "symbol");
      if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) {
        // Point at the unknown key itself, and say which keys are allowed there.
        const at = [...path, issue.keys[0]];
        problems.push({ path: at, message: `unknown key${issue.keys.length > 1 ? ` (also ${issue.keys.slice(1).join(", ")})` : ""}` });
      } else {
        problems.push({ path, message: issue.message });
      }
    }
  }
  // Checks across keys and routes read the file as written, so that they are made even when a
  // route has other mistakes: every mistake is reported at once.
  problems.push(...crossCheckRoutes(raw));
  if (problems.length > 0 || !parsed.success) {
    const located = problems.map((problem) => ({ line: lineOf(doc, problem.path, lineAt), text: `${keyName(problem.path)}: ${problem.message}` }));
    // In line order; Array.prototype.sort is stable, so problems on one line keep their order.
    located.sort((x, y) => x.line - y.line);
    return { ok: false, problems: located.map(({ line, text: what }) => `${file}:${line}: ${what}`) };
  }
  const routeLine = (index: number): number => lineOf(doc, ["routes", index], lineAt);

  return {
    ok: true,
    routes: parsed.data.routes.map((route, index) => ({
      name: route.name,
      line: routeLine(index),
      slackChannels: route.slack_channels,
      discordChannels: route.discord_channels,
      discordGuilds: route.discord_guilds,
      target:
        route.github !== undefined
          ? {
              kind: "github",
              repo: route.github.repo,
              branch: route.github.branch,
              commitMode: route.github.commit_mode,
              apiUrl: route.github.api_url?.replace(/\/+$/, ""),
            }
          : route.local !== undefined
            ? { kind: "local", dir: route.local }
            : undefined,
      logPath: route.log_path,
      defaultCategory: route.default_category,
      categories: route.categories,
      categoriesFile: route.categories_file,
      digest: {
        slackChannel: route.digest.slack_channel,
        discordChannel: route.digest.discord_channel,
        cron: route.digest.cron,
        timeZone: route.digest.timezone,
      },
    })),
  };
}

/** A mistake at a key of the file (`["routes", 0, "github", "repo"]`). */
interface Problem {
  path: (string | number)[];
  message: string;
}

/** A list the file gives, as strings (ids may arrive as numbers or bigints); other values are the schema's to report. */
const listOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v) => ["string", "number", "bigint"].includes(typeof v)).map((v) => String(v).trim()) : [];

/**
 * What no single key can say: a route with github and local, a route that
 * matches no channel, a name used twice, a channel or guild in two routes.
 * Reads the file as written (not the schema's output), so a route with
 * other mistakes is checked too.
 */
function crossCheckRoutes(raw: unknown): Problem[] {
  const routes = typeof raw === "object" && raw !== null && "routes" in raw && Array.isArray(raw.routes) ? (raw.routes as unknown[]) : [];
  const problems: Problem[] = [];
  const names = new Set<string>();
  const owners = new Map<string, string>();
  routes.forEach((value, index) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return;
    const route = value as Record<string, unknown>;
    const name = typeof route.name === "string" ? route.name : `#${index + 1}`;
    if (route.github !== undefined && route.local !== undefined) {
      problems.push({ path: ["routes", index, "local"], message: "a route writes to one place: set github or local, not both" });
    }
    const channelKeys = [
      ["slack_channels", "slack"],
      ["discord_channels", "discord"],
      ["discord_guilds", "guild"],
    ] as const;
    // A list that is not a list is the schema's to report; none given, or all empty, is this one.
    const given = (key: string): boolean => route[key] !== undefined && !(Array.isArray(route[key]) && route[key].length === 0);
    if (!channelKeys.some(([key]) => given(key))) {
      problems.push({ path: ["routes", index, "name"], message: `route "${name}" matches no channel: give slack_channels, discord_channels or discord_guilds` });
    }
    if (typeof route.name === "string") {
      if (names.has(route.name)) problems.push({ path: ["routes", index, "name"], message: `"${route.name}" is used twice` });
      names.add(route.name);
    }
    for (const [key, kind] of channelKeys) {
      for (const id of listOf(route[key])) {
        const owner = owners.get(`${kind}:${id}`);
        if (owner !== undefined) problems.push({ path: ["routes", index, key], message: `${id} is already routed to "${owner}"` });
        else owners.set(`${kind}:${id}`, name);
      }
    }
  });
  return problems;
}

/** `routes[0].github.repo` */
const keyName = (path: readonly (string | number)[]): string =>
  path.length === 0 ? "(top level)" : path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("");

/** The line of the deepest node of `path` that the document has (a missing key points at its parent). */
function lineOf(doc: ReturnType<typeof parseDocument>, path: readonly (string | number)[], lineAt: (offset: number | undefined) => number): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range !== undefined) return lineAt(range[0]);
  }
  return 1;
}

/** The routes file's default name, read from the working directory when present. */
export const DEFAULT_ROUTES_FILE = "research-log.config.yml";

/**
 * Reads the routes file: `routesFile` (ROUTES_FILE, which must exist) or
 * research-log.config.yml in `cwd` when present. No file means no routes.
 */
export async function readRoutesFile(routesFile: string | undefined, cwd: string): Promise<RoutesFileResult & { file?: string }> {
  const path = resolvePath(cwd, routesFile ?? DEFAULT_ROUTES_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && routesFile === undefined) return { ok: true, routes: [] };
    return { ok: false, problems: [`ROUTES_FILE: cannot read ${path}: ${code === "ENOENT" ? "no such file" : messageOf(error)}`] };
  }
  const result = parseRoutesFile(text, routesFile ?? DEFAULT_ROUTES_FILE);
  return { ...result, file: path };
}

/** The route a CLI user names with `--route`: by its name, or by a channel or guild it routes. */
export function findRoute(routes: readonly RouteSpec[], nameOrChannel: string): RouteSpec | undefined {
  return (
    routes.find((route) => route.name === nameOrChannel) ??
    routes.find((route) => [...route.slackChannels, ...route.discordChannels, ...route.discordGuilds].includes(nameOrChannel))
  );
}
