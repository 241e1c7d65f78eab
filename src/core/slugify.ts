import { slug } from "github-slugger";

/**
 * GitHub's anchor for a heading's rendered text (github-slugger's `slug`).
 * Pure-ASCII text takes a hand-rolled path with the same result: the
 * library's Unicode regex costs more than the rest of parsing a log.
 */
export function slugify(text: string): string {
  const fast = keptAsciiSlug(text);
  if (fast !== undefined) return fast;
  if (!ASCII_ONLY.test(text)) return slug(text);
  return text.toLowerCase().replace(ASCII_DROPPED, "").replaceAll(" ", "-");
}

const SLUG_BYTES = new Uint8Array(256);
const LATIN1 = new TextDecoder("latin1");

/**
 * The slug of text made of letters, digits, spaces, `-` and `_` only (nothing
 * is dropped: lower-case, spaces to `-`), built as bytes and decoded once, or
 * undefined for other text. toLowerCase().replaceAll() leaves about twice
 * the garbage, and a log's worth of headings makes that count.
 */
function keptAsciiSlug(text: string): string | undefined {
  const n = text.length;
  if (n > SLUG_BYTES.length) return ASCII_KEPT.test(text) ? text.toLowerCase().replaceAll(" ", "-") : undefined;
  let changed = false;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c >= 97 ? c > 122 : c < 65 ? c !== 32 && c !== 45 && (c < 48 || c > 57) : c > 90 && c !== 95) return undefined;
    if (c === 32) {
      c = 45;
      changed = true;
    } else if (c >= 65 && c <= 90) {
      c += 32;
      changed = true;
    }
    SLUG_BYTES[i] = c;
  }
  return changed ? LATIN1.decode(SLUG_BYTES.subarray(0, n)) : text;
}

// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\x00-\x7f]*$/;
/** In ASCII, github-slugger keeps letters, digits, space, `-` and `_`. */
const ASCII_KEPT = /^[A-Za-z0-9 _-]*$/;
const ASCII_DROPPED = /[^a-z0-9 _-]+/g;

/**
 * Where the `-<digits>` that ends `id` starts (the index of its `-`), or -1.
 * With `strict`, the digits must not start with 0 (as GitHub's own suffixes).
 */
function suffixDash(id: string, strict: boolean): number {
  let i = id.length - 1;
  while (i >= 0) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i--;
  }
  if (i === id.length - 1 || i < 0 || id.charCodeAt(i) !== 45) return -1;
  if (strict && id.charCodeAt(i + 1) === 48) return -1;
  return i;
}

/**
 * GitHub's repeat suffixes, exactly as `new GithubSlugger().slug()` assigns
 * them: `foo`, `foo-1`, `foo-2`; a literal `foo-1` after that becomes
 * `foo-1-1`.
 *
 * github-slugger records every id it hands out. Here a generated `base-k` is
 * implied by `base`'s counter instead (every `base-1` .. `base-n` is taken
 * once the counter is n), so a log with 14,000 `### Finding` headings keeps
 * one map entry for them, not 14,000.
 */
export class HeadingSlugger {
  /** Ids taken literally, and each base's repeat counter. */
  private readonly occurrences = new Map<string, number>();
  /**
   * Filters (by a cheap hash of length and end characters; no slicing) that
   * rule out most lookups: a clear slot means no such string. `suffixed`:
   * every `p` with some literal `p-<digits>`. `repeated`: every base whose
   * counter is above 0 (only they imply `base-k`).
   */
  private readonly suffixed = new Uint8Array(FILTER_SLOTS);
  private readonly repeated = new Uint8Array(FILTER_SLOTS);

  /** Record a literal id not taken before. */
  private add(id: string, count: number): void {
    const dash = suffixDash(id, false);
    if (dash !== -1) this.suffixed[filterSlot(id, dash)] = 1;
    this.occurrences.set(id, count);
    if (count > 0) this.repeated[filterSlot(id, id.length)] = 1;
  }

  private record(id: string, count: number): void {
    if (!this.occurrences.has(id)) this.add(id, count);
    else {
      this.occurrences.set(id, count);
      if (count > 0) this.repeated[filterSlot(id, id.length)] = 1;
    }
  }

  private taken(id: string): boolean {
    if (this.occurrences.has(id)) return true;
    const dash = suffixDash(id, true);
    if (dash === -1 || this.repeated[filterSlot(id, dash)] === 0) return false;
    const count = this.occurrences.get(id.slice(0, dash));
    return count !== undefined && count > 0 && count >= Number(id.slice(dash + 1));
  }

  /** The unique id for a heading whose plain slug is `base`. */
  next(base: string): string {
    if (!this.taken(base)) {
      this.add(base, 0);
      return base;
    }
    let n = this.occurrences.get(base) ?? 0;
    let result: string;
    do {
      n++;
      result = `${base}-${n}`;
      // A candidate above the counter is taken only if it was a literal heading.
    } while (this.occurrences.has(result));
    this.record(base, n);
    return result;
  }

  /** `next(base)` for a heading whose id nobody needs: no string is built in the common case. */
  advance(base: string): void {
    // A literal base with no literal `base-<digits>` anywhere: its next id is `base-(counter+1)`.
    if (this.suffixed[filterSlot(base, base.length)] === 0) {
      const count = this.occurrences.get(base);
      if (count !== undefined) {
        this.occurrences.set(base, count + 1);
        this.repeated[filterSlot(base, base.length)] = 1;
        return;
      }
    }
    this.next(base);
  }
}

const FILTER_SLOTS = 4096;

/** The filter slot of `s.slice(0, length)`, without slicing. */
function filterSlot(s: string, length: number): number {
  if (length === 0) return 0;
  return (length * 263 + s.charCodeAt(length - 1) * 31 + s.charCodeAt(length >> 1) * 7 + s.charCodeAt(0)) & (FILTER_SLOTS - 1);
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
