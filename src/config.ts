import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { DEFAULT_IMAGE_LIMITS } from "./core/images.js";
import type { ImageLimits } from "./core/images.js";
import { DEFAULT_CATEGORIES } from "./core/types.js";
import { isCronPattern } from "./services/schedule-digest.js";
import type { LogFormat, LogLevelName } from "./serve/log.js";
import { LOG_FORMATS, LOG_LEVELS } from "./serve/log.js";

/**
 * The one place that reads the environment. Every variable is parsed here;
 * a bad or missing value becomes one message naming the variable.
 */

export interface GitHubConfig {
  owner: string;
  repo: string;
  branch: string | undefined;
  apiUrl: string;
  commitMode: "direct" | "pull-request";
  auth:
    | { kind: "token"; token: string }
    | { kind: "app"; appId: string; privateKey: string; installationId: number | undefined }
    | { kind: "none" };
}

export interface SlackConfig {
  botToken: string;
  appToken: string | undefined;
  signingSecret: string | undefined;
  apiUrl: string | undefined;
  allowedChannels: string[] | undefined;
  allowedUsers: string[] | undefined;
}

export interface DiscordConfig {
  token: string;
  applicationId: string;
  guildId: string | undefined;
  apiUrl: string | undefined;
}

export interface Config {
  logPath: string;
  categories: string[];
  order: "oldest-first" | "newest-first";
  github: GitHubConfig | undefined;
  /** GitHub credentials (GITHUB_TOKEN or the App), also without GITHUB_REPO: for routes with repositories of their own. */
  githubAuth: GitHubConfig["auth"] | undefined;
  /** GITHUB_API_URL, the default for routes. */
  githubApiUrl: string;
  /** MLFLOW_TRACKING_URI: `MLflow run <id>` becomes a link in chat messages. */
  mlflowTrackingUri: string | undefined;
  /** ROUTES_FILE, when set: per-channel routes. Without it, research-log.config.yml in the working directory is read when present. */
  routesFile: string | undefined;
  slack: SlackConfig | undefined;
  discord: DiscordConfig | undefined;
  digest: {
    cron: string;
    timeZone: string;
    slackChannel: string | undefined;
    discordChannel: string | undefined;
  };
  port: number;
  /** Where `serve` keeps its outbox journal (STATE_DIR). */
  stateDir: string;
  /** How long `serve` drains in-flight work on SIGTERM before leaving the rest in the outbox (SHUTDOWN_TIMEOUT_S). */
  shutdownTimeoutMs: number;
  /** LOG_LEVEL: how much `serve` logs (default info). */
  logLevel: LogLevelName;
  /** LOG_FORMAT: json or pretty; unset, pretty on a terminal and json otherwise. */
  logFormat: LogFormat | undefined;
  /** PICTURE_MAX_MB, PICTURES_MAX_MB, PICTURES_PER_FINDING: what a finding's pictures may weigh. */
  imageLimits: ImageLimits;
  /** REDIS_URL: several replicas share the outbox, the digests and the Discord gateway there; without it, one replica on STATE_DIR. */
  redisUrl: string | undefined;
  /** REDIS_LEASE_S: how long a replica's hold on a job or the Discord gateway lasts unrenewed, so how soon another takes over a dead one's. */
  redisLeaseMs: number;
  /** GITHUB_WRITE_INTERVAL_MS: the spacing between writes to GitHub (GitHub asks for one second). */
  githubWriteIntervalMs: number;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export type Env = Readonly<Record<string, string | undefined>>;

const present = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
};

const list = (value: string | undefined): string[] | undefined => {
  const items = present(value)
    ?.split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return items === undefined || items.length === 0 ? undefined : items;
};

const repoSchema = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/);

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A log path must stay inside the repository. */
export function checkLogPath(path: string): string | undefined {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return `LOG_PATH must be relative to the repository (got "${path}")`;
  if (path.split(/[\\/]/).some((part) => part === "..")) return `LOG_PATH must stay inside the repository (got "${path}")`;
  if (path.includes("\0")) return "LOG_PATH contains a NUL byte";
  if (!/\.(md|markdown)$/i.test(path)) return `LOG_PATH must name a markdown file ending in .md (got "${path}")`;
  return undefined;
}

/**
 * Reads and checks the configuration. `overrides` are command-line flags,
 * which win over the environment.
 */
export function loadConfig(env: Env = process.env, overrides: Partial<Record<string, string>> = {}): ConfigResult {
  const get = (name: string): string | undefined => present(overrides[name] ?? env[name]);
  const problems: string[] = [];

  const logPath = get("LOG_PATH") ?? "docs/research_log.md";
  const pathProblem = checkLogPath(logPath);
  if (pathProblem !== undefined) problems.push(pathProblem);

  const extra = list(get("LOG_CATEGORIES")) ?? [];
  const categories: string[] = [...DEFAULT_CATEGORIES];
  for (const category of extra) {
    if (!/^[\p{L}\p{N}][\p{L}\p{N} &/-]{0,39}$/u.test(category)) {
      problems.push(`LOG_CATEGORIES: "${category}" is not a valid category name (letters, digits, spaces; at most 40 characters)`);
    } else if (!categories.some((c) => c.toLowerCase() === category.toLowerCase())) {
      categories.push(category);
    }
  }

  const orderValue = get("LOG_ORDER") ?? "oldest-first";
  if (orderValue !== "oldest-first" && orderValue !== "newest-first") {
    problems.push(`LOG_ORDER must be oldest-first or newest-first (got "${orderValue}")`);
  }
  const order = orderValue === "newest-first" ? "newest-first" : "oldest-first";

  // Credentials and the API are read whether or not GITHUB_REPO is set: routes may name repositories of their own.
  const githubApiUrl = (get("GITHUB_API_URL") ?? "https://api.github.com").replace(/\/+$/, "");
  if (!/^https?:\/\/[^\s/]+/.test(githubApiUrl)) problems.push(`GITHUB_API_URL must be an http(s) URL (got "${githubApiUrl}")`);
  const token = get("GITHUB_TOKEN");
  const appId = get("GITHUB_APP_ID");
  const privateKey = get("GITHUB_APP_PRIVATE_KEY");
  const installation = get("GITHUB_APP_INSTALLATION_ID");
  let githubAuth: GitHubConfig["auth"] | undefined;
  if (token !== undefined) {
    githubAuth = { kind: "token", token };
  } else if (appId !== undefined || privateKey !== undefined) {
    if (appId === undefined || !/^\d+$/.test(appId)) problems.push("GITHUB_APP_ID must be the GitHub App's numeric id");
    if (privateKey === undefined || !privateKey.replace(/\\n/g, "\n").includes("PRIVATE KEY")) {
      problems.push("GITHUB_APP_PRIVATE_KEY must be the App's PEM private key (-----BEGIN ... PRIVATE KEY-----)");
    }
    if (installation !== undefined && !/^\d+$/.test(installation)) {
      problems.push(`GITHUB_APP_INSTALLATION_ID must be a number (got "${installation}")`);
    }
    githubAuth = {
      kind: "app",
      appId: appId ?? "",
      // Env files often carry the PEM on one line with literal \n.
      privateKey: (privateKey ?? "").replace(/\\n/g, "\n"),
      installationId: installation === undefined ? undefined : Number(installation),
    };
  }

  let github: GitHubConfig | undefined;
  const repoValue = get("GITHUB_REPO");
  if (repoValue !== undefined) {
    if (!repoSchema.safeParse(repoValue).success) {
      problems.push(`GITHUB_REPO must look like owner/name (got "${repoValue}")`);
    }
    const [owner = "", repo = ""] = repoValue.split("/");
    const mode = get("GITHUB_COMMIT_MODE") ?? "direct";
    if (mode !== "direct" && mode !== "pull-request") {
      problems.push(`GITHUB_COMMIT_MODE must be direct or pull-request (got "${mode}")`);
    }
    if (githubAuth === undefined) {
      problems.push("GITHUB_REPO is set but there are no credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY");
    }
    github = {
      owner,
      repo,
      branch: get("GITHUB_BRANCH"),
      apiUrl: githubApiUrl,
      commitMode: mode === "pull-request" ? "pull-request" : "direct",
      auth: githubAuth ?? { kind: "none" },
    };
  }

  let slack: SlackConfig | undefined;
  const botToken = get("SLACK_BOT_TOKEN");
  if (botToken !== undefined) {
    if (!botToken.startsWith("xoxb-")) problems.push("SLACK_BOT_TOKEN must be a bot token (starts with xoxb-)");
    const appToken = get("SLACK_APP_TOKEN");
    if (appToken !== undefined && !appToken.startsWith("xapp-")) {
      problems.push("SLACK_APP_TOKEN must be an app-level token (starts with xapp-) for Socket Mode");
    }
    const signingSecret = get("SLACK_SIGNING_SECRET");
    if (appToken === undefined && signingSecret === undefined) {
      problems.push("SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)");
    }
    const apiUrl = get("SLACK_API_URL");
    if (apiUrl !== undefined && !/^https?:\/\//.test(apiUrl)) problems.push(`SLACK_API_URL must be an http(s) URL (got "${apiUrl}")`);
    slack = {
      botToken,
      appToken,
      signingSecret,
      apiUrl: apiUrl === undefined ? undefined : apiUrl.replace(/\/*$/, "/"),
      allowedChannels: list(get("SLACK_ALLOWED_CHANNELS")),
      allowedUsers: list(get("SLACK_ALLOWED_USERS")),
    };
  }

  let discord: DiscordConfig | undefined;
  const discordToken = get("DISCORD_TOKEN");
  const applicationId = get("DISCORD_APPLICATION_ID");
  if (discordToken !== undefined || applicationId !== undefined) {
    if (discordToken === undefined) problems.push("DISCORD_TOKEN is required when DISCORD_APPLICATION_ID is set");
    if (applicationId === undefined || !/^\d+$/.test(applicationId)) {
      problems.push("DISCORD_APPLICATION_ID must be the application's numeric id");
    }
    const guildId = get("DISCORD_GUILD_ID");
    if (guildId !== undefined && !/^\d+$/.test(guildId)) problems.push(`DISCORD_GUILD_ID must be a numeric id (got "${guildId}")`);
    discord = { token: discordToken ?? "", applicationId: applicationId ?? "", guildId, apiUrl: get("DISCORD_API_URL") };
  }

  const cron = get("DIGEST_CRON") ?? "0 9 * * 1-5";
  if (!isCronPattern(cron)) {
    problems.push(`DIGEST_CRON must be a cron expression with 5 fields (or 6 with seconds), e.g. "0 9 * * 1-5" (got "${cron}")`);
  }
  const timeZone = get("DIGEST_TIMEZONE") ?? "UTC";
  if (!isTimeZone(timeZone)) problems.push(`DIGEST_TIMEZONE must be an IANA time zone such as Europe/Berlin (got "${timeZone}")`);

  const portValue = get("PORT") ?? "3000";
  const port = Number(portValue);
  if (!/^\d+$/.test(portValue) || port < 0 || port > 65535) problems.push(`PORT must be a port number 0-65535 (got "${portValue}")`);

  const stateDir = get("STATE_DIR") ?? join(get("XDG_STATE_HOME") ?? join(homedir(), ".local", "state"), "research-log");
  if (!isAbsolute(stateDir)) problems.push(`STATE_DIR must be an absolute path (got "${stateDir}")`);
  const shutdownValue = get("SHUTDOWN_TIMEOUT_S") ?? "8";
  const shutdownSeconds = Number(shutdownValue);
  if (!/^\d+(\.\d+)?$/.test(shutdownValue) || shutdownSeconds > 3600) {
    problems.push(`SHUTDOWN_TIMEOUT_S must be a number of seconds 0-3600 (got "${shutdownValue}")`);
  }

  const logLevel = (get("LOG_LEVEL")?.toLowerCase() ?? "info") as LogLevelName;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got "${get("LOG_LEVEL") ?? ""}")`);
  const logFormat = get("LOG_FORMAT")?.toLowerCase() as LogFormat | undefined;
  if (logFormat !== undefined && !LOG_FORMATS.includes(logFormat)) problems.push(`LOG_FORMAT must be json or pretty (got "${get("LOG_FORMAT") ?? ""}")`);

  const megabytes = (name: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    const mb = Number(value);
    // GitHub takes blobs up to 100 MB.
    if (!/^\d+(\.\d+)?$/.test(value) || mb <= 0 || mb > 100) {
      problems.push(`${name} must be a number of megabytes above 0 and at most 100 (got "${value}")`);
      return fallback;
    }
    return Math.round(mb * 1024 * 1024);
  };
  const perImage = megabytes("PICTURE_MAX_MB", get("PICTURE_MAX_MB"), DEFAULT_IMAGE_LIMITS.perImage);
  const perFinding = megabytes("PICTURES_MAX_MB", get("PICTURES_MAX_MB"), DEFAULT_IMAGE_LIMITS.perFinding);
  const countValue = get("PICTURES_PER_FINDING");
  const perFindingCount = countValue === undefined ? DEFAULT_IMAGE_LIMITS.count : Number(countValue);
  if (countValue !== undefined && (!/^\d+$/.test(countValue) || perFindingCount > 50)) {
    problems.push(`PICTURES_PER_FINDING must be a whole number 0-50 (got "${countValue}")`);
  }
  const imageLimits: ImageLimits = {
    perImage,
    perFinding,
    count: Number.isInteger(perFindingCount) ? perFindingCount : DEFAULT_IMAGE_LIMITS.count,
  };

  const leaseValue = get("REDIS_LEASE_S") ?? "15";
  const redisLeaseS = Number(leaseValue);
  if (!/^\d+(\.\d+)?$/.test(leaseValue) || redisLeaseS < 1 || redisLeaseS > 600) problems.push(`REDIS_LEASE_S must be a number of seconds 1-600 (got "${leaseValue}")`);
  const spacingValue = get("GITHUB_WRITE_INTERVAL_MS") ?? "1000";
  const githubWriteIntervalMs = Number(spacingValue);
  if (!/^\d+$/.test(spacingValue) || githubWriteIntervalMs > 60_000) problems.push(`GITHUB_WRITE_INTERVAL_MS must be a whole number of milliseconds 0-60000 (got "${spacingValue}")`);
  const redisUrl = get("REDIS_URL");
  if (redisUrl !== undefined && !/^rediss?:\/\/[^/\s]/.test(redisUrl)) {
    problems.push(`REDIS_URL must be a redis:// or rediss:// URL, like redis://redis:6379 (got "${redisUrl.replace(/:[^:@/]*@/, ":…@")}")`);
  }

  // Only an http(s) server has pages to link to; `databricks` or a file: URI, set for MLflow's own client, links nothing.
  const mlflowTrackingUri = get("MLFLOW_TRACKING_URI")?.replace(/\/+$/, "");

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      logPath,
      categories,
      order,
      github,
      githubAuth,
      githubApiUrl,
      mlflowTrackingUri,
      routesFile: get("ROUTES_FILE"),
      slack,
      discord,
      digest: {
        cron,
        timeZone,
        slackChannel: get("DIGEST_SLACK_CHANNEL"),
        discordChannel: get("DIGEST_DISCORD_CHANNEL"),
      },
      port,
      stateDir,
      shutdownTimeoutMs: Math.round(shutdownSeconds * 1000),
      logLevel,
      logFormat,
      imageLimits,
      redisUrl,
      redisLeaseMs: Math.round(redisLeaseS * 1000),
      githubWriteIntervalMs,
    },
  };
}
