/** The built CLI's `--route`: a terminal user reaches the same logs as the routed channels, with the repository's own categories. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeGitHub } from "../support/fake-github.js";
import type { CliRun } from "../support/cli-process.js";
import { runCliProcess } from "../support/cli-process.js";
import { parseCategoriesFile } from "../../src/routes/targets.js";

const TOKEN = "ghp_routeclitoken0123456789";
const LOG = "docs/research_log.md";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const cli = (args: string[], env: Record<string, string>, cwd: string): Promise<CliRun> => runCliProcess(args, { cwd, env });

const entry = (category: string) => ["--title", "Mel features clip", "--category", category, "--status", "Open", "--finding", "Loud clips saturate.", "--impact", "WER up 2%.", "--date", "2026-12-01"];

async function setUp(categoriesFile: string | undefined) {
  const speech = await startFakeGitHub({
    owner: "lab",
    repo: "speech",
    token: TOKEN,
    files: { [LOG]: "# Research Log\n", ...(categoriesFile === undefined ? {} : { ".github/research-log.yml": categoriesFile }) },
  });
  cleanups.push(() => speech.close());
  const dir = mkdtempSync(join(tmpdir(), "research-log-route-cli-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, "research-log.config.yml"),
    `routes:\n  - name: speech\n    slack_channels: [C0SPEECH1]\n    github: { repo: lab/speech, api_url: "${speech.url}" }\n    categories_file: .github/research-log.yml\n`,
  );
  return { speech, dir, env: { GITHUB_TOKEN: TOKEN } };
}

describe("research-log --route", () => {
  it("writes to the route's repository, by the route's name or a channel it routes, with the categories its repository lists", async () => {
    const { speech, dir, env } = await setUp("# Edited by pull request\ncategories:\n  - Audio\n  - Robotics\n");
    const byName = await cli(["add", "--route", "speech", ...entry("Audio")], env, dir);
    expect(byName.stderr).toBe("");
    expect(byName.code).toBe(0);
    expect(speech.getFile(speech.defaultBranch, LOG)).toContain("## 2026-12-01 Mel features clip\n\n**Category**: Audio\n");

    const byChannel = await cli(["list", "--route", "C0SPEECH1", "--json"], env, dir);
    expect(byChannel.code).toBe(0);
    expect((JSON.parse(byChannel.stdout) as { title: string }[]).map((e) => e.title)).toEqual(["Mel features clip"]);
  });

  it("rejects a category the route's repository does not list, naming the field", async () => {
    const { dir, env } = await setUp("categories: [Audio]\n");
    const result = await cli(["add", "--route", "speech", ...entry("Vision")], env, dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^research-log: --category: .*Audio/m);
  });

  it("names the routes there are when --route matches none", async () => {
    const { dir, env } = await setUp(undefined);
    const result = await cli(["list", "--route", "vision"], env, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('research-log: --route: no route is named or routes "vision" (routes: speech)');
  });

  it("starts without the repository's categories, with a warning, when the file is not a list", async () => {
    const { dir, env } = await setUp("categories: Audio, Robotics\n");
    const result = await cli(["list", "--route", "speech"], env, dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('research-log: speech: .github/research-log.yml: categories must be a list of names; route "speech" starts without its repository\'s categories');
  });
});

describe("parseCategoriesFile", () => {
  it.each([
    ["a block list", "categories:\n  - Audio\n  - Robotics\n", ["Audio", "Robotics"]],
    ["a flow list", "categories: [Audio]\n", ["Audio"]],
    ["no categories key", "other: 1\n", []],
    ["an empty file", "", []],
  ])("%s", (_name, text, expected) => {
    expect(parseCategoriesFile(text, "f.yml")).toEqual(expected);
  });

  it.each([
    ["not a list", "categories: Audio\n", "f.yml: categories must be a list of names"],
    ["a bad name", "categories: ['<script>']\n", "f.yml: categories[0] must be a category name (letters, digits, spaces; at most 40 characters)"],
    ["not YAML", "categories: [Audio\n", /^f\.yml: not valid YAML/],
  ])("%s is an error naming the file", (_name, text, expected) => {
    expect(() => parseCategoriesFile(text, "f.yml")).toThrow(expected);
  });
});
