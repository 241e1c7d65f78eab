/**
 * The process's logger (pino): one JSON line per event, with `level`, `time`
 * and what the event is about, for a log collector; or a short readable line
 * on a terminal. Secrets never reach it: messages are built without them, and
 * pino's `redact` plus a last scrub of the known secret values catch what
 * slips through.
 */
import type { DestinationStream, Logger } from "pino";
import { pino } from "pino";

export type Log = Logger;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Keys whose values are secrets wherever they appear in a log line's fields. */
const REDACT_PATHS = [
  "token",
  "*.token",
  "secret",
  "*.secret",
  "password",
  "*.password",
  "privateKey",
  "*.privateKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  'headers["x-slack-signature"]',
];

const REDACTED = "[REDACTED]";

export interface LogOptions {
  level?: LogLevelName | undefined;
  /** `json` for collectors (the default off a terminal), `pretty` for a person reading a terminal. */
  format?: LogFormat | undefined;
  /** Values that must never be printed (tokens, keys): replaced wherever they appear. */
  secrets?: readonly (string | undefined)[] | undefined;
  /** Where lines go; standard error by default, written synchronously so that nothing is lost on exit. */
  destination?: DestinationStream | undefined;
}

/** The logger `serve` and the chat bots write to. */
export function createLog(options: LogOptions = {}): Log {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 8);
  const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
  const format = options.format ?? "json";
  return pino(
    {
      level: options.level ?? "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: {
        streamWrite: (line) => {
          let text = line;
          for (const secret of secrets) text = text.split(secret).join(REDACTED);
          return format === "pretty" ? prettyLine(text) : text;
        },
      },
    },
    destination,
  );
}

/** The format for this terminal: `pretty` when a person reads standard error, `json` otherwise. */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stderr): LogFormat {
  return stream.isTTY === true ? "pretty" : "json";
}

const LEVEL_NAMES: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const PLUMBING = new Set(["level", "time", "pid", "msg"]);

/** `12:00:01 INFO  committed (job=… entry=…)`: one pino JSON line, made readable. */
export function prettyLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof record.time === "string" ? record.time.slice(11, 19) : "";
  const level = (LEVEL_NAMES[Number(record.level)] ?? String(record.level)).padEnd(5);
  const fields = Object.entries(record)
    .filter(([key]) => !PLUMBING.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  const message = typeof record.msg === "string" ? record.msg : "";
  return `${time} ${level} ${message}${fields.length === 0 ? "" : ` (${fields.join(" ")})`}\n`;
}
