import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLog, prettyLine } from "../../src/serve/log.js";

/** A destination that keeps what pino writes, line by line. */
function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter((line) => line !== ""));
      done();
    },
  });
  return { stream, lines };
}

describe("createLog", () => {
  it("writes JSON lines with level and an ISO time, and hides secrets by key and by value", () => {
    const { stream, lines } = capture();
    const log = createLog({ destination: stream, secrets: ["xoxb-secret-token-123", "short"] });
    log.info({ job: "J1", token: "ghp_in_a_field_0123", headers: { authorization: "Bearer abc" } }, "committed");
    log.warn("Slack said invalid_auth for xoxb-secret-token-123 just now");
    log.debug("not at info");
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(first).toMatchObject({ level: 30, msg: "committed", job: "J1", token: "[REDACTED]", headers: { authorization: "[REDACTED]" } });
    expect(new Date(String(first?.time)).toISOString()).toBe(first?.time);
    expect(second).toMatchObject({ level: 40, msg: "Slack said invalid_auth for [REDACTED] just now" });
    // Values shorter than 8 characters are not secrets worth scrubbing (they would cut words).
    expect(lines.join("\n")).not.toContain("xoxb-secret-token-123");
  });

  it("formats a line for a person on a terminal", () => {
    const { stream, lines } = capture();
    createLog({ destination: stream, format: "pretty" }).info({ job: "J1", ms: 12 }, "committed");
    expect(lines[0]).toMatch(/^\d{2}:\d{2}:\d{2} INFO {2}committed \(job=J1 ms=12\)$/);
    expect(prettyLine("not json\n")).toBe("not json\n");
  });
});
