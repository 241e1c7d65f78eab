import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Env } from "../src/config.js";
import { loadConfig } from "../src/config.js";

const root = resolve(import.meta.dirname, "..");

const problemsOf = (env: Env): string[] => {
  const result = loadConfig(env);
  return result.ok ? [] : result.problems;
};

describe("loadConfig", () => {
  it("defaults to the local store and the design's defaults", () => {
    const result = loadConfig({});
    expect(result.ok && result.config).toMatchObject({
      logPath: "docs/research_log.md",
      categories: ["Training", "Architecture", "Data", "Tooling", "Performance"],
      order: "oldest-first",
      github: undefined,
      slack: undefined,
      discord: undefined,
      digest: { cron: "0 9 * * 1-5", timeZone: "UTC" },
      port: 3000,
      shutdownTimeoutMs: 8000,
    });
  });

  it("puts the outbox in STATE_DIR, by default under XDG_STATE_HOME, and names a bad SHUTDOWN_TIMEOUT_S", () => {
    const xdg = loadConfig({ XDG_STATE_HOME: "/srv/state" });
    expect(xdg.ok && xdg.config.stateDir).toBe("/srv/state/research-log");
    const set = loadConfig({ STATE_DIR: "/var/lib/research-log", SHUTDOWN_TIMEOUT_S: "2.5" });
    expect(set.ok && [set.config.stateDir, set.config.shutdownTimeoutMs]).toEqual(["/var/lib/research-log", 2500]);
    const bad = loadConfig({ STATE_DIR: "state", SHUTDOWN_TIMEOUT_S: "soon" });
    expect(bad.ok ? [] : bad.problems).toEqual([expect.stringContaining("STATE_DIR"), expect.stringContaining("SHUTDOWN_TIMEOUT_S")]);
  });

  it("reads the pictures' limits in megabytes, and names a bad one", () => {
    const defaults = loadConfig({});
    expect(defaults.ok && defaults.config.imageLimits).toEqual({ perImage: 10 * 1024 * 1024, perFinding: 25 * 1024 * 1024, count: 10 });
    const set = loadConfig({ PICTURE_MAX_MB: "2.5", PICTURES_MAX_MB: "8", PICTURES_PER_FINDING: "0" });
    expect(set.ok && set.config.imageLimits).toEqual({ perImage: 2.5 * 1024 * 1024, perFinding: 8 * 1024 * 1024, count: 0 });
    const bad = loadConfig({ PICTURE_MAX_MB: "200", PICTURES_MAX_MB: "lots", PICTURES_PER_FINDING: "-1" });
    expect(bad.ok ? [] : bad.problems).toEqual([
      'PICTURE_MAX_MB must be a number of megabytes above 0 and at most 100 (got "200")',
      'PICTURES_MAX_MB must be a number of megabytes above 0 and at most 100 (got "lots")',
      'PICTURES_PER_FINDING must be a whole number 0-50 (got "-1")',
    ]);
  });

  it("has every variable the configuration reads in .env.example", () => {
    const source = readFileSync(join(root, "src/config.ts"), "utf8");
    const read = [...source.matchAll(/get\("([A-Z_]+)"\)/g)].map((m) => m[1] ?? "").filter((name) => name !== "XDG_STATE_HOME");
    const example = readFileSync(join(root, ".env.example"), "utf8");
    const missing = [...new Set(read)].filter((name) => !new RegExp(`^#? ?${name}=`, "m").test(example));
    expect(read.length).toBeGreaterThan(25);
    expect(missing).toEqual([]);
  });

  it("reads LOG_LEVEL and LOG_FORMAT, and names a bad one", () => {
    const set = loadConfig({ LOG_LEVEL: "Debug", LOG_FORMAT: "pretty" });
    expect(set.ok && [set.config.logLevel, set.config.logFormat]).toEqual(["debug", "pretty"]);
    const unset = loadConfig({});
    expect(unset.ok && [unset.config.logLevel, unset.config.logFormat]).toEqual(["info", undefined]);
    expect(problemsOf({ LOG_LEVEL: "loud", LOG_FORMAT: "xml" })).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'LOG_FORMAT must be json or pretty (got "xml")',
    ]);
  });

  it("reads a GitHub, Slack and Discord setup", () => {
    const result = loadConfig({
      GITHUB_REPO: "acme/research",
      GITHUB_TOKEN: "ghp_x",
      GITHUB_API_URL: "https://ghe.example.com/api/v3/",
      GITHUB_BRANCH: "logs",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_APP_TOKEN: "xapp-1",
      SLACK_ALLOWED_CHANNELS: "C1, C2",
      DISCORD_TOKEN: "d",
      DISCORD_APPLICATION_ID: "123",
      LOG_CATEGORIES: "Evaluation, data",
      DIGEST_CRON: "0 0 9 * * 1-5",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.github).toMatchObject({ owner: "acme", repo: "research", branch: "logs", apiUrl: "https://ghe.example.com/api/v3", auth: { kind: "token" } });
    expect(result.config.slack).toMatchObject({ appToken: "xapp-1", allowedChannels: ["C1", "C2"] });
    expect(result.config.discord).toMatchObject({ applicationId: "123", guildId: undefined });
    // A category the defaults already have is not added twice.
    expect(result.config.categories).toEqual(["Training", "Architecture", "Data", "Tooling", "Performance", "Evaluation"]);
  });

  it.each([
    [{ GITHUB_REPO: "research-log", GITHUB_TOKEN: "t" }, 'GITHUB_REPO must look like owner/name (got "research-log")'],
    [{ GITHUB_REPO: "a/b" }, "GITHUB_REPO is set but there are no credentials"],
    [{ GITHUB_REPO: "a/b", GITHUB_APP_ID: "x", GITHUB_APP_PRIVATE_KEY: "nope" }, "GITHUB_APP_ID must be the GitHub App's numeric id"],
    [{ GITHUB_REPO: "a/b", GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: "nope" }, "GITHUB_APP_PRIVATE_KEY must be the App's PEM private key"],
    [{ GITHUB_REPO: "a/b", GITHUB_TOKEN: "t", GITHUB_COMMIT_MODE: "yolo" }, "GITHUB_COMMIT_MODE must be direct or pull-request"],
    [{ LOG_PATH: "../elsewhere.md" }, "LOG_PATH must stay inside the repository"],
    [{ LOG_PATH: "/etc/log.md" }, "LOG_PATH must be relative to the repository"],
    [{ LOG_ORDER: "random" }, "LOG_ORDER must be oldest-first or newest-first"],
    [{ SLACK_BOT_TOKEN: "xoxb-1" }, "SLACK_SIGNING_SECRET is required in HTTP mode"],
    [{ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xoxb-2" }, "SLACK_APP_TOKEN must be an app-level token"],
    [{ DISCORD_TOKEN: "d" }, "DISCORD_APPLICATION_ID must be the application's numeric id"],
    [{ DIGEST_CRON: "61 9 * * *" }, "DIGEST_CRON must be a cron expression"],
    [{ DIGEST_TIMEZONE: "Mars/Olympus" }, "DIGEST_TIMEZONE must be an IANA time zone"],
    [{ PORT: "70000" }, "PORT must be a port number"],
  ])("%j → %s", (env, message) => {
    expect(problemsOf(env).join("\n")).toContain(message);
  });

  it("reports every problem at once and never echoes a secret", () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: "secret-bot-token", GITHUB_APP_PRIVATE_KEY: "secret-key", GITHUB_REPO: "a/b", PORT: "x" });
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(problems.join("\n")).not.toMatch(/secret-/);
  });

  it("lets flags override the environment", () => {
    const result = loadConfig({ GITHUB_REPO: "a/b", GITHUB_TOKEN: "t" }, { GITHUB_REPO: "c/d" });
    expect(result.ok && result.config.github?.repo).toBe("d");
  });

  it("accepts .env.example once its secrets are filled in", () => {
    const env: Record<string, string> = {};
    for (const line of readFileSync(join(root, ".env.example"), "utf8").split("\n")) {
      const match = /^([A-Z_]+)=(.*)$/.exec(line);
      if (match?.[1] !== undefined) env[match[1]] = match[2] ?? "";
    }
    Object.assign(env, { GITHUB_TOKEN: "ghp_x", SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" });
    expect(problemsOf(env)).toEqual([]);
  });
});
