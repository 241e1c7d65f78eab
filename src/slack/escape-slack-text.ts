import { shorten } from "../core/shorten.js";

/**
 * Escapes the three characters Slack treats as control characters in message
 * text, so that user text can never mention `@channel`, ping a user or forge
 * a link: `<!channel>` arrives as `&lt;!channel&gt;` and shows as typed.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** What must stay whole in escaped Slack text: an entity, or a link or mention `<…>`. */
export const SLACK_UNBREAKABLE = /&(?:amp|lt|gt);|<[^<>]*>/g;

/**
 * User text escaped, then shortened to at most `max` characters of escaped
 * text: escaping can multiply the length by five (`&` is `&amp;`), so
 * shortening first would not bound what is sent, and shortening after must
 * not cut an entity in half.
 */
export function shortenSlackText(text: string, max: number): string {
  return shortenEscaped(escapeSlackText(text), max);
}

/** Already escaped Slack text (entities, links) in at most `max` characters, cut between graphemes and never inside `&amp;` or `<…>`. */
export function shortenEscaped(escaped: string, max: number, ellipsis = "…"): string {
  return shorten(escaped, max, { unbreakable: SLACK_UNBREAKABLE, ellipsis });
}

/**
 * A link `<url|label>` with both halves made safe: the label is escaped (and
 * shortened to `maxLabel` escaped characters) and the characters that would
 * end the link early are percent-encoded in the URL.
 */
export function slackLink(url: string, label: string, maxLabel = Number.MAX_SAFE_INTEGER): string {
  const safeUrl = url.replace(/[<>|\s]/g, (c) => encodeURIComponent(c));
  return `<${safeUrl}|${shortenSlackText(label, maxLabel)}>`;
}

/**
 * Turns Slack message markup back into what a person would type: links
 * `<url|label>` become `label (url)`, mentions lose their brackets, and the
 * escaped `&amp;` `&lt;` `&gt;` become characters again. For prefilling a
 * form from a message; whatever comes back is escaped again when echoed.
 */
export function slackTextToPlain(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, (_m, url: string, label: string) => (label === url ? url : `${label} (${url})`))
    .replace(/<((?:https?|mailto):[^>]+)>/g, "$1")
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, "#$1")
    .replace(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g, "@$1")
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, "@$1")
    .replace(/<!subteam\^[A-Z0-9]+\|([^>]*)>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
