import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeGitHub } from "../support/fake-github.js";
import { startGitHubLogService, TEST_LOG_PATH } from "../support/github-log-service.js";
import type { LogService } from "../../src/services/log-service.js";

/**
 * The log service's edit against the GitHub store and the fake GitHub: an
 * edit is made against the entry as the form showed it, and never over a
 * change made to that entry since.
 */

const VARIANTS = readFileSync(new URL("../fixtures/hand-written-variants.md", import.meta.url), "utf8");
const LOADER = "2026-03-1314-dataloader-stalls-under-nfs";
const clock = { now: () => new Date("2026-12-07T10:00:00Z") };

let github: FakeGitHub | undefined;
afterEach(async () => {
  await github?.close();
  github = undefined;
});

async function start(): Promise<{ github: FakeGitHub; service: LogService }> {
  const started = await startGitHubLogService({ clock, files: { [TEST_LOG_PATH]: VARIANTS } });
  github = started.github;
  return started;
}

describe("editFinding", () => {
  it("fills the form from the file as it is now, and commits the edit with its own message", async () => {
    const { github, service } = await start();
    github.setFile(github.defaultBranch, TEST_LOG_PATH, VARIANTS.replace("Ask infra for local SSD scratch", "Ask infra for local NVMe scratch"));
    const form = await service.editForm(LOADER);
    expect(form?.input).toMatchObject({ title: "Dataloader stalls under NFS", status: "Open", actionItems: ["[ ] Ask infra for local NVMe scratch", "[ ] Measure with `strace -c`"] });
    const edited = await service.editFinding(LOADER, { impact: "15% of wall time lost on the 64-GPU runs.", actionItems: [...(form?.input.actionItems as string[]), "[ ] Try fscache"] }, form?.version);
    expect(edited).toMatchObject({ ok: true, id: LOADER, previousId: LOADER, changed: true, newItems: [{ item: 3, text: "Try fscache" }] });
    expect(github.commits(github.defaultBranch)[0]?.message).toBe("docs: edit finding - Dataloader stalls under NFS");
    const log = github.getFile(github.defaultBranch, TEST_LOG_PATH) ?? "";
    expect(log).toContain("### Impact\n15% of wall time lost on the 64-GPU runs.\n");
    expect(log).toContain("**Status**: Open - waiting on infra to move the shards");
    expect(log).toContain("* [ ] Measure with `strace -c`\n- [ ] Try fscache\n");
    expect(log).toContain("### Notes\nTried `actimeo=600`; no change.");
  });

  it("refuses a form opened before a hand edit of the entry: nothing is written, the hand edit stays, the person sees the entry now", async () => {
    const { github, service } = await start();
    const form = await service.editForm(LOADER);
    const handEdited = VARIANTS.replace("Local SSD copies fix it.", "Local SSD copies fix it (tested on 8 nodes).");
    github.setFile(github.defaultBranch, TEST_LOG_PATH, handEdited);
    const commits = github.commits(github.defaultBranch).length;
    const edited = await service.editFinding(LOADER, { title: "Dataloader stalls on NFS" }, form?.version);
    expect(edited).toMatchObject({ ok: false, reason: expect.stringMatching(/changed in the log since the form was opened/), current: expect.stringContaining("(tested on 8 nodes)") });
    expect(github.getFile(github.defaultBranch, TEST_LOG_PATH)).toBe(handEdited);
    expect(github.commits(github.defaultBranch)).toHaveLength(commits);
  });

  it("refuses when the entry is edited by hand between its read and its write, and keeps the hand edit", async () => {
    const { github, service } = await start();
    const form = await service.editForm(LOADER);
    github.humanCommitBeforeNextPut((text) => (text ?? "").replace("* [ ] Ask infra", "* [x] Ask infra"));
    const edited = await service.editFinding(LOADER, { title: "Dataloader stalls on NFS" }, form?.version);
    expect(edited).toMatchObject({ ok: false, current: expect.stringContaining("* [x] Ask infra") });
    const log = github.getFile(github.defaultBranch, TEST_LOG_PATH) ?? "";
    expect(log).toContain("* [x] Ask infra");
    expect(log).toContain("## 2026-03-13–14: Dataloader stalls under NFS");
  });

  it("goes through when another entry changed in the meantime", async () => {
    const { github, service } = await start();
    const form = await service.editForm(LOADER);
    github.humanCommitBeforeNextPut((text) => (text ?? "").replace("Sharpe on venue B", "Sharpe on venue B (and C)"));
    const edited = await service.editFinding(LOADER, { title: "Dataloader stalls on NFS" }, form?.version);
    expect(edited).toMatchObject({ ok: true, id: "2026-03-1314-dataloader-stalls-on-nfs", previousId: LOADER });
    const log = github.getFile(github.defaultBranch, TEST_LOG_PATH) ?? "";
    expect(log).toContain("Sharpe on venue B (and C)");
    expect(log).toContain("## 2026-03-13–14: Dataloader stalls on NFS\n");
  });

  it("finishes a replayed edit that renamed the entry: the entry under its new id already says it, so nothing is written", async () => {
    const { github, service } = await start();
    const form = await service.editForm(LOADER);
    const input = { title: "Dataloader stalls on NFS", impact: "12% of wall time, measured." };
    const first = await service.editFinding(LOADER, input, form?.version);
    expect(first).toMatchObject({ ok: true, changed: true, id: "2026-03-1314-dataloader-stalls-on-nfs" });
    const commits = github.commits(github.defaultBranch).length;
    // The same job again (a crash before its outcome was recorded): the old id is gone, the edit is there.
    const replay = await service.editFinding(LOADER, input, form?.version);
    expect(replay).toMatchObject({ ok: true, changed: false, id: "2026-03-1314-dataloader-stalls-on-nfs", previousId: LOADER });
    expect(github.commits(github.defaultBranch)).toHaveLength(commits);
    // A different edit under the old id is still refused: there is no such entry.
    expect(await service.editFinding(LOADER, { title: "Something else" }, form?.version)).toMatchObject({ ok: false, reason: `no finding with id "${LOADER}"` });
  });

  it("names the field a bad edit gets wrong", async () => {
    const { service } = await start();
    expect(await service.editFinding(LOADER, { category: "Food" }, undefined)).toMatchObject({ ok: false, errors: [expect.objectContaining({ field: "category" })] });
  });
});
