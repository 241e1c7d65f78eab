import { execFile } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TempGitRepoOptions {
  /** Configure `user.name`/`user.email` in the repo (default true). When false, git has no identity at all. */
  identity?: boolean | { name: string; email: string };
  /** Make an initial commit (a README) so HEAD exists (default false). */
  initialCommit?: boolean;
  /** Name of the initial branch (default `main`). */
  branch?: string;
}

export interface TempGitRepo {
  /** The work tree's top level (real path, so it compares equal to what git reports). */
  dir: string;
  /**
   * An environment that isolates git from the developer's own config: an
   * empty HOME, no system config, no identity variables, English messages.
   */
  env: NodeJS.ProcessEnv;
  /** Run git in the repo with `env`; resolves with stdout, rejects with stderr in the message. */
  git(...args: string[]): Promise<string>;
  /** Write a file (creating directories) relative to the repo. */
  writeFile(relPath: string, content: string | Uint8Array): Promise<void>;
  /** Remove the repo and its HOME. */
  cleanup(): Promise<void>;
}

/**
 * A fresh git repository in a temp directory, with git isolated from the
 * machine's configuration, for tests that run real git.
 */
export async function createTempGitRepo(options: TempGitRepoOptions = {}): Promise<TempGitRepo> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "research-log-git-")));
  const dir = join(root, "repo");
  const home = join(root, "home");
  await mkdir(dir);
  await mkdir(home);
  await writeFile(join(home, ".gitconfig"), "");
  const env = isolatedGitEnv(home);
  const git = (...args: string[]): Promise<string> => runGit(args, dir, env);

  await git("init", "--quiet", `--initial-branch=${options.branch ?? "main"}`);
  await git("config", "commit.gpgsign", "false");
  const identity = options.identity ?? true;
  if (identity === false) {
    // Without this, git may make up an identity from the host name.
    await git("config", "user.useConfigOnly", "true");
  } else {
    const { name, email } = identity === true ? { name: "Test User", email: "test@example.com" } : identity;
    await git("config", "user.name", name);
    await git("config", "user.email", email);
  }
  if (options.initialCommit) {
    await writeFile(join(dir, "README.md"), "# test repo\n");
    await git("add", "README.md");
    await git("-c", "user.name=Setup", "-c", "user.email=setup@example.com", "commit", "--quiet", "-m", "initial");
  }

  return {
    dir,
    env,
    git,
    async writeFile(relPath, content) {
      const path = join(dir, relPath);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Environment for git with an empty HOME and nothing inherited but PATH. */
export function isolatedGitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: join(home, ".gitconfig"),
    GIT_TERMINAL_PROMPT: "0",
    LC_ALL: "C",
    LANG: "C",
    ...(process.env.SYSTEMROOT ? { SYSTEMROOT: process.env.SYSTEMROOT } : {}),
  };
}

function runGit(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, env, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(" ")} failed: ${stderr.trim() || error.message}`, { cause: error }));
      else resolve(stdout);
    });
  });
}
