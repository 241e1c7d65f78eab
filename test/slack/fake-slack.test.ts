import { afterEach, describe, expect, it } from "vitest";
import { buildFindingModal } from "../../src/slack/build-finding-modal.js";
import type { FakeSlack } from "../support/fake-slack.js";
import { startFakeSlack } from "../support/fake-slack.js";
import { triggerId } from "../support/slack-factories.js";
import { BLOCK_KIT_LIMITS, checkMessageBlocks, checkSlackAnswer, checkView, manifestBotScopes } from "../support/slack-platform-rules.js";

/**
 * The fake Slack against Slack's documented behaviour: each case is a call
 * Slack refuses (or answers in a particular way), and the fake must answer
 * as Slack does. The bot's own requests are checked by the flow tests.
 */

let slack: FakeSlack | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

/** The fake this test started. */
const fake = (): FakeSlack => {
  if (slack === undefined) throw new Error("no fake Slack started");
  return slack;
};

async function call(method: string, args: Record<string, unknown>, token = fake().token): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const response = await fetch(new URL(method, fake().url), {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${token}` },
    body: JSON.stringify(args),
  });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Record<string, unknown> };
}

const plain = (text: string) => ({ type: "plain_text", text });
const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
const input = (blockId: string) => ({ type: "input", block_id: blockId, label: plain("Title"), element: { type: "plain_text_input", action_id: "value" } });
const modal = (overrides: Record<string, unknown> = {}) => ({ type: "modal", title: plain("Log a finding"), submit: plain("Log it"), blocks: [input("title")], ...overrides });
const select = (initial: { text: ReturnType<typeof plain>; value: string }) => ({
  type: "input",
  block_id: "category",
  label: plain("Category"),
  element: { type: "static_select", action_id: "value", options: [{ text: plain("Data"), value: "Data" }], initial_option: initial },
});
const section = (fields: number, length = 10) => ({ type: "section", fields: Array.from({ length: fields }, () => mrkdwn("x".repeat(length))) });

describe("the fake Slack answers as Slack does", () => {
  const cases: [name: string, method: string, args: (ts: string) => Record<string, unknown>, error: string, pointer?: string][] = [
    ["a section with 11 fields", "chat.postMessage", () => ({ channel: "C1", blocks: [section(11)] }), "invalid_blocks", "/blocks/0/fields"],
    ["a field over 2,000 characters", "chat.postMessage", () => ({ channel: "C1", blocks: [section(1, 2001)] }), "invalid_blocks", "/blocks/0/fields/0/text"],
    ["a context block with 11 elements", "chat.postMessage", () => ({ channel: "C1", blocks: [{ type: "context", elements: Array.from({ length: 11 }, () => mrkdwn("x")) }] }), "invalid_blocks", "/blocks/0/elements"],
    ["a section over 3,000 characters", "chat.update", (ts) => ({ channel: "C1", ts, blocks: [{ type: "section", text: mrkdwn("x".repeat(3001)) }] }), "invalid_blocks", "/blocks/0/text/text"],
    ["51 blocks in a message", "chat.postMessage", () => ({ channel: "C1", blocks: Array.from({ length: 51 }, () => ({ type: "divider" })) }), "invalid_blocks", "/blocks"],
    ["a hint over 2,000 characters", "views.open", () => ({ trigger_id: triggerId(), view: modal({ blocks: [{ ...input("t"), hint: plain("x".repeat(2001)) }] }) }), "invalid_arguments", "/view/blocks/0/hint/text"],
    ["a submit label over 24 characters", "views.open", () => ({ trigger_id: triggerId(), view: modal({ submit: plain("x".repeat(25)) }) }), "invalid_arguments", "/view/submit/text"],
    ["a modal with inputs and no submit", "views.open", () => ({ trigger_id: triggerId(), view: modal({ submit: undefined }) }), "invalid_arguments", "/view/submit"],
    ["an initial_option not among the options", "views.open", () => ({ trigger_id: triggerId(), view: modal({ blocks: [select({ text: plain("Food"), value: "Food" })] }) }), "invalid_arguments", "/view/blocks/0/element/initial_option"],
    ["a trigger id never issued", "views.open", () => ({ trigger_id: "12345.98765.abcd", view: modal() }), "invalid_trigger_id"],
    ["a missing required argument", "chat.update", () => ({ channel: "C1", text: "no ts" }), "invalid_arguments"],
  ];

  it.each(cases)("refuses %s (%s)", async (_name, method, args, error, pointer) => {
    slack = await startFakeSlack();
    // chat.update needs a message to update.
    const first = await call("chat.postMessage", { channel: "C1", text: "first" });
    const { status, body } = await call(method, args(String(first.body.ts)));
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: false, error });
    if (pointer !== undefined) expect((body.response_metadata as { messages: string[] }).messages.join("\n")).toContain(`[json-pointer:${pointer}]`);
  });

  it("takes a trigger id once, and not after 3 s", async () => {
    slack = await startFakeSlack();
    const trigger = triggerId();
    expect((await call("views.open", { trigger_id: trigger, view: modal() })).body).toMatchObject({ ok: true });
    expect((await call("views.open", { trigger_id: trigger, view: modal() })).body).toEqual({ ok: false, error: "exchanged_trigger_id" });
    const stale = triggerId();
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expect((await call("views.open", { trigger_id: stale, view: modal() })).body).toEqual({ ok: false, error: "expired_trigger_id" });
  });

  it("refuses a method without its scope, naming the scope", async () => {
    slack = await startFakeSlack({ scopes: ["commands", "users:read"] });
    expect((await call("chat.postMessage", { channel: "C1", text: "hi" })).body).toEqual({ ok: false, error: "missing_scope", needed: "chat:write", provided: "commands,users:read" });
    expect((await call("conversations.history", { channel: "G1" })).body).toMatchObject({ error: "missing_scope", needed: "groups:history" });
    expect((await call("auth.test", {})).body).toMatchObject({ ok: true });
  });

  it("gives a token the manifest's bot scopes by default", () => {
    expect(manifestBotScopes()).toEqual(expect.arrayContaining(["commands", "chat:write", "channels:history", "users:read"]));
  });

  it("truncates text past 40,000 characters with a warning, and posts the message", async () => {
    slack = await startFakeSlack();
    const { body } = await call("chat.postMessage", { channel: "C1", text: "é".repeat(40_001) });
    expect(body).toMatchObject({ ok: true, warning: "message_truncated", response_metadata: { warnings: ["message_truncated"] } });
    expect(fake().messages[0]?.text).toHaveLength(BLOCK_KIT_LIMITS.messageText.max);
  });

  it("answers chat.update with the updated message", async () => {
    slack = await startFakeSlack();
    const posted = await call("chat.postMessage", { channel: "C1", text: "first" });
    const { body } = await call("chat.update", { channel: "C1", ts: posted.body.ts, text: "second" });
    expect(body).toMatchObject({ ok: true, channel: "C1", ts: posted.body.ts, text: "second", message: { type: "message", text: "second", ts: posted.body.ts } });
  });

  it("answers 429 with Retry-After when rate limited, and makes no call", async () => {
    slack = await startFakeSlack();
    fake().rateLimit("chat.postMessage", 2);
    const limited = await call("chat.postMessage", { channel: "C1", text: "hi" });
    expect(limited).toEqual({ status: 429, retryAfter: "2", body: { ok: false, error: "ratelimited" } });
    expect(fake().messages).toHaveLength(0);
    expect((await call("chat.postMessage", { channel: "C1", text: "hi" })).body).toMatchObject({ ok: true });
  });
});

describe("the fake's answers", () => {
  it("match the spec's success schemas, method by method", async () => {
    slack = await startFakeSlack({ users: [{ id: "U1", name: "ada", tz: "Europe/Berlin", email: "ada@example.test" }] });
    const posted = await call("chat.postMessage", { channel: "C1", text: "hi", blocks: [{ type: "divider" }], metadata: { event_type: "e", event_payload: { a: 1 } } });
    const ts = String(posted.body.ts);
    const answers = [
      posted,
      await call("chat.postMessage", { channel: "C1", text: "in the thread", thread_ts: ts }),
      await call("chat.update", { channel: "C1", ts, text: "edited", blocks: [{ type: "divider" }] }),
      await call("chat.postEphemeral", { channel: "C1", user: "U1", text: "only you" }),
      await call("chat.getPermalink", { channel: "C1", message_ts: ts }),
      await call("conversations.history", { channel: "C1", include_all_metadata: true }),
      await call("conversations.history", { channel: "C1", oldest: "9999999999.000000" }),
      await call("conversations.replies", { channel: "C1", ts }),
      await call("conversations.join", { channel: "C2" }),
      await call("users.info", { user: "U1" }),
      await call("auth.test", {}),
      await call("views.open", { trigger_id: triggerId(), view: modal() }),
    ];
    // A fake answer out of spec would be fake_answer_out_of_spec, naming the field.
    expect(answers.map((a) => a.body.ok)).toEqual(answers.map(() => true));
  });

  it("are checked: an answer with a field Slack does not send is out of spec", () => {
    expect(checkSlackAnswer("chat.postEphemeral", { ok: true, message_ts: "1.2", channel: "C1" })).toEqual(["(answer): must NOT have additional properties (channel)"]);
    expect(checkSlackAnswer("chat.getPermalink", { ok: true, channel: "C1" })).toEqual(["(answer): must have required property 'permalink'"]);
  });
});

describe("the Block Kit rules", () => {
  it("pass the bot's own modal, with every option filled in", () => {
    const view = buildFindingModal({
      context: { channel: "C1", user: "U1" } as never,
      categories: ["Training", "Data", "A category with a long name of forty ch"],
      defaultCategory: "Data",
      title: "x".repeat(300),
      finding: "y".repeat(5000),
      related: "z",
    });
    expect(checkView(view)).toEqual([]);
  });

  it.each([
    ["a header over 150 characters", [{ type: "header", text: plain("x".repeat(151)) }], "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]"],
    ["a header in mrkdwn", [{ type: "header", text: mrkdwn("x") }], "[ERROR] must be a plain_text object [json-pointer:/blocks/0/text/type]"],
    ["a button text over 75 characters", [{ type: "actions", elements: [{ type: "button", text: plain("x".repeat(76)), action_id: "a" }] }], "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"],
    ["a block id used twice", [{ type: "divider", block_id: "a" }, { type: "divider", block_id: "a" }], "[ERROR] block_id must be unique [json-pointer:/blocks/1/block_id]"],
    ["a section with neither text nor fields", [{ type: "section" }], "[ERROR] must provide text or fields [json-pointer:/blocks/0]"],
    ["an unknown block type", [{ type: "carousel" }], "[ERROR] unsupported type: carousel [json-pointer:/blocks/0/type]"],
  ])("refuse %s", (_name, blocks, message) => {
    expect(checkMessageBlocks(blocks)).toContain(message);
  });

  it("count characters, not UTF-16 units: 24 emoji make a valid title", () => {
    expect(checkView(modal({ title: plain("🧪".repeat(24)) }))).toEqual([]);
    expect(checkView(modal({ title: plain("🧪".repeat(25)) }))).toEqual(["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"]);
  });
});

describe("the fake Slack's files", () => {
  const bytes = Buffer.from("\x89PNG\r\n\x1a\nrest", "latin1");

  it("describes a file with files.info (files:read), serves its private URL to the bot token only, and lists the token's scopes", async () => {
    slack = await startFakeSlack();
    const file = fake().addFile({ name: "plot.png", bytes });
    const info = await call("files.info", { file: file.id });
    expect(info.body).toMatchObject({ ok: true, file: { id: file.id, name: "plot.png", mimetype: "image/png", size: bytes.length } });
    const withToken = await fetch(file.url_private_download, { headers: { authorization: `Bearer ${fake().token}` } });
    expect([withToken.status, Buffer.from(await withToken.arrayBuffer()).equals(bytes)]).toEqual([200, true]);
    const anonymous = await fetch(file.url_private_download, { redirect: "manual" });
    expect([anonymous.status, anonymous.headers.get("location")]).toEqual([302, expect.stringContaining("/signin?redir=")]);
    const scopes = (await fetch(new URL("auth.test", fake().url), { method: "POST", headers: { authorization: `Bearer ${fake().token}` } })).headers.get("x-oauth-scopes");
    expect(scopes?.split(",")).toContain("files:read");
  });

  it("refuses files.info and the private URL without files:read, and a deleted file", async () => {
    slack = await startFakeSlack({ scopes: manifestBotScopes().filter((s) => s !== "files:read") });
    const file = fake().addFile({ name: "plot.png", bytes });
    expect((await call("files.info", { file: file.id })).body).toMatchObject({ ok: false, error: "missing_scope", needed: "files:read" });
    const refused = await fetch(file.url_private, { headers: { authorization: `Bearer ${fake().token}` } });
    expect([refused.status, refused.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
    const view = { type: "modal", title: { type: "plain_text", text: "Log" }, submit: { type: "plain_text", text: "Log" }, blocks: [{ type: "input", label: { type: "plain_text", text: "Pictures" }, element: { type: "file_input", action_id: "value" } }] };
    expect((await call("views.open", { trigger_id: triggerId(), view })).body).toMatchObject({ ok: false, error: "missing_scope", needed: "files:read" });
  });

  it("answers file_deleted for a deleted file, and refuses a file_input taking more than 10 files", async () => {
    slack = await startFakeSlack();
    const file = fake().addFile({ name: "plot.png", bytes });
    fake().deleteFile(file.id);
    expect((await call("files.info", { file: file.id })).body).toMatchObject({ ok: false, error: "file_deleted" });
    expect(checkView({ type: "modal", title: { type: "plain_text", text: "Log" }, submit: { type: "plain_text", text: "Log" }, blocks: [{ type: "input", label: { type: "plain_text", text: "Pictures" }, element: { type: "file_input", max_files: 11 } }] })).toEqual([
      "[ERROR] must be between 1 and 10 [json-pointer:/view/blocks/0/element/max_files]",
    ]);
  });
});
