/**
 * Where the log lives. A store reads `{ text, version }` and writes text
 * against the version it read; a write against a stale version fails with
 * ConflictError. Services apply a pure edit, write, and on conflict re-read
 * and re-apply (see services/update-log.ts).
 */

export interface LogSnapshot {
  /** The file's text, or undefined when the file does not exist yet. */
  text: string | undefined;
  /** Opaque version token (a blob sha); undefined when the file does not exist. */
  version: string | undefined;
}

export interface CommitAuthor {
  name: string;
  email?: string | undefined;
}

/** A file committed together with the log (a finding's picture). */
export interface CommittedFile {
  /** Path inside the repository, relative to its top level as `LOG_PATH` is. */
  path: string;
  bytes: Uint8Array;
}

export interface CommitRequest {
  /** The commit message, e.g. `docs: log finding - <title>`. */
  message: string;
  /** The person who made the change, when known (chat user, git user). */
  author?: CommitAuthor | undefined;
  /**
   * Files that land in the same commit as the log (created or replaced),
   * never without it: the log's version check decides for all of them.
   */
  files?: readonly CommittedFile[] | undefined;
}

export interface WriteResult {
  /** Version of the text just written: pass it to the next write. */
  version: string;
  /** The commit's sha, when the store makes commits. */
  commit?: string | undefined;
  /** A link to the commit (or the pull request opened instead), when there is one. */
  url?: string | undefined;
  /** Set when the change went into a pull request instead of the branch. */
  pullRequestUrl?: string | undefined;
}

export interface ReadOptions {
  /**
   * Allow the store to answer from what it last read or wrote itself, without
   * asking the backend. Writers use it (a stale answer only costs a conflict);
   * readers that show the log to people do not.
   */
  allowCached?: boolean;
}

export interface LogStore {
  /** Human-readable location, e.g. `owner/name:docs/research_log.md@main` or a file path. */
  readonly description: string;
  /** The log's path inside the repository (`LOG_PATH`): files committed with it are placed relative to it. */
  readonly logPath: string;
  /** The log file on this machine (known once read), for a store over a local checkout; undefined for a remote one. */
  readonly localFile?: string | undefined;
  /** @throws StoreError subclasses on failure. */
  read(options?: ReadOptions): Promise<LogSnapshot>;
  /**
   * Write `text` if the file is still at `baseVersion` (undefined: the file must not exist).
   * @throws ConflictError when it is not; AmbiguousWriteError when the outcome is unknown.
   */
  write(text: string, baseVersion: string | undefined, commit: CommitRequest): Promise<WriteResult>;
  /**
   * Run `fn` holding the store's write lock, so read-modify-write cycles of
   * one writer (a process, or all processes on one checkout) do not interleave.
   */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** A link to the entry with this id in the rendered file, when the store has a web view. */
  entryUrl(id: string): string | undefined;
}

export class StoreError extends Error {
  override name = "StoreError";
}

/** The file changed since it was read. Re-read and re-apply. */
export class ConflictError extends StoreError {
  override name = "ConflictError";
}

/** The write may or may not have happened (a 5xx or time-out after sending). Re-read before retrying. */
export class AmbiguousWriteError extends StoreError {
  override name = "AmbiguousWriteError";
}

/** The repository, branch or path does not exist (or the token cannot see it). */
export class NotFoundError extends StoreError {
  override name = "NotFoundError";
}

/** The credentials are missing, wrong, or lack permission. */
export class PermissionError extends StoreError {
  override name = "PermissionError";
}

/** The backend could not be reached, or kept failing. */
export class UnavailableError extends StoreError {
  override name = "UnavailableError";
}

/** A repository rule (ruleset, branch protection, push protection) refuses the write: trying again will not help. */
export class RefusedError extends StoreError {
  override name = "RefusedError";
}
