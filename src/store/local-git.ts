import { execFile, execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, normalize, resolve, sep, win32 } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { withFileLock } from "./file-lock.js";
import type { CommitAuthor, CommitRequest, LogSnapshot, LogStore, WriteResult } from "./log-store.js";
import { ConflictError, NotFoundError, StoreError } from "./log-store.js";
import { errorCode, messageOf } from "../error-details.js";

export interface LocalGitStoreOptions {
  /** A directory inside the git work tree (usually its top level). */
  repoDir: string;
  /** Path of the log relative to the top of the work tree (default `docs/research_log.md`). */
  logPath?: string | undefined;
  /** The git executable (default `git`, looked up on PATH). */
  gitBinary?: string | undefined;
  /** Environment for git; default: this process's environment. */
  env?: NodeJS.ProcessEnv | undefined;
  /** How long `withLock` waits for another process (default 30 s). */
  lockTimeoutMs?: number | undefined;
}

export interface GitCommandOptions {
  gitBinary?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

export const DEFAULT_LOG_PATH = "docs/research_log.md";

/** Where the work tree and its git directory are, found on first use. */
interface Checkout {
  topLevel: string;
  gitDir: string;
  absPath: string;
}

/** A staged index entry (`git ls-files --stage`), kept to put back after a failed commit. */
interface IndexEntry {
  mode: string;
  blob: string;
}

class GitError extends Error {
  override name = "GitError";
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly exitCode: number | string | undefined,
    options: { cause: unknown },
  ) {
    super(`git ${args.join(" ")} failed: ${lastLines(stderr) || String(exitCode)}`, options);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const INDEX_LOCK_RETRIES = 5;

/**
 * A log store over a file in a local git checkout: `read` reads the working
 * tree, `write` replaces the file and commits just that file with git. The
 * version is the git blob sha of the file's bytes, so a hand edit made
 * between read and write is a conflict, not a lost change.
 *
 * Validation of the checkout happens on first use; `logPath` is checked here.
 *
 * @throws StoreError when `logPath` is absolute or leaves the repository.
 */
export function createLocalGitStore(options: LocalGitStoreOptions): LogStore {
  const logPath = validateLogPath(options.logPath ?? DEFAULT_LOG_PATH);
  const repoDir = resolve(options.repoDir);
  const gitOptions: GitCommandOptions = { gitBinary: options.gitBinary, env: options.env };
  const git = (args: readonly string[], cwd: string): Promise<string> => runGit(args, cwd, gitOptions);

  let checkoutPromise: Promise<Checkout> | undefined;
  let checkoutFound: Checkout | undefined;
  let linkBase: string | null | undefined;

  function checkout(): Promise<Checkout> {
    checkoutPromise ??= findCheckout(repoDir, logPath, gitOptions).then((found) => (checkoutFound = found));
    // A failed look-up is not cached: the user may fix it (git init) and retry.
    checkoutPromise.catch(() => (checkoutPromise = undefined));
    return checkoutPromise;
  }

  async function readBytes(absPath: string): Promise<Buffer | undefined> {
    try {
      return await readFile(absPath);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return undefined;
      throw new StoreError(`cannot read ${absPath}: ${messageOf(error)}`, { cause: error });
    }
  }

  async function write(text: string, baseVersion: string | undefined, commit: CommitRequest): Promise<WriteResult> {
    const { topLevel, gitDir, absPath } = await checkout();
    const previous = await readBytes(absPath);
    const currentVersion = previous === undefined ? undefined : blobSha(previous);
    if (currentVersion !== baseVersion) {
      throw new ConflictError(
        `${absPath} changed since it was read (expected ${baseVersion ?? "no file"}, found ${currentVersion ?? "no file"}); re-read and apply the change again`,
      );
    }
    const bytes = Buffer.from(text, "utf8");
    const version = blobSha(bytes);
    const files = (commit.files ?? []).map((file) => {
      const path = validateFilePath(file.path);
      return { path, absPath: join(topLevel, ...path.split("/")), bytes: Buffer.from(file.bytes) };
    });
    if (files.length === 0 && version === currentVersion && (await committedBlob(topLevel, logPath, gitOptions)) === version) {
      // Nothing to commit: git would refuse an empty commit.
      return { version, commit: await headSha(topLevel, gitOptions) };
    }

    const staged = await stagedEntry(topLevel, logPath, gitOptions);
    const author = formatAuthor(commit.author);
    // A process that dies between writing the file and committing it leaves this note: the next writer commits the file.
    const pending: PendingCommit = { path: logPath, version, message: commit.message, author, files: files.map((f) => ({ path: f.path, version: blobSha(f.bytes) })) };
    await writeFile(pendingPathIn(gitDir), JSON.stringify(pending));
    // The files first, the log last: a log that is written names only files that are there.
    const previousFiles: (Buffer | undefined)[] = [];
    try {
      for (const file of files) {
        const before = await readBytes(file.absPath);
        previousFiles.push(before);
        await replaceFile(file.absPath, file.bytes, before);
      }
      await replaceFile(absPath, bytes, previous);
      await commitFile(topLevel, gitDir, staged !== undefined, commit.message, author, files.map((f) => f.path));
    } catch (error) {
      const failure = await explainCommitFailure(error, topLevel, gitDir, author !== undefined, gitOptions);
      await undoFiles(files.slice(0, previousFiles.length), previousFiles, topLevel, failure);
      await undoWrite(absPath, previous, topLevel, logPath, staged, failure);
      await unlink(pendingPathIn(gitDir)).catch(ignoreMissing);
      throw failure;
    }
    await unlink(pendingPathIn(gitDir)).catch(ignoreMissing);
    return { version, commit: await headSha(topLevel, gitOptions) };
  }

  async function commitFile(topLevel: string, gitDir: string, tracked: boolean, message: string, author: string | undefined, files: readonly string[] = []): Promise<void> {
    // `git commit -- <path>` takes a tracked file's content from the work tree; a new file must be added first.
    const untracked = [...(tracked ? [] : [logPath]), ...files];
    if (untracked.length > 0) await retryOnIndexLock(gitDir, () => git(["add", "--", ...untracked], topLevel));
    const args = ["commit", "--quiet", "-m", message];
    if (author) args.push(`--author=${author}`);
    await retryOnIndexLock(gitDir, () => git([...args, "--", logPath, ...files], topLevel));
  }

  /** Puts back files a failed write replaced (or removes those it created), and takes them out of the index again. */
  async function undoFiles(files: readonly { path: string; absPath: string }[], previous: readonly (Buffer | undefined)[], topLevel: string, failure: StoreError): Promise<void> {
    for (const [i, file] of files.entries()) {
      const before = previous[i];
      try {
        if (before === undefined) {
          await unlink(file.absPath).catch(ignoreMissing);
          await git(["rm", "--cached", "--quiet", "--ignore-unmatch", "--", file.path], topLevel);
          // The folders the write created go too; one that holds anything else stays (rmdir refuses).
          for (let dir = dirname(file.absPath); dir.startsWith(`${topLevel}${sep}`); dir = dirname(dir)) {
            if (!(await rmdir(dir).then(() => true, () => false))) break;
          }
        } else {
          await replaceFile(file.absPath, before, undefined);
        }
      } catch (undoError) {
        failure.message += `; restoring ${file.absPath} also failed (${messageOf(undoError)}): check it with git status`;
      }
    }
  }

  /**
   * Finishes a write whose process died after replacing the file and before
   * committing it: when the file still holds exactly what was written and the
   * commit is missing, commit it with the message it was meant to have.
   */
  async function recoverPending(): Promise<void> {
    const { topLevel, gitDir, absPath } = await checkout();
    let pending: PendingCommit;
    try {
      pending = JSON.parse(await readFile(pendingPathIn(gitDir), "utf8")) as PendingCommit;
    } catch (error) {
      if (errorCode(error) === "ENOENT") return;
      await unlink(pendingPathIn(gitDir)).catch(ignoreMissing);
      return;
    }
    if (pending.path === logPath) {
      const bytes = await readBytes(absPath);
      const current = bytes === undefined ? undefined : blobSha(bytes);
      if (current === pending.version && (await committedBlob(topLevel, logPath, gitOptions)) !== current) {
        const staged = await stagedEntry(topLevel, logPath, gitOptions);
        // The files were written before the log: those still as written go in the same commit.
        const files: string[] = [];
        for (const file of pending.files ?? []) {
          const bytes = await readBytes(join(topLevel, ...validateFilePath(file.path).split("/")));
          if (bytes !== undefined && blobSha(bytes) === file.version) files.push(file.path);
        }
        await commitFile(topLevel, gitDir, staged !== undefined, pending.message, pending.author, files);
      }
    }
    await unlink(pendingPathIn(gitDir)).catch(ignoreMissing);
  }

  async function undoWrite(
    absPath: string,
    previous: Buffer | undefined,
    topLevel: string,
    path: string,
    staged: IndexEntry | undefined,
    failure: StoreError,
  ): Promise<void> {
    try {
      if (previous === undefined) await unlink(absPath).catch(ignoreMissing);
      else await replaceFile(absPath, previous, undefined);
      if (staged) await git(["update-index", "--add", "--cacheinfo", `${staged.mode},${staged.blob},${path}`], topLevel);
      else await git(["rm", "--cached", "--quiet", "--ignore-unmatch", "--", path], topLevel);
    } catch (undoError) {
      failure.message += `; restoring ${absPath} also failed (${messageOf(undoError)}): check it with git status`;
    }
  }

  function computeLinkBase(): string | null {
    const top = checkoutFound?.topLevel ?? repoDir;
    const sync = (args: string[]): string | undefined => {
      try {
        return execFileSync(options.gitBinary ?? "git", args, {
          cwd: top,
          env: options.env,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
          windowsHide: true,
        }).trim();
      } catch {
        return undefined;
      }
    };
    const remote = sync(["remote", "get-url", "origin"]);
    const repo = remote === undefined ? undefined : parseGitHubRemote(remote);
    if (!repo) return null;
    const ref = sync(["symbolic-ref", "--quiet", "--short", "HEAD"]) || sync(["rev-parse", "--verify", "--quiet", "HEAD"]);
    if (!ref) return null;
    const encodePath = (value: string): string => value.split("/").map(encodeURIComponent).join("/");
    return `https://github.com/${repo}/blob/${encodePath(ref)}/${encodePath(logPath)}`;
  }

  return {
    get description(): string {
      return checkoutFound?.absPath ?? join(repoDir, logPath);
    },
    logPath,
    get localFile(): string | undefined {
      return checkoutFound?.absPath;
    },

    async read(): Promise<LogSnapshot> {
      const { absPath } = await checkout();
      const bytes = await readBytes(absPath);
      if (bytes === undefined) return { text: undefined, version: undefined };
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch (error) {
        throw new StoreError(`${absPath} is not valid UTF-8 text; convert it to UTF-8 (for example with iconv) and try again`, {
          cause: error,
        });
      }
      return { text, version: blobSha(bytes) };
    },

    async write(text, baseVersion, commit): Promise<WriteResult> {
      const { gitDir } = await checkout();
      // Re-entrant: inside withLock this runs at once; outside it takes the lock itself.
      return withFileLock(lockPathIn(gitDir), () => write(text, baseVersion, commit), {
        timeoutMs: options.lockTimeoutMs,
      });
    },

    async withLock<T>(fn: () => Promise<T>): Promise<T> {
      const { gitDir } = await checkout();
      return withFileLock(
        lockPathIn(gitDir),
        async () => {
          await recoverPending();
          return fn();
        },
        { timeoutMs: options.lockTimeoutMs },
      );
    },

    entryUrl(id: string): string | undefined {
      linkBase ??= computeLinkBase();
      return linkBase === null ? undefined : `${linkBase}#${encodeURIComponent(id)}`;
    },
  };
}

/**
 * The user's git identity (`git config user.name` / `user.email`) as seen
 * from `repoDir`, for attributing entries; undefined when no name is set.
 *
 * @throws StoreError when git cannot be run at all.
 */
export async function readGitUser(
  repoDir: string,
  options: GitCommandOptions = {},
): Promise<CommitAuthor | undefined> {
  const get = async (key: string): Promise<string | undefined> => {
    try {
      return (await runGit(["config", "--get", key], repoDir, options)).trim() || undefined;
    } catch (error) {
      // Exit status 1: the key is not set.
      if (error instanceof GitError && error.exitCode === 1) return undefined;
      throw error;
    }
  };
  const [name, email] = await Promise.all([get("user.name"), get("user.email")]);
  if (!name) return undefined;
  return email ? { name, email } : { name };
}

/**
 * The git blob sha1 of `bytes`, as `git hash-object` (without filters) computes it.
 */
export function blobSha(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

/**
 * `owner/name` when `remote` is a GitHub URL (https, ssh or scp-like), else undefined.
 */
export function parseGitHubRemote(remote: string): string | undefined {
  const trimmed = remote.trim();
  const scp = /^(?:[^@/\s]+@)?(?:www\.|ssh\.)?github\.com:\/?([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/i.exec(trimmed);
  if (scp) return `${scp[1]}/${scp[2]}`;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (!/^(?:www\.|ssh\.)?github\.com$/i.test(url.hostname)) return undefined;
  const match = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.pathname);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

function validateLogPath(logPath: string, what = "LOG_PATH"): string {
  const problem = (why: string): StoreError =>
    new StoreError(`${what} must be a path inside the repository, relative to its top level; ${why} (got "${logPath}")`);
  if (logPath.trim() === "") throw problem("it is empty");
  if (isAbsolute(logPath) || win32.isAbsolute(logPath)) throw problem("it is absolute");
  const normalized = normalize(logPath).split(sep).join("/");
  if (normalized === ".." || normalized.startsWith("../")) throw problem("it leaves the repository");
  if (normalized === "." || normalized.endsWith("/")) throw problem("it names a directory");
  if (normalized.split("/")[0]?.toLowerCase() === ".git") throw problem("it is inside .git");
  return normalized;
}

/** A file committed with the log must stay inside the repository, as the log must. */
function validateFilePath(path: string): string {
  return validateLogPath(path, "a file committed with the log");
}

async function findCheckout(repoDir: string, logPath: string, options: GitCommandOptions): Promise<Checkout> {
  const notACheckout = (detail?: string, cause?: unknown): NotFoundError =>
    new NotFoundError(
      `${repoDir} is not a git checkout (run git init, or pass --repo DIR)${detail ? `: ${detail}` : ""}`,
      { cause },
    );
  try {
    if (!(await stat(repoDir)).isDirectory()) throw notACheckout("it is not a directory");
  } catch (error) {
    if (error instanceof NotFoundError) throw error;
    throw notACheckout("it does not exist", error);
  }
  let output: string;
  try {
    output = await runGit(["rev-parse", "--show-toplevel", "--absolute-git-dir"], repoDir, options);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const detail = /not a git repository/i.test(error.stderr) ? undefined : lastLines(error.stderr);
    throw notACheckout(detail, error);
  }
  const [topLevel, gitDir] = output.split("\n").map((line) => line.trim());
  if (!topLevel || !gitDir) throw notACheckout("git did not report a work tree (is it a bare repository?)");
  return { topLevel, gitDir, absPath: join(topLevel, ...logPath.split("/")) };
}

function lockPathIn(gitDir: string): string {
  return join(gitDir, "research-log.lock");
}

/** What a write meant to commit, kept until the commit is made. */
interface PendingCommit {
  path: string;
  version: string;
  message: string;
  author: string | undefined;
  /** Files written with the log, to commit with it (absent in notes written before pictures). */
  files?: { path: string; version: string }[];
}

function pendingPathIn(gitDir: string): string {
  return join(gitDir, "research-log.pending.json");
}

/**
 * Write `bytes` to a temporary file beside `absPath` and rename it over, so
 * readers see the old file or the new one, never a mix.
 */
async function replaceFile(absPath: string, bytes: Buffer, previous: Buffer | undefined): Promise<void> {
  const dir = dirname(absPath);
  const temp = join(dir, `.${basename(absPath)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temp, bytes, { flag: "wx" });
    if (previous !== undefined) {
      const mode = await stat(absPath).then((stats) => stats.mode & 0o7777, () => undefined);
      if (mode !== undefined) await chmod(temp, mode);
    }
    await rename(temp, absPath);
  } catch (error) {
    await unlink(temp).catch(ignoreMissing);
    throw new StoreError(`cannot write ${absPath}: ${messageOf(error)}`, { cause: error });
  }
}

async function stagedEntry(topLevel: string, path: string, options: GitCommandOptions): Promise<IndexEntry | undefined> {
  const output = await runGit(["ls-files", "--stage", "-z", "--", path], topLevel, options);
  const match = /^(\d+) ([0-9a-f]+) 0\t/.exec(output);
  return match?.[1] && match[2] ? { mode: match[1], blob: match[2] } : undefined;
}

async function committedBlob(topLevel: string, path: string, options: GitCommandOptions): Promise<string | undefined> {
  try {
    return (await runGit(["rev-parse", "--verify", "--quiet", `HEAD:${path}`], topLevel, options)).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function headSha(topLevel: string, options: GitCommandOptions): Promise<string | undefined> {
  try {
    return (await runGit(["rev-parse", "--verify", "HEAD"], topLevel, options)).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A git command briefly holding the index (an editor's `git status`) is waited out. */
async function retryOnIndexLock<T>(gitDir: string, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const locked = error instanceof GitError && (await exists(join(gitDir, "index.lock")));
      if (!locked || attempt >= INDEX_LOCK_RETRIES) throw error;
      await sleep(20 * 2 ** attempt * (0.5 + Math.random() / 2));
    }
  }
}

/** Turn a failed `git add`/`git commit` into a StoreError that says what to do. */
async function explainCommitFailure(
  error: unknown,
  topLevel: string,
  gitDir: string,
  hasAuthor: boolean,
  options: GitCommandOptions,
): Promise<StoreError> {
  if (error instanceof StoreError) return error;
  if (!(error instanceof GitError)) return new StoreError(`git failed in ${topLevel}: ${messageOf(error)}`, { cause: error });
  // Ask git rather than match its (translated) messages.
  const idents = hasAuthor ? ["GIT_COMMITTER_IDENT"] : ["GIT_COMMITTER_IDENT", "GIT_AUTHOR_IDENT"];
  const missing = await Promise.all(
    idents.map((name) => runGit(["var", name], topLevel, options).then(() => false, () => true)),
  );
  if (missing.some(Boolean) || /please tell me who you are/i.test(error.stderr)) {
    return new StoreError(
      `git cannot commit in ${topLevel}: no author identity is configured. ` +
        `Set one with: git config user.name "Your Name" && git config user.email "you@example.com" ` +
        `(add --global to set it for every repository), then try again`,
      { cause: error },
    );
  }
  const indexLock = join(gitDir, "index.lock");
  if (await exists(indexLock)) {
    return new StoreError(
      `git cannot commit in ${topLevel}: another git process is using the repository (${indexLock} exists). ` +
        `Try again; if no git process is running, remove that file`,
      { cause: error },
    );
  }
  return new StoreError(`git could not commit in ${topLevel}: ${lastLines(error.stderr) || error.message}`, { cause: error });
}

function formatAuthor(author: CommitAuthor | undefined): string | undefined {
  if (!author?.email) return undefined;
  // git parses `Name <email>`: angle brackets or newlines inside would break it.
  const clean = (value: string): string => value.replace(/[<>\r\n]/g, "").trim();
  const name = clean(author.name);
  const email = clean(author.email);
  return name && email ? `${name} <${email}>` : undefined;
}

/** Run git with arguments as an array (no shell); resolves with stdout. */
function runGit(args: readonly string[], cwd: string, options: GitCommandOptions = {}): Promise<string> {
  const binary = options.gitBinary ?? "git";
  // Paths we pass are file names, never patterns.
  const fullArgs = ["--literal-pathspecs", ...args];
  return new Promise((resolvePromise, reject) => {
    execFile(
      binary,
      fullArgs,
      { cwd, env: options.env, encoding: "utf8", maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolvePromise(stdout);
        if (errorCode(error) === "ENOENT" && typeof (error as { path?: unknown }).path === "string") {
          // spawn says ENOENT both for a missing binary and for a missing working directory.
          const why = existsSync(cwd)
            ? `"${binary}" was not found): install git or pass the path of the git binary`
            : `${cwd} does not exist)`;
          return reject(new StoreError(`cannot run git (${why}`, { cause: error }));
        }
        const exitCode = (error as { code?: number | string }).code;
        reject(new GitError(args, stderr, exitCode, { cause: error }));
      },
    );
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== "ENOENT") throw error;
}

function lastLines(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-3)
    .join(" ");
}
