/**
 * The pictures a finding carries (issue 24's first part): which files are
 * images, judged by their bytes and not their names; the limits; names safe
 * for a path in the repository; and the markdown that embeds them. Pure:
 * downloading and committing them is the adapters' and stores' work.
 */

export type ImageKind = "png" | "jpeg" | "gif" | "webp";

/** The image kinds a finding takes, by their file signatures. */
const SIGNATURES: { kind: ImageKind; bytes: (number | undefined)[]; at?: number }[] = [
  { kind: "png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { kind: "jpeg", bytes: [0xff, 0xd8, 0xff] },
  { kind: "gif", bytes: [0x47, 0x49, 0x46, 0x38] },
  // RIFF....WEBP: bytes 4-7 are the size.
  { kind: "webp", bytes: [0x52, 0x49, 0x46, 0x46, undefined, undefined, undefined, undefined, 0x57, 0x45, 0x42, 0x50] },
];

/** The kind of image `bytes` hold, or undefined when they are not one we take (whatever the file is called). */
export function imageKind(bytes: Uint8Array): ImageKind | undefined {
  return SIGNATURES.find(({ bytes: signature }) => signature.length <= bytes.length && signature.every((b, i) => b === undefined || bytes[i] === b))?.kind;
}

export interface ImageLimits {
  /** Largest image, in bytes. */
  perImage: number;
  /** Largest total of one finding's images, in bytes. */
  perFinding: number;
  /** Most images in one finding. */
  count: number;
}

/** The defaults: GitHub's contents API takes files up to 100 MB, but a log's pictures are plots and screenshots. */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = { perImage: 10 * 1024 * 1024, perFinding: 25 * 1024 * 1024, count: 10 };

export interface OfferedFile {
  /** The name it was posted or uploaded with. */
  name: string;
  bytes: Uint8Array;
}

export interface AcceptedImage {
  /** A name safe for a path, unique within the finding, with the extension of its kind. */
  name: string;
  /** The name as it was posted (last path part, control characters removed), for alt text and messages. */
  shown: string;
  kind: ImageKind;
  bytes: Uint8Array;
}

const EXTENSION: Record<ImageKind, string> = { png: "png", jpeg: "jpg", gif: "gif", webp: "webp" };

const megabytes = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MB`;

/**
 * Sorts offered files into images the finding takes and refusals, each
 * refusal a sentence for the person naming the file and why. Files are taken
 * in order while the limits allow.
 */
export function checkImages(files: readonly OfferedFile[], limits: ImageLimits = DEFAULT_IMAGE_LIMITS): { accepted: AcceptedImage[]; refused: { name: string; reason: string }[] } {
  const accepted: AcceptedImage[] = [];
  const refused: { name: string; reason: string }[] = [];
  const taken = new Set<string>();
  let total = 0;
  for (const file of files) {
    const shown = displayName(file.name);
    const kind = imageKind(file.bytes);
    if (kind === undefined) {
      refused.push({ name: shown, reason: `${shown} is not a PNG, JPEG, GIF or WebP image (judged by its contents, not its name)` });
    } else if (file.bytes.length > limits.perImage) {
      refused.push({ name: shown, reason: tooLarge(shown, file.bytes.length, limits) });
    } else if (limits.count === 0) {
      refused.push({ name: shown, reason: `${shown} was left out: this log takes no pictures (PICTURES_PER_FINDING=0)` });
    } else if (accepted.length >= limits.count) {
      refused.push({ name: shown, reason: `${shown} is one picture too many: a finding takes at most ${limits.count}` });
    } else if (total + file.bytes.length > limits.perFinding) {
      refused.push({ name: shown, reason: `${shown} would take this finding's pictures over ${megabytes(limits.perFinding)}` });
    } else {
      total += file.bytes.length;
      accepted.push({ name: safeFileName(file.name, kind, taken), shown, kind, bytes: file.bytes });
    }
  }
  return { accepted, refused };
}

/** Why a file of `size` bytes is refused before it is even fetched, or undefined when its size is within the limit for one image. */
export function sizeRefusal(name: string, size: number, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): { name: string; reason: string } | undefined {
  const shown = displayName(name);
  return size > limits.perImage ? { name: shown, reason: tooLarge(shown, size, limits) } : undefined;
}

const tooLarge = (shown: string, size: number, limits: ImageLimits): string =>
  `${shown} is ${megabytes(size)}, over the ${megabytes(limits.perImage)} limit for one image`;

/** The name as a person would recognise it in a message: its last path part, control characters removed, at most 100 characters. */
export function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const last = (name.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return last === "" ? "(unnamed file)" : [...last].slice(0, 100).join("");
}

/**
 * A file name safe in a repository path and a markdown link: ASCII letters,
 * digits, `-` and `_` (accents dropped, anything else, dots included, becomes
 * `-`), at most 80 characters, then the extension of its kind (never the one
 * it came with); `-2`, `-3`… when taken.
 */
export function safeFileName(name: string, kind: ImageKind, taken: Set<string> = new Set()): string {
  const last = name.split(/[\\/]/).pop() ?? "";
  const stem = last.replace(/\.[A-Za-z0-9]{1,5}$/, "");
  const cleaned = stem
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .replace(/-{2,}/g, "-")
    .slice(0, 80)
    .toLowerCase();
  const base = cleaned === "" ? "image" : cleaned;
  let candidate = `${base}.${EXTENSION[kind]}`;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}.${EXTENSION[kind]}`;
  taken.add(candidate);
  return candidate;
}

/**
 * Where an entry's pictures go: a folder beside the log named after it, one
 * folder per entry (`docs/research_log.md` → `docs/research_log/assets/<id>/`).
 * Returns the repository path and the path relative to the log, for links.
 */
export function assetPaths(logPath: string, entryId: string, name: string): { repoPath: string; fromLog: string } {
  const slash = logPath.lastIndexOf("/");
  const dir = slash === -1 ? "" : logPath.slice(0, slash + 1);
  const file = logPath.slice(slash + 1).replace(/\.[^.]+$/, "");
  const fromLog = `${file}/assets/${entryId}/${name}`;
  return { repoPath: `${dir}${fromLog}`, fromLog };
}

/** Markdown that shows a picture in GitHub's rendering of the log: `![alt](path)`, alt text escaped, the path percent-encoded where needed. */
export function imageMarkdown(alt: string, path: string): string {
  const safeAlt = alt.replace(/[\r\n]+/g, " ").replace(/([\\[\]])/g, "\\$1");
  const safePath = path.replace(/[ ()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `![${safeAlt}](${safePath})`;
}

/** A finding's text with its pictures after it, one paragraph each, linked relative to the log. */
export function withPictures(text: string, pictures: readonly { alt: string; fromLog: string }[]): string {
  return [text, ...pictures.map(({ alt, fromLog }) => imageMarkdown(alt, fromLog))].join("\n\n");
}

/**
 * The pictures a log embeds by relative path (`![alt](research_log/assets/…)`),
 * with their 1-based lines: what `check` looks for in a checkout. Links with
 * a scheme (`https:`), absolute paths, anchors and those inside fenced code
 * are left out; `%20` and the like are decoded.
 */
export function relativeImageLinks(text: string): { line: number; path: string }[] {
  const links: { line: number; path: string }[] = [];
  let fence: string | undefined;
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    for (const match of line.matchAll(/!\[(?:\\.|[^\]\\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1] ?? "";
      if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(target) || target.startsWith("/") || target.startsWith("#")) continue;
      let path = target;
      try {
        path = decodeURIComponent(target);
      } catch {
        // A stray % stays as written.
      }
      links.push({ line: i + 1, path });
    }
  }
  return links;
}
