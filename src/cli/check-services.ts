/**
 * `research-log serve --check`: the configuration has been validated; now
 * reach each configured service once and say what was found, one line each.
 * GitHub: can the log be read, and may this credential write (contents:
 * write)? Slack: `auth.test` (and `apps.connections.open` for Socket Mode's
 * app token). Discord: the application. Redis: its version and whether it
 * keeps what it is told (appendonly). Messages name the credential in use.
 */
import type { Config } from "../config.js";
import type { Router } from "../routes/targets.js";
import { messageOf } from "../error-details.js";
import { redactUrl } from "../outbox/redis-url.js";

export interface ServiceCheck {
  service: string;
  ok: boolean;
  detail: string;
}

const DISCORD_API = "https://discord.com/api";
const SLACK_API = "https://slack.com/api/";

/** Runs every check (they do not depend on each other) and returns one result per service, in a stable order. */
export async function checkServices(config: Config, router: Router): Promise<ServiceCheck[]> {
  const checks: Promise<ServiceCheck>[] = router.targets.map((target) => checkLog(target.name, target.where, () => target.service.list()));
  if (config.github !== undefined) checks.push(checkGitHubWrite(config));
  if (config.slack !== undefined) checks.push(checkSlack(config.slack.botToken, config.slack.apiUrl));
  if (config.slack?.appToken !== undefined) checks.push(checkSlackAppToken(config.slack.appToken, config.slack.apiUrl));
  if (config.discord !== undefined) checks.push(checkDiscord(config.discord.token, config.discord.applicationId, config.discord.apiUrl));
  if (config.redisUrl !== undefined) checks.push(checkRedis(config.redisUrl));
  return Promise.all(checks);
}

/** `serve --check`'s line for one result. */
export const formatCheck = (check: ServiceCheck): string => `${check.service}: ${check.ok ? "ok" : "FAILED"}: ${check.detail}`;

async function checkLog(name: string, where: string, list: () => Promise<readonly unknown[]>): Promise<ServiceCheck> {
  const service = `log ${name} (${where})`;
  try {
    const entries = await list();
    return { service, ok: true, detail: `read ${entries.length} ${entries.length === 1 ? "entry" : "entries"}` };
  } catch (error) {
    return { service, ok: false, detail: messageOf(error) };
  }
}

/** Whether the credential may write the repository's contents: the token's repository permissions, or the App installation's. */
async function checkGitHubWrite(config: Config): Promise<ServiceCheck> {
  const github = config.github;
  if (github === undefined) throw new Error("checkGitHubWrite needs GITHUB_REPO");
  const { owner, repo, auth } = github;
  const service = `GitHub ${owner}/${repo}`;
  if (auth.kind === "none") return { service, ok: false, detail: "no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY" };
  const credential = auth.kind === "token" ? "GITHUB_TOKEN" : `the GitHub App ${auth.appId}`;
  const { createGitHubClient, credentialOf, mapError } = await import("../store/github.js");
  let octokit: Awaited<ReturnType<typeof createGitHubClient>> | undefined;
  try {
    octokit = createGitHubClient({
      baseUrl: github.apiUrl,
      repo: { owner, repo },
      ...(auth.kind === "token" ? { token: auth.token } : { appId: auth.appId, privateKey: auth.privateKey, installationId: auth.installationId }),
      retry: { retries: 0 },
    });
    if (auth.kind === "app") {
      const installation = (await octokit.auth({ type: "installation" })) as { permissions?: Record<string, string> };
      const contents = installation.permissions?.contents;
      return contents === "write"
        ? { service, ok: true, detail: `${credential} has contents: write` }
        : { service, ok: false, detail: `${credential} has contents: ${contents ?? "none"}; it needs contents: write (the App's permissions, then accept them on the installation)` };
    }
    const { data } = await octokit.request("GET /repos/{owner}/{repo}", { owner, repo });
    const push = data.permissions?.push;
    if (push === false) {
      return { service, ok: false, detail: `${credential} cannot write to ${owner}/${repo}: it needs contents: write (fine-grained) or push access (classic)` };
    }
    return { service, ok: true, detail: `${credential} ${push === true ? "has push access (contents: write)" : "reaches the repository (GitHub does not say whether it may write)"}` };
  } catch (error) {
    const mapped = octokit === undefined ? error : mapError(error, `reading ${owner}/${repo}`, credentialOf(octokit));
    return { service, ok: false, detail: messageOf(mapped) };
  }
}

interface SlackAnswer {
  ok: boolean;
  error?: string;
  team?: string;
  team_id?: string;
  user?: string;
}

async function callSlack(method: string, token: string, apiUrl: string | undefined): Promise<SlackAnswer> {
  const response = await fetch(`${apiUrl ?? SLACK_API}${method}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
    body: "",
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`${method} answered HTTP ${response.status}`);
  return (await response.json()) as SlackAnswer;
}

async function checkSlack(botToken: string, apiUrl: string | undefined): Promise<ServiceCheck> {
  const service = "Slack";
  try {
    const answer = await callSlack("auth.test", botToken, apiUrl);
    if (!answer.ok) return { service, ok: false, detail: `auth.test refused SLACK_BOT_TOKEN: ${answer.error ?? "no reason given"}` };
    return { service, ok: true, detail: `SLACK_BOT_TOKEN is the bot ${answer.user ?? "?"} in ${answer.team ?? "?"} (${answer.team_id ?? "?"})` };
  } catch (error) {
    return { service, ok: false, detail: `could not reach Slack with SLACK_BOT_TOKEN: ${messageOf(error)}` };
  }
}

async function checkSlackAppToken(appToken: string, apiUrl: string | undefined): Promise<ServiceCheck> {
  const service = "Slack Socket Mode";
  try {
    const answer = await callSlack("apps.connections.open", appToken, apiUrl);
    if (!answer.ok) return { service, ok: false, detail: `apps.connections.open refused SLACK_APP_TOKEN: ${answer.error ?? "no reason given"} (it needs connections:write)` };
    return { service, ok: true, detail: "SLACK_APP_TOKEN may open a socket" };
  } catch (error) {
    return { service, ok: false, detail: `could not reach Slack with SLACK_APP_TOKEN: ${messageOf(error)}` };
  }
}

async function checkDiscord(token: string, applicationId: string, apiUrl: string | undefined): Promise<ServiceCheck> {
  const service = "Discord";
  try {
    const response = await fetch(`${(apiUrl ?? DISCORD_API).replace(/\/+$/, "")}/v10/applications/@me`, {
      headers: { authorization: `Bot ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 401) return { service, ok: false, detail: "Discord refused DISCORD_TOKEN (401 Unauthorized): reset the bot's token and set it again" };
    if (!response.ok) return { service, ok: false, detail: `GET /applications/@me with DISCORD_TOKEN answered HTTP ${response.status}` };
    const application = (await response.json()) as { id?: string; name?: string };
    if (application.id !== applicationId) {
      return { service, ok: false, detail: `DISCORD_TOKEN belongs to application ${application.id ?? "?"}, not DISCORD_APPLICATION_ID ${applicationId}` };
    }
    return { service, ok: true, detail: `DISCORD_TOKEN is the application ${application.name ?? "?"} (${applicationId})` };
  } catch (error) {
    return { service, ok: false, detail: `could not reach Discord with DISCORD_TOKEN: ${messageOf(error)}` };
  }
}

/** Whether Redis answers, which version it is, and whether it keeps acknowledged work across a restart (appendonly). */
async function checkRedis(url: string): Promise<ServiceCheck> {
  const service = `Redis ${redactUrl(url)}`;
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5_000 });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const info = await redis.info("server");
    const persistence = await redis.info("persistence");
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? "?";
    const appendOnly = /aof_enabled:1/.test(persistence);
    if (Number(version.split(".")[0]) < 7) return { service, ok: false, detail: `Redis ${version}: research-log needs Redis 7` };
    return {
      service,
      ok: true,
      detail: `Redis ${version}; ${appendOnly ? "appendonly yes" : "appendonly is off: a Redis restart can lose acknowledged work (run it with --appendonly yes)"}`,
    };
  } catch (error) {
    return { service, ok: false, detail: `could not reach Redis at ${redactUrl(url)}: ${messageOf(error)}` };
  } finally {
    redis.disconnect();
  }
}
