/** The built CLI with `--github` / GITHUB_REPO, against the fake GitHub contents API. */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeGitHub } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { createTempGitRepo } from "../support/git-repo.js";
import type { CliRun } from "../support/cli-process.js";
import { runCliProcess } from "../support/cli-process.js";

const root = resolve(import.meta.dirname, "../..");
const TOKEN = "ghp_clitesttoken_abcdef0123456789";
const LOG_PATH = "docs/research_log.md";
const seedLog = readFileSync(join(root, "test/fixtures/seed-example.md"), "utf8");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fake(files: Record<string, string> = {}): Promise<FakeGitHub> {
  const github = await startFakeGitHub({ token: TOKEN, files });
  cleanups.push(() => github.close());
  return github;
}

const cli = (args: string[], env: Record<string, string>, cwd = tmpdir()): Promise<CliRun> => runCliProcess(args, { cwd, env });

const entry = ["--title", "Tokenizer drops emoji", "--category", "Data", "--status", "Open", "--finding", "The BPE vocab has no emoji.", "--impact", "Chat data loses meaning.", "--action", "Add byte fallback", "--date", "2026-02-02"];

describe("research-log with the GitHub store", () => {
  it("adds through the contents API with --github, attributing the commit to git's user", async () => {
    const github = await fake({ [LOG_PATH]: seedLog });
    const repo = await createTempGitRepo({ identity: { name: "Ada Lovelace", email: "ada@example.com" } });
    cleanups.push(() => repo.cleanup());
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url };
    const result = await cli(["add", "--github", `${github.owner}/${github.repo}`, ...entry, "--json"], { ...env, ...(repo.env as Record<string, string>) }, repo.dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { id: string; commit: string; url: string };
    expect(out.id).toBe("2026-02-02-tokenizer-drops-emoji");
    const [commit] = github.commits(github.defaultBranch);
    expect(out.commit).toBe(commit?.sha);
    expect(commit?.message).toBe("docs: log finding - Tokenizer drops emoji\n\nCo-authored-by: Ada Lovelace <ada@example.com>");
    const text = github.getFile(github.defaultBranch, LOG_PATH);
    expect(text?.startsWith(seedLog)).toBe(true);
    expect(text?.slice(seedLog.length)).toBe(
      "\n## 2026-02-02 Tokenizer drops emoji\n\n**Category**: Data\n**Status**: Open\n\n### Finding\nThe BPE vocab has no emoji.\n\n### Impact\nChat data loses meaning.\n\n### Action Items\n- [ ] Add byte fallback\n",
    );

    const listed = await cli(["list", "--json", "--open"], { ...env, GITHUB_REPO: `${github.owner}/${github.repo}` });
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((e) => e.id)).toEqual([
      "2026-01-20-amp-breaks-complex-number-operations",
      "2026-02-02-tokenizer-drops-emoji",
    ]);
    const checked = await cli(["check"], { ...env, GITHUB_REPO: `${github.owner}/${github.repo}` });
    expect(checked.code).toBe(0);
  });

  it("hands the entry back and exits 3 when GitHub is down, and never prints the token", async () => {
    const github = await fake({ [LOG_PATH]: seedLog });
    github.outage(503);
    const result = await cli(["add", ...entry], { GITHUB_REPO: `${github.owner}/${github.repo}`, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("## 2026-02-02 Tokenizer drops emoji");
    expect(result.stderr).toContain("- [ ] Add byte fallback");
    expect(result.stderr + result.stdout).not.toContain(TOKEN);
    expect(github.getFile(github.defaultBranch, LOG_PATH)).toBe(seedLog);
  });

  it("names the fix for a wrong token and an unknown repository", async () => {
    const github = await fake({ [LOG_PATH]: seedLog });
    const wrongToken = await cli(["list"], { GITHUB_REPO: `${github.owner}/${github.repo}`, GITHUB_TOKEN: "ghp_wrong_token_value", GITHUB_API_URL: github.url });
    expect(wrongToken.code).toBe(3);
    expect(wrongToken.stderr).toContain("GITHUB_TOKEN");
    expect(wrongToken.stderr).not.toContain("ghp_wrong_token_value");
    const unknown = await cli(["list"], { GITHUB_REPO: "acme/nope", GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("acme/nope");
  });

  it("lands 30 concurrent add processes and a hand edit made mid-burst: none lost, none twice", { timeout: 120_000 }, async () => {
    const github = await fake({ [LOG_PATH]: seedLog });
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, GITHUB_REPO: `${github.owner}/${github.repo}` };
    const titles = Array.from({ length: 30 }, (_, i) => `Concurrent finding ${i + 1}`);
    // A person edits the file by hand while the processes race (the fake commits it just before a PUT).
    github.humanCommitBeforeNextPut((text) => `${text ?? ""}\nA note added by hand.\n`);
    const results = await Promise.all(
      titles.map((title) => cli(["add", "--title", title, "--category", "Data", "--status", "Open", "--finding", "f", "--impact", "i", "--date", "2026-02-02"], env)),
    );
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    const text = github.getFile(github.defaultBranch, LOG_PATH) ?? "";
    for (const title of titles) expect(text.split("\n").filter((line) => line === `## 2026-02-02 ${title}`)).toHaveLength(1);
    expect(text).toContain("A note added by hand.");
  });
});
