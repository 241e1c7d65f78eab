/**
 * Discord markdown escaping that can be undone. Discord treats a backslash
 * before any ASCII punctuation as an escape, so every markdown character is
 * escaped outside links; `@everyone`/`@here` get a zero-width space so they
 * read as typed (allowedMentions already stops the ping). Escaped text can be
 * read back with `unescapeDiscordText`, which is how a reaction handler
 * recovers an action item's exact text from the message after a restart.
 */
import { shorten } from "../core/shorten.js";

const MARKDOWN = /[\\*_~`|>#<[\]()-]/g;
const URL_PATTERN = /(https?:\/\/[^\s<>]+)/;
const ZWSP = "\u200b";

/** Escapes user text for a Discord message or embed description. */
export function escapeDiscordText(text: string): string {
  return text
    .split(URL_PATTERN)
    .map((part, index) =>
      // Odd parts are URLs: escaping them would break the autolink.
      index % 2 === 1 ? part : part.replace(MARKDOWN, (c) => `\\${c}`).replace(/@(everyone|here)/g, `@${ZWSP}$1`),
    )
    .join("");
}

/** The text `escapeDiscordText` was given. */
export function unescapeDiscordText(text: string): string {
  return text
    .split(URL_PATTERN)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/\\([^0-9A-Za-z\s])/g, "$1").replace(/@\u200b(everyone|here)/g, "@$1")))
    .join("");
}

/** What must stay whole in escaped Discord text: a backslash escape, a URL. */
export const DISCORD_UNBREAKABLE = /\\[^0-9A-Za-z\s]|https?:\/\/[^\s<>]+/g;

/** Already escaped Discord text in at most `max` characters, never cut between a backslash and what it escapes, inside a URL or inside a character. */
export function shortenEscaped(escaped: string, max: number, ellipsis = "…"): string {
  return shorten(escaped, max, { unbreakable: DISCORD_UNBREAKABLE, ellipsis });
}

/** The shared grapheme-safe `shorten` (src/core/shorten.ts), under the name older call sites use. */
export { shorten as truncate };

/**
 * `text` as fenced code blocks of at most `max` characters each (a Discord
 * message holds 2000): nothing inside a code block renders or pings.
 */
export function codeBlocks(text: string, max = 1900): string[] {
  // Three backticks in the text would close the block early.
  const safe = text.replace(/```/g, "`\u200b``");
  const room = max - "```\n\n```".length;
  const chunks: string[] = [];
  let rest = safe;
  while (rest.length > 0) {
    let cut = rest.length <= room ? rest.length : rest.lastIndexOf("\n", room);
    // No line end to cut at: cut between graphemes (a lone grapheme longer than the room, by code point).
    if (cut <= 0) cut = shorten(rest, room, { ellipsis: "" }).length || (/[\uD800-\uDBFF]/.test(rest[room - 1] ?? "") ? room - 1 : room);
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  return (chunks.length === 0 ? [""] : chunks).map((chunk) => `\`\`\`\n${chunk}\n\`\`\``);
}
