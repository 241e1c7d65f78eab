/**
 * Shortening text for chat platforms without cutting a character in half.
 *
 * Slack and Discord limits are counted in characters; JavaScript's `length`
 * counts UTF-16 units, which is never less than the platforms' count, so a
 * text whose `length` fits fits on both. Cutting by `slice()` can split a
 * surrogate pair (an emoji becomes an unpaired surrogate, which both platforms
 * answer with an error or show as "?") or a grapheme (a flag, a family emoji,
 * a letter with its accent): we cut between graphemes only.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export interface ShortenOptions {
  /** Marks the cut; counted in `max`. Default `…`; `""` cuts silently. */
  ellipsis?: string;
  /**
   * Runs that must stay whole, such as `&amp;` or `<url|label>` in Slack text:
   * the cut falls before or after a match, never inside one. Needs the `g` flag.
   */
  unbreakable?: RegExp;
}

/**
 * `text` in at most `max` UTF-16 units, cut between graphemes (and never
 * inside an `unbreakable` run), with `ellipsis` at the end when it was cut.
 *
 * @throws RangeError when `max` is negative or not an integer, or `unbreakable` lacks the `g` flag.
 */
export function shorten(text: string, max: number, options: ShortenOptions = {}): string {
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`shorten: max must be a non-negative integer (got ${max})`);
  if (text.length <= max) return text;
  const ellipsis = options.ellipsis ?? "…";
  const room = max - ellipsis.length;
  if (room <= 0) return ellipsis.length <= max ? ellipsis : "";
  return `${text.slice(0, cutPoint(text, room, options.unbreakable))}${ellipsis}`;
}

/** The largest grapheme (and run) boundary at or below `room`. */
function cutPoint(text: string, room: number, unbreakable: RegExp | undefined): number {
  let cut = 0;
  // The segmenter's iterator is lazy: only the graphemes before `room` are computed.
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > room) break;
    cut = index + segment.length;
  }
  if (unbreakable === undefined) return cut;
  if (!unbreakable.global) throw new RangeError("shorten: the unbreakable pattern needs the g flag");
  const pattern = new RegExp(unbreakable.source, unbreakable.flags);
  for (let match = pattern.exec(text); match !== null && match.index < cut; match = pattern.exec(text)) {
    const end = match.index + match[0].length;
    if (end > cut) return match.index;
    if (match[0].length === 0) pattern.lastIndex += 1;
  }
  return cut;
}
