import type { Logger } from "@slack/bolt";
import { LogLevel } from "@slack/bolt";
import type { Log } from "../serve/log.js";

const LEVELS = new Set<string>([LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR]);

/** Bolt's arguments as one message: strings as they are, errors by their message, the rest as JSON. */
const join = (parts: readonly unknown[]): string =>
  parts
    .map((part) => {
      if (typeof part === "string") return part;
      if (part instanceof Error) return part.message;
      try {
        return JSON.stringify(part);
      } catch {
        return String(part);
      }
    })
    .join(" ");

/**
 * Bolt's (and its Web API and Socket Mode clients') logging, through serve's
 * pino logger, as lines with `component: "slack"`. Bolt's own levels map
 * one to one; `setLevel` changes only this child, so the rest of serve keeps
 * LOG_LEVEL.
 */
export function boltLogger(log: Log, name = "slack"): Logger {
  let child = log.child({ component: name });
  return {
    debug: (...parts: unknown[]) => child.debug(join(parts)),
    info: (...parts: unknown[]) => child.info(join(parts)),
    warn: (...parts: unknown[]) => child.warn(join(parts)),
    error: (...parts: unknown[]) => child.error(join(parts)),
    setLevel: (level: LogLevel) => {
      if (LEVELS.has(level)) child.level = level;
    },
    getLevel: () => (LEVELS.has(child.level) ? (child.level as LogLevel) : LogLevel.INFO),
    setName: (next: string) => {
      child = log.child({ component: next });
    },
  };
}
