import { describe, expect, it } from "vitest";
import { assetPaths, checkImages, imageKind, imageMarkdown, relativeImageLinks, safeFileName, withPictures } from "../../src/core/images.js";

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const GIF = new TextEncoder().encode("GIF89a....");
const WEBP = Uint8Array.from([...new TextEncoder().encode("RIFF"), 1, 2, 3, 4, ...new TextEncoder().encode("WEBPVP8 ")]);
const EXE = new TextEncoder().encode("MZ\x90\x00 this program cannot be run in DOS mode");

describe("imageKind judges by the bytes", () => {
  it.each([
    ["PNG", PNG, "png"],
    ["JPEG", JPEG, "jpeg"],
    ["GIF", GIF, "gif"],
    ["WebP", WEBP, "webp"],
    ["an .exe", EXE, undefined],
    ["RIFF that is not WebP (a WAV)", Uint8Array.from([...new TextEncoder().encode("RIFF"), 1, 2, 3, 4, ...new TextEncoder().encode("WAVEfmt ")]), undefined],
    ["a truncated PNG signature", PNG.slice(0, 4), undefined],
    ["nothing", new Uint8Array(), undefined],
  ] as const)("%s", (_name, bytes, kind) => {
    expect(imageKind(bytes)).toBe(kind);
  });
});

describe("checkImages", () => {
  it("takes images, refuses a disguised .exe and one over the size limit, each with a clear reason", () => {
    const big = new Uint8Array(30 * 1024 * 1024);
    big.set(PNG);
    const { accepted, refused } = checkImages([
      { name: "loss curve.png", bytes: PNG },
      { name: "plot.png", bytes: EXE },
      { name: "huge.png", bytes: big },
      { name: "C:\\Users\\ada\\Desktop\\profile.JPG", bytes: JPEG },
    ]);
    expect(accepted.map((a) => [a.name, a.kind])).toEqual([
      ["loss-curve.png", "png"],
      ["profile.jpg", "jpeg"],
    ]);
    expect(refused).toEqual([
      { name: "plot.png", reason: "plot.png is not a PNG, JPEG, GIF or WebP image (judged by its contents, not its name)" },
      { name: "huge.png", reason: "huge.png is 30.0 MB, over the 10.0 MB limit for one image" },
    ]);
  });

  it("keeps to the per-finding total and count, in order", () => {
    const limits = { perImage: 100, perFinding: 30, count: 2 };
    const file = (name: string) => ({ name, bytes: Uint8Array.from([...PNG, ...new Uint8Array(3)]) });
    const { accepted, refused } = checkImages([file("a.png"), file("a.png"), file("b.png"), file("c.png")], limits);
    expect(accepted.map((a) => a.name)).toEqual(["a.png", "a-2.png"]);
    expect(refused.map((r) => r.reason)).toEqual(["b.png is one picture too many: a finding takes at most 2", "c.png is one picture too many: a finding takes at most 2"]);
    expect(checkImages([file("a.png"), file("b.png"), file("c.png")], { perImage: 100, perFinding: 40, count: 9 }).refused.map((r) => r.name)).toEqual(["c.png"]);
  });
});

describe("names and paths", () => {
  it.each([
    ["../../etc/passwd.png", "png", "passwd.png"],
    [".hidden.png", "png", "hidden.png"],
    ["Überraschung (final).webp", "webp", "uberraschung-final.webp"],
    ["plot.gif.exe", "gif", "plot-gif.gif"],
    ["損失曲線.png", "png", "image.png"],
    ["", "jpeg", "image.jpg"],
  ] as const)("%j becomes %j", (name, kind, safe) => {
    expect(safeFileName(name, kind)).toBe(safe);
  });

  it("puts an entry's pictures beside the log, linked relative to it", () => {
    expect(assetPaths("docs/research_log.md", "2026-01-20-nan-loss", "loss.png")).toEqual({
      repoPath: "docs/research_log/assets/2026-01-20-nan-loss/loss.png",
      fromLog: "research_log/assets/2026-01-20-nan-loss/loss.png",
    });
    expect(assetPaths("LOG.md", "x", "a.png")).toEqual({ repoPath: "LOG/assets/x/a.png", fromLog: "LOG/assets/x/a.png" });
  });

  it("embeds with standard markdown GitHub renders", () => {
    expect(imageMarkdown("Loss [fp16]", "research_log/assets/x/loss curve (2).png")).toBe("![Loss \\[fp16\\]](research_log/assets/x/loss%20curve%20%282%29.png)");
  });
});

describe("relativeImageLinks", () => {
  it("finds pictures embedded by relative path, with their lines, and leaves out URLs, absolute paths and code", () => {
    const text = [
      "# Research Log",
      "",
      "![loss curve.png](research_log/assets/x-1a2b3c4d/loss-curve.png) and ![b](research_log/assets/x-1a2b3c4d/a%20b.png)",
      "![remote](https://example.com/a.png) ![root](/abs.png) ![anchor](#top)",
      "```",
      "![in code](research_log/assets/code.png)",
      "```",
      "![with title](plots/t.png \"A title\")",
    ].join("\n");
    expect(relativeImageLinks(text)).toEqual([
      { line: 3, path: "research_log/assets/x-1a2b3c4d/loss-curve.png" },
      { line: 3, path: "research_log/assets/x-1a2b3c4d/a b.png" },
      { line: 8, path: "plots/t.png" },
    ]);
  });

  it("reads back what the service writes", () => {
    const embedded = withPictures("Text.", [{ alt: "plot (1).png", fromLog: "research_log/assets/a-00000000/plot-1.png" }]);
    expect(relativeImageLinks(embedded)).toEqual([{ line: 3, path: "research_log/assets/a-00000000/plot-1.png" }]);
  });
});
