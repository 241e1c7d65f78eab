/**
 * Pictures in Slack findings, end to end against the fakes: a message's
 * images and the form's uploads are fetched with the bot token and land in
 * the entry's commit; what is refused is said, and the finding still lands.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PICTURES_BLOCK_ID } from "../../src/slack/build-finding-modal.js";
import { fetchPicture } from "../../src/services/fetch-picture.js";
import { DEFAULT_IMAGE_LIMITS } from "../../src/core/images.js";
import type { Harness } from "./slack-harness.js";
import { LOG_PATH, logCommits, settle, startHarness } from "./slack-harness.js";
import { AMP_FINDING, findingViewState, messageActionBody, picturesViewState, viewSubmissionBody } from "../support/slack-factories.js";
import { EXE_BYTES, imageBytes } from "../support/pictures.js";
import { manifestBotScopes } from "../support/slack-platform-rules.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

const loss = imageBytes("png", 5000, 1);
const profile = imageBytes("jpeg", 3000, 2);

/** Uses `Log as finding` on a message with these files, and submits the form it opens. */
async function logMessageWithFiles(files: { id: string }[], title = "NaN loss"): Promise<void> {
  const original = h.slack.addUserMessage("C100", "U222", "Loss goes NaN at step 400");
  await h.send(messageActionBody({ message: { ts: original.ts, text: original.text ?? "", files } }));
  const call = await h.slack.waitForCall("views.open");
  const view = call.args.view as { private_metadata: string; blocks: { type: string; block_id?: string; elements?: { text: string }[] }[] };
  await h.send(viewSubmissionBody({ privateMetadata: view.private_metadata, values: findingViewState({ ...AMP_FINDING, title }) }));
}

describe("Slack: pictures in findings", () => {
  it("commits a message's two images with the entry in one commit, embedded by relative path, fetched with the bot token", async () => {
    h = await startHarness();
    const a = h.slack.addFile({ name: "loss curve.png", bytes: loss });
    const b = h.slack.addFile({ name: "profile.jpg", bytes: profile });
    await logMessageWithFiles([a, b]);
    await h.slack.waitFor((s) => s.messages.length >= 4);
    await settle(h);

    const commits = logCommits(h);
    expect(commits).toHaveLength(1);
    const [commit] = h.github.commits("main");
    const pictures = [...(commit?.tree.keys() ?? [])].filter((path) => path.startsWith("docs/research_log/assets/"));
    expect(pictures).toHaveLength(2);
    const lossPath = pictures.find((p) => p.endsWith("/loss-curve.png")) ?? "";
    const profilePath = pictures.find((p) => p.endsWith("/profile.jpg")) ?? "";
    expect(h.github.getBytes("main", lossPath)?.equals(loss)).toBe(true);
    expect(h.github.getBytes("main", profilePath)?.equals(profile)).toBe(true);
    const log = h.log() ?? "";
    expect(log).toContain(`![loss curve.png](${lossPath.replace("docs/", "")})`);
    expect(log).toContain(`![profile.jpg](${profilePath.replace("docs/", "")})`);
    expect(h.slack.downloads).toEqual([
      { id: a.id, status: 200, authorized: true },
      { id: b.id, status: 200, authorized: true },
    ]);
  });

  it("says in the form that the message's files go with the finding, and offers an upload", async () => {
    h = await startHarness();
    const a = h.slack.addFile({ name: "plot.png", bytes: loss });
    const original = h.slack.addUserMessage("C100", "U222", "look at this");
    await h.send(messageActionBody({ message: { ts: original.ts, text: "look at this", files: [a] } }));
    const call = await h.slack.waitForCall("views.open");
    expect(call.response.ok).toBe(true);
    const view = call.args.view as { private_metadata: string; blocks: { type: string; block_id?: string; element?: { type: string } }[] };
    expect(JSON.parse(view.private_metadata)).toMatchObject({ files: [a.id] });
    expect(JSON.stringify(view.blocks)).toContain("The message's file goes with the finding");
    expect(view.blocks.find((b) => b.block_id === PICTURES_BLOCK_ID)?.element?.type).toBe("file_input");
  });

  it("commits pictures uploaded in the form", async () => {
    h = await startHarness();
    const upload = h.slack.addFile({ name: "throughput.png", bytes: loss });
    await h.send(viewSubmissionBody({ values: { ...findingViewState(AMP_FINDING), ...picturesViewState([upload]) } }));
    await h.slack.waitFor((s) => s.messages.length >= 3);
    await settle(h);
    const log = h.log() ?? "";
    expect(log).toMatch(/!\[throughput\.png\]\(research_log\/assets\/2026-01-21-amp-breaks-complex-number-operations-[0-9a-f]{8}\/throughput\.png\)/);
  });

  it("refuses a 30 MB image (never fetched) and a program named plot.png with a clear message, and still logs the finding", async () => {
    h = await startHarness();
    const huge = h.slack.addFile({ name: "huge.png", bytes: imageBytes("png", 30 * 1024 * 1024) });
    const exe = h.slack.addFile({ name: "plot.png", bytes: EXE_BYTES });
    await logMessageWithFiles([huge, exe]);
    await h.slack.waitFor((s) => s.messages.some((m) => m.channel === "U111" && (m.text ?? "").includes("logged without")));
    await settle(h);
    expect(h.log()).toContain("## 2026-01-21 NaN loss");
    expect(h.log()).not.toContain("![");
    const told = h.slack.messages.find((m) => m.channel === "U111" && (m.text ?? "").includes("logged without"))?.text ?? "";
    expect(told).toContain("is logged without 2 files");
    expect(told).toContain("huge.png is 30.0 MB, over the 10.0 MB limit for one image");
    expect(told).toContain("plot.png is not a PNG, JPEG, GIF or WebP image (judged by its contents, not its name)");
    expect(h.slack.downloads.map((d) => d.id)).toEqual([exe.id]);
  });

  it("retries a picture Slack fails to serve through the outbox, and commits it with the entry once Slack serves it", async () => {
    h = await startHarness();
    const a = h.slack.addFile({ name: "loss.png", bytes: loss });
    h.slack.failFileDownloads(503, 2);
    await logMessageWithFiles([a]);
    await h.slack.waitFor((s) => s.messages.length >= 4);
    await settle(h);
    expect(h.slack.downloads.map((d) => d.status)).toEqual([503, 503, 200]);
    expect(logCommits(h)).toHaveLength(1);
    // A picture's hiccup is not worth a "saved, will keep trying" DM: the job is tried again in seconds.
    expect(h.slack.messages.filter((m) => (m.text ?? "").includes("is saved, but"))).toEqual([]);
    expect(h.log()).toContain("![loss.png](research_log/assets/");
  });

  it("logs the finding without a picture Slack keeps failing to serve, and says so", async () => {
    h = await startHarness();
    const a = h.slack.addFile({ name: "loss.png", bytes: loss });
    h.slack.failFileDownloads(503, 10);
    await logMessageWithFiles([a]);
    await h.slack.waitFor((s) => s.messages.some((m) => m.channel === "U111" && (m.text ?? "").includes("logged without")));
    await settle(h);
    expect(h.slack.downloads).toHaveLength(3);
    expect(h.log()).toContain("## 2026-01-21 NaN loss");
    expect(h.log()).not.toContain("![");
    const told = h.slack.messages.find((m) => m.channel === "U111" && (m.text ?? "").includes("logged without"))?.text ?? "";
    expect(told).toContain("loss.png could not be fetched from Slack (HTTP 503); post it again in the thread");
  });

  it("offers no upload and carries no files when the token lacks files:read (an app not reinstalled since)", async () => {
    h = await startHarness({ slack: { scopes: manifestBotScopes().filter((s) => s !== "files:read") } });
    const a = h.slack.addFile({ name: "plot.png", bytes: loss });
    const original = h.slack.addUserMessage("C100", "U222", "look at this");
    await h.send(messageActionBody({ message: { ts: original.ts, text: "look at this", files: [a] } }));
    const call = await h.slack.waitForCall("views.open");
    expect(call.response.ok).toBe(true);
    const view = call.args.view as { private_metadata: string; blocks: { block_id?: string }[] };
    expect(JSON.parse(view.private_metadata)).toEqual({ channel: "C100", threadTs: original.ts });
    expect(view.blocks.some((b) => b.block_id === PICTURES_BLOCK_ID)).toBe(false);
  });

  it("does not take Slack's sign-in page for the file when the private URL is fetched without the bot token", async () => {
    h = await startHarness();
    const a = h.slack.addFile({ name: "plot.png", bytes: loss });
    const fetched = await fetchPicture({ url: a.url_private_download, name: a.name }, { limits: DEFAULT_IMAGE_LIMITS, platform: "Slack", htmlMeans: "the bot token needs files:read" });
    expect(fetched).toEqual({ ok: false, retryable: false, refusal: { name: "plot.png", reason: "plot.png could not be fetched: Slack answered with a web page, not the file (the bot token needs files:read)" } });
    expect(h.slack.downloads).toEqual([{ id: a.id, status: 302, authorized: false }]);
  });

  it("lands a burst of findings with pictures once each, with their pictures, and keeps a hand edit made mid-burst", async () => {
    const handWritten = "# Research Log\n\n## 2026-01-02 Written by hand\n\n**Category**: Data\n**Status**: Open\n\n### Finding\nA note.\n\n### Impact\nNone.\n";
    h = await startHarness({ files: { [LOG_PATH]: handWritten } });
    h.github.humanCommitBeforeNextPut((text) => (text ?? "").replace("A note.", "A note, corrected by hand."), LOG_PATH);
    const uploads = Array.from({ length: 6 }, (_, i) => ({ file: h.slack.addFile({ name: `plot-${i}.png`, bytes: imageBytes("png", 2000 + i, 50 + i) }), bytes: imageBytes("png", 2000 + i, 50 + i) }));
    const responses = await Promise.all(
      uploads.map(({ file }, i) => h.send(viewSubmissionBody({ values: { ...findingViewState({ ...AMP_FINDING, title: `Burst ${i}`, actionItems: "" }), ...picturesViewState([file]) } }))),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await h.slack.waitFor((s) => s.messages.filter((m) => m.user === s.botUserId && m.thread_ts === undefined).length >= 6, 15_000);
    await settle(h);
    const log = h.log() ?? "";
    expect(log).toContain("A note, corrected by hand.");
    for (const [i, { bytes }] of uploads.entries()) {
      expect(log.match(new RegExp(`## 2026-01-21 Burst ${i}\n`, "g"))).toHaveLength(1);
      const path = new RegExp(`!\\[plot-${i}\\.png\\]\\((research_log/assets/[^)]+)\\)`).exec(log)?.[1] ?? "";
      expect(h.github.getBytes("main", `docs/${path}`)?.equals(bytes)).toBe(true);
    }
    expect(logCommits(h).filter((c) => c.message.startsWith("docs: log finding - Burst"))).toHaveLength(6);
  });
});
