/**
 * Pictures in Discord findings, end to end against the fakes: the files of
 * a message logged with `Log as finding` and `/log-finding`'s attachment
 * options are fetched from Discord's CDN and land in the entry's commit;
 * what is refused is said in the reply, and the finding still lands.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AMP_VALUES, logAsFindingCommand, logFindingCommand, modalSubmit } from "../support/discord-factories.js";
import type { SentModal } from "../support/discord-factories.js";
import type { FakeDiscordAttachment } from "../support/fake-discord.js";
import { EXE_BYTES, imageBytes } from "../support/pictures.js";
import type { DiscordHarness } from "./discord-harness.js";
import { logCommits, settle, startDiscordHarness } from "./discord-harness.js";

let h: DiscordHarness;
afterEach(async () => {
  await h.close();
});

const loss = imageBytes("png", 5000, 5);
const profile = imageBytes("gif", 2500, 6);

/** Uses `Log as finding` on a message with these attachments and submits the form; returns the submission's interaction id. */
async function logMessage(attachments: FakeDiscordAttachment[], title = "NaN loss"): Promise<string> {
  const source = h.discord.addUserMessage("Loss goes NaN at step 400", undefined, undefined, attachments);
  const command = logAsFindingCommand(h.discord, source);
  await h.interact(command);
  const modal = h.discord.answer(command.id).callback?.data as unknown as SentModal;
  const submit = modalSubmit(h.discord, modal, { ...AMP_VALUES, title });
  await h.interact(submit);
  await settle(h, submit.id);
  return submit.id;
}

/** The reply as Discord shows it: the escapes before brackets (markdown) gone. */
const shown = (content: string): string => content.replace(/\\([()[\]])/g, "$1");

const picturesIn = (h: DiscordHarness): string[] => [...(h.github.commits("main")[0]?.tree.keys() ?? [])].filter((path) => path.startsWith("docs/research_log/assets/"));

describe("Discord: pictures in findings", () => {
  it("commits a message's two images with the entry in one commit, embedded by relative path", async () => {
    h = await startDiscordHarness();
    const a = h.discord.addAttachment({ filename: "loss_curve.png", bytes: loss, contentType: "image/png" });
    const b = h.discord.addAttachment({ filename: "profile.gif", bytes: profile, contentType: "image/gif" });
    await logMessage([a, b]);
    expect(logCommits(h)).toHaveLength(1);
    const pictures = picturesIn(h);
    expect(pictures).toHaveLength(2);
    const lossPath = pictures.find((p) => p.endsWith("/loss_curve.png")) ?? "";
    const profilePath = pictures.find((p) => p.endsWith("/profile.gif")) ?? "";
    expect(h.github.getBytes("main", lossPath)?.equals(loss)).toBe(true);
    expect(h.github.getBytes("main", profilePath)?.equals(profile)).toBe(true);
    const log = h.log() ?? "";
    expect(log).toContain(`![loss_curve.png](${lossPath.replace("docs/", "")})`);
    expect(log).toContain(`![profile.gif](${profilePath.replace("docs/", "")})`);
    expect(h.discord.downloads).toEqual([
      { id: a.id, status: 200 },
      { id: b.id, status: 200 },
    ]);
  });

  it("commits pictures attached to /log-finding, carried to the form's submission", async () => {
    h = await startDiscordHarness();
    const a = h.discord.addAttachment({ filename: "throughput.png", bytes: loss, contentType: "image/png" });
    const command = logFindingCommand(h.discord, { pictures: [a] });
    await h.interact(command);
    const modal = h.discord.answer(command.id).callback?.data as unknown as SentModal;
    expect(modal.custom_id.length).toBeLessThanOrEqual(100);
    const submit = modalSubmit(h.discord, modal, AMP_VALUES);
    await h.interact(submit);
    await settle(h, submit.id);
    expect(h.log()).toMatch(/!\[throughput\.png\]\(research_log\/assets\/2026-01-20-amp-breaks-complex-number-operations-[0-9a-f]{8}\/throughput\.png\)/);
  });

  it("refuses a 30 MB image (never fetched) and a program named plot.png in the reply, and still logs the finding", async () => {
    h = await startDiscordHarness();
    const huge = h.discord.addAttachment({ filename: "huge.png", bytes: imageBytes("png", 30 * 1024 * 1024), contentType: "image/png" });
    const exe = h.discord.addAttachment({ filename: "plot.png", bytes: EXE_BYTES, contentType: "image/png" });
    const submitId = await logMessage([huge, exe]);
    expect(h.log()).toContain("## 2026-01-20 NaN loss");
    expect(h.log()).not.toContain("![");
    const reply = shown(String(h.discord.answer(submitId).original?.content));
    expect(reply).toMatch(/^Logged \*\*NaN loss\*\*/);
    expect(reply).toContain("Logged without 2 files:");
    expect(reply).toContain("huge.png is 30.0 MB, over the 10.0 MB limit for one image");
    expect(reply).toContain("plot.png is not a PNG, JPEG, GIF or WebP image (judged by its contents, not its name)");
    expect(h.discord.downloads.map((d) => d.id)).toEqual([exe.id]);
  });

  it("retries a picture the CDN fails to serve through the outbox, then logs without one whose link expired, saying so", async () => {
    h = await startDiscordHarness();
    const flaky = h.discord.addAttachment({ filename: "loss.png", bytes: loss, contentType: "image/png" });
    const expired = h.discord.addAttachment({ filename: "old.png", bytes: profile, contentType: "image/png", expiresInS: -60 });
    h.discord.failAttachmentDownloads(503, 1);
    const submitId = await logMessage([flaky, expired]);
    await h.discord.waitFor((d) => /^Logged/.test(String(d.answer(submitId).original?.content)));
    expect(h.discord.downloads.map((d) => [d.id, d.status])).toEqual([
      [flaky.id, 503],
      [flaky.id, 200],
      [expired.id, 404],
    ]);
    expect(picturesIn(h)).toHaveLength(1);
    expect(h.discord.requests.filter((r) => JSON.stringify(r.body ?? "").includes("is saved, but"))).toEqual([]);
    expect(shown(String(h.discord.answer(submitId).original?.content))).toContain("old.png could not be fetched from Discord (HTTP 404: it may have been deleted)");
  });
});
