import { afterEach, describe, expect, it } from "vitest";
import { checkRequest, checkResponse, invalidFormBody } from "../support/discord-validator.js";
import { INTERACTION_ANSWER_MS, INTERACTION_TOKEN_MS, startFakeDiscord } from "../support/fake-discord.js";
import type { FakeDiscord } from "../support/fake-discord.js";
import { findingsCommand } from "../support/discord-factories.js";

/**
 * The fake Discord against Discord's documented behaviour: each case is a
 * request Discord refuses (or answers in a particular way), and the fake must
 * answer as Discord does. The bot's own requests are checked by the flow tests.
 */

let discord: FakeDiscord | undefined;
afterEach(async () => {
  await discord?.close();
  discord = undefined;
});

let clock = 0;
async function start(): Promise<FakeDiscord> {
  clock = 1_800_000_000_000;
  discord = await startFakeDiscord({ now: () => clock });
  return discord;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> | undefined;
}

async function request(fake: FakeDiscord, method: string, path: string, body?: unknown, auth = true): Promise<Answer> {
  const response = await fetch(`${fake.apiUrl}/v10${path}`, {
    method,
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Bot ${fake.token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

/** An interaction the fake's gateway dispatched, so its token is one Discord issued. */
function dispatched(fake: FakeDiscord): { id: string; token: string } {
  const interaction = findingsCommand(fake, "open");
  fake.dispatch("INTERACTION_CREATE", interaction);
  return interaction;
}

const errorAt = (body: Record<string, unknown> | undefined, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], body?.errors);

const textInput = (i: number) => ({ type: 1, components: [{ type: 4, custom_id: `f${i}`, label: `Field ${i}`, style: 1 }] });

describe("the fake Discord answers as Discord does", () => {
  it.each([
    ["a 2,001-character message", { content: "x".repeat(2001) }, ["content"], "BASE_TYPE_MAX_LENGTH"],
    ["a 257-character embed title", { embeds: [{ title: "t".repeat(257) }] }, ["embeds", "0", "title"], "BASE_TYPE_MAX_LENGTH"],
    ["embeds totalling 6,001 characters", { embeds: [{ description: "d".repeat(4096) }, { description: "d".repeat(1905) }] }, ["embeds"], "MAX_EMBED_SIZE_EXCEEDED"],
    ["11 embeds", { embeds: Array.from({ length: 11 }, () => ({ title: "t" })) }, ["embeds"], "BASE_TYPE_MAX_LENGTH"],
  ])("refuses %s with Invalid Form Body", async (_name, body, at, code) => {
    const fake = await start();
    const answer = await request(fake, "POST", `/channels/${fake.channelId}/messages`, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 50035, message: "Invalid Form Body" });
    expect(errorAt(answer.body, ...at, "_errors")).toEqual([expect.objectContaining({ code })]);
    expect(fake.messages).toHaveLength(0);
  });

  it("refuses a 101-character thread name", async () => {
    const fake = await start();
    const message = await request(fake, "POST", `/channels/${fake.channelId}/messages`, { content: "hi" });
    const answer = await request(fake, "POST", `/channels/${fake.channelId}/messages/${String(message.body?.id)}/threads`, { name: "n".repeat(101) });
    expect(answer.status).toBe(400);
    expect(errorAt(answer.body, "name", "_errors")).toEqual([expect.objectContaining({ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." })]);
  });

  it("refuses a modal with 6 components", async () => {
    const fake = await start();
    const { id, token } = dispatched(fake);
    const answer = await request(fake, "POST", `/interactions/${id}/${token}/callback`, { type: 9, data: { custom_id: "m", title: "Log", components: [1, 2, 3, 4, 5, 6].map(textInput) } }, false);
    expect(answer.status).toBe(400);
    expect(errorAt(answer.body, "data", "components", "_errors")).toEqual([expect.objectContaining({ code: "BASE_TYPE_BAD_LENGTH" })]);
  });

  it("answers an interaction it dispatched once, within 3 s, and no other", async () => {
    const fake = await start();
    const never = await request(fake, "POST", `/interactions/1300000000000000001/not-a-token/callback`, { type: 5 }, false);
    expect(never).toMatchObject({ status: 404, body: { code: 10062, message: "Unknown interaction" } });

    const first = dispatched(fake);
    expect((await request(fake, "POST", `/interactions/${first.id}/${first.token}/callback`, { type: 5, data: { flags: 64 } }, false)).status).toBe(204);
    expect(await request(fake, "POST", `/interactions/${first.id}/${first.token}/callback`, { type: 5 }, false)).toMatchObject({ status: 400, body: { code: 40060 } });

    const late = dispatched(fake);
    clock += INTERACTION_ANSWER_MS + 1;
    expect(await request(fake, "POST", `/interactions/${late.id}/${late.token}/callback`, { type: 5 }, false)).toMatchObject({ status: 404, body: { code: 10062 } });
  });

  it("takes follow-ups on an answered interaction's token for 15 minutes", async () => {
    const fake = await start();
    const { id, token } = dispatched(fake);
    const early = await request(fake, "POST", `/webhooks/${fake.applicationId}/${token}`, { content: "too early" }, false);
    expect(early).toMatchObject({ status: 404, body: { code: 10015 } });
    await request(fake, "POST", `/interactions/${id}/${token}/callback`, { type: 5 }, false);
    const edited = await request(fake, "PATCH", `/webhooks/${fake.applicationId}/${token}/messages/@original`, { content: "done" }, false);
    expect(edited.status).toBe(200);
    expect(checkResponse("PATCH", `/webhooks/${fake.applicationId}/${token}/messages/@original`, 200, edited.body)).toEqual([]);
    clock += INTERACTION_TOKEN_MS + 1;
    expect(await request(fake, "POST", `/webhooks/${fake.applicationId}/${token}`, { content: "too late" }, false)).toMatchObject({ status: 404, body: { code: 10015 } });
  });

  it("answers with_response=true with 200 and the callback response", async () => {
    const fake = await start();
    const { id, token } = dispatched(fake);
    const answer = await request(fake, "POST", `/interactions/${id}/${token}/callback?with_response=true`, { type: 4, data: { content: "hello", flags: 64 } }, false);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ interaction: { id, type: 2, response_message_ephemeral: true }, resource: { type: 4, message: { content: "hello" } } });
    expect(checkResponse("POST", `/interactions/${id}/${token}/callback`, 200, answer.body)).toEqual([]);
  });

  it("answers 429 with Discord's body and headers, and X-RateLimit headers on every answer", async () => {
    const fake = await start();
    const ok = await request(fake, "GET", `/channels/${fake.channelId}`);
    expect(ok.status).toBe(200);
    for (const header of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-reset-after", "x-ratelimit-bucket"]) expect(ok.headers.get(header)).not.toBeNull();
    fake.rateLimit("POST", /\/messages$/, 1.5, { global: true });
    const limited = await request(fake, "POST", `/channels/${fake.channelId}/messages`, { content: "hi" });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: "You are being rate limited.", retry_after: 1.5, global: true });
    expect(checkRequest("GET", `/channels/${fake.channelId}`, undefined)).toEqual([]);
    expect([limited.headers.get("retry-after"), limited.headers.get("x-ratelimit-remaining"), limited.headers.get("x-ratelimit-global"), limited.headers.get("x-ratelimit-scope")]).toEqual(["2", "0", "true", "global"]);
    expect(fake.messages).toHaveLength(0);
  });

  it("creates messages and threads with every field the spec requires", async () => {
    const fake = await start();
    const message = await request(fake, "POST", `/channels/${fake.channelId}/messages`, { content: "hi", embeds: [{ title: "t", fields: [{ name: "a", value: "b" }] }] });
    expect(checkResponse("POST", `/channels/${fake.channelId}/messages`, 200, message.body)).toEqual([]);
    const thread = await request(fake, "POST", `/channels/${fake.channelId}/messages/${String(message.body?.id)}/threads`, { name: "Action items" });
    expect(thread.status).toBe(201);
    expect(checkResponse("POST", `/channels/${fake.channelId}/messages/1/threads`, 201, thread.body)).toEqual([]);
  });
});

describe("the Discord validator", () => {
  it.each([
    ["a message with a number for content", "POST", "/channels/1/messages", { content: 5 }, "content"],
    ["an embed field without a value", "PATCH", "/channels/1/messages/2", { embeds: [{ fields: [{ name: "a" }] }] }, "embeds.0.fields.0.value"],
    ["a thread without a name", "POST", "/channels/1/messages/2/threads", {}, "name"],
    ["a modal title over 45 characters", "POST", "/interactions/1/t/callback", { type: 9, data: { custom_id: "m", title: "x".repeat(46), components: [textInput(1)] } }, "data.title"],
  ])("refuses %s", (_name, method, path, body, at) => {
    expect(checkRequest(method, path, body).map((p) => p.at)).toContain(at);
  });

  it("accepts what the bot sends", () => {
    expect(checkRequest("POST", "/channels/1/messages", { content: "hi", allowed_mentions: { parse: [] }, embeds: [{ title: "t", footer: { text: "f" } }] })).toEqual([]);
    expect(checkRequest("POST", "/interactions/1/t/callback", { type: 5, data: { flags: 64 } })).toEqual([]);
  });

  it("refuses a thread answer that lacks required fields", () => {
    expect(checkResponse("POST", "/channels/1/messages/2/threads", 201, { id: "1", type: 11 }).map((p) => p.at)).toEqual(
      expect.arrayContaining(["owner_id", "thread_metadata", "total_message_sent"]),
    );
  });

  it("nests problems as Discord does", () => {
    expect(invalidFormBody([{ at: "embeds.0.title", code: "BASE_TYPE_MAX_LENGTH", message: "Must be 256 or fewer in length." }])).toEqual({
      code: 50035,
      message: "Invalid Form Body",
      errors: { embeds: { "0": { title: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 256 or fewer in length." }] } } } },
    });
  });

  it("throws for an operation the spec lacks", () => {
    expect(() => checkRequest("DELETE", "/guilds/1", {})).toThrow(/no DELETE \/guilds\/1/);
  });
});

describe("the fake Discord's CDN", () => {
  it("serves an attachment from its signed link, without the bot token, until the link expires; a forged link is refused", async () => {
    const fake = await start();
    const attachment = fake.addAttachment({ filename: "plot.png", bytes: Buffer.from("png bytes"), contentType: "image/png", expiresInS: 60 });
    const served = await fetch(attachment.url);
    expect([served.status, served.headers.get("content-type"), await served.text()]).toEqual([200, "image/png", "png bytes"]);
    const forged = await fetch(attachment.url.replace(/hm=[0-9a-f]+/, `hm=${"0".repeat(64)}`));
    expect([forged.status, await forged.text()]).toEqual([404, "This content is no longer available."]);
    clock += 61_000;
    const expired = await fetch(attachment.url);
    expect(expired.status).toBe(404);
    expect(fake.downloads.map((d) => d.status)).toEqual([200, 404, 404]);
  });
});
