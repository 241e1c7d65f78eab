import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FINDING_BLOCK_IDS } from "../../src/slack/build-finding-modal.js";
import { LOG_AS_FINDING_CALLBACK_ID } from "../../src/slack/register-log-finding.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const manifest = parse(readFileSync(resolve(repoRoot, "manifest.yml"), "utf8")) as {
  features: {
    slash_commands: { command: string; usage_hint?: string }[];
    shortcuts: { name: string; type: string; callback_id: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
};

describe("manifest.yml", () => {
  it.each(["manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json"])("validates against Slack's %s", (file) => {
    const schema = JSON.parse(readFileSync(resolve(repoRoot, "test/vendor/slack", file), "utf8")) as Record<string, unknown>;
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    // Slack's schema uses a non-standard `regex` keyword (and `_note`): not strict.
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The validator does bite: a shortcut name over Slack's 24 characters is refused.
    const broken = structuredClone(manifest);
    broken.features.shortcuts[0] = { name: "Log this message as a research finding", type: "message", callback_id: "x" };
    expect(validate(broken)).toBe(false);
  });

  it("declares what the bot handles, and no more scopes than it uses", () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(["/log-finding", "/findings"]);
    expect(manifest.features.slash_commands.every((c) => (c.usage_hint ?? "") !== "")).toBe(true);
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ name: "Log as finding", type: "message", callback_id: LOG_AS_FINDING_CALLBACK_ID }),
    ]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(["reaction_added", "reaction_removed"]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      ["channels:history", "channels:join", "chat:write", "commands", "files:read", "groups:history", "reactions:read", "users:read", "users:read.email"].sort(),
    );
    expect(Object.keys(FINDING_BLOCK_IDS)).toHaveLength(7);
  });
});
