import { slug } from "github-slugger";

/**
 * GitHub's anchor for a heading's rendered text (github-slugger's `slug`).
 * Pure-ASCII text takes a hand-rolled path with the same result: the
 * library's Unicode regex costs more than the rest of parsing a log.
 */
export function slugify(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) out += text[i];
    else if (c >= 65 && c <= 90) out += String.fromCharCode(c + 32);
    else if ((c >= 48 && c <= 57) || c === 45 || c === 95) out += text[i];
    else if (c === 32) out += "-";
    else if (c > 127) return slug(text);
  }
  return out;
}

/**
 * GitHub's repeat suffixes, as `new GithubSlugger().slug()` assigns them:
 * `foo`, `foo-1`, `foo-2`; a literal `foo-1` after that becomes `foo-1-1`.
 */
export class HeadingSlugger {
  private readonly occurrences = new Map<string, number>();

  /** The unique id for a heading whose plain slug is `base`. */
  next(base: string): string {
    let result = base;
    while (this.occurrences.has(result)) {
      const n = (this.occurrences.get(base) ?? 0) + 1;
      this.occurrences.set(base, n);
      result = `${base}-${n}`;
    }
    this.occurrences.set(result, 0);
    return result;
  }

  /** What `next(base)` would return, without recording it. */
  peek(base: string): string {
    let result = base;
    let n = this.occurrences.get(base) ?? 0;
    while (this.occurrences.has(result)) {
      n++;
      result = `${base}-${n}`;
    }
    return result;
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
