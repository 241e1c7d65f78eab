import { readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { Config, GitHubConfig } from "../config.js";
import type { RelatedLinkOptions } from "../core/related-links.js";
import type { Clock, LogService } from "../services/log-service.js";
import { createLogService } from "../services/log-service.js";
import { createStore } from "../store/create-store.js";
import type { Logger } from "../store/github/client.js";
import type { LogStore } from "../store/log-store.js";
import type { RouteSpec } from "./routes-file.js";
import { messageOf } from "../error-details.js";

/**
 * A target is one log a channel writes to: its store, the service over it,
 * where it is (for `/findings where`), how its Related items link, and its
 * digest. The environment's settings make the target `default`; each route of
 * the routes file makes one more.
 */
export interface Target {
  name: string;
  service: LogService;
  /** What `/findings where` says: the repository (or checkout), branch and file. */
  where: string;
  links: RelatedLinkOptions;
  /** The category the forms offer first (a route's default_category). */
  defaultCategory?: string | undefined;
  digest: { cron: string; timeZone: string; slackChannel: string | undefined; discordChannel: string | undefined };
}

/** Which target a channel writes to. Channels without a route write to the default target. */
export interface Router {
  readonly targets: readonly Target[];
  readonly fallback: Target;
  forSlack(channel: string | undefined): Target;
  /** `channel` is the channel a message is in, or a thread's parent channel. */
  forDiscord(channel: string | undefined, guild: string | undefined): Target;
  /** A target by route name, or by a channel id routed to it (the CLI's `--route`). */
  find(nameOrChannel: string): Target | undefined;
}

/** A router with one target for every channel: no routes file. */
export function singleRouter(target: Target): Router {
  return { targets: [target], fallback: target, forSlack: () => target, forDiscord: () => target, find: (name) => (name === target.name ? target : undefined) };
}

/** A router over one service (tests, and callers with no routes): every channel writes to it. */
export function routerForService(service: LogService, where = "the research log"): Router {
  return singleRouter({
    name: "default",
    service,
    where,
    links: {},
    digest: { cron: "0 9 * * 1-5", timeZone: "UTC", slackChannel: undefined, discordChannel: undefined },
  });
}

/** The Related links a target's messages get: MLflow runs from MLFLOW_TRACKING_URI, files on the target's web view. */
export function linksFor(store: LogStore, logPath: string, mlflowTrackingUri: string | undefined): RelatedLinkOptions {
  return { mlflowTrackingUri, fileUrl: (path) => fileUrlFrom(store, logPath, path) };
}

/**
 * A file's web address on the target branch, derived from the store's entry
 * link (`…/blob/<branch>/<log path>#id`): the store knows its host, branch and
 * encoding, so this says nothing new about them.
 */
function fileUrlFrom(store: LogStore, logPath: string, path: string): string | undefined {
  const entry = store.entryUrl("x");
  const encodedLog = logPath.split("/").map(encodeURIComponent).join("/");
  const at = entry?.lastIndexOf(`/${encodedLog}#x`) ?? -1;
  if (entry === undefined || at < 0) return undefined;
  return `${entry.slice(0, at)}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

export interface BuildTargetsOptions {
  /** The local checkout for targets without GitHub (the CLI's --repo, or the working directory). */
  repoDir: string;
  clock?: Clock | undefined;
  mlflowTrackingUri?: string | undefined;
  /** Where a categories file that cannot be read is reported; its route starts without those categories. */
  warn?: ((message: string) => void) | undefined;
  /** Where the GitHub client reports rate-limit waits (and, at debug, its requests). */
  storeLog?: Logger | undefined;
  /** Wraps each target's store (`serve` reports reads and writes to its readiness check). */
  observeStore?: ((store: LogStore, target: string) => LogStore) | undefined;
}

/** What `serve` adds to each log it builds: its logger and its readiness check. */
export type RouterHooks = Pick<BuildTargetsOptions, "observeStore" | "storeLog">;

const observed = (store: LogStore, target: string, options: BuildTargetsOptions): LogStore =>
  options.observeStore === undefined ? store : options.observeStore(store, target);

/** A target as built from the configuration, with its store and the log's path in it (the CLI's `check` reads them). */
export interface BuiltTarget extends Target {
  store: LogStore;
  logPath: string;
}

/** The default target, from the environment alone. */
export async function buildDefaultTarget(config: Config, options: BuildTargetsOptions): Promise<BuiltTarget> {
  const store = observed(await createStore(config, { repoDir: options.repoDir, log: options.storeLog }), "default", options);
  return {
    name: "default",
    store,
    logPath: config.logPath,
    service: createLogService({
      store,
      categories: config.categories,
      timeZone: config.digest.timeZone,
      order: config.order,
      imageLimits: config.imageLimits,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    }),
    where: store.description,
    links: linksFor(store, config.logPath, options.mlflowTrackingUri),
    digest: { ...config.digest },
  };
}

/**
 * Builds every route's target and the router over them. A route inherits
 * from the environment what it does not set (credentials, API URL, commit
 * mode, categories, digest schedule and time zone).
 *
 * @throws Error naming the route when its target cannot be set up (no GitHub credentials).
 */
export async function buildRouter(config: Config, routes: readonly RouteSpec[], options: BuildTargetsOptions): Promise<Router> {
  const fallback = await buildDefaultTarget(config, options);
  const targets: Target[] = [fallback];
  const slack = new Map<string, Target>();
  const discordChannels = new Map<string, Target>();
  const discordGuilds = new Map<string, Target>();
  for (const route of routes) {
    const target = await buildRouteTarget(config, route, options);
    targets.push(target);
    for (const id of route.slackChannels) slack.set(id, target);
    for (const id of route.discordChannels) discordChannels.set(id, target);
    for (const id of route.discordGuilds) discordGuilds.set(id, target);
  }
  const byChannel = (id: string): Target | undefined => slack.get(id) ?? discordChannels.get(id) ?? discordGuilds.get(id);
  return {
    targets,
    fallback,
    forSlack: (channel) => (channel === undefined ? undefined : slack.get(channel)) ?? fallback,
    forDiscord: (channel, guild) =>
      (channel === undefined ? undefined : discordChannels.get(channel)) ?? (guild === undefined ? undefined : discordGuilds.get(guild)) ?? fallback,
    find: (nameOrChannel) => targets.find((t) => t.name === nameOrChannel) ?? byChannel(nameOrChannel),
  };
}

export async function buildRouteTarget(config: Config, route: RouteSpec, options: BuildTargetsOptions): Promise<BuiltTarget> {
  const logPath = route.logPath ?? config.logPath;
  let routeConfig: Config;
  let repoDir = options.repoDir;
  if (route.target?.kind === "github") {
    const [owner = "", repo = ""] = route.target.repo.split("/");
    const credentials = config.github?.auth ?? config.githubAuth;
    if (credentials === undefined || credentials.kind === "none") {
      throw new Error(`route "${route.name}" writes to ${route.target.repo} but there are no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY`);
    }
    const github: GitHubConfig = {
      owner,
      repo,
      branch: route.target.branch,
      apiUrl: route.target.apiUrl ?? config.github?.apiUrl ?? config.githubApiUrl,
      commitMode: route.target.commitMode ?? config.github?.commitMode ?? "direct",
      // An App installation id belongs to one account: another repository's installation is looked up.
      auth: credentials.kind === "app" && config.github?.owner !== owner ? { ...credentials, installationId: undefined } : credentials,
    };
    routeConfig = { ...config, logPath, github };
  } else {
    if (route.target?.kind === "local") repoDir = isAbsolute(route.target.dir) ? route.target.dir : resolve(options.repoDir, route.target.dir);
    // A route without a target of its own writes to the environment's store, in its own file.
    routeConfig = { ...config, logPath };
    if (route.target?.kind === "local") routeConfig = { ...routeConfig, github: undefined };
  }
  const store = observed(await createStore(routeConfig, { repoDir, log: options.storeLog }), route.name, options);
  const timeZone = route.digest.timeZone ?? config.digest.timeZone;
  let extra: string[] = [];
  if (route.categoriesFile !== undefined) {
    try {
      extra = await readCategoriesFile(routeConfig, repoDir, route, options);
    } catch (error) {
      // GitHub down at start, or a bad edit of the file: the route still works, with the other categories.
      (options.warn ?? ((message: string) => process.stderr.write(`research-log: ${message}\n`)))(
        `${messageOf(error)}; route "${route.name}" starts without its repository's categories`,
      );
    }
  }
  const categories = mergeCategories([config.categories, route.categories, extra], route.defaultCategory);
  return {
    name: route.name,
    store,
    logPath,
    service: createLogService({
      store,
      categories,
      timeZone,
      order: config.order,
      imageLimits: config.imageLimits,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    }),
    where: store.description,
    links: linksFor(store, logPath, options.mlflowTrackingUri),
    defaultCategory: route.defaultCategory,
    digest: {
      cron: route.digest.cron ?? config.digest.cron,
      timeZone,
      slackChannel: route.digest.slackChannel,
      discordChannel: route.digest.discordChannel,
    },
  };
}

/** The environment's categories, then the route's, then the repository's; the default category first. */
function mergeCategories(lists: readonly (readonly string[])[], preferred: string | undefined): string[] {
  const out: string[] = [];
  for (const name of [...(preferred === undefined ? [] : [preferred]), ...lists.flat()]) {
    if (!out.some((c) => c.toLowerCase() === name.toLowerCase())) out.push(name);
  }
  return out;
}

/**
 * The `categories:` list of a route's categories file, read from its own
 * repository (so the team changes it by pull request). A missing file adds
 * nothing; a file that is not a list of names is an error naming it.
 */
async function readCategoriesFile(routeConfig: Config, repoDir: string, route: RouteSpec, options: BuildTargetsOptions): Promise<string[]> {
  const path = route.categoriesFile ?? "";
  let text: string | undefined;
  try {
    if (routeConfig.github === undefined) {
      text = await readFile(join(repoDir, path), "utf8").catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return undefined;
        throw error;
      });
    } else {
      const fileStore = await createStore({ ...routeConfig, logPath: path }, { repoDir, log: options.storeLog });
      text = (await fileStore.read()).text;
    }
  } catch (error) {
    throw new Error(`route "${route.name}": could not read ${path}: ${messageOf(error)}`, { cause: error });
  }
  if (text === undefined) return [];
  return parseCategoriesFile(text, `${route.name}: ${path}`);
}

/** `categories: [A, B]` (or a YAML list under `categories:`); anything else is an error naming the file. */
export function parseCategoriesFile(text: string, file: string): string[] {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new Error(`${file}: not valid YAML: ${messageOf(error).split("\n")[0] ?? ""}`, { cause: error });
  }
  const list = (value as { categories?: unknown } | null)?.categories;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new Error(`${file}: categories must be a list of names`);
  return list.map((item, i) => {
    const name = typeof item === "string" ? item.trim() : "";
    if (!/^[\p{L}\p{N}][\p{L}\p{N} &/-]{0,39}$/u.test(name)) {
      throw new Error(`${file}: categories[${i}] must be a category name (letters, digits, spaces; at most 40 characters)`);
    }
    return name;
  });
}
