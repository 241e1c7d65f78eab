/**
 * A finding's pictures on GitHub: the entry and its images in one commit
 * through the Git Data API, under the same no-lost-update rule as the log
 * alone (a branch that moved is re-read, never forced), against the fake.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createLogService } from "../../src/services/log-service.js";
import { createGitHubClient, createGitHubStore } from "../../src/store/github.js";
import { ConflictError } from "../../src/store/log-store.js";
import type { FakeGitHub, FakeGitHubOptions } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { EXE_BYTES, imageBytes } from "../support/pictures.js";

const TOKEN = "ghp_picturetesttoken";
const PATH = "docs/research_log.md";
const LOG = "# Research Log\n\n## 2026-01-02 Hand-written entry\n\n**Category**: Data\n**Status**: Open\n\n### Finding\nWritten by hand.\n\n### Impact\nNone.\n";

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeGitHubOptions = { files: { [PATH]: LOG } }, target: { commitMode?: "direct" | "pull-request" } = {}) {
  fake = await startFakeGitHub({ token: TOKEN, ...options });
  const octokit = createGitHubClient({
    token: TOKEN,
    baseUrl: fake.url,
    repo: { owner: fake.owner, repo: fake.repo },
    throttle: { writeIntervalMs: 0, retryAfterUnitMs: 10 },
    retry: { retries: 1, backoffUnitMs: 5 },
  });
  const store = createGitHubStore(octokit, { owner: fake.owner, repo: fake.repo, path: PATH, requestTimeoutMs: 5000, ...target });
  const service = createLogService({ store, clock: { now: () => new Date("2026-12-07T10:00:00Z") }, maxAttempts: 5 });
  return { github: fake, store, service };
}

const input = (title: string) => ({
  title,
  category: "Training",
  status: "Open",
  finding: "The loss turns to NaN at step 400 with AMP on.",
  impact: "Every fp16 run dies.",
});

const loss = imageBytes("png", 4096, 1);
const throughput = imageBytes("jpeg", 2048, 2);

describe("GitHub store: pictures land in one commit with the entry", () => {
  it("commits the entry and two images as one commit and embeds them by relative path", async () => {
    const { github, service } = await start();
    const before = github.commits("main").length;
    const result = await service.logFinding(input("Loss goes NaN"), { name: "Ada" }, [
      { name: "loss curve.png", bytes: loss },
      { name: "throughput.jpeg", bytes: throughput },
    ]);
    expect(result).toMatchObject({ ok: true, refused: [] });
    if (!result.ok) return;
    const commits = github.commits("main");
    expect(commits.length).toBe(before + 1);
    expect(commits[0]?.message).toBe("docs: log finding - Loss goes NaN\n\nLogged-by: Ada");
    expect(result.pictures).toHaveLength(2);
    const [lossPath, throughputPath] = result.pictures;
    expect(lossPath).toMatch(/^docs\/research_log\/assets\/2026-12-07-loss-goes-nan-[0-9a-f]{8}\/loss-curve\.png$/);
    expect(throughputPath).toMatch(/\/throughput\.jpg$/);
    expect(github.getBytes("main", lossPath ?? "")?.equals(loss)).toBe(true);
    expect(github.getBytes("main", throughputPath ?? "")?.equals(throughput)).toBe(true);
    const log = github.getFile("main", PATH) ?? "";
    expect(log.startsWith(LOG)).toBe(true);
    expect(log).toContain(`![loss curve.png](${(lossPath ?? "").replace("docs/", "").replace(" ", "%20")})`);
    expect(log).toContain(`![throughput.jpeg](${(throughputPath ?? "").replace("docs/", "")})`);
    // One commit: no contents PUT, and the branch moved forward only.
    expect(github.requestsTo("PUT", /\/contents\//)).toHaveLength(0);
    expect(github.requestsTo("PATCH", /\/git\/refs\/heads\/main$/).map((r) => (r.body as { force?: boolean }).force)).toEqual([false]);
  });

  it("keeps a hand edit committed between the read and the ref update: the update is refused (not a fast forward), re-read and made again", async () => {
    const { github, service } = await start();
    github.humanCommitBeforeNextPut((text) => (text ?? "").replace("Written by hand.", "Written by hand, and corrected."), PATH);
    const result = await service.logFinding(input("Loss goes NaN"), undefined, [{ name: "loss.png", bytes: loss }]);
    expect(result.ok).toBe(true);
    const log = github.getFile("main", PATH) ?? "";
    expect(log).toContain("Written by hand, and corrected.");
    expect(log.match(/## 2026-12-07 Loss goes NaN/g)).toHaveLength(1);
    expect(github.requestsTo("PATCH", /\/git\/refs\/heads\/main$/).map((r) => r.status)).toEqual([422, 200]);
    // The picture was uploaded once: the retry reuses its blob.
    expect(github.requestsTo("POST", /\/git\/blobs$/)).toHaveLength(1);
    const [ours, human] = github.commits("main");
    expect(human?.message).toBe("Edit research log by hand");
    expect(ours?.tree.has(result.ok ? (result.pictures[0] ?? "") : "")).toBe(true);
  });

  it("refuses a write made on a version of the log that is no longer at the branch head", async () => {
    const { github, store } = await start();
    const { version } = await store.read();
    github.setFile("main", PATH, `${LOG}\nA line added by hand.\n`);
    await expect(store.write(`${LOG}\nOurs.\n`, version, { message: "docs: log finding - x", files: [{ path: "docs/research_log/assets/x/a.png", bytes: loss }] })).rejects.toBeInstanceOf(ConflictError);
    expect(github.getFile("main", PATH)).toBe(`${LOG}\nA line added by hand.\n`);
    expect(github.getBytes("main", "docs/research_log/assets/x/a.png")).toBeUndefined();
  });

  it("finds its own write after a 502 on the ref update that did land, and does not log it twice", async () => {
    const { github, service } = await start();
    github.failNextPut({ status: 502, when: "after" });
    const result = await service.logFinding(input("Loss goes NaN"), undefined, [{ name: "loss.png", bytes: loss }]);
    expect(result).toMatchObject({ ok: true });
    const log = github.getFile("main", PATH) ?? "";
    expect(log.match(/## 2026-12-07 Loss goes NaN/g)).toHaveLength(1);
    expect(github.requestsTo("PATCH", /\/git\/refs\/heads\/main$/)).toHaveLength(1);
  });

  it("logs the finding without a 30 MB image and a program named plot.png, saying why for each", async () => {
    const { github, service } = await start();
    const result = await service.logFinding(input("Loss goes NaN"), undefined, [
      { name: "huge.png", bytes: imageBytes("png", 30 * 1024 * 1024) },
      { name: "plot.png", bytes: EXE_BYTES },
    ]);
    expect(result).toMatchObject({
      ok: true,
      pictures: [],
      refused: [
        { name: "huge.png", reason: "huge.png is 30.0 MB, over the 10.0 MB limit for one image" },
        { name: "plot.png", reason: "plot.png is not a PNG, JPEG, GIF or WebP image (judged by its contents, not its name)" },
      ],
    });
    const log = github.getFile("main", PATH) ?? "";
    expect(log).toContain("## 2026-12-07 Loss goes NaN");
    expect(log).not.toContain("![");
    expect(github.requestsTo("POST", /\/git\/blobs$/)).toHaveLength(0);
  });

  it("opens a pull request holding the entry and its pictures when the branch takes no direct commits", async () => {
    const { github, service } = await start();
    github.protectBranch("main", "ruleset");
    const result = await service.logFinding(input("Loss goes NaN"), undefined, [{ name: "loss.png", bytes: loss }]);
    expect(result).toMatchObject({ ok: true, pullRequestUrl: expect.stringContaining("/pull/1") });
    const head = github.pullRequests[0]?.head ?? "";
    expect(github.getFile(head, PATH)).toContain("![loss.png](research_log/assets/");
    expect(github.getBytes(head, result.ok ? (result.pictures[0] ?? "") : "")?.equals(loss)).toBe(true);
    expect(github.getFile("main", PATH)).toBe(LOG);
  });

  it("makes an empty repository's first commit the log, and puts the pictures in the next", async () => {
    const { github, service } = await start({ empty: true });
    const result = await service.logFinding(input("Loss goes NaN"), undefined, [{ name: "loss.png", bytes: loss }]);
    expect(result.ok).toBe(true);
    expect(github.commits("main")).toHaveLength(2);
    expect(github.getBytes("main", result.ok ? (result.pictures[0] ?? "") : "")?.equals(loss)).toBe(true);
    expect(github.getFile("main", PATH)).toContain("![loss.png](research_log/assets/");
  });

  it("lands every finding once with its pictures when two writers race and a person edits the log mid-burst", async () => {
    const { github, service } = await start();
    // A second process: its own store, cache and lock, on the same repository.
    const other = createLogService({
      store: createGitHubStore(
        createGitHubClient({ token: TOKEN, baseUrl: github.url, repo: { owner: github.owner, repo: github.repo }, throttle: { writeIntervalMs: 0 }, retry: { retries: 1, backoffUnitMs: 5 } }),
        { owner: github.owner, repo: github.repo, path: PATH, requestTimeoutMs: 5000 },
      ),
      clock: { now: () => new Date("2026-12-07T10:00:00Z") },
      maxAttempts: 30,
    });
    const services = [service, other];
    github.humanCommitBeforeNextPut((text) => (text ?? "").replace("Written by hand.", "Written by hand, and corrected."), PATH);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const picture = imageBytes(i % 2 === 0 ? "png" : "jpeg", 1000 + i, 100 + i);
        const by = services[i % 2];
        return by?.logFinding(input(`Finding ${i}`), undefined, [{ name: `plot-${i}.${i % 2 === 0 ? "png" : "jpg"}`, bytes: picture }]).then((result) => ({ result, picture }));
      }),
    );
    const log = github.getFile("main", PATH) ?? "";
    expect(log).toContain("Written by hand, and corrected.");
    for (const [i, outcome] of results.entries()) {
      expect(outcome?.result.ok).toBe(true);
      if (outcome === undefined || !outcome.result.ok) continue;
      expect(log.match(new RegExp(`## 2026-12-07 Finding ${i}\n`, "g"))).toHaveLength(1);
      const [path] = outcome.result.pictures;
      expect(github.getBytes("main", path ?? "")?.equals(outcome.picture)).toBe(true);
      expect(log).toContain(`](${(path ?? "").replace("docs/", "")})`);
    }
    // Never forced: the updates that found the branch moved were refused (422) and made again on a fresh read.
    const updates = github.requestsTo("PATCH", /\/git\/refs\/heads\/main$/);
    expect(updates.every((r) => (r.body as { force?: boolean }).force === false)).toBe(true);
    expect(updates.filter((r) => r.status === 200)).toHaveLength(12);
    expect(updates.some((r) => r.status === 422)).toBe(true);
  });
});
