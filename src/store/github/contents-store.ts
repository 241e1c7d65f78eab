/**
 * The GitHub store: the log file read and written through the REST contents
 * API. Octokit's RequestError never leaves it: it becomes one of the store
 * errors with `{ cause }` (errors.ts).
 */
import type { Octokit } from "@octokit/rest";
import type { CommitRequest, CommittedFile, LogSnapshot, LogStore, ReadOptions, WriteResult } from "../log-store.js";
import { AmbiguousWriteError, ConflictError, NotFoundError, PermissionError, StoreError } from "../log-store.js";
import { gitBlobSha } from "./blob-sha.js";
import { credentialOf } from "./client.js";
import { describeFailure, isAmbiguous, isEmptyRepository, isProtectedBranchRefusal, isRateLimited, mapError as mapGitHubError, messageOf, refusal, statusOf } from "./errors.js";
import { commitWithFiles } from "./git-data.js";
import type { FileCommit } from "./git-data.js";
import { blobUrl, webUrlFor } from "./links.js";
import type { PullRequestContext } from "./pull-request.js";
import { writeViaPullRequest as writeViaPullRequest_ } from "./pull-request.js";

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

type PutResponse = FileCommit;

/**
 * A LogStore over the GitHub contents API. Reads and writes are cached, so a
 * burst of N entries costs one GET and N PUTs; a write against a stale sha
 * fails with ConflictError and the service re-reads. A write that carries
 * files (a finding's pictures) is one commit through the Git Data API
 * (git-data.ts), under the same rule.
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
  const credential = credentialOf(octokit);
  const mapError = (error: unknown, doing: string) => mapGitHubError(error, doing, credential);

  const repoNotFound = (cause: unknown) =>
    new NotFoundError(`GITHUB_REPO ${full} not found, or ${credential.label} cannot see it`, { cause });
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
      // A repository without any commit has no branch yet: its first commit creates the file (and the branch).
      if (isEmptyRepository(error)) return;
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

  const uploaded = new Set<string>();
  const putFile = async (branch: string, text: string, sha: string | undefined, message: string): Promise<PutResponse> => {
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

  /** The log alone: a contents PUT. With files: one commit through the Git Data API. */
  const put = async (branch: string, text: string, sha: string | undefined, message: string, files: readonly CommittedFile[] = []): Promise<PutResponse> => {
    if (files.length === 0) return putFile(branch, text, sha, message);
    try {
      return await commitWithFiles({ octokit, owner, repo, path, signal, uploaded }, branch, text, sha, message, files);
    } catch (error) {
      if (!isEmptyRepository(error)) throw error;
      // A repository without a commit takes no blobs: its first commit is the log, and the pictures follow in a second.
      const first = await putFile(branch, text, sha, message);
      return commitWithFiles({ octokit, owner, repo, path, signal, uploaded }, branch, text, first.content?.sha ?? gitBlobSha(Buffer.from(text, "utf8")), message, files);
    }
  };

  const writeError = (error: unknown, branch: string): StoreError => {
    if (error instanceof StoreError) return error;
    const status = statusOf(error);
    const message = messageOf(error);
    // Before the conflict check: a ruleset answers 409 too, and a retry would only be refused again.
    if (isProtectedBranchRefusal(error)) {
      return refusal(
        error,
        where(branch),
        branch.startsWith("research-log/")
          ? `when the branch takes no direct commits, research-log commits to a new branch research-log/… and opens a pull request: let ${credential.label} create and push research-log/* branches (a ruleset bypass, or a ruleset that leaves them out), or set GITHUB_BRANCH to a branch that takes commits`
          : `let ${credential.label} commit to it, or set GITHUB_COMMIT_MODE=pull-request`,
      );
    }
    // A moved branch refuses a ref update that is not a fast forward: the same conflict as a stale sha.
    if (status === 409 || (status === 422 && /sha.*(wasn't supplied|does not match)|does not match|not a fast forward/i.test(message))) {
      return new ConflictError(`${where(branch)} changed since it was read`, { cause: error });
    }
    if (isAmbiguous(error)) {
      return new AmbiguousWriteError(
        `GitHub failed while writing ${where(branch)} (${describeFailure(error)}); the commit may or may not have landed`,
        { cause: error },
      );
    }
    if ((status === 403 || status === 404) && /not accessible by integration/i.test(message)) {
      return new PermissionError(`${credential.label} lacks contents: write on ${full}`, { cause: error });
    }
    if (status === 403 && !isRateLimited(error)) {
      return new PermissionError(`${credential.label} lacks contents: write on ${full} (${message})`, { cause: error });
    }
    return mapError(error, `writing ${where(branch)}`);
  };

  const pullRequests: PullRequestContext = {
    octokit,
    mapError,
    owner,
    repo,
    signal,
    put,
    writeError: (error, branch) => writeError(error, branch),
  };
  const writeViaPullRequest = async (base: string, text: string, baseVersion: string | undefined, message: string, files: readonly CommittedFile[]): Promise<WriteResult> => {
    try {
      return await writeViaPullRequest_(pullRequests, base, text, baseVersion, message, files);
    } finally {
      // The base branch keeps the old text until the pull request is merged.
      cache = undefined;
    }
  };

  return {
    get description() {
      return `${full}:${path}@${knownBranch ?? "(default branch)"}`;
    },
    logPath: path,

    async read(options: ReadOptions = {}): Promise<LogSnapshot> {
      if (options.allowCached && cache) return { text: cache.text, version: cache.sha };
      const branch = await branchName();
      cache = await fetchFile(branch);
      return { text: cache.text, version: cache.sha };
    },

    async write(text: string, baseVersion: string | undefined, commit: CommitRequest): Promise<WriteResult> {
      const branch = await branchName();
      const message = withCoAuthor(commit);
      const files = commit.files ?? [];
      if (commitMode === "pull-request" || branchIsProtected) {
        return writeViaPullRequest(branch, text, baseVersion, message, files);
      }
      let written: PutResponse;
      try {
        written = await put(branch, text, baseVersion, message, files);
      } catch (error) {
        if (isProtectedBranchRefusal(error)) {
          branchIsProtected = true;
          return writeViaPullRequest(branch, text, baseVersion, message, files);
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
      return `${blobUrl(webUrl, { owner, repo }, knownBranch ?? "HEAD", path)}#${id}`;
    },
  };
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
