/**
 * Escapes the three characters Slack treats as control characters in message
 * text, so that user text can never mention `@channel`, ping a user or forge
 * a link: `<!channel>` arrives as `&lt;!channel&gt;` and shows as typed.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A link `<url|label>` with both halves made safe: the label is escaped and
 * the characters that would end the link early are percent-encoded in the URL.
 */
export function slackLink(url: string, label: string): string {
  const safeUrl = url.replace(/[<>|\s]/g, (c) => encodeURIComponent(c));
  return `<${safeUrl}|${escapeSlackText(label)}>`;
}

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
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
