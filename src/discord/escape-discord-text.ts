/**
 * Discord markdown escaping that can be undone. Discord treats a backslash
 * before any ASCII punctuation as an escape, so every markdown character is
 * escaped outside links; `@everyone`/`@here` get a zero-width space so they
 * read as typed (allowedMentions already stops the ping). Escaped text can be
 * read back with `unescapeDiscordText`, which is how a reaction handler
 * recovers an action item's exact text from the message after a restart.
 */

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

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

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
    if (cut <= 0) cut = room;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  return (chunks.length === 0 ? [""] : chunks).map((chunk) => `\`\`\`\n${chunk}\n\`\`\``);
}
