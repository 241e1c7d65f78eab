/**
 * The pull-request fallback: when the branch does not take direct commits
 * (or GITHUB_COMMIT_MODE=pull-request), the change goes on a new branch
 * `research-log/<time>-<random>` from the base's head, and a pull request
 * into the base is opened.
 */
import { randomBytes } from "node:crypto";
import type { Octokit } from "@octokit/rest";
import type { CommittedFile, WriteResult } from "../log-store.js";
import { AmbiguousWriteError, NotFoundError, StoreError, UnavailableError } from "../log-store.js";
import { gitBlobSha } from "./blob-sha.js";
import { describeFailure, isEmptyRepository, statusOf } from "./errors.js";

export interface PullRequestContext {
  octokit: Octokit;
  /** Maps a failure that is not a write's (reading the base branch). */
  mapError(error: unknown, doing: string): StoreError;
  owner: string;
  repo: string;
  signal: () => AbortSignal;
  /** The store's commit of the log (and `files` with it), on any branch. */
  put(branch: string, text: string, sha: string | undefined, message: string, files: readonly CommittedFile[]): Promise<{ content: { sha: string } | null; commit: { sha?: string } }>;
  /** The store's mapping of a failed write (conflict, ambiguous, refused by a rule). */
  writeError(error: unknown, branch: string): StoreError;
}

/**
 * Commits `text` on a new branch and opens a pull request into `base`.
 * A branch that could not take the commit is deleted again.
 *
 * @throws RefusedError when a rule refuses the new branch or its commit (no retry helps);
 *   ConflictError when `baseVersion` is stale; UnavailableError when the pull request could not be opened.
 */
export async function writeViaPullRequest(
  context: PullRequestContext,
  base: string,
  text: string,
  baseVersion: string | undefined,
  message: string,
  files: readonly CommittedFile[] = [],
): Promise<WriteResult> {
  const { octokit, owner, repo, signal } = context;
  const full = `${owner}/${repo}`;
  let head: string;
  try {
    const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}`, request: { signal: signal() } });
    head = data.object.sha;
  } catch (error) {
    if (isEmptyRepository(error)) {
      throw new StoreError(
        `${full} has no commits yet: a pull request needs a branch to merge into; make the first commit (by hand, or with GITHUB_COMMIT_MODE=direct)`,
        { cause: error },
      );
    }
    throw statusOf(error) === 404
      ? new NotFoundError(`branch "${base}" not found in ${full}: create it, or fix GITHUB_BRANCH`, { cause: error })
      : context.mapError(error, `reading ${full}@${base}`);
  }
  const branch = newBranchName();
  try {
    await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: head, request: { retries: 0, signal: signal() } });
  } catch (error) {
    throw context.writeError(error, branch);
  }
  let written: Awaited<ReturnType<PullRequestContext["put"]>>;
  try {
    // The new branch starts at the base head: the file there is what baseVersion must still match.
    written = await context.put(branch, text, baseVersion, message, files);
  } catch (error) {
    const mapped = context.writeError(error, branch);
    if (!(mapped instanceof AmbiguousWriteError)) await deleteBranch(context, branch);
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
  return {
    version: written.content?.sha ?? gitBlobSha(Buffer.from(text, "utf8")),
    commit: written.commit.sha,
    url: pullRequestUrl,
    pullRequestUrl,
  };
}

async function deleteBranch(context: PullRequestContext, branch: string): Promise<void> {
  const { octokit, owner, repo, signal } = context;
  try {
    await octokit.rest.git.deleteRef({ owner, repo, ref: `heads/${branch}`, request: { retries: 0, signal: signal() } });
  } catch {
    // Best effort: a stray branch costs nothing but tidiness.
  }
}

/** `research-log/20261205-160512-a1b2c3`: sortable, and unique across processes. */
export function newBranchName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `research-log/${stamp}-${randomBytes(3).toString("hex")}`;
}
