import { describe, expect, it } from "vitest";
import { buildAnnouncement, buildItemMessage } from "../../src/slack/build-announcement.js";
import { buildDigestMessage } from "../../src/slack/build-digest-message.js";
import { buildEditReply, buildFindingsList, buildNotInChannelMessage, buildWriteFailureMessages } from "../../src/slack/build-replies.js";
import { readMessageMeaning } from "../../src/slack/message-metadata.js";

describe("buildAnnouncement", () => {
  const message = buildAnnouncement({
    id: "2026-01-20-amp",
    title: "AMP <breaks> & more",
    category: "Training",
    status: "Open",
    entry_url: "https://github.com/acme/research/blob/main/docs/research_log.md#2026-01-20-amp",
    commit_url: "https://github.com/acme/research/commit/abc",
    logged_by: "U1",
  });

  it("links the escaped title, shows category and status, an Edit button, who logged it and the commit", () => {
    expect(message.blocks).toMatchInlineSnapshot(`
      [
        {
          "text": {
            "text": ":memo: New finding: *<https://github.com/acme/research/blob/main/docs/research_log.md#2026-01-20-amp|AMP &lt;breaks&gt; &amp; more>*",
            "type": "mrkdwn",
          },
          "type": "section",
        },
        {
          "fields": [
            {
              "text": "*Category*
      Training",
              "type": "mrkdwn",
            },
            {
              "text": "*Status*
      :large_yellow_circle: Open",
              "type": "mrkdwn",
            },
          ],
          "type": "section",
        },
        {
          "block_id": "edit:2026-01-20-amp",
          "elements": [
            {
              "action_id": "edit_finding",
              "text": {
                "emoji": true,
                "text": "Edit",
                "type": "plain_text",
              },
              "type": "button",
              "value": "2026-01-20-amp",
            },
          ],
          "type": "actions",
        },
        {
          "elements": [
            {
              "text": "Logged by <@U1> · <https://github.com/acme/research/commit/abc|commit> · React with :white_check_mark: to mark it Resolved",
              "type": "mrkdwn",
            },
          ],
          "type": "context",
        },
      ]
    `);
    expect(message.text).toBe("New finding: AMP &lt;breaks&gt; &amp; more (Training, Open)");
  });

  it("carries the entry in its metadata, read back the same", () => {
    expect(message.metadata.event_type).toBe("research_log_entry");
    expect(readMessageMeaning(message.metadata)).toEqual({
      kind: "entry",
      payload: expect.objectContaining({ id: "2026-01-20-amp", status: "Open", logged_by: "U1" }),
    });
  });
});

describe("buildItemMessage", () => {
  it("shows an open item and a checked one, with metadata naming entry and item", () => {
    const open = buildItemMessage({ id: "e", title: "T", item: 2, text: "Ping <!here>", done: false });
    expect(open.text).toBe("Action item: Ping &lt;!here&gt;");
    expect(JSON.stringify(open.blocks)).toContain(":white_large_square: Ping &lt;!here&gt;");
    const done = buildItemMessage({ id: "e", title: "T", item: 2, text: "Ping", done: true });
    expect(JSON.stringify(done.blocks)).toContain(":white_check_mark: ~Ping~");
    expect(readMessageMeaning(done.metadata)).toEqual({ kind: "item", payload: { id: "e", title: "T", item: 2, text: "Ping", done: true } });
  });
});

describe("readMessageMeaning", () => {
  it.each([
    [undefined],
    [{ event_type: "something_else", event_payload: { id: "x" } }],
    [{ event_type: "research_log_item", event_payload: { id: "x" } }],
    [{ event_type: "research_log_entry", event_payload: { id: "x", title: "T", status: "Done" } }],
  ])("ignores %j", (metadata) => {
    expect(readMessageMeaning(metadata)).toBeUndefined();
  });

  it("accepts numbers and booleans that come back as strings", () => {
    expect(
      readMessageMeaning({ event_type: "research_log_item", event_payload: { id: "x", title: "T", item: "3", text: "t", done: "true" } }),
    ).toEqual({ kind: "item", payload: { id: "x", title: "T", item: 3, text: "t", done: true } });
  });
});

describe("buildDigestMessage", () => {
  it("groups items by finding with their ages", () => {
    const message = buildDigestMessage([
      { id: "a", title: "A <1>", url: "https://x.test/#a", items: [{ item: 1, text: "do & go", ageDays: 3 }, { item: 3, text: "x", ageDays: 1 }] },
      { id: "b", title: "B", url: undefined, items: [{ item: 1, text: "y", ageDays: undefined }] },
    ]);
    expect(message.text).toBe("Research log digest: 3 open action items in 2 findings");
    expect(message.blocks.slice(2)).toEqual([
      { type: "section", text: { type: "mrkdwn", text: "*<https://x.test/#a|A &lt;1&gt;>*\n• do &amp; go _(3 days)_\n• x _(1 day)_" } },
      { type: "section", text: { type: "mrkdwn", text: "*B*\n• y" } },
    ]);
  });

  it("stays within Slack's 50 blocks", () => {
    const groups = Array.from({ length: 80 }, (_, i) => ({ id: `g${i}`, title: `G${i}`, url: undefined, items: [{ item: 1, text: "t", ageDays: 0 }] }));
    const message = buildDigestMessage(groups);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks.at(-1))).toContain("more findings");
  });
});

describe("replies", () => {
  it("says who changed what, with the commit", () => {
    expect(buildEditReply({ userId: "U1", kind: "checked", what: "a <b>", commitUrl: "https://c.test/1" })).toBe(
      "<@U1> checked off “a &lt;b&gt;” (<https://c.test/1|commit>)",
    );
    expect(buildEditReply({ userId: "U1", kind: "status", what: "Resolved", commitUrl: undefined })).toBe("<@U1> set the status to *Resolved*");
  });

  it("hands the markdown back escaped in a code block", () => {
    const [text, ...more] = buildWriteFailureMessages({ reason: "GitHub is down", markdown: "## 2026-01-20 <T>\n\n```py\nx\n```" });
    expect(more).toEqual([]);
    expect(text).toContain("GitHub is down");
    expect(text).toContain("```\n## 2026-01-20 &lt;T&gt;\n\n`\u200b``py\nx\n`\u200b``\n```");
  });

  it("splits a hand-back longer than Slack's 40,000 characters so that nothing is lost", () => {
    // 50 items of 200 ampersands and 20 emoji: over 50,000 characters once escaped.
    const markdown = ["## 2026-01-20 Big", "", ...Array.from({ length: 50 }, (_, i) => `- [ ] ${i} ${"&".repeat(200)}${"😀".repeat(20)}`)].join("\n");
    const messages = buildWriteFailureMessages({ reason: "GitHub is down", markdown });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.length).toBeLessThanOrEqual(40_000);
      expect(message).toMatch(/\n```\n[\s\S]*\n```$/);
    }
    expect(messages[1]).toMatch(/^\(the entry, part 2 of \d+\)/);
    const body = messages.map((m) => /\n```\n([\s\S]*)\n```$/.exec(m)?.[1] ?? "").join("\n");
    expect(body.replace(/&amp;/g, "&")).toBe(markdown);
  });

  it("splits a line longer than a message between characters, outside entities", () => {
    const markdown = "&😀".repeat(500);
    const messages = buildWriteFailureMessages({ reason: "x", markdown, limit: 800 });
    const bodies = messages.map((m) => /\n```\n([\s\S]*)\n```$/.exec(m)?.[1] ?? "");
    for (const [index, message] of messages.entries()) {
      expect(message.length).toBeLessThanOrEqual(800);
      expect(bodies[index]).toMatch(/^(?:&amp;|😀)+$/u);
    }
    expect(bodies.join("")).toBe("&amp;😀".repeat(500));
  });

  it("lists findings, escaped, with open item counts", () => {
    expect(
      buildFindingsList("Open findings", [
        { title: "A & B", category: "Data", status: "Open", url: "https://x.test/#a", date: "2026-01-20", actionItems: [{ text: "a", done: false }, { text: "b", done: true }] },
      ]),
    ).toBe("Open findings (1):\n• *<https://x.test/#a|A &amp; B>* — 2026-01-20 · Data · Open · 1 open item");
    expect(buildFindingsList("Open findings", [])).toBe("Open findings: none.");
  });

  it("explains how to invite the bot", () => {
    expect(buildNotInChannelMessage({ channel: "G1", entryUrl: undefined, title: "<T>" })).toMatch(/^Your finding \*&lt;T&gt;\* is in the log, but I cannot post in <#G1>/);
  });
});
