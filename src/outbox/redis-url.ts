/** The Redis URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "REDACTED";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(a Redis URL that does not parse)";
  }
}
