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
 */
export class HeadingSlugger {
  /** Every id handed out, and for each base, the last repeat suffix it used. */
  private readonly occurrences = new Map<string, number>();

  /** The unique id for a heading whose plain slug is `base`. */
  next(base: string): string {
    let id = base;
    while (this.occurrences.has(id)) {
      const count = (this.occurrences.get(base) ?? 0) + 1;
      this.occurrences.set(base, count);
      id = `${base}-${count}`;
    }
    this.occurrences.set(id, 0);
    return id;
  }
}

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
