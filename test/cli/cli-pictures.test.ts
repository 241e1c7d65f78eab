/**
 * `research-log add --picture`: the pictures are committed with the entry in
 * one commit of the local checkout; a file that is not an image, or too
 * large, stops the command before anything is written.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { EXE_BYTES, imageBytes } from "../support/pictures.js";
import type { CliRun } from "../support/cli-process.js";
import { CLI_BIN as bin, runCliProcess } from "../support/cli-process.js";

const gitEnv = { PATH: process.env.PATH ?? "", HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "Ada", GIT_AUTHOR_EMAIL: "ada@example.com", GIT_COMMITTER_NAME: "Ada", GIT_COMMITTER_EMAIL: "ada@example.com" };
const dirs: string[] = [];

function makeRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "research-log-pictures-"));
  dirs.push(dir);
  execFileSync("git", ["init", "-q", "-b", "main", dir], { env: gitEnv });
  return dir;
}

const git = (dir: string, ...args: string[]): string => execFileSync("git", ["-C", dir, ...args], { env: gitEnv, encoding: "utf8" });

const cli = (dir: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> => runCliProcess(args, { cwd: dir, env: { ...gitEnv, ...env } });

const add = ["add", "--title", "Throughput cliff", "--category", "Performance", "--status", "Open", "--finding", "Halves past batch 512.", "--impact", "Use 384.", "--date", "2026-12-07"];

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`build the CLI first (npm run build): ${bin} is missing`);
});

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("research-log add --picture", () => {
  it("commits the entry and two pictures in one commit and embeds them", async () => {
    const dir = makeRepo();
    const plot = imageBytes("png", 3000, 7);
    const trace = imageBytes("jpeg", 2000, 8);
    writeFileSync(join(dir, "plot.png"), plot);
    writeFileSync(join(dir, "trace.jpeg"), trace);
    const result = await cli(dir, [...add, "--picture", "plot.png", "--picture", join(dir, "trace.jpeg"), "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { pictures: string[] };
    expect(out.pictures).toEqual([
      expect.stringMatching(/^docs\/research_log\/assets\/2026-12-07-throughput-cliff-[0-9a-f]{8}\/plot\.png$/),
      expect.stringMatching(/\/trace\.jpg$/),
    ]);
    expect(git(dir, "show", "--name-only", "--format=%s", "HEAD").trim().split("\n").filter((l) => l !== "")).toEqual([
      "docs: log finding - Throughput cliff",
      ...["docs/research_log.md", ...out.pictures].sort(),
    ]);
    expect(readFileSync(join(dir, out.pictures[0] ?? "")).equals(plot)).toBe(true);
    expect(readFileSync(join(dir, "docs/research_log.md"), "utf8")).toContain(`### Finding\nHalves past batch 512.\n\n![plot.png](${(out.pictures[0] ?? "").replace("docs/", "")})\n\n![trace.jpeg](`);
  });

  it("stops before writing anything when a picture is a program named plot.png, naming the flag", async () => {
    const dir = makeRepo();
    writeFileSync(join(dir, "plot.png"), EXE_BYTES);
    const result = await cli(dir, [...add, "--picture", "plot.png"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("research-log: --picture: plot.png is not a PNG, JPEG, GIF or WebP image (judged by its contents, not its name)\n");
    expect(existsSync(join(dir, "docs"))).toBe(false);
  });

  it("says which picture it cannot read, and honours PICTURE_MAX_MB", async () => {
    const dir = makeRepo();
    const missing = await cli(dir, [...add, "--picture", "nowhere.png"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--picture: cannot read nowhere.png (ENOENT)");
    writeFileSync(join(dir, "big.png"), imageBytes("png", 2 * 1024 * 1024));
    const big = await cli(dir, [...add, "--picture", "big.png"], { PICTURE_MAX_MB: "1" });
    expect(big.code).toBe(1);
    expect(big.stderr).toBe("research-log: --picture: big.png is 2.0 MB, over the 1.0 MB limit for one image\n");
  });
});
