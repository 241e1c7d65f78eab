import { spawn } from "node:child_process";
import { mkdtemp, readFile, realpath, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { withFileLock } from "../../src/store/file-lock.js";
import { createLocalGitStore, parseGitHubRemote, readGitUser } from "../../src/store/local-git.js";
import type { LogStore } from "../../src/store/log-store.js";
import { ConflictError, NotFoundError, StoreError } from "../../src/store/log-store.js";
import { compileForNode } from "../support/compile-for-node.js";
import type { TempGitRepo, TempGitRepoOptions } from "../support/git-repo.js";
import { createTempGitRepo } from "../support/git-repo.js";

const LOG = "docs/research_log.md";
const repos: TempGitRepo[] = [];

async function setup(options: TempGitRepoOptions = {}): Promise<{ repo: TempGitRepo; store: LogStore }> {
  const repo = await createTempGitRepo(options);
  repos.push(repo);
  return { repo, store: createLocalGitStore({ repoDir: repo.dir, env: repo.env }) };
}

async function commitCount(repo: TempGitRepo): Promise<number> {
  return Number((await repo.git("rev-list", "--count", "HEAD")).trim());
}

afterEach(async () => {
  await Promise.all(repos.splice(0).map((repo) => repo.cleanup()));
});

describe("createLocalGitStore: read and write", () => {
  it("reads a missing log as undefined", async () => {
    const { store } = await setup();
    await expect(store.read()).resolves.toEqual({ text: undefined, version: undefined });
  });

  it("creates the file with one commit carrying the exact message", async () => {
    const { repo, store } = await setup();
    const text = "# Research log\n\n## 2026-01-20 First\n";
    const result = await store.write(text, undefined, { message: "docs: log finding - First" });

    expect(await readFile(join(repo.dir, LOG), "utf8")).toBe(text);
    expect(result.version).toBe((await repo.git("hash-object", LOG)).trim());
    expect(result.commit).toBe((await repo.git("rev-parse", "HEAD")).trim());
    expect(await repo.git("log", "-1", "--format=%B")).toBe("docs: log finding - First\n\n");
    expect((await repo.git("show", "--name-only", "--format=", "HEAD")).trim()).toBe(LOG);
    expect(await repo.git("status", "--porcelain")).toBe("");
    await expect(store.read()).resolves.toEqual({ text, version: result.version });
    expect(store.description).toBe(join(repo.dir, LOG));
  });

  it("chains writes on the returned version, keeping the committer for an author with an email", async () => {
    const { repo, store } = await setup({ initialCommit: true });
    const first = await store.write("one\n", undefined, { message: "first" });
    await store.write("one\ntwo\n", first.version, {
      message: "second",
      author: { name: "Ada <Lovelace>", email: "ada@example.com" },
    });
    expect(await repo.git("log", "--format=%an <%ae>|%cn|%s")).toBe(
      "Ada Lovelace <ada@example.com>|Test User|second\nTest User <test@example.com>|Test User|first\nSetup <setup@example.com>|Setup|initial\n",
    );
  });

  it("uses git's own user when the author has no email", async () => {
    const { repo, store } = await setup();
    await store.write("x\n", undefined, { message: "m", author: { name: "Slack Person" } });
    expect((await repo.git("log", "-1", "--format=%an <%ae>")).trim()).toBe("Test User <test@example.com>");
  });

  it("keeps a byte-order mark and CRLF line endings as they are", async () => {
    const { repo, store } = await setup();
    await repo.writeFile(LOG, "\uFEFF# Log\r\n");
    const snapshot = await store.read();
    expect(snapshot.text).toBe("\uFEFF# Log\r\n");
    await store.write(`${snapshot.text ?? ""}more\r\n`, snapshot.version, { message: "m" });
    expect(await readFile(join(repo.dir, LOG))).toEqual(Buffer.from("\uFEFF# Log\r\nmore\r\n", "utf8"));
  });

  it("makes no commit when the text is already committed", async () => {
    const { repo, store } = await setup();
    const first = await store.write("same\n", undefined, { message: "m" });
    const again = await store.write("same\n", first.version, { message: "m2" });
    expect(again).toEqual(first);
    expect(await commitCount(repo)).toBe(1);
  });

  it("commits a hand edit left in the working tree along with the change", async () => {
    const { repo, store } = await setup();
    const first = await store.write("a\n", undefined, { message: "m" });
    await repo.writeFile(LOG, "a\nhand\n");
    const snapshot = await store.read();
    expect(snapshot.version).not.toBe(first.version);
    await store.write(`${snapshot.text ?? ""}b\n`, snapshot.version, { message: "m2" });
    expect(await repo.git("show", `HEAD:${LOG}`)).toBe("a\nhand\nb\n");
  });
});

describe("createLocalGitStore: a writer that died before committing", () => {
  /** What a process leaves when it dies between replacing the file and `git commit`. */
  async function dieBeforeCommit(repo: TempGitRepo, text: string, message: string): Promise<void> {
    await repo.writeFile(LOG, text);
    const version = (await repo.git("hash-object", LOG)).trim();
    await writeFile(join(repo.dir, ".git/research-log.pending.json"), JSON.stringify({ path: LOG, version, message }));
  }

  it("has its write committed, with its message, by the next writer", async () => {
    const { repo, store } = await setup({ initialCommit: true });
    await dieBeforeCommit(repo, "# Research Log\n\n## 2026-01-20 Crashed\n", "docs: log finding - Crashed");
    const seen = await store.withLock(async () => (await store.read()).text);
    expect(seen).toContain("Crashed");
    expect(await repo.git("log", "-1", "--format=%s")).toBe("docs: log finding - Crashed\n");
    expect(await repo.git("status", "--porcelain")).toBe("");
    await expect(stat(join(repo.dir, ".git/research-log.pending.json"))).rejects.toThrow();
  });

  it("commits nothing when the file was changed again since (the note is stale)", async () => {
    const { repo, store } = await setup({ initialCommit: true });
    await dieBeforeCommit(repo, "# Research Log\n\n## 2026-01-20 Crashed\n", "docs: log finding - Crashed");
    await repo.writeFile(LOG, "# Research Log\n\nedited by hand\n");
    const before = await commitCount(repo);
    await store.withLock(async () => undefined);
    expect(await commitCount(repo)).toBe(before);
    await expect(stat(join(repo.dir, ".git/research-log.pending.json"))).rejects.toThrow();
  });

  it("leaves no note behind after a normal write", async () => {
    const { repo, store } = await setup();
    await store.withLock(() => store.write("x\n", undefined, { message: "m" }));
    await expect(stat(join(repo.dir, ".git/research-log.pending.json"))).rejects.toThrow();
  });
});

describe("createLocalGitStore: conflicts", () => {
  it("refuses a write against a stale version and changes nothing", async () => {
    const { repo, store } = await setup();
    const first = await store.write("v1\n", undefined, { message: "v1" });
    await store.write("v2\n", first.version, { message: "v2" });
    const head = await repo.git("rev-parse", "HEAD");

    await expect(store.write("stale\n", first.version, { message: "stale" })).rejects.toBeInstanceOf(ConflictError);
    expect(await readFile(join(repo.dir, LOG), "utf8")).toBe("v2\n");
    expect(await repo.git("rev-parse", "HEAD")).toBe(head);
  });

  it("refuses a write when the file was edited by hand after the read", async () => {
    const { repo, store } = await setup();
    await store.write("v1\n", undefined, { message: "v1" });
    const snapshot = await store.read();
    await repo.writeFile(LOG, "v1\nhand edit\n");
    await expect(store.write("v1\nmine\n", snapshot.version, { message: "mine" })).rejects.toThrow(ConflictError);
    expect(await readFile(join(repo.dir, LOG), "utf8")).toBe("v1\nhand edit\n");
  });

  it("refuses to create the file when it appeared after the read", async () => {
    const { repo, store } = await setup();
    await repo.writeFile(LOG, "someone else\n");
    await expect(store.write("mine\n", undefined, { message: "m" })).rejects.toThrow(ConflictError);
  });
});

describe("createLocalGitStore: the user's other work", () => {
  it("does not commit other staged changes, and leaves them staged", async () => {
    const { repo, store } = await setup({ initialCommit: true });
    await repo.writeFile("notes.txt", "work in progress\n");
    await repo.git("add", "notes.txt");
    await repo.writeFile("README.md", "# edited, not staged\n");

    await store.write("entry\n", undefined, { message: "docs: log" });

    expect((await repo.git("show", "--name-only", "--format=", "HEAD")).trim()).toBe(LOG);
    expect(await repo.git("diff", "--cached", "--name-only")).toBe("notes.txt\n");
    expect(await repo.git("diff", "--name-only")).toBe("README.md\n");
  });

  it("treats a log path with glob characters literally", async () => {
    const repo = await createTempGitRepo({ initialCommit: true });
    repos.push(repo);
    await repo.writeFile("docs/a.md", "other\n");
    await repo.git("add", "docs/a.md");
    const store = createLocalGitStore({ repoDir: repo.dir, logPath: "docs/*.md", env: repo.env });
    await store.write("star\n", undefined, { message: "m" });
    expect((await repo.git("show", "--name-only", "--format=", "HEAD")).trim()).toBe("docs/*.md");
    expect(await repo.git("diff", "--cached", "--name-only")).toBe("docs/a.md\n");
  });
});

describe("createLocalGitStore: git failures", () => {
  it("explains how to set an identity, and restores the previous content", async () => {
    const { repo, store } = await setup({ identity: false });
    await repo.writeFile(LOG, "committed\n");
    await repo.git("add", LOG);
    await repo.git("-c", "user.name=Setup", "-c", "user.email=s@example.com", "commit", "--quiet", "-m", "setup");
    const head = await repo.git("rev-parse", "HEAD");
    const snapshot = await store.read();

    const error = await store.write("changed\n", snapshot.version, { message: "m" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).not.toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/no author identity is configured/);
    expect((error as Error).message).toContain('git config user.name "Your Name" && git config user.email');

    expect(await readFile(join(repo.dir, LOG), "utf8")).toBe("committed\n");
    expect(await repo.git("rev-parse", "HEAD")).toBe(head);
    expect(await repo.git("status", "--porcelain")).toBe("");
    await expect(store.read()).resolves.toEqual(snapshot);
  });

  it("removes a file it created when the commit fails, leaving nothing staged", async () => {
    const { repo, store } = await setup({ identity: false });
    await expect(store.write("new\n", undefined, { message: "m" })).rejects.toThrow(/git config user\.name/);
    await expect(stat(join(repo.dir, LOG))).rejects.toMatchObject({ code: "ENOENT" });
    expect(await repo.git("status", "--porcelain", "--untracked-files=all")).toBe("");
  });

  it("puts back the user's staged version of the log after a failed commit", async () => {
    const { repo, store } = await setup({ identity: false });
    await repo.writeFile(LOG, "staged\n");
    await repo.git("add", LOG);
    await repo.writeFile(LOG, "staged\nthen edited\n");
    const snapshot = await store.read();
    await expect(store.write("mine\n", snapshot.version, { message: "m" })).rejects.toThrow(StoreError);
    expect(await repo.git("show", `:${LOG}`)).toBe("staged\n");
    expect(await readFile(join(repo.dir, LOG), "utf8")).toBe("staged\nthen edited\n");
  });

  it("succeeds without a configured user when the author has an email, if the committer comes from the environment", async () => {
    const { repo } = await setup({ identity: false });
    const env = { ...repo.env, GIT_COMMITTER_NAME: "Bot", GIT_COMMITTER_EMAIL: "bot@example.com" };
    const store = createLocalGitStore({ repoDir: repo.dir, env });
    await store.write("x\n", undefined, { message: "m", author: { name: "Ada", email: "ada@example.com" } });
    expect((await repo.git("log", "-1", "--format=%an|%cn")).trim()).toBe("Ada|Bot");
  });

  it("says a directory outside git is not a checkout", async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), "research-log-nogit-")));
    try {
      const store = createLocalGitStore({ repoDir: dir, env: { PATH: process.env.PATH, GIT_CEILING_DIRECTORIES: dirname(dir) } });
      const error = await store.read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe(`${dir} is not a git checkout (run git init, or pass --repo DIR)`);
      await expect(createLocalGitStore({ repoDir: join(dir, "missing") }).read()).rejects.toThrow(NotFoundError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says when the git binary cannot be found", async () => {
    const { repo } = await setup();
    const store = createLocalGitStore({ repoDir: repo.dir, env: repo.env, gitBinary: "/nonexistent/git" });
    await expect(store.read()).rejects.toThrow(/cannot run git \("\/nonexistent\/git" was not found\)/);
    await expect(readGitUser(join(repo.dir, "missing"), { env: repo.env })).rejects.toThrow(/does not exist/);
  });

  it("resolves the log path from the top of the work tree when given a subdirectory", async () => {
    const { repo } = await setup();
    await repo.writeFile("sub/dir/.keep", "");
    const store = createLocalGitStore({ repoDir: join(repo.dir, "sub", "dir"), env: repo.env });
    await store.write("x\n", undefined, { message: "m" });
    expect(await readFile(join(repo.dir, LOG), "utf8")).toBe("x\n");
  });
});

describe("createLocalGitStore: input checks", () => {
  it.each(["../x.md", "/etc/passwd", "docs/../../x.md", "..", "", ".git/config", "C:\\log.md"])(
    "rejects LOG_PATH %j",
    (logPath) => {
      expect(() => createLocalGitStore({ repoDir: ".", logPath })).toThrow(/^LOG_PATH must be a path inside the repository/);
    },
  );

  it("accepts a log path that only wanders inside the repo", async () => {
    const { repo } = await setup();
    const store = createLocalGitStore({ repoDir: repo.dir, logPath: "docs/../log.md", env: repo.env });
    await store.write("x\n", undefined, { message: "m" });
    expect(await readFile(join(repo.dir, "log.md"), "utf8")).toBe("x\n");
  });

  it("reports a log that is not UTF-8, naming the file", async () => {
    const { repo, store } = await setup();
    await repo.writeFile(LOG, Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9, 0x0a]));
    await expect(store.read()).rejects.toThrow(`${join(repo.dir, LOG)} is not valid UTF-8`);
  });
});

describe("createLocalGitStore: entry links", () => {
  it.each([
    ["https://github.com/acme/findings.git", "acme/findings"],
    ["https://github.com/acme/findings", "acme/findings"],
    ["https://x-access-token:secret@github.com/acme/findings.git", "acme/findings"],
    ["git@github.com:acme/findings.git", "acme/findings"],
    ["ssh://git@github.com/acme/findings.git", "acme/findings"],
    ["ssh://git@ssh.github.com:443/acme/findings.git", "acme/findings"],
    ["https://gitlab.com/acme/findings.git", undefined],
    ["git@example.com:acme/findings.git", undefined],
    ["/srv/git/findings.git", undefined],
  ])("parses remote %s", (remote, expected) => {
    expect(parseGitHubRemote(remote)).toBe(expected);
  });

  it("links to the entry on GitHub on the current branch (https remote)", async () => {
    const { repo, store } = await setup({ branch: "trunk" });
    await repo.git("remote", "add", "origin", "https://github.com/acme/findings.git");
    expect(store.entryUrl("2026-01-20-amp-breaks")).toBe(
      "https://github.com/acme/findings/blob/trunk/docs/research_log.md#2026-01-20-amp-breaks",
    );
  });

  it("links to the entry on GitHub (ssh remote, branch with a slash)", async () => {
    const { repo, store } = await setup({ branch: "team/log" });
    await repo.git("remote", "add", "origin", "git@github.com:acme/findings.git");
    expect(store.entryUrl("x")).toBe("https://github.com/acme/findings/blob/team/log/docs/research_log.md#x");
  });

  it("has no links without a GitHub origin", async () => {
    const bare = await setup();
    expect(bare.store.entryUrl("x")).toBeUndefined();
    const other = await setup();
    await other.repo.git("remote", "add", "origin", "https://gitlab.com/acme/findings.git");
    expect(other.store.entryUrl("x")).toBeUndefined();
  });
});

describe("readGitUser", () => {
  it("reads the configured user", async () => {
    const { repo } = await setup({ identity: { name: "Grace Hopper", email: "grace@example.com" } });
    await expect(readGitUser(repo.dir, { env: repo.env })).resolves.toEqual({ name: "Grace Hopper", email: "grace@example.com" });
  });

  it("is undefined when no user is configured", async () => {
    const { repo } = await setup({ identity: false });
    await expect(readGitUser(repo.dir, { env: repo.env })).resolves.toBeUndefined();
  });
});

describe("locking", () => {
  let compiled: string;
  beforeAll(async () => {
    compiled = await compileForNode([
      "src/error-details.ts",
      "src/store/log-store.ts",
      "src/store/file-lock.ts",
      "src/store/local-git.ts",
      "test/support/locked-append-worker.ts",
    ]);
  });
  afterAll(async () => {
    await rm(compiled, { recursive: true, force: true });
  });

  function runWorker(repo: TempGitRepo, id: number, count: number, startAt: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [join(compiled, "test/support/locked-append-worker.js"), repo.dir, String(id), String(count), String(startAt)],
        { env: repo.env, stdio: ["ignore", "ignore", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`worker ${id} exited ${code}: ${stderr}`))));
    });
  }

  it("serialises read-modify-write across 8 processes on one checkout", async () => {
    const { repo, store } = await setup({ initialCommit: true });
    const workers = 8;
    const perWorker = 3;
    const startAt = Date.now() + 400;
    await Promise.all(Array.from({ length: workers }, (_, id) => runWorker(repo, id, perWorker, startAt)));
    const elapsed = Date.now() - startAt;

    const lines = ((await store.read()).text ?? "").trimEnd().split("\n");
    const expected = Array.from({ length: workers }, (_, id) =>
      Array.from({ length: perWorker }, (_, i) => `worker ${id} line ${i + 1}`),
    ).flat();
    expect(lines.sort()).toEqual(expected.sort());
    expect(await commitCount(repo)).toBe(1 + workers * perWorker);
    await repo.git("fsck", "--strict");
    expect(await repo.git("status", "--porcelain")).toBe("");
    const gitDir = (await repo.git("rev-parse", "--absolute-git-dir")).trim();
    await expect(stat(join(gitDir, "research-log.lock"))).rejects.toMatchObject({ code: "ENOENT" });
    console.info(`lock test: ${workers * perWorker} commits from ${workers} processes in ${elapsed} ms`);
  });

  it("serialises concurrent updates within one process, and write() alone also takes the lock", async () => {
    const { repo, store } = await setup();
    const append = (line: string): Promise<unknown> =>
      store.withLock(async () => {
        const { text, version } = await store.read();
        return store.write(`${text ?? ""}${line}\n`, version, { message: line });
      });
    await Promise.all(Array.from({ length: 10 }, (_, i) => append(`line ${i}`)));
    expect(((await store.read()).text ?? "").trimEnd().split("\n")).toHaveLength(10);
    expect(await commitCount(repo)).toBe(10);
  });

  it("breaks a lock left by a dead process", async () => {
    const { repo, store } = await setup();
    const gitDir = (await repo.git("rev-parse", "--absolute-git-dir")).trim();
    const lockPath = join(gitDir, "research-log.lock");
    await writeFile(lockPath, `${await deadPid()}\n${Date.now()}\n`);
    const started = Date.now();
    await expect(store.withLock(async () => "ran")).resolves.toBe("ran");
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(stat(lockPath)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("breaks a lock older than two minutes even if its pid is alive", async () => {
    const dir = await mkdtemp(join(tmpdir(), "research-log-lock-"));
    try {
      const lockPath = join(dir, "x.lock");
      await writeFile(lockPath, `${process.pid}\n${Date.now() - 3 * 60_000}\n`);
      const old = new Date(Date.now() - 3 * 60_000);
      await utimes(lockPath, old, old);
      await expect(withFileLock(lockPath, async () => "ran", { timeoutMs: 1_000 })).resolves.toBe("ran");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("times out on a live lock, naming the file and how to remove it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "research-log-lock-"));
    try {
      const lockPath = join(dir, "x.lock");
      const content = `${process.pid}\n${Date.now()}\n`;
      await writeFile(lockPath, content);
      const error = await withFileLock(lockPath, async () => "ran", { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain(`waiting for the lock ${lockPath} (held by process ${process.pid}`);
      expect((error as Error).message).toContain(`rm "${lockPath}"`);
      expect(await readFile(lockPath, "utf8")).toBe(content);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("releases the lock when the function throws, and is re-entrant", async () => {
    const dir = await mkdtemp(join(tmpdir(), "research-log-lock-"));
    try {
      const lockPath = join(dir, "x.lock");
      await expect(
        withFileLock(lockPath, () => withFileLock(lockPath, async () => Promise.reject(new Error("boom")))),
      ).rejects.toThrow("boom");
      await expect(stat(lockPath)).rejects.toMatchObject({ code: "ENOENT" });
      await expect(withFileLock(lockPath, async () => "again", { timeoutMs: 200 })).resolves.toBe("again");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** The pid of a process that has exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", () => (child.pid === undefined ? reject(new Error("no pid")) : resolve(child.pid)));
  });
}
