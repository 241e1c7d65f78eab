import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";
import { EXE_BYTES, imageBytes } from "../support/pictures.js";
import type { CliRun } from "../support/cli-process.js";
import { CLI_BIN as bin, runCliProcess } from "../support/cli-process.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const seedFile = join(root, "test/fixtures/seed-example.md");

const gitEnv = {
  PATH: process.env.PATH ?? "",
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Ada Lovelace",
  GIT_AUTHOR_EMAIL: "ada@example.com",
  GIT_COMMITTER_NAME: "Ada Lovelace",
  GIT_COMMITTER_EMAIL: "ada@example.com",
};

const dirs: string[] = [];

function makeRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "research-log-cli-"));
  dirs.push(dir);
  execFileSync("git", ["init", "-q", "-b", "main", dir], { env: gitEnv });
  return dir;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { env: gitEnv, encoding: "utf8" });
}

const cli = (dir: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> => runCliProcess(args, { cwd: dir, env: { ...gitEnv, ...env } });

const seedArgs = [
  "add",
  "--title",
  "AMP Breaks Complex Number Operations",
  "--category",
  "Training",
  "--status",
  "Workaround",
  "--related",
  "experiments/train.py, MLflow run abc123",
  "--finding",
  [
    "Automatic Mixed Precision (AMP) causes NaN gradients when used with",
    "complex-valued tensors. The `torch.amp.autocast` context manager",
    "casts intermediate results to float16, which loses precision in",
    "complex magnitude calculations.",
  ].join("\n"),
  "--impact",
  "Cannot use AMP for training speedup. Training is ~2x slower than\ncomparable real-valued models.",
  "--action",
  "Investigate selective AMP (only for real-valued layers)",
  "--action",
  "Test with bfloat16 instead of float16",
  "--action",
  "[x] Disable AMP as workaround (--amp flag removed from defaults)",
  "--date",
  "2026-01-20",
];

const logOf = (dir: string): string => readFileSync(join(dir, "docs/research_log.md"), "utf8");

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`build the CLI first (npm run build): ${bin} is missing`);
});

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("research-log add", () => {
  it("writes the seed's example entry byte for byte and commits it with the seed's message", async () => {
    const dir = makeRepo();
    const result = await cli(dir, [...seedArgs, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(logOf(dir)).toBe(readFileSync(seedFile, "utf8"));
    expect(git(dir, "log", "--format=%s")).toBe("docs: log finding - AMP Breaks Complex Number Operations\n");
    expect(git(dir, "show", "--name-only", "--format=", "HEAD")).toBe("docs/research_log.md\n");
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      id: "2026-01-20-amp-breaks-complex-number-operations",
      path: "docs/research_log.md",
      commit: git(dir, "rev-parse", "HEAD").trim(),
      created: true,
    });
  });

  it("does not commit the same entry twice", async () => {
    const dir = makeRepo();
    expect((await cli(dir, seedArgs)).code).toBe(0);
    const again = await cli(dir, seedArgs);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Already logged");
    expect(git(dir, "rev-list", "--count", "HEAD").trim()).toBe("1");
  });

  const base = ["add", "--title", "T", "--category", "Data", "--status", "Open", "--finding", "F", "--impact", "I"];
  const withFlag = (flag: string, value: string): string[] => {
    const args = [...base];
    const at = args.indexOf(flag);
    if (at === -1) args.push(flag, value);
    else args[at + 1] = value;
    return args;
  };

  it.each([
    ["an empty title", withFlag("--title", "   "), "--title: Title"],
    ["an unknown category", withFlag("--category", "Vibes"), "--category: Category must be one of"],
    ["a 10,000-character title", withFlag("--title", "x".repeat(10_000)), "--title: Title is too long"],
    ["a date that does not exist", withFlag("--date", "2026-02-30"), "--date: Date 2026-02-30 does not exist"],
    ["an unknown status", withFlag("--status", "Done"), "--status: Status must be one of"],
  ])("rejects %s with exit 1, naming the field, and leaves the log alone", async (_name, args, message) => {
    const dir = makeRepo();
    mkdirSync(join(dir, "docs"));
    writeFileSync(join(dir, "docs/research_log.md"), "# Research Log\n");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "init");
    const result = await cli(dir, args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(logOf(dir)).toBe("# Research Log\n");
    expect(git(dir, "rev-list", "--count", "HEAD").trim()).toBe("1");
  });

  it("rejects a NUL byte (which no shell can pass, but a caller of runCli can) naming the field", async () => {
    const dir = makeRepo();
    const out: string[] = [];
    const code = await runCli(withFlag("--finding", "a\0b"), {
      env: gitEnv,
      cwd: dir,
      io: { stdout: (t) => out.push(t), stderr: (t) => out.push(t), prompter: undefined },
    });
    expect(code).toBe(1);
    expect(out.join("")).toContain("--finding: Finding contains");
    expect(existsSync(join(dir, "docs/research_log.md"))).toBe(false);
  });

  it("on a terminal, asks for the missing fields, keeping answers typed ahead", async () => {
    const dir = makeRepo();
    // `script` gives the CLI a real pseudo-terminal; every answer arrives at once, as when pasted.
    const answers = "data\nopen\nruns/42, https://example.com/x\nLine one\nLine two\n\nIt matters\n\nFix it\n[x] Note it\n\n";
    const child = execFile("script", ["-qec", `${process.execPath} ${bin} add --title 'Asked on a terminal' --date 2026-03-02`, "/dev/null"], {
      cwd: dir,
      env: { ...gitEnv, TERM: "dumb" },
    });
    child.stdin?.end(answers);
    const code = await new Promise<number | null>((done) => child.on("exit", done));
    expect(code).toBe(0);
    expect(logOf(dir)).toBe(
      "# Research Log\n\n## 2026-03-02 Asked on a terminal\n\n**Category**: Data\n**Status**: Open\n**Related**: `runs/42`, https://example.com/x\n\n### Finding\nLine one\nLine two\n\n### Impact\nIt matters\n\n### Action Items\n- [ ] Fix it\n- [x] Note it\n",
    );
  });

  it("without a terminal, names every missing field", async () => {
    const dir = makeRepo();
    const result = await cli(dir, ["add", "--title", "Only a title"]);
    expect(result.code).toBe(1);
    for (const flag of ["--category", "--status", "--finding", "--impact"]) expect(result.stderr).toContain(flag);
    expect(existsSync(join(dir, "docs/research_log.md"))).toBe(false);
  });

  it("lands 20 concurrent adds on one checkout as 20 entries and 20 commits", async () => {
    const dir = makeRepo();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cli(dir, ["add", "--title", `Finding ${i}`, "--category", "Data", "--status", "Open", "--finding", `f${i}`, "--impact", `i${i}`, "--date", "2026-03-01"]),
      ),
    );
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    const log = logOf(dir);
    for (let i = 0; i < 20; i++) expect(log.split(`## 2026-03-01 Finding ${i}\n`).length).toBe(2);
    expect(log.match(/^## /gm)?.length).toBe(20);
    expect(git(dir, "rev-list", "--count", "HEAD").trim()).toBe("20");
    expect(git(dir, "status", "--porcelain")).toBe("");
    git(dir, "fsck", "--no-progress");
  });
});

describe("research-log list, digest, resolve, check", () => {
  async function seeded(): Promise<string> {
    const dir = makeRepo();
    expect((await cli(dir, seedArgs)).code).toBe(0);
    return dir;
  }
  const id = "2026-01-20-amp-breaks-complex-number-operations";

  it("lists entries as JSON with the contract's fields", async () => {
    const dir = await seeded();
    const result = await cli(dir, ["list", "--json"]);
    expect(result.code).toBe(0);
    const [entry] = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(entry).toMatchObject({
      id,
      date: "2026-01-20",
      title: "AMP Breaks Complex Number Operations",
      category: "Training",
      status: "Workaround",
      related: ["experiments/train.py", "MLflow run abc123"],
      actionItems: [
        { text: "Investigate selective AMP (only for real-valued layers)", done: false },
        { text: "Test with bfloat16 instead of float16", done: false },
        { text: "Disable AMP as workaround (--amp flag removed from defaults)", done: true },
      ],
    });
    expect(JSON.parse((await cli(dir, ["list", "--json", "--status", "resolved"])).stdout)).toEqual([]);
    expect(JSON.parse((await cli(dir, ["list", "--json", "--search", "bfloat16"])).stdout)).toHaveLength(1);
    expect((await cli(dir, ["list"])).stdout).toContain("1. [ ] Investigate selective AMP");
  });

  it("digests open items with their numbers and ages", async () => {
    const dir = await seeded();
    const result = await cli(dir, ["digest", "--json"]);
    expect(result.code).toBe(0);
    const groups = JSON.parse(result.stdout) as { id: string; items: { item: number; text: string; ageDays: number }[] }[];
    expect(groups).toHaveLength(1);
    expect(groups[0]?.id).toBe(id);
    expect(groups[0]?.items.map((i) => i.item)).toEqual([1, 2]);
    expect(groups[0]?.items[0]?.ageDays).toBeGreaterThan(0);
  });

  it("checks an item and resolves a finding, changing one character each, with the right commits", async () => {
    const dir = await seeded();
    const before = logOf(dir);
    const item = await cli(dir, ["resolve", id, "--item", "2"]);
    expect(item.code).toBe(0);
    const afterItem = logOf(dir);
    expect(afterItem).toBe(before.replace("- [ ] Test with bfloat16", "- [x] Test with bfloat16"));
    expect(git(dir, "log", "-1", "--format=%s").trim()).toBe("docs: check action item - AMP Breaks Complex Number Operations");

    const resolved = await cli(dir, ["resolve", id]);
    expect(resolved.code).toBe(0);
    expect(logOf(dir)).toBe(afterItem.replace("**Status**: Workaround", "**Status**: Resolved"));
    expect(git(dir, "log", "-1", "--format=%s").trim()).toBe("docs: resolve finding - AMP Breaks Complex Number Operations");
    const digest = JSON.parse((await cli(dir, ["digest", "--json"])).stdout) as unknown[];
    expect(digest).toEqual([]);
  });

  it("takes a unique beginning of an id, and lists the candidates when it is not unique", async () => {
    const dir = await seeded();
    const second = ["add", "--title", "AMP again", "--category", "Training", "--status", "Open", "--finding", "f", "--impact", "i", "--date", "2026-01-20"];
    expect((await cli(dir, second)).code).toBe(0);
    const ambiguous = await cli(dir, ["resolve", "2026-01-20-amp"]);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(id);
    expect(ambiguous.stderr).toContain("2026-01-20-amp-again");
    const unique = await cli(dir, ["resolve", "2026-01-20-amp-b", "--json"]);
    expect(unique.code).toBe(0);
    expect(JSON.parse(unique.stdout)).toMatchObject({ id, changed: true });
  });

  it("reports an unknown id or item with exit 1 and no commit", async () => {
    const dir = await seeded();
    const noEntry = await cli(dir, ["resolve", "nope"]);
    expect(noEntry.code).toBe(1);
    expect(noEntry.stderr).toContain('"nope"');
    const noItem = await cli(dir, ["resolve", id, "--item", "9"]);
    expect(noItem.code).toBe(1);
    expect(noItem.stderr).toContain("9");
    expect(git(dir, "rev-list", "--count", "HEAD").trim()).toBe("1");
  });

  it("edits only what is given, inside that entry, with its own commit and the new id", async () => {
    const dir = await seeded();
    const prose = "\nA paragraph after the entry, written by hand.\n";
    writeFileSync(join(dir, "docs/research_log.md"), `${logOf(dir)}${prose}`);
    git(dir, "commit", "-qam", "hand edit");
    const before = logOf(dir);
    const edited = await cli(dir, ["edit", "2026-01-20-amp", "--title", "AMP breaks complex numbers", "--finding", "torch.view_as_real fails under autocast.", "--add-action", "File an upstream issue"]);
    expect(edited.stderr).toBe("");
    expect(edited.code).toBe(0);
    expect(edited.stdout).toMatch(/^Edited 2026-01-20-amp-breaks-complex-numbers \(its id is now 2026-01-20-amp-breaks-complex-numbers\) as [0-9a-f]{12}\n$/);
    const after = logOf(dir);
    expect(after).toContain("## 2026-01-20 AMP breaks complex numbers\n");
    expect(after).toContain("### Finding\ntorch.view_as_real fails under autocast.\n");
    expect(after).toContain("- [x] Disable AMP as workaround (--amp flag removed from defaults)\n- [ ] File an upstream issue\n");
    expect(after.endsWith(prose)).toBe(true);
    // Impact, Category, Status and Related are as they were.
    const unchanged = (text: string) => text.slice(text.indexOf("**Category**"), text.indexOf("### Finding"));
    expect(unchanged(after)).toBe(unchanged(before));
    expect(git(dir, "log", "-1", "--format=%s").trim()).toBe("docs: edit finding - AMP breaks complex numbers");
    // The same edit again changes nothing and commits nothing.
    const again = await cli(dir, ["edit", "2026-01-20-amp-breaks-complex-numbers", "--title", "AMP breaks complex numbers"]);
    expect(again.stdout).toMatch(/^Nothing to change/);
    expect(git(dir, "log", "-1", "--format=%s").trim()).toBe("docs: edit finding - AMP breaks complex numbers");
  });

  it("refuses an edit with bad input, naming the flag, and an unknown id", async () => {
    const dir = await seeded();
    const bad = await cli(dir, ["edit", id, "--category", "Food"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--category/);
    const unknown = await cli(dir, ["edit", "nope", "--title", "x"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no finding with id "nope"');
  });

  it("check passes on a good log and names file:line on a bad one", async () => {
    const dir = await seeded();
    expect((await cli(dir, ["check"])).code).toBe(0);
    writeFileSync(join(dir, "docs/research_log.md"), logOf(dir).replace("**Status**: Workaround", "**Status**: Done"));
    const bad = await cli(dir, ["check"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^docs\/research_log\.md:6: warning: Status "Done" is not one of/m);
    expect(bad.stderr).toContain("docs/research_log.md: 0 errors, 1 warning\n");
    // --lenient: the warning is still said, but does not fail.
    const lenient = await cli(dir, ["check", "--lenient"]);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/^docs\/research_log\.md:6: warning: /m);
    const json = await cli(dir, ["check", "--lenient", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, problems: [{ line: 6, severity: "warning" }] });
    // An error (a fence never closed) fails even with --lenient.
    writeFileSync(join(dir, "docs/research_log.md"), `${logOf(dir)}\n\`\`\`python\nx = 1\n`);
    const broken = await cli(dir, ["check", "--lenient"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/: error: Code fence is never closed/);
  });
});

describe("this repository's own research log", () => {
  it("passes research-log check", async () => {
    const result = await cli(root, ["check", "--repo", root]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const entries = JSON.parse((await cli(root, ["list", "--json"])).stdout) as unknown[];
    expect(entries.length).toBeGreaterThan(0);
  });
});

describe("usage and store failures", () => {
  it("exits 2 on an unknown command or flag, and on bad configuration", async () => {
    const dir = makeRepo();
    expect((await cli(dir, ["frobnicate"])).code).toBe(2);
    expect((await cli(dir, ["list", "--bogus"])).code).toBe(2);
    const badRepo = await cli(dir, ["list"], { GITHUB_REPO: "not-a-repo", GITHUB_TOKEN: "x" });
    expect(badRepo.code).toBe(2);
    expect(badRepo.stderr).toContain('GITHUB_REPO must look like owner/name (got "not-a-repo")');
  });

  it("exits 3 outside a git checkout, and hands the entry back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "research-log-nogit-"));
    dirs.push(dir);
    const result = await cli(dir, seedArgs);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("not a git checkout");
  });

  it("exits 3 when git cannot commit, hands the entry back, and leaves the file as it was", async () => {
    const dir = makeRepo();
    const env = { GIT_AUTHOR_NAME: "", GIT_AUTHOR_EMAIL: "", GIT_COMMITTER_NAME: "", GIT_COMMITTER_EMAIL: "" };
    const result = await run(process.execPath, [bin, ...seedArgs], {
      cwd: dir,
      env: { PATH: gitEnv.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: "1", ...env, EMAIL: "" },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("## 2026-01-20 AMP Breaks Complex Number Operations");
    expect(existsSync(join(dir, "docs/research_log.md"))).toBe(false);
  });
});

/** `add --picture`: pictures committed with the entry in one commit; a file that would be left out stops the command before anything is written. */
const pictureAdd = ["add", "--title", "Throughput cliff", "--category", "Performance", "--status", "Open", "--finding", "Halves past batch 512.", "--impact", "Use 384.", "--date", "2026-12-07"];

describe("research-log add --picture", () => {
  it("commits the entry and two pictures in one commit and embeds them", async () => {
    const dir = makeRepo();
    const plot = imageBytes("png", 3000, 7);
    const trace = imageBytes("jpeg", 2000, 8);
    writeFileSync(join(dir, "plot.png"), plot);
    writeFileSync(join(dir, "trace.jpeg"), trace);
    const result = await cli(dir, [...pictureAdd, "--picture", "plot.png", "--picture", join(dir, "trace.jpeg"), "--json"]);
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
    const result = await cli(dir, [...pictureAdd, "--picture", "plot.png"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("research-log: --picture: plot.png is not a PNG, JPEG, GIF or WebP image (judged by its contents, not its name)\n");
    expect(existsSync(join(dir, "docs"))).toBe(false);
  });

  it("says which picture it cannot read, and honours PICTURE_MAX_MB", async () => {
    const dir = makeRepo();
    const missing = await cli(dir, [...pictureAdd, "--picture", "nowhere.png"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--picture: cannot read nowhere.png (ENOENT)");
    writeFileSync(join(dir, "big.png"), imageBytes("png", 2 * 1024 * 1024));
    const big = await cli(dir, [...pictureAdd, "--picture", "big.png"], { PICTURE_MAX_MB: "1" });
    expect(big.code).toBe(1);
    expect(big.stderr).toBe("research-log: --picture: big.png is 2.0 MB, over the 1.0 MB limit for one image\n");
  });

  it("has check warn, with file:line, about a picture the log embeds that is no longer in the checkout", async () => {
    const dir = makeRepo();
    writeFileSync(join(dir, "plot.png"), imageBytes("png", 1000, 9));
    const added = await cli(dir, [...pictureAdd, "--picture", "plot.png", "--json"]);
    const [picture] = (JSON.parse(added.stdout) as { pictures: string[] }).pictures;
    expect(await cli(dir, ["check"])).toMatchObject({ code: 0, stdout: "docs/research_log.md: ok\n" });
    rmSync(join(dir, picture ?? ""));
    const line = readFileSync(join(dir, "docs/research_log.md"), "utf8").split("\n").findIndex((l) => l.startsWith("![plot.png]")) + 1;
    const checked = await cli(dir, ["check"]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(`docs/research_log.md:${line}: warning: picture ${(picture ?? "").replace("docs/", "")} is not in the checkout (deleted, or never committed)\n`);
    expect((await cli(dir, ["check", "--lenient"])).code).toBe(0);
  });
});
