import { describe, expect, it } from "vitest";
import { parseRoutesFile } from "../../src/routes/routes-file.js";

const GOOD = `# Two projects, one bot
routes:
  - name: vision
    slack_channels: [C0VISION1]
    discord_channels: [112233445566778899]
    github:
      repo: lab/vision
      branch: main
      commit_mode: pull-request
    default_category: Architecture
    categories: [Robotics]
    categories_file: .github/research-log.yml
    digest:
      slack_channel: C0VISION1
      timezone: Europe/Berlin
  - name: speech
    discord_guilds: ["998877665544332211"]
    local: /srv/checkouts/speech
    log_path: notes/log.md
`;

describe("parseRoutesFile", () => {
  it("reads a good file", () => {
    const result = parseRoutesFile(GOOD, "research-log.config.yml");
    expect(result).toEqual({
      ok: true,
      routes: [
        {
          name: "vision",
          line: 3,
          slackChannels: ["C0VISION1"],
          // Unquoted, it is read as an exact integer, not a rounded double (112233445566778900).
          discordChannels: ["112233445566778899"],
          discordGuilds: [],
          target: { kind: "github", repo: "lab/vision", branch: "main", commitMode: "pull-request", apiUrl: undefined },
          logPath: undefined,
          defaultCategory: "Architecture",
          categories: ["Robotics"],
          categoriesFile: ".github/research-log.yml",
          digest: { slackChannel: "C0VISION1", discordChannel: undefined, cron: undefined, timeZone: "Europe/Berlin" },
        },
        {
          name: "speech",
          line: 16,
          slackChannels: [],
          discordChannels: [],
          discordGuilds: ["998877665544332211"],
          target: { kind: "local", dir: "/srv/checkouts/speech" },
          logPath: "notes/log.md",
          defaultCategory: undefined,
          categories: [],
          categoriesFile: undefined,
          digest: { slackChannel: undefined, discordChannel: undefined, cron: undefined, timeZone: undefined },
        },
      ],
    });
  });

  it("gives one line per mistake, naming the file, the line and the key", () => {
    const bad = `routes:
  - name: vision
    slack_channels: ["#vision"]
    github:
      repo: vision
      comit_mode: direct
    log_path: ../elsewhere/log.md
    digest:
      timezone: Mars/Olympus
      cron: every morning
  - name: vision
    slack_channels: [C0SPEECH1]
    local: /srv/speech
    github: { repo: lab/speech }
  - name: empty
`;
    const result = parseRoutesFile(bad, "research-log.config.yml");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'research-log.config.yml:3: routes[0].slack_channels[0]: must be a Slack channel id such as C0123ABCD (the channel\'s "About" tab shows it), not a name',
      "research-log.config.yml:5: routes[0].github.repo: must look like owner/name",
      "research-log.config.yml:6: routes[0].github.comit_mode: unknown key",
      'research-log.config.yml:7: routes[0].log_path: must stay inside the repository (got "../elsewhere/log.md")',
      "research-log.config.yml:9: routes[0].digest.timezone: must be an IANA time zone such as Europe/Berlin",
      'research-log.config.yml:10: routes[0].digest.cron: must be a cron expression with 5 fields (or 6 with seconds), e.g. "0 9 * * 1-5"',
      'research-log.config.yml:11: routes[1].name: "vision" is used twice',
      "research-log.config.yml:13: routes[1].local: a route writes to one place: set github or local, not both",
      'research-log.config.yml:15: routes[2].name: route "empty" matches no channel: give slack_channels, discord_channels or discord_guilds',
    ]);
  });

  it("reports names and channels used twice", () => {
    const twice = `routes:
  - name: a
    slack_channels: [C0SHARED1]
  - name: a
    slack_channels: [C0SHARED1]
`;
    expect(parseRoutesFile(twice, "r.yml")).toEqual({
      ok: false,
      problems: ['r.yml:4: routes[1].name: "a" is used twice', 'r.yml:5: routes[1].slack_channels: C0SHARED1 is already routed to "a"'],
    });
  });

  it("reports a channel in two routes and a name used twice beside every other mistake in the file", () => {
    const several = `routes:
  - name: vision
    slack_channels: [C0SHARED1, "#general"]
    github: { repo: lab/vision, branch: "" }
  - name: speech
    slack_channels: [C0SHARED1]
    discord_channels: [112233445566778899, 12]
    local: /srv/speech
    github: { repo: lab/speech }
    colour: blue
  - name: vision
    discord_channels: [112233445566778899]
    digest: { timezone: Nowhere/Else }
  - name: empty
    slack_channels: []
`;
    expect(parseRoutesFile(several, "r.yml")).toEqual({
      ok: false,
      problems: [
        'r.yml:3: routes[0].slack_channels[1]: must be a Slack channel id such as C0123ABCD (the channel\'s "About" tab shows it), not a name',
        "r.yml:4: routes[0].github.branch: must be a branch name, such as main",
        'r.yml:6: routes[1].slack_channels: C0SHARED1 is already routed to "vision"',
        "r.yml:7: routes[1].discord_channels[1]: must be a Discord id (17 to 20 digits; Developer Mode, then Copy ID)",
        "r.yml:8: routes[1].local: a route writes to one place: set github or local, not both",
        "r.yml:10: routes[1].colour: unknown key",
        'r.yml:11: routes[2].name: "vision" is used twice',
        'r.yml:12: routes[2].discord_channels: 112233445566778899 is already routed to "speech"',
        "r.yml:13: routes[2].digest.timezone: must be an IANA time zone such as Europe/Berlin",
        'r.yml:14: routes[3].name: route "empty" matches no channel: give slack_channels, discord_channels or discord_guilds',
      ],
    });
  });

  it.each([
    ["broken YAML", "routes:\n  - name: a\n   slack_channels: [C0AAAAAA1", /^f\.yml:\d+: /],
    ["an empty file", "", /^f\.yml:1: routes: /],
    ["a list at the top", "- name: a\n", /^f\.yml:1: \(top level\): /],
    ["an unknown top-level key", "routes: []\nroute: []\n", /^f\.yml:2: route: unknown key$/m],
  ])("%s is a clear error, never a crash", (_name, text, expected) => {
    const result = parseRoutesFile(text, "f.yml");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join("\n")).toMatch(expected);
  });
});
