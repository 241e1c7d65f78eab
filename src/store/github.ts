/**
 * The GitHub store: the log file read and written through the REST contents
 * API. This is the only module that imports Octokit; Octokit's RequestError
 * never leaves it, it becomes one of the store errors with `{ cause }`.
 */
import { createHash, randomBytes } from "node:crypto";
import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import type { ThrottlingOptions } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import type {
  CommitRequest,
  LogSnapshot,
  LogStore,
  ReadOptions,
  WriteResult,
} from "./log-store.js";
import {
  AmbiguousWriteError,
  ConflictError,
  NotFoundError,
  PermissionError,
  StoreError,
  UnavailableError,
} from "./log-store.js";

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
     * one second between mutating requests (the plugin's default; 3 s for
     * requests that notify, such as opening a pull request); tests and
     * benches pass 0.
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
    ...(options.throttle?.writeIntervalMs !== undefined && {
      write: createWriteSpacer(options.throttle.writeIntervalMs),
      notifications: createWriteSpacer(options.throttle.writeIntervalMs),
    }),
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

  if (options.token) return new GitHubOctokit({ ...common, auth: options.token });
  if (options.appId && options.privateKey) {
    return new GitHubOctokit({
      ...common,
      authStrategy: createInstallationAuth,
      auth: {
        appId: options.appId,
        privateKey: options.privateKey,
        installationId: options.installationId,
        repo: options.repo,
      } satisfies InstallationAuthOptions,
    });
  }
  throw new PermissionError(
    "no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY",
  );
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
  return mapError(error, `finding the app installation on ${owner}/${repo}`);
}

/**
 * A stand-in for the throttling plugin's write group: spaces the start of
 * mutating requests `intervalMs` apart (0: no spacing). It implements the
 * part of Bottleneck.Group the plugin uses, so the store needs no direct
 * dependency on bottleneck.
 */
type ThrottleGroup = NonNullable<ThrottlingOptions["write"]>;

function createWriteSpacer(intervalMs: number): ThrottleGroup {
  let next = 0;
  const limiter = {
    schedule: async <A extends unknown[], R>(_options: unknown, fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> => {
      const now = Date.now();
      const start = Math.max(now, next);
      next = start + intervalMs;
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

export interface GitHubTarget {
  owner: string;
  repo: string;
  /** Path of the log inside the repository (`LOG_PATH`). */
  path: string;
  /** Branch to commit to; the repository's default branch when absent. */
  branch?: string | undefined;
  /** `direct` (default) commits to the branch, and opens a pull request only when the branch is protected. */
  commitMode?: "direct" | "pull-request" | undefined;
  /** Web base for links: https://github.com, or derived from the API base for GitHub Enterprise Server. */
  webUrl?: string | undefined;
  /** Per-request time limit in ms (default 60 000). A write that times out is ambiguous. */
  requestTimeoutMs?: number | undefined;
}

interface CachedFile {
  text: string | undefined;
  sha: string | undefined;
}

interface PutResponse {
  content: { sha: string } | null;
  commit: { sha?: string; html_url?: string };
}

/**
 * A LogStore over the GitHub contents API. Reads and writes are cached, so a
 * burst of N entries costs one GET and N PUTs; a write against a stale sha
 * fails with ConflictError and the service re-reads.
 *
 * @throws StoreError when `target.path` is absolute or leaves the repository.
 */
export function createGitHubStore(octokit: Octokit, target: GitHubTarget): LogStore {
  const path = checkLogPath(target.path);
  const { owner, repo } = target;
  const full = `${owner}/${repo}`;
  const webUrl = (target.webUrl ?? webUrlFor(octokit.request.endpoint.DEFAULTS.baseUrl)).replace(/\/+$/, "");
  const timeoutMs = target.requestTimeoutMs ?? 60_000;
  const commitMode = target.commitMode ?? "direct";

  let cache: CachedFile | undefined;
  let defaultBranch: Promise<string> | undefined;
  let knownBranch = target.branch;
  let branchIsProtected = false;
  let lockTail: Promise<unknown> = Promise.resolve();

  const signal = () => AbortSignal.timeout(timeoutMs);

  const repoNotFound = (cause: unknown) =>
    new NotFoundError(`GITHUB_REPO ${full} not found, or the token cannot see it`, { cause });
  const branchNotFound = (branch: string, cause: unknown) =>
    new NotFoundError(`branch "${branch}" not found in ${full}: create it, or fix GITHUB_BRANCH`, { cause });

  const branchName = (): Promise<string> => {
    if (target.branch !== undefined) return Promise.resolve(target.branch);
    defaultBranch ??= (async () => {
      try {
        const { data } = await octokit.rest.repos.get({ owner, repo, request: { signal: signal() } });
        knownBranch = data.default_branch;
        return data.default_branch;
      } catch (error) {
        throw statusOf(error) === 404 ? repoNotFound(error) : mapError(error, `reading ${full}`);
      }
    })();
    defaultBranch.catch(() => {
      defaultBranch = undefined;
    });
    return defaultBranch;
  };

  /** After a 404: say whether the repository or the branch is missing; returns when both exist. */
  const explainNotFound = async (branch: string, cause: unknown): Promise<void> => {
    try {
      await octokit.rest.repos.get({ owner, repo, request: { signal: signal() } });
    } catch (error) {
      throw statusOf(error) === 404 ? repoNotFound(cause) : mapError(error, `reading ${full}`);
    }
    try {
      await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}`, request: { signal: signal() } });
    } catch (error) {
      throw statusOf(error) === 404 ? branchNotFound(branch, cause) : mapError(error, `reading ${full}`);
    }
  };

  const where = (branch: string) => `${path} in ${full}@${branch}`;

  const decode = (bytes: Uint8Array, branch: string): string => {
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (error) {
      throw new StoreError(`${where(branch)} is not valid UTF-8 text: fix the file or point LOG_PATH elsewhere`, {
        cause: error,
      });
    }
  };

  const fetchFile = async (branch: string): Promise<CachedFile> => {
    let data: unknown;
    try {
      ({ data } = await octokit.rest.repos.getContent({ owner, repo, path, ref: branch, request: { signal: signal() } }));
    } catch (error) {
      if (statusOf(error) !== 404) throw mapError(error, `reading ${where(branch)}`);
      await explainNotFound(branch, error);
      return { text: undefined, sha: undefined };
    }
    if (Array.isArray(data) || (data as { type?: string }).type !== "file") {
      const kind = Array.isArray(data) ? "dir" : (data as { type?: string }).type;
      throw new StoreError(`${where(branch)} is a ${kind}, not a file: set LOG_PATH to the log file`);
    }
    const file = data as { sha: string; size: number; content?: string; encoding?: string };
    if (file.encoding === "base64" && (file.content !== "" || file.size === 0)) {
      return { text: decode(Buffer.from(file.content ?? "", "base64"), branch), sha: file.sha };
    }
    // Above 1 MB the JSON answer carries no content; the raw media type serves up to 100 MB.
    const bytes = await fetchRaw(branch);
    // The sha is computed from the bytes read, so it matches them even if the file moved between the two GETs.
    return { text: decode(bytes, branch), sha: gitBlobSha(bytes) };
  };

  const fetchRaw = async (branch: string): Promise<Uint8Array> => {
    try {
      const response = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
        owner,
        repo,
        path,
        ref: branch,
        mediaType: { format: "raw" },
        request: { signal: signal(), parseSuccessResponseBody: false },
      });
      const body = response.data as unknown as ReadableStream<Uint8Array> | null;
      return new Uint8Array(await new Response(body).arrayBuffer());
    } catch (error) {
      throw mapError(error, `reading ${where(branch)} (raw)`);
    }
  };

  const put = async (branch: string, text: string, sha: string | undefined, message: string): Promise<PutResponse> => {
    const { data } = await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path,
      branch,
      message,
      content: Buffer.from(text, "utf8").toString("base64"),
      ...(sha !== undefined && { sha }),
      // After sending, a 5xx is ambiguous: the service re-reads instead of a blind retry.
      request: { retries: 0, signal: signal() },
    });
    return data as PutResponse;
  };

  const writeError = (error: unknown, branch: string): StoreError => {
    const status = statusOf(error);
    const message = messageOf(error);
    if (status === 409 || (status === 422 && /sha.*(wasn't supplied|does not match)|does not match/i.test(message))) {
      return new ConflictError(`${where(branch)} changed since it was read`, { cause: error });
    }
    if (isAmbiguous(error)) {
      return new AmbiguousWriteError(
        `GitHub failed while writing ${where(branch)} (${describeFailure(error)}); the commit may or may not have landed`,
        { cause: error },
      );
    }
    if ((status === 403 || status === 404) && /not accessible by integration/i.test(message)) {
      return new PermissionError(`the token lacks contents: write on ${full}`, { cause: error });
    }
    if (status === 403 && !isRateLimited(error)) {
      return new PermissionError(`the token lacks contents: write on ${full} (${message})`, { cause: error });
    }
    return mapError(error, `writing ${where(branch)}`);
  };

  const writeViaPullRequest = async (
    base: string,
    text: string,
    baseVersion: string | undefined,
    message: string,
  ): Promise<WriteResult> => {
    let head: string;
    try {
      const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}`, request: { signal: signal() } });
      head = data.object.sha;
    } catch (error) {
      throw statusOf(error) === 404 ? branchNotFound(base, error) : mapError(error, `reading ${full}@${base}`);
    }
    const branch = newBranchName();
    try {
      await octokit.rest.git.createRef({
        owner,
        repo,
        ref: `refs/heads/${branch}`,
        sha: head,
        request: { retries: 0, signal: signal() },
      });
    } catch (error) {
      throw writeError(error, branch);
    }
    let written: PutResponse;
    try {
      // The new branch starts at the base head: the file there is what baseVersion must still match.
      written = await put(branch, text, baseVersion, message);
    } catch (error) {
      const mapped = writeError(error, base);
      if (!(mapped instanceof AmbiguousWriteError)) await deleteBranch(branch);
      cache = undefined;
      throw mapped;
    }
    let pullRequestUrl: string;
    try {
      const { data } = await octokit.rest.pulls.create({
        owner,
        repo,
        base,
        head: branch,
        title: message.split("\n", 1)[0] ?? message,
        body: `${message}\n\nOpened by research-log: \`${base}\` does not take direct commits.`,
        request: { retries: 0, signal: signal() },
      });
      pullRequestUrl = data.html_url;
    } catch (error) {
      throw new UnavailableError(
        `committed the change to branch "${branch}" of ${full} but could not open the pull request into "${base}" ` +
          `(${describeFailure(error)}): open it by hand`,
        { cause: error },
      );
    }
    // The base branch still has the old text until the pull request is merged.
    cache = undefined;
    return {
      version: written.content?.sha ?? gitBlobSha(Buffer.from(text, "utf8")),
      commit: written.commit.sha,
      url: pullRequestUrl,
      pullRequestUrl,
    };
  };

  const deleteBranch = async (branch: string): Promise<void> => {
    try {
      await octokit.rest.git.deleteRef({ owner, repo, ref: `heads/${branch}`, request: { retries: 0, signal: signal() } });
    } catch {
      // Best effort: a stray branch costs nothing but tidiness.
    }
  };

  return {
    get description() {
      return `${full}:${path}@${knownBranch ?? "(default branch)"}`;
    },

    async read(options: ReadOptions = {}): Promise<LogSnapshot> {
      if (options.allowCached && cache) return { text: cache.text, version: cache.sha };
      const branch = await branchName();
      cache = await fetchFile(branch);
      return { text: cache.text, version: cache.sha };
    },

    async write(text: string, baseVersion: string | undefined, commit: CommitRequest): Promise<WriteResult> {
      const branch = await branchName();
      const message = withCoAuthor(commit);
      if (commitMode === "pull-request" || branchIsProtected) {
        return writeViaPullRequest(branch, text, baseVersion, message);
      }
      let written: PutResponse;
      try {
        written = await put(branch, text, baseVersion, message);
      } catch (error) {
        if (isProtectedBranchRefusal(error)) {
          branchIsProtected = true;
          return writeViaPullRequest(branch, text, baseVersion, message);
        }
        cache = undefined;
        throw writeError(error, branch);
      }
      const sha = written.content?.sha ?? gitBlobSha(Buffer.from(text, "utf8"));
      cache = { text, sha };
      return { version: sha, commit: written.commit.sha, url: written.commit.html_url };
    },

    withLock<T>(fn: () => Promise<T>): Promise<T> {
      const result = lockTail.then(fn);
      lockTail = result.catch(() => undefined);
      return result;
    },

    entryUrl(id: string): string {
      // `HEAD` resolves to the default branch on github.com when it is not known yet.
      const ref = knownBranch ?? "HEAD";
      const encodedPath = path.split("/").map(encodeURIComponent).join("/");
      return `${webUrl}/${owner}/${repo}/blob/${ref}/${encodedPath}#${id}`;
    },
  };
}

/** The sha git gives a blob with these bytes (`git hash-object`). */
export function gitBlobSha(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * The web base matching an API base: api.github.com → github.com,
 * GitHub Enterprise Cloud with data residency api.SUBDOMAIN.ghe.com →
 * SUBDOMAIN.ghe.com, GitHub Enterprise Server HOST/api/v3 → HOST.
 */
export function webUrlFor(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  if (url.hostname === "api.github.com") return "https://github.com";
  const dataResidency = /^api\.([a-z0-9-]+\.ghe\.com)$/i.exec(url.hostname);
  if (dataResidency !== null) return `${url.protocol}//${dataResidency[1]}`;
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, "").replace(/\/+$/, "")}`;
}

function checkLogPath(path: string): string {
  const trimmed = path.replace(/^\.\//, "");
  const segments = trimmed.split(/[\\/]/);
  if (
    trimmed === "" ||
    /^[\\/]/.test(path) ||
    /^[a-zA-Z]:/.test(path) ||
    segments.some((s) => s === ".." || s === "" || s === ".")
  ) {
    throw new StoreError(`LOG_PATH must be a relative path inside the repository, like docs/research_log.md (got "${path}")`);
  }
  return trimmed;
}

/**
 * The bot commits; the person is credited in a trailer: `Co-authored-by`
 * when their e-mail is known (GitHub links it to their account), otherwise
 * `Logged-by: Name`, so the history still says who it was.
 */
function withCoAuthor(commit: CommitRequest): string {
  const author = commit.author;
  const name = author?.name.replace(/[<>\r\n]/g, "").trim();
  if (!name) return commit.message;
  const email = author?.email?.replace(/[<>\r\n\s]/g, "");
  const trailer = email ? `Co-authored-by: ${name} <${email}>` : `Logged-by: ${name}`;
  return commit.message.includes(trailer) ? commit.message : `${commit.message.trimEnd()}\n\n${trailer}`;
}

function newBranchName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `research-log/${stamp}-${randomBytes(3).toString("hex")}`;
}

const PROTECTED = /protected branch|through a pull request|required status checks? (is|are) expected|approv(ed|ing) reviews? (is|are) required|rule violations/i;

function isProtectedBranchRefusal(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== 403 && status !== 409 && status !== 422) return false;
  return PROTECTED.test(messageOf(error)) || /protected-branches|rulesets/.test(documentationUrlOf(error));
}

interface ErrorLike {
  status?: unknown;
  message?: unknown;
  name?: unknown;
  request?: unknown;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

function isRequestError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as ErrorLike).request !== undefined && typeof (error as ErrorLike).status === "number";
}

function statusOf(error: unknown): number | undefined {
  const status = (error as ErrorLike | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's own message (from the body), not Octokit's decorated one. */
function messageOf(error: unknown): string {
  const data = (error as ErrorLike | null)?.response?.data;
  if (typeof data === "object" && data !== null && typeof (data as { message?: unknown }).message === "string") {
    return (data as { message: string }).message;
  }
  const message = (error as ErrorLike | null)?.message;
  return typeof message === "string" ? message : String(error);
}

function documentationUrlOf(error: unknown): string {
  const data = (error as ErrorLike | null)?.response?.data;
  const url = typeof data === "object" && data !== null ? (data as { documentation_url?: unknown }).documentation_url : undefined;
  return typeof url === "string" ? url : "";
}

function isRateLimited(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 429) return true;
  if (status !== 403) return false;
  const headers = (error as ErrorLike).response?.headers ?? {};
  return headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined || /rate limit/i.test(messageOf(error));
}

/** A failure after the request may have been sent: a 5xx, a network error, a time-out. */
function isAmbiguous(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500;
  const name = (error as ErrorLike | null)?.name;
  return name === "AbortError" || name === "TimeoutError" || error instanceof TypeError;
}

function describeFailure(error: unknown): string {
  const name = (error as ErrorLike | null)?.name;
  if (name === "AbortError" || name === "TimeoutError") return "timed out";
  const status = statusOf(error);
  const hasResponse = (error as ErrorLike | null)?.response !== undefined;
  return status !== undefined && hasResponse ? `${status} ${messageOf(error)}` : messageOf(error);
}

/**
 * Translate any failure into a StoreError subclass, keeping it as `cause`.
 * Messages name what to fix and never contain credentials (GitHub does not
 * echo them, and Octokit redacts the authorization header in `cause`).
 */
function mapError(error: unknown, doing: string): StoreError {
  if (error instanceof StoreError) return error;
  const status = statusOf(error);
  const message = messageOf(error);
  if (status === 401) {
    return new PermissionError(`GITHUB_TOKEN was rejected by GitHub (${message}) while ${doing}: check the token`, {
      cause: error,
    });
  }
  if (isRateLimited(error)) {
    return new UnavailableError(`GitHub rate limit while ${doing}: try again later`, { cause: error });
  }
  if (status === 403) {
    return new PermissionError(`GitHub refused ${doing} (403 ${message}): check the token's permissions`, { cause: error });
  }
  if (status === 404) return new NotFoundError(`not found while ${doing} (${message})`, { cause: error });
  if (isAmbiguous(error) || status === undefined) {
    return new UnavailableError(`GitHub is unavailable (${describeFailure(error)}) while ${doing}: try again later`, {
      cause: error,
    });
  }
  return new StoreError(`GitHub refused ${doing} (${status} ${message})`, { cause: error });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
