/**
 * Commits the log together with other files (a finding's pictures) in one
 * commit, through GitHub's Git Data API: blobs, a tree on the branch head's
 * tree, a commit, and the branch moved to it without force. The contents
 * API writes one file per commit, so it cannot do this.
 *
 * The same no-lost-update rule as a contents PUT: the log at the branch head
 * must still be the version the change was made on (else ConflictError), and
 * the branch only moves forward from that head (GitHub answers 422 "Update
 * is not a fast forward" when it moved meanwhile, which the store reads as a
 * conflict). Blobs, trees and commits are addressed by their content, so
 * creating them again after a failure is harmless.
 */
import type { Octokit } from "@octokit/rest";
import type { CommittedFile } from "../log-store.js";
import { ConflictError } from "../log-store.js";
import { gitBlobSha } from "./blob-sha.js";
import { statusOf } from "./errors.js";

export interface GitDataContext {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** The log's path in the repository. */
  path: string;
  signal: () => AbortSignal;
  /** Blob shas this process has created already: a retried write does not upload its pictures again. */
  uploaded: Set<string>;
}

/** What a contents PUT answers, as much of it as the store reads. */
export interface FileCommit {
  content: { sha: string } | null;
  commit: { sha?: string; html_url?: string };
}

/**
 * Commits `text` at the log's path and `files` beside it on `branch`, as one
 * commit whose parent is the branch head.
 *
 * @throws ConflictError when the log at the head is not `baseVersion`; Octokit's
 *   RequestError otherwise (the store maps it: 422 not a fast forward, rules, 5xx).
 */
export async function commitWithFiles(
  context: GitDataContext,
  branch: string,
  text: string,
  baseVersion: string | undefined,
  message: string,
  files: readonly CommittedFile[],
): Promise<FileCommit> {
  const { octokit, owner, repo, path, signal } = context;
  const { data: ref } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}`, request: { signal: signal() } });
  const head = ref.object.sha;
  const logAtHead = await blobAt(context, head);
  if (logAtHead !== baseVersion) {
    throw new ConflictError(`${path} in ${owner}/${repo}@${branch} changed since it was read`);
  }
  const { data: headCommit } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: head, request: { signal: signal() } });
  const entries: { path: string; mode: "100644"; type: "blob"; sha?: string; content?: string }[] = [
    // The log is text: the tree takes it inline, one request fewer.
    { path, mode: "100644", type: "blob", content: text },
  ];
  for (const file of files) entries.push({ path: file.path, mode: "100644", type: "blob", sha: await uploadBlob(context, file.bytes) });
  const { data: tree } = await octokit.rest.git.createTree({ owner, repo, base_tree: headCommit.tree.sha, tree: entries, request: { signal: signal() } });
  const { data: created } = await octokit.rest.git.createCommit({ owner, repo, message, tree: tree.sha, parents: [head], request: { signal: signal() } });
  // Never forced: a branch that moved since `head` was read refuses the update.
  await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: created.sha, force: false, request: { retries: 0, signal: signal() } });
  return { content: { sha: gitBlobSha(Buffer.from(text, "utf8")) }, commit: { sha: created.sha, html_url: created.html_url } };
}

/** The log's blob sha in commit `sha`, or undefined when it is not there. */
async function blobAt(context: GitDataContext, sha: string): Promise<string | undefined> {
  const { octokit, owner, repo, path, signal } = context;
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref: sha, request: { signal: signal() } });
    return Array.isArray(data) || data.type !== "file" ? "(not a file)" : data.sha;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

const MAX_REMEMBERED_BLOBS = 10_000;

async function uploadBlob(context: GitDataContext, bytes: Uint8Array): Promise<string> {
  const { octokit, owner, repo, signal, uploaded } = context;
  const sha = gitBlobSha(bytes);
  if (uploaded.has(sha)) return sha;
  const { data } = await octokit.rest.git.createBlob({ owner, repo, content: Buffer.from(bytes).toString("base64"), encoding: "base64", request: { signal: signal() } });
  // Only retries need it: a long-running process forgets now and then rather than grow.
  if (uploaded.size >= MAX_REMEMBERED_BLOBS) uploaded.clear();
  uploaded.add(data.sha);
  return data.sha;
}
