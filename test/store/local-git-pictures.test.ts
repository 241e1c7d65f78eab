/**
 * A finding's pictures in a local checkout: the entry and its images in one
 * git commit, a writer that died before committing has its pictures
 * committed with its entry, and a refused commit leaves no picture behind.
 */
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogService } from "../../src/services/log-service.js";
import { createLocalGitStore } from "../../src/store/local-git.js";
import type { TempGitRepo } from "../support/git-repo.js";
import { createTempGitRepo } from "../support/git-repo.js";
import { imageBytes } from "../support/pictures.js";

const LOG = "docs/research_log.md";
const repos: TempGitRepo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((repo) => repo.cleanup()));
});

async function setup() {
  const repo = await createTempGitRepo({ initialCommit: true });
  repos.push(repo);
  const store = createLocalGitStore({ repoDir: repo.dir, env: repo.env });
  const service = createLogService({ store, clock: { now: () => new Date("2026-12-07T10:00:00Z") } });
  return { repo, store, service };
}

const input = { title: "Throughput cliff at batch 512", category: "Performance", status: "Open", finding: "Throughput halves past batch 512.", impact: "Use 384." };
const plot = imageBytes("png", 3000, 3);
const profile = imageBytes("gif", 1500, 4);

describe("local git store: pictures", () => {
  it("commits the entry and its pictures in one commit, and leaves the work tree clean", async () => {
    const { repo, service } = await setup();
    const result = await service.logFinding(input, { name: "Ada" }, [
      { name: "plot.png", bytes: plot },
      { name: "profile.gif", bytes: profile },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const changed = (await repo.git("show", "--name-only", "--format=%s", "HEAD")).trim().split("\n");
    expect(changed[0]).toBe("docs: log finding - Throughput cliff at batch 512");
    expect(changed.slice(1).filter((l) => l !== "").sort()).toEqual([LOG, ...result.pictures].sort());
    expect(result.pictures[0]).toMatch(/^docs\/research_log\/assets\/2026-12-07-throughput-cliff-at-batch-512-[0-9a-f]{8}\/plot\.png$/);
    expect((await readFile(join(repo.dir, result.pictures[0] ?? ""))).equals(plot)).toBe(true);
    expect(await readFile(join(repo.dir, LOG), "utf8")).toContain(`![plot.png](${(result.pictures[0] ?? "").replace("docs/", "")})`);
    expect(await repo.git("status", "--porcelain")).toBe("");
  });

  it("has a writer that died before committing committed with its pictures by the next writer", async () => {
    const { repo, store } = await setup();
    const picture = "docs/research_log/assets/crashed-0a1b2c3d/plot.png";
    await repo.writeFile(picture, plot);
    await repo.writeFile(LOG, "# Research Log\n\n## 2026-12-07 Crashed\n\n![plot.png](research_log/assets/crashed-0a1b2c3d/plot.png)\n");
    const version = (await repo.git("hash-object", LOG)).trim();
    const pictureVersion = (await repo.git("hash-object", picture)).trim();
    await writeFile(join(repo.dir, ".git/research-log.pending.json"), JSON.stringify({ path: LOG, version, message: "docs: log finding - Crashed", files: [{ path: picture, version: pictureVersion }] }));
    await store.withLock(async () => undefined);
    const changed = (await repo.git("show", "--name-only", "--format=%s", "HEAD")).trim().split("\n").filter((l) => l !== "");
    expect(changed).toEqual(["docs: log finding - Crashed", LOG, picture]);
    expect(await repo.git("status", "--porcelain")).toBe("");
  });

  it("leaves no picture behind when git refuses the commit, and hands the entry back", async () => {
    const { repo, service } = await setup();
    const hook = join(repo.dir, ".git/hooks/pre-commit");
    await writeFile(hook, "#!/bin/sh\necho 'refused by a hook' >&2\nexit 1\n");
    await chmod(hook, 0o755);
    await expect(service.logFinding(input, undefined, [{ name: "plot.png", bytes: plot }])).rejects.toThrow(/refused by a hook/);
    await expect(stat(join(repo.dir, "docs/research_log"))).rejects.toThrow();
    await expect(stat(join(repo.dir, LOG))).rejects.toThrow();
    expect(await repo.git("status", "--porcelain", "--untracked-files=all")).toBe("");
  });
});
