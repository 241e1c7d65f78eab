import { slug } from "github-slugger";

/**
 * GitHub's anchor for a heading's rendered text (github-slugger's `slug`).
 * Text of only ASCII letters, digits, spaces, `-` and `_` (most headings)
 * skips the library's Unicode regex, which costs more than the rest of
 * reading a log; the result is the same.
 */
export function slugify(text: string): string {
  if (ASCII_KEPT.test(text)) return text.toLowerCase().replaceAll(" ", "-");
  return slug(text);
}

/** In ASCII, github-slugger keeps letters, digits, space, `-` and `_`. */
const ASCII_KEPT = /^[A-Za-z0-9 _-]*$/;

/**
 * GitHub's repeat suffixes, as `new GithubSlugger().slug()` assigns them:
 * `foo`, `foo-1`, `foo-2`; a literal `foo-1` after that becomes `foo-1-1`.
 * Takes the slug (`slugify` of the heading's text), not the text.
 *
 * github-slugger records every id it hands out. Here a generated `base-k` is
 * implied by `base`'s counter instead (every `base-1` .. `base-n` is taken
 * once the counter is n: each was handed out or skipped as taken), so a log
 * with 14,000 `### Finding` headings keeps one entry for them, not 14,000.
 */
export class HeadingSlugger {
  /** Each literal id handed out, with the last repeat suffix its base used (0: none yet). */
  private readonly counts = new Map<string, number>();

  /** The unique id for a heading whose plain slug is `base`. */
  next(base: string): string {
    if (!this.taken(base)) {
      this.counts.set(base, 0);
      return base;
    }
    let count = this.counts.get(base) ?? 0;
    let id: string;
    do {
      count++;
      id = `${base}-${count}`;
    } while (this.taken(id));
    this.counts.set(base, count);
    return id;
  }

  /** True when `id` was handed out: as a literal id, or as a repeat suffix its base's counter has passed. */
  private taken(id: string): boolean {
    if (this.counts.has(id)) return true;
    const suffixed = REPEAT_SUFFIX.exec(id);
    return suffixed !== null && (this.counts.get(suffixed[1] ?? "") ?? 0) >= Number(suffixed[2]);
  }
}

/** `base-k` as github-slugger writes a repeat: k from 1, no leading zero. */
const REPEAT_SUFFIX = /^([\s\S]*)-([1-9]\d*)$/;

const LINK = /!?\[([^\]]*)\]\([^)]*\)/g;
const TAG = /<\/?[A-Za-z][^<>]*>/g;
const UNDERSCORE_EMPHASIS = /(^|[^\p{L}\p{N}\\_])(_{1,3})(?=\S)(.*?\S)\2(?![\p{L}\p{N}_])/gu;

/**
 * The text GitHub renders for a heading's raw content, as far as it shows in
 * the slug: links become their text, tags and `_emphasis_` markers vanish.
 * (`*`, backticks and brackets are dropped by the slug itself.)
 */
export function headingText(raw: string): string {
  let text = raw;
  if (text.includes("](")) text = text.replace(LINK, "$1");
  if (text.includes("<")) text = text.replace(TAG, "");
  if (text.includes("_")) {
    // Underscores inside code spans are literal.
    text = text
      .split(/(`+[^`]*`+)/)
      .map((part, i) => (i % 2 === 1 ? part : part.replace(UNDERSCORE_EMPHASIS, "$1$3")))
      .join("");
  }
  return text;
}
