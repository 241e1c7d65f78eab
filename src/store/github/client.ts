/**
 * The GitHub client: Octokit with retries for reads, GitHub's recommended
 * throttling, and token or GitHub App authentication. The only place that
 * builds an Octokit.
 */
import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import type { ThrottlingOptions } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { NotFoundError, PermissionError, StoreError } from "../log-store.js";
import type { Credential } from "./errors.js";
import { appCredential, isRequestError, mapError, statusOf, TOKEN_CREDENTIAL } from "./errors.js";

/** Where log lines go. Messages reaching it never contain a secret. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface GitHubClientOptions {
  /** A personal access token or installation token (`GITHUB_TOKEN`). */
  token?: string | undefined;
  /** GitHub App credentials, used when no token is given. */
  appId?: string | undefined;
  privateKey?: string | undefined;
  /** Looked up with `GET /repos/{owner}/{repo}/installation` when absent. */
  installationId?: number | undefined;
  /** API base, `https://api.github.com` by default; `https://HOST/api/v3` on GitHub Enterprise Server. */
  baseUrl?: string | undefined;
  /** The repository the client works on (used to find the app installation). */
  repo: RepoRef;
  log?: Logger | undefined;
  throttle?: {
    /** Longest rate-limit wait, in seconds, that is waited out; a longer one fails. Default 120. */
    onRateLimitWaitMax?: number | undefined;
    /** How many rate-limit waits one request may take. Default 3. */
    maxRateLimitRetries?: number | undefined;
    /**
     * Minimum spacing between writes in ms. GitHub asks integrations to leave
     * one second between mutating requests (the default; 3 s for requests
     * that notify, such as opening a pull request); tests and benches pass 0.
     * Each gap is stretched by up to half of it at random, so that processes
     * writing to one repository do not stay in step.
     */
    writeIntervalMs?: number | undefined;
    /** Milliseconds per second of `retry-after`: 1000 for real; tests scale waits down. */
    retryAfterUnitMs?: number | undefined;
  };
  retry?: {
    /** Retries of reads after a 5xx or network failure. Default 3. Writes are never retried blindly. */
    retries?: number | undefined;
    /** Backoff unit in ms (waits are 1, 4, 9 units). Default 1000. */
    backoffUnitMs?: number | undefined;
  };
}

/** Statuses plugin-retry must leave alone: client errors are answers, 403/429 belong to the throttling plugin, 409 is ours. */
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451];

const APP_ROUTE = /^\/(app(\/|$)|repos\/[^/]+\/[^/]+\/installation$)/;

const GitHubOctokit = Octokit.plugin(retry, throttling);

type RequestFn = Octokit["request"];
type AppAuth = ReturnType<typeof createAppAuth>;

/**
 * An Octokit with retries for reads, GitHub's recommended throttling (rate
 * limits are waited out up to `maxRateLimitRetries` times), and token or
 * GitHub App authentication.
 *
 * @throws PermissionError when neither a token nor app credentials are given.
 */
export function createGitHubClient(options: GitHubClientOptions): Octokit {
  const secrets = [options.token, options.privateKey].filter(
    (s): s is string => typeof s === "string" && s.length > 0,
  );
  const log = redactingLogger(options.log, secrets);
  const waitMax = options.throttle?.onRateLimitWaitMax ?? 120;
  const maxRateLimitRetries = options.throttle?.maxRateLimitRetries ?? 3;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const wait = retryCount < maxRateLimitRetries && retryAfter <= waitMax;
      log.warn(
        `GitHub ${kind} on ${request.method} ${request.url}: ` +
          (wait ? `waiting ${retryAfter}s (retry ${retryCount + 1} of ${maxRateLimitRetries})` : "giving up"),
      );
      return wait;
    };

  const throttle = {
    onRateLimit: onLimit("rate limit"),
    onSecondaryRateLimit: onLimit("secondary rate limit"),
    ...(options.throttle?.retryAfterUnitMs !== undefined && { retryAfterBaseValue: options.throttle.retryAfterUnitMs }),
    // Pull requests also pass the plugin's notifications group (3 s apart by default).
    write: createWriteSpacer(options.throttle?.writeIntervalMs ?? 1000),
    notifications: createWriteSpacer(options.throttle?.writeIntervalMs ?? 3000),
  };

  const common = {
    ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl.replace(/\/+$/, "") }),
    userAgent: "research-log",
    log,
    throttle,
    retry: {
      doNotRetry: DO_NOT_RETRY,
      retries: options.retry?.retries ?? 3,
      retryAfterBaseValue: options.retry?.backoffUnitMs ?? 1000,
    },
  };

  if (options.token) return withCredential(new GitHubOctokit({ ...common, auth: options.token }), TOKEN_CREDENTIAL);
  if (options.appId && options.privateKey) {
    const octokit = new GitHubOctokit({
      ...common,
      authStrategy: createInstallationAuth,
      auth: {
        appId: options.appId,
        privateKey: options.privateKey,
        installationId: options.installationId,
        repo: options.repo,
      } satisfies InstallationAuthOptions,
    });
    return withCredential(octokit, appCredential(options.appId));
  }
  throw new PermissionError(
    "no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY",
  );
}

const credentials = new WeakMap<Octokit, Credential>();

const withCredential = (octokit: Octokit, credential: Credential): Octokit => {
  credentials.set(octokit, credential);
  return octokit;
};

/** The credential a client made here authenticates with, for messages (GITHUB_TOKEN for any other client). */
export function credentialOf(octokit: Octokit): Credential {
  return credentials.get(octokit) ?? TOKEN_CREDENTIAL;
}

interface InstallationAuthOptions {
  appId: string;
  privateKey: string;
  installationId: number | undefined;
  repo: RepoRef;
}

/**
 * An auth strategy for a GitHub App that finds its installation on the
 * repository the first time it is needed, so the client can be created
 * synchronously without knowing the installation id.
 */
function createInstallationAuth(options: InstallationAuthOptions & { request: RequestFn }) {
  const appAuth = createAppAuth({ appId: options.appId, privateKey: options.privateKey, request: options.request });
  let installation: Promise<AppAuth> | undefined;

  const installationAuth = (request: RequestFn): Promise<AppAuth> => {
    installation ??= (async () => {
      let id = options.installationId;
      if (id === undefined) {
        const { owner, repo } = options.repo;
        try {
          const response = await appAuth.hook(request, "GET /repos/{owner}/{repo}/installation", { owner, repo });
          id = (response.data as { id: number }).id;
        } catch (error) {
          throw appAuthError(error, options);
        }
      }
      return createAppAuth({
        appId: options.appId,
        privateKey: options.privateKey,
        installationId: id,
        request: options.request,
      });
    })();
    installation.catch(() => {
      installation = undefined;
    });
    return installation;
  };

  const hook = async (request: RequestFn, route: string, parameters?: Record<string, unknown>) => {
    const endpoint = request.endpoint.merge(route as "GET /", parameters);
    const pathname = new URL(endpoint.url, "http://github.invalid").pathname.replace(/^\/api\/v3/, "");
    if (APP_ROUTE.test(pathname)) return appAuth.hook(request, route as "GET /", parameters);
    const auth = await installationAuth(request);
    try {
      return await auth.hook(request, route as "GET /", parameters);
    } catch (error) {
      if (isRequestError(error)) throw error;
      throw appAuthError(error, options);
    }
  };

  const auth = async (parameters: { type: "installation" } = { type: "installation" }) =>
    (await installationAuth(options.request))(parameters);
  return Object.assign(auth, { hook });
}

function appAuthError(error: unknown, options: InstallationAuthOptions): StoreError {
  if (error instanceof StoreError) return error;
  const { owner, repo } = options.repo;
  const status = statusOf(error);
  if (status === 404) {
    return new NotFoundError(
      `the GitHub App ${options.appId} is not installed on ${owner}/${repo}: install it, or set GITHUB_APP_INSTALLATION_ID`,
      { cause: error },
    );
  }
  if (status === 401 || status === undefined) {
    return new PermissionError(
      `GitHub rejected the app credentials (GITHUB_APP_ID ${options.appId}, GITHUB_APP_PRIVATE_KEY): check both`,
      { cause: error },
    );
  }
  return mapError(error, `finding the app installation on ${owner}/${repo}`, appCredential(options.appId));
}

/**
 * A stand-in for the throttling plugin's write group: spaces the start of
 * mutating requests at least `intervalMs` apart (0: no spacing), each gap
 * stretched at random (see `writeGap`). It implements the part of
 * Bottleneck.Group the plugin uses, so the store needs no direct dependency
 * on bottleneck.
 */
type ThrottleGroup = NonNullable<ThrottlingOptions["write"]>;

/**
 * The gap after a write: `intervalMs` plus up to half of it at random.
 * Never less than GitHub asks for; with the plugin's fixed 1 s, K processes
 * started together wrote in lockstep waves and one of them won each wave.
 */
export function writeGap(intervalMs: number, random: () => number = Math.random): number {
  return intervalMs * (1 + 0.5 * random());
}

function createWriteSpacer(intervalMs: number): ThrottleGroup {
  let next = 0;
  const limiter = {
    schedule: async <A extends unknown[], R>(_options: unknown, fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> => {
      const now = Date.now();
      const start = Math.max(now, next);
      next = start + writeGap(intervalMs);
      if (start > now) await sleep(start - now);
      return await fn(...args);
    },
  };
  return { key: () => limiter } as unknown as ThrottleGroup;
}

function redactingLogger(log: Logger | undefined, secrets: readonly string[]) {
  const redact = (message: unknown): string => {
    let text = typeof message === "string" ? message : String(message);
    for (const secret of secrets) text = text.split(secret).join("[REDACTED]");
    return text;
  };
  // Octokit passes request details as a second argument; only the message is kept.
  // Its request log says `info` for every request and `error` for every failed
  // one (a 404 for a log not created yet, a 409 the service absorbs): the store
  // turns failures into errors of its own, so both are debug detail here.
  return {
    debug: (message: unknown) => log?.debug(redact(message)),
    info: (message: unknown) => log?.debug(redact(message)),
    warn: (message: unknown) => log?.warn(redact(message)),
    error: (message: unknown) => log?.debug(redact(message)),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
