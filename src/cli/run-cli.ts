import { readFile, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Config, Env } from "../config.js";
import { loadConfig } from "../config.js";
import { checkLog } from "../core/check-log.js";
import type { CheckProblem } from "../core/types.js";
import { checkImages, relativeImageLinks } from "../core/images.js";
import type { OfferedFile } from "../core/images.js";
import { STATUSES } from "../core/types.js";
import type { FieldError, FindingInput, Status } from "../core/types.js";
import type { Clock } from "../services/log-service.js";
import { LogWriteError } from "../services/log-service.js";
import type { CommitAuthor } from "../store/log-store.js";
import type { Logger } from "../store/github/client.js";
import { findRoute, readRoutesFile } from "../routes/routes-file.js";
import type { BuiltTarget, Router, RouterHooks } from "../routes/targets.js";
import { buildDefaultTarget, buildRouteTarget, buildRouter } from "../routes/targets.js";
import { StoreError } from "../store/log-store.js";
import { readGitUser } from "../store/local-git.js";
import type { Prompter } from "./prompt.js";
import { askMissingFields } from "./prompt.js";
import { renderDigest, renderList } from "./render.js";
import { errorCode, messageOf } from "../error-details.js";

export const EXIT = { ok: 0, invalid: 1, usage: 2, store: 3 } as const;

export const USAGE = `Usage: research-log <command> [options]

Commands:
  add      --title T --category C --status S --finding F --impact I
           [--related R]... [--action A]... [--picture FILE]... [--date YYYY-MM-DD] [--json]
                                 pictures (PNG, JPEG, GIF, WebP) are committed beside
                                 the log with the entry and shown in its Finding
  list     [--open] [--category C] [--status S] [--search Q] [--json]
  digest   [--json]              open action items, grouped by finding
  resolve  <id> [--item N] [--status Resolved|Workaround|Open] [--uncheck] [--json]
  edit     <id> [--title T] [--category C] [--status S] [--finding F] [--impact I]
           [--related R]... [--action A]... [--add-action A]... [--json]
                                 rewrite what is given, keep the rest; refused if the
                                 entry changes while the edit is made
  check    [--lenient]           validate the log: one file:line message per problem, exit 1;
                                 with --lenient, warnings are printed but only errors exit 1
  serve    [--check]             run the configured chat bots; with --check, reach each
                                 configured service once, print a line each, exit 0 or 2

Options for every command:
  --repo DIR         the local git checkout (default: the current directory)
  --github O/NAME    use the log in this GitHub repository (or set GITHUB_REPO)
  --log-path PATH    the log inside the repository (default docs/research_log.md)
  --route NAME       the log a route of research-log.config.yml (or ROUTES_FILE) writes to,
                     by the route's name or a channel id it routes
  -h, --help         show this help

Exit codes: 0 ok, 1 invalid input or check failure, 2 usage error, 3 store failure.`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Asks a person for a value; undefined when there is no terminal. */
  prompter: Prompter | undefined;
}

export interface CliContext {
  env: Env;
  cwd: string;
  io: CliIo;
  clock?: Clock;
  /**
   * Runs the chat bots (`serve`); resolves with the exit code when they stop.
   * `buildRouter` builds the routes' logs with serve's own hooks (its logger,
   * its readiness check) and throws naming the route that cannot be set up.
   */
  serve?: (config: Config, buildRouter: (hooks: RouterHooks) => Promise<Router>) => Promise<number>;
}


class UsageError extends Error {
  override name = "UsageError";
}

const commonOptions = {
  repo: { type: "string" },
  github: { type: "string" },
  "log-path": { type: "string" },
  route: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** A finding's fields, as `add` and `edit` take them. */
const findingOptions = {
  title: { type: "string" },
  category: { type: "string" },
  status: { type: "string" },
  finding: { type: "string" },
  impact: { type: "string" },
  related: { type: "string", multiple: true },
  action: { type: "string", multiple: true },
} as const;

const commandOptions = {
  add: { ...findingOptions, date: { type: "string" }, picture: { type: "string", multiple: true } },
  list: {
    open: { type: "boolean" },
    category: { type: "string" },
    status: { type: "string" },
    search: { type: "string" },
  },
  digest: {},
  edit: { ...findingOptions, "add-action": { type: "string", multiple: true } },
  resolve: {
    item: { type: "string" },
    status: { type: "string" },
    uncheck: { type: "boolean" },
  },
  check: { lenient: { type: "boolean" } },
  serve: { check: { type: "boolean" } },
} as const;

type Command = keyof typeof commandOptions;

const isCommand = (name: string): name is Command => Object.hasOwn(commandOptions, name);

const fieldLabel: Record<FieldError["field"], string> = {
  date: "--date",
  title: "--title",
  category: "--category",
  status: "--status",
  related: "--related",
  finding: "--finding",
  impact: "--impact",
  actionItems: "--action",
};

/**
 * Runs one `research-log` command. Returns the exit code; never throws for
 * expected failures (bad input, store errors), which are reported on stderr.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const { io } = context;
  try {
    return await dispatch(argv, context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`research-log: ${error.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (error instanceof StoreError) {
      io.stderr(`research-log: ${error.message}\n`);
      if (error instanceof LogWriteError) {
        io.stderr(`\nThe entry was not saved. Here it is, so nothing is lost:\n\n${error.markdown}\n`);
      }
      return EXIT.store;
    }
    throw error;
  }
}

/** `serve --check`: a line per service; exit 0 when every one answered as it should, 2 otherwise. */
async function checkServicesOnce(config: Config, router: Router, io: CliIo): Promise<number> {
  const { checkServices, formatCheck } = await import("./check-services.js");
  if (config.slack === undefined && config.discord === undefined) {
    io.stderr("research-log: serve --check: neither Slack nor Discord is configured; serve would not start\n");
  }
  const results = await checkServices(config, router);
  for (const result of results) io.stdout(`${formatCheck(result)}\n`);
  const ok = results.every((result) => result.ok) && (config.slack !== undefined || config.discord !== undefined);
  return ok ? EXIT.ok : EXIT.usage;
}

async function dispatch(argv: readonly string[], context: CliContext): Promise<number> {
  const { io } = context;
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    io.stdout(`${USAGE}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!isCommand(name)) throw new UsageError(`unknown command "${name}"`);

  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...commonOptions, ...commandOptions[name] },
      allowPositionals: name === "resolve" || name === "edit",
      strict: true,
    });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  if (values.help === true) {
    io.stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  const str = (key: string): string | undefined => {
    const value = values[key];
    return typeof value === "string" ? value : undefined;
  };
  const json = values.json === true;

  const overrides: Record<string, string> = {};
  const github = str("github");
  const logPath = str("log-path");
  if (github !== undefined) overrides.GITHUB_REPO = github;
  if (logPath !== undefined) overrides.LOG_PATH = logPath;
  const loaded = loadConfig(context.env, overrides);
  if (!loaded.ok) {
    for (const problem of loaded.problems) io.stderr(`research-log: ${problem}\n`);
    return EXIT.usage;
  }
  const { config } = loaded;
  const repoDir = str("repo") ?? context.cwd;
  const routes = await readRoutesFile(config.routesFile, context.cwd);
  if (!routes.ok) {
    for (const problem of routes.problems) io.stderr(`research-log: ${problem}\n`);
    return EXIT.usage;
  }
  // A rate-limit wait on the terminal: the command is not stuck, it waits as GitHub asked.
  const storeLog: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => io.stderr(`research-log: ${message}\n`),
    error: (message) => io.stderr(`research-log: ${message}\n`),
  };
  const targetOptions = { repoDir, clock: context.clock, mlflowTrackingUri: config.mlflowTrackingUri, storeLog };
  if (name === "serve") {
    if (context.serve === undefined && values.check !== true) throw new UsageError("serve is not available here");
    if (str("route") !== undefined) throw new UsageError("serve takes every route from the routes file; --route is for the other commands");
    if (values.check === true || context.serve === undefined) {
      let router: Router;
      try {
        router = await buildRouter(config, routes.routes, targetOptions);
      } catch (error) {
        io.stderr(`research-log: ${messageOf(error)}\n`);
        return EXIT.usage;
      }
      return checkServicesOnce(config, router, io);
    }
    return context.serve(config, (hooks) => buildRouter(config, routes.routes, { ...targetOptions, ...hooks }));
  }
  const routeName = str("route");
  const route = routeName === undefined ? undefined : findRoute(routes.routes, routeName);
  if (routeName !== undefined && route === undefined) {
    const known = routes.routes.map((r) => r.name);
    throw new UsageError(
      `--route: no route is named or routes "${routeName}" (${known.length === 0 ? "there is no routes file" : `routes: ${known.join(", ")}`})`,
    );
  }
  let target: BuiltTarget;
  try {
    target = route === undefined ? await buildDefaultTarget(config, targetOptions) : await buildRouteTarget(config, route, targetOptions);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    io.stderr(`research-log: ${messageOf(error)}\n`);
    return EXIT.usage;
  }
  const { service, store, logPath: targetLogPath } = target;
  const author = async (): Promise<CommitAuthor | undefined> => readGitUser(repoDir).catch(() => undefined);

  /** The id a command names: the one given, or the only id that starts with it; undefined (said why) when several do. */
  const findId = async (positionals: readonly string[]): Promise<string | undefined> => {
    const [given, ...extra] = positionals;
    if (given === undefined) throw new UsageError(`${name} needs the finding's id (see research-log list)`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    // Ids are long: a unique beginning of one will do.
    const ids = (await service.list()).map((entry) => entry.id);
    const candidates = ids.includes(given) ? [given] : ids.filter((id) => id.startsWith(given));
    if (candidates.length > 1) {
      io.stderr(`research-log: "${given}" could be any of:\n${candidates.map((id) => `  ${id}`).join("\n")}\n`);
      return undefined;
    }
    return candidates[0] ?? given;
  };

  /** The finding's fields as the flags give them (`findingOptions`); those not given are undefined. */
  const typedFinding = (): FindingInput => ({
    title: str("title"),
    category: str("category"),
    status: str("status"),
    finding: str("finding"),
    impact: str("impact"),
    related: values.related as string[] | undefined,
    actionItems: values.action as string[] | undefined,
  });

  switch (name) {
    case "add": {
      let input: FindingInput = { ...typedFinding(), date: str("date") };
      if (io.prompter !== undefined) {
        input = await askMissingFields(input, io.prompter, service.categories);
      }
      // At a terminal a picture that would be left out stops the command instead: nothing is written, fix and run again.
      const offered = await readPictures((values.picture as string[] | undefined) ?? [], context.cwd);
      const { refused } = checkImages(offered, service.imageLimits);
      if (refused.length > 0) {
        for (const { reason } of refused) io.stderr(`research-log: --picture: ${reason}\n`);
        return EXIT.invalid;
      }
      const result = await service.logFinding(input, config.github === undefined ? undefined : await author(), offered);
      if (!result.ok) {
        for (const error of result.errors) io.stderr(`research-log: ${fieldLabel[error.field]}: ${error.message}\n`);
        return EXIT.invalid;
      }
      const out = {
        id: result.id,
        path: targetLogPath,
        commit: result.commit ?? null,
        url: result.pullRequestUrl ?? result.commitUrl ?? result.entryUrl ?? null,
        entryUrl: result.entryUrl ?? null,
        created: result.created,
        pictures: result.pictures,
      };
      if (json) {
        io.stdout(`${JSON.stringify(out)}\n`);
      } else if (result.created) {
        const where = result.pullRequestUrl === undefined ? "" : ` (pull request: ${result.pullRequestUrl})`;
        io.stdout(`Logged ${result.id} in ${targetLogPath}${result.commit === undefined ? "" : ` as ${result.commit.slice(0, 12)}`}${where}\n`);
      } else {
        io.stdout(`Already logged: ${result.id} (nothing to commit)\n`);
      }
      return EXIT.ok;
    }

    case "list": {
      const status = str("status");
      const category = str("category");
      const search = str("search");
      const entries = await service.list({
        ...(values.open === true ? { open: true } : {}),
        ...(status === undefined ? {} : { status }),
        ...(category === undefined ? {} : { category }),
        ...(search === undefined ? {} : { search }),
      });
      if (json) {
        io.stdout(`${JSON.stringify(entries)}\n`);
      } else {
        io.stdout(renderList(entries));
      }
      return EXIT.ok;
    }

    case "digest": {
      const groups = await service.digest();
      io.stdout(json ? `${JSON.stringify(groups)}\n` : renderDigest(groups));
      return EXIT.ok;
    }

    case "edit": {
      const id = await findId(parsed.positionals);
      if (id === undefined) return EXIT.invalid;
      const form = await service.editForm(id);
      if (form === undefined) {
        io.stderr(`research-log: no finding with id "${id}"\n`);
        return EXIT.invalid;
      }
      const added = (values["add-action"] as string[] | undefined) ?? [];
      const actions = values.action as string[] | undefined;
      const input: FindingInput = {
        ...typedFinding(),
        actionItems: actions === undefined && added.length === 0 ? undefined : [...(actions ?? (form.input.actionItems as string[] | undefined) ?? []), ...added],
      };
      // The version read here guards the whole edit: a concurrent change to this entry refuses it.
      const result = await service.editFinding(id, input, form.version, config.github === undefined ? undefined : await author());
      if (!result.ok) {
        if ("errors" in result) for (const error of result.errors) io.stderr(`research-log: ${fieldLabel[error.field]}: ${error.message}\n`);
        else io.stderr(`research-log: ${result.reason}\n${result.current === undefined ? "" : `The entry now reads:\n\n${result.current}\n`}`);
        return EXIT.invalid;
      }
      if (json) {
        io.stdout(`${JSON.stringify({ id: result.id, previousId: result.previousId, changed: result.changed, commit: result.commit ?? null, url: result.pullRequestUrl ?? result.commitUrl ?? result.entryUrl ?? null })}\n`);
      } else if (!result.changed) {
        io.stdout(`Nothing to change: ${result.id} already says that\n`);
      } else {
        const renamed = result.id === result.previousId ? "" : ` (its id is now ${result.id})`;
        io.stdout(`Edited ${result.id}${renamed}${result.commit === undefined ? "" : ` as ${result.commit.slice(0, 12)}`}\n`);
      }
      return EXIT.ok;
    }

    case "resolve": {
      const id = await findId(parsed.positionals);
      if (id === undefined) return EXIT.invalid;
      const itemValue = str("item");
      const statusValue = str("status");
      const by = config.github === undefined ? undefined : await author();
      let result;
      if (itemValue !== undefined) {
        if (!/^[1-9]\d*$/.test(itemValue)) {
          io.stderr(`research-log: --item must be a whole number from 1 (got "${itemValue}")\n`);
          return EXIT.invalid;
        }
        if (statusValue !== undefined) throw new UsageError("give either --item or --status, not both");
        result = await service.setActionItem(id, Number(itemValue), values.uncheck !== true, by);
      } else {
        if (values.uncheck === true) throw new UsageError("--uncheck goes with --item N");
        const status = STATUSES.find((s) => s.toLowerCase() === (statusValue ?? "Resolved").toLowerCase());
        if (status === undefined) {
          io.stderr(`research-log: --status must be one of ${STATUSES.join(", ")} (got "${statusValue}")\n`);
          return EXIT.invalid;
        }
        result = await service.setStatus(id, status as Status, by);
      }
      if (!result.ok) {
        io.stderr(`research-log: ${result.reason}\n`);
        return EXIT.invalid;
      }
      if (json) {
        io.stdout(
          `${JSON.stringify({ id: result.id, title: result.title, changed: result.changed, commit: result.commit ?? null, url: result.pullRequestUrl ?? result.commitUrl ?? result.entryUrl ?? null })}\n`,
        );
      } else {
        const what = itemValue === undefined ? `status of ${result.id}` : `action item ${itemValue} of ${result.id}`;
        io.stdout(result.changed ? `Updated ${what}\n` : `Nothing to change: ${what} was already so\n`);
      }
      return EXIT.ok;
    }

    case "check": {
      const { text } = await store.read();
      if (text === undefined) {
        io.stderr(`research-log: ${store.description} does not exist yet (research-log add creates it)\n`);
        return EXIT.invalid;
      }
      const problems = [...checkLog(text, { categories: service.categories }), ...(await missingPictures(text, store.localFile))].sort((a, b) => a.line - b.line);
      for (const problem of problems) io.stderr(`${targetLogPath}:${problem.line}: ${problem.severity}: ${problem.message}\n`);
      const errors = problems.filter((p) => p.severity === "error").length;
      const warnings = problems.length - errors;
      const ok = values.lenient === true ? errors === 0 : problems.length === 0;
      if (json) {
        io.stdout(`${JSON.stringify({ ok, path: targetLogPath, problems: problems.map((p) => ({ line: p.line, severity: p.severity, message: p.message })) })}\n`);
      } else if (problems.length === 0) {
        io.stdout(`${targetLogPath}: ok\n`);
      } else {
        const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;
        io.stderr(`${targetLogPath}: ${count(errors, "error")}, ${count(warnings, "warning")}${ok ? " (--lenient: warnings do not fail)" : ""}\n`);
      }
      return ok ? EXIT.ok : EXIT.invalid;
    }

  }
}

/**
 * In a local checkout, a warning for each picture the log embeds by relative path that is not
 * there: a picture deleted by hand, or a commit that left it behind.
 */
async function missingPictures(text: string, logFile: string | undefined): Promise<CheckProblem[]> {
  if (logFile === undefined) return [];
  const problems: CheckProblem[] = [];
  for (const { line, path } of relativeImageLinks(text)) {
    const found = await stat(resolve(dirname(logFile), path)).then((s) => s.isFile(), () => false);
    if (!found) problems.push({ line, severity: "warning", message: `picture ${path} is not in the checkout (deleted, or never committed)` });
  }
  return problems;
}

/** The files `--picture` names, read whole (relative paths from the working directory). @throws UsageError naming a file that cannot be read */
async function readPictures(paths: readonly string[], cwd: string): Promise<OfferedFile[]> {
  const files: OfferedFile[] = [];
  for (const path of paths) {
    try {
      files.push({ name: basename(path), bytes: await readFile(resolve(cwd, path)) });
    } catch (error) {
      throw new UsageError(`--picture: cannot read ${path} (${errorCode(error) ?? messageOf(error)})`);
    }
  }
  return files;
}
