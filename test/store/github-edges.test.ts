/**
 * The GitHub store at GitHub's edges: an empty repository, rules that refuse
 * the pull-request branch too, a directory where the log should be, and
 * errors that name the credential in use.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createLogService, LogWriteError } from "../../src/services/log-service.js";
import { isRetryable } from "../../src/services/retryable.js";
import { updateLog } from "../../src/services/update-log.js";
import type { GitHubClientOptions } from "../../src/store/github.js";
import { createGitHubClient, createGitHubStore } from "../../src/store/github.js";
import { writeGap } from "../../src/store/github/client.js";
import { PermissionError, RefusedError, StoreError } from "../../src/store/log-store.js";
import type { FakeGitHub, FakeGitHubOptions } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";

const TOKEN = "ghp_edgetesttoken0123456789";
const PATH = "docs/research_log.md";
const commit = { message: "docs: log finding - test" };

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  fake = await startFakeGitHub({ token: TOKEN, ...options });
  return fake;
}

function store(github: FakeGitHub, target: { path?: string; commitMode?: "direct" | "pull-request" } = {}, clientOptions: Partial<GitHubClientOptions> = {}) {
  const octokit = createGitHubClient({
    token: TOKEN,
    baseUrl: github.url,
    repo: { owner: github.owner, repo: github.repo },
    throttle: { writeIntervalMs: 0, retryAfterUnitMs: 50 },
    retry: { backoffUnitMs: 10 },
    ...clientOptions,
  });
  return createGitHubStore(octokit, { owner: github.owner, repo: github.repo, path: PATH, ...target });
}

const finding = {
  date: "2026-12-05",
  title: "Refused twice",
  category: "Tooling",
  status: "Open",
  finding: "The bot cannot commit anywhere.",
  impact: "The person gets their text back.",
};

describe("GitHub store: an empty repository", () => {
  it("reads no log and makes the repository's first commit with the first entry", async () => {
    const github = await start({ empty: true });
    const s = store(github);
    expect(await s.read()).toEqual({ text: undefined, version: undefined });
    const service = createLogService({ store: s });
    expect(await service.list()).toEqual([]);
    const result = await service.logFinding(finding);
    expect(result.ok && result.created).toBe(true);
    const [first] = github.commits(github.defaultBranch);
    expect(first?.parent).toBeUndefined();
    expect(github.getFile(github.defaultBranch, PATH)).toMatch(/^# Research Log\n\n## 2026-12-05 Refused twice\n/);
  });

  it("says why a pull request cannot be opened there", async () => {
    const github = await start({ empty: true });
    const error: unknown = await updateLog(store(github, { commitMode: "pull-request" }), (t) => ({ ok: true, text: `${t ?? ""}x\n`, changed: true }), commit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(isRetryable(error)).toBe(false);
    expect((error as Error).message).toMatch(/acme\/research has no commits yet: a pull request needs a branch to merge into/);
  });
});

describe("GitHub store: a rule that refuses the pull-request branch too", () => {
  it.each([
    ["a ruleset requiring pull requests on research-log/*", "ruleset", "Changes must be made through a pull request.", 2, 1],
    ["a ruleset restricting the creation of research-log/**", "restrict-creation", "Cannot create ref due to creations being restricted.", 1, 0],
  ] as const)("%s fails at once, naming the rule, and hands the markdown back", async (_name, style, rule, puts, deletes) => {
    const github = await start({ files: { [PATH]: "# Research Log\n" } });
    github.protectBranch("main", "ruleset");
    github.protectBranch(style === "ruleset" ? "research-log/*" : "research-log/**", style);
    const service = createLogService({ store: store(github) });
    const error: unknown = await service.logFinding(finding).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogWriteError);
    expect((error as LogWriteError).cause).toBeInstanceOf(RefusedError);
    expect(isRetryable(error)).toBe(false);
    expect((error as Error).message).toContain(`a repository rule refuses`);
    expect((error as Error).message).toContain(`"${rule}"`);
    expect((error as Error).message).toContain("research-log/* branches");
    expect((error as LogWriteError).markdown).toContain("## 2026-12-05 Refused twice");
    // One try each, no storm: the direct PUT, the branch, its PUT (when the branch could be made), its deletion.
    expect(github.requestsTo("PUT", `/repos/acme/research/contents/${PATH}`)).toHaveLength(puts);
    expect(github.requestsTo("POST", "/repos/acme/research/git/refs")).toHaveLength(1);
    expect(github.requestsTo("DELETE", /^\/repos\/acme\/research\/git\/refs\/heads\//)).toHaveLength(deletes);
    expect(github.branches()).toEqual(["main"]);
    expect(github.getFile("main", PATH)).toBe("# Research Log\n");
  });
});

describe("GitHub store: what it names", () => {
  it("a directory at LOG_PATH is an error saying so", async () => {
    const github = await start({ files: { "docs/a.md": "a", "docs/b/c.md": "c" } });
    await expect(store(github, { path: "docs" }).read()).rejects.toThrow("docs in acme/research@main is a dir, not a file: set LOG_PATH to the log file");
  });

  it("a 401 with GitHub App auth names the App, not GITHUB_TOKEN", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const github = await start({ files: { [PATH]: "# Research Log\n" }, app: { id: 123, publicKey, installationId: 42 } });
    const s = store(github, {}, { token: undefined, appId: "123", privateKey, installationId: 42 });
    expect((await s.read()).text).toBe("# Research Log\n");
    github.revokeInstallationTokens();
    const error: unknown = await s.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toMatch(/^the GitHub App 123's installation token was rejected by GitHub \(Bad credentials\)/);
    expect((error as Error).message).toContain("check GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY");
    expect((error as Error).message).not.toContain("GITHUB_TOKEN");
  });
});

describe("write spacing", () => {
  it.each([
    [1000, 0, 1000],
    [1000, 0.5, 1250],
    [1000, 0.999, 1499.5],
    [0, 0.7, 0],
  ])("a %i ms interval with random %d waits %d ms: never less than GitHub asks, never in step", (interval, random, expected) => {
    expect(writeGap(interval, () => random)).toBeCloseTo(expected, 6);
  });
});
