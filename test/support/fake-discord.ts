/**
 * A fake Discord on 127.0.0.1: the REST API under `/api/v10` and the gateway
 * over WebSocket on the same port. The gateway speaks JSON without
 * compression (what discord.js asks for when zlib-sync is not installed):
 * HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, and dispatches the tests
 * send (interactions, reactions). REST keeps channels, messages, threads and
 * reactions as Discord does, and records every request.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { checkRequest, checkResponse, invalidFormBody, operationOf } from "./discord-validator.js";

/** The part of the `ws` package (a discord.js dependency, without bundled types) the fake uses. */
interface WsSocket {
  readyState: number;
  send(data: string): void;
  close(code?: number): void;
  on(event: "message", listener: (data: Buffer) => void): void;
  on(event: "close", listener: () => void): void;
}
interface WsServer {
  handleUpgrade(request: IncomingMessage, socket: unknown, head: Buffer, callback: (ws: WsSocket) => void): void;
  close(): void;
}
const { WebSocketServer } = createRequire(import.meta.url)("ws") as { WebSocketServer: new (options: { noServer: true }) => WsServer };

export interface RecordedDiscordRequest {
  method: string;
  /** Path after `/api/v10`, without the query. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

export interface FakeDiscordUser {
  id: string;
  username: string;
  global_name?: string | null;
  bot?: boolean;
}

export interface FakeDiscordMessage {
  id: string;
  channel_id: string;
  guild_id: string;
  author: FakeDiscordUser;
  content: string;
  embeds: Record<string, unknown>[];
  /** Buttons and other components, as sent. */
  components: unknown[];
  /** The allowed_mentions the bot sent with it (and with its last edit). */
  allowed_mentions: unknown;
  reactions: Map<string, Set<string>>;
  /** Id of the thread started on this message. */
  thread: string | undefined;
  /** Files posted with it, as the API describes them (see `addAttachment`). */
  attachments: FakeDiscordAttachment[];
  timestamp: string;
  edited_timestamp: string | null;
}

export interface FakeDiscordAttachment {
  id: string;
  filename: string;
  size: number;
  /** A signed CDN link (`ex`, `is`, `hm`), as Discord gives them: it stops working when `ex` passes. */
  url: string;
  proxy_url: string;
  content_type?: string;
}

export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  guild_id: string;
  parent_id?: string;
}

/** What the bot answered to one interaction: the callback, and its webhook messages. */
export interface InteractionAnswer {
  callback: { type: number; data?: Record<string, unknown> } | undefined;
  /** The @original message's body after the last edit. */
  original: Record<string, unknown> | undefined;
  followUps: Record<string, unknown>[];
}

export interface FakeDiscord {
  /** REST base for `DISCORD_API_URL` (discord.js adds `/v10`). */
  readonly apiUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly botUser: FakeDiscordUser;
  readonly requests: readonly RecordedDiscordRequest[];
  requestsTo(method: string, path: string | RegExp): RecordedDiscordRequest[];
  /** Messages in creation order (all channels and threads). */
  readonly messages: readonly FakeDiscordMessage[];
  message(id: string): FakeDiscordMessage | undefined;
  /** A message as the REST API answers it (what Discord puts in a component interaction's `message`). */
  messageJson(id: string): Record<string, unknown> | undefined;
  /** Messages in a channel or thread, oldest first. */
  inChannel(channelId: string): FakeDiscordMessage[];
  channel(id: string): FakeChannel | undefined;
  /** Another text channel in the guild (for routes); add it before the bot connects to have it in GUILD_CREATE. */
  addChannel(name: string): FakeChannel;
  /** A message a person posted. */
  addUserMessage(content: string, user?: FakeDiscordUser, channelId?: string, attachments?: FakeDiscordAttachment[]): FakeDiscordMessage;
  /**
   * A file as Discord keeps an upload: its CDN link is signed and expires after `expiresInS`
   * (a day by default); a link whose signature does not match, or that expired, answers 404.
   */
  addAttachment(file: { filename: string; bytes: Uint8Array; contentType?: string; expiresInS?: number }): FakeDiscordAttachment;
  /** The next `times` CDN fetches answer `status`. */
  failAttachmentDownloads(status: number, times: number): void;
  /** CDN fetches, with how they were answered. */
  readonly downloads: readonly { id: string; status: number }[];
  /** Adds or removes a reaction as a person would: the message changes, then the gateway event is sent. */
  react(message: FakeDiscordMessage, emoji: string, userId: string, add?: boolean): void;
  /** Sends a gateway dispatch to every identified connection; an INTERACTION_CREATE's token becomes one the REST API knows. */
  dispatch(type: string, data: unknown): void;
  /**
   * The next `times` requests matching `method` and `path` are answered 429,
   * as Discord's rate limits are: `{ message, retry_after, global }`,
   * `Retry-After` and `X-RateLimit-*` headers.
   */
  rateLimit(method: string, path: RegExp, retryAfterS: number, options?: { global?: boolean; times?: number }): void;
  answer(interactionId: string): InteractionAnswer;
  /** Resolves when `predicate` holds (polled), or rejects after `timeoutMs`. */
  waitFor(predicate: (fake: FakeDiscord) => boolean, timeoutMs?: number): Promise<void>;
  /** Number of open gateway connections that have identified. */
  readonly sessions: number;
  /**
   * Takes the gateway down (every socket closed with 1001 Going Away, new
   * connections refused) or brings it back; a client that comes back may
   * resume (op 6 → RESUMED) or identify afresh.
   */
  setGateway(up: boolean): void;
  close(): Promise<void>;
}

let snowflake = 1_300_000_000_000_000_000n;
/** A fresh snowflake id. */
export const nextId = (): string => (snowflake += 1n).toString();

const API_PREFIX = "/api/v10";

/** Components as Discord answers them: each with a numeric `id` (assigned in order, depth first, where the request gave none). */
function componentsJson(components: unknown): Record<string, unknown>[] {
  let next = 0;
  const number = (component: Record<string, unknown>): Record<string, unknown> => {
    next += 1;
    const id = typeof component.id === "number" ? component.id : next;
    const children = Array.isArray(component.components) ? { components: (component.components as Record<string, unknown>[]).map(number) } : {};
    return { ...component, id, ...children };
  };
  return Array.isArray(components) ? (components as Record<string, unknown>[]).map(number) : [];
}

/** What every message the fake answers with says when nothing was sent for it: no mentions, attachments or components. */
const MESSAGE_DEFAULTS = { tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], components: [], pinned: false } as const;

/** How long an interaction can be answered, and how long its token takes follow-ups. */
export const INTERACTION_ANSWER_MS = 3000;
export const INTERACTION_TOKEN_MS = 15 * 60 * 1000;

export interface FakeDiscordOptions {
  token?: string;
  /** The fake's clock, in ms (default Date.now): interaction tokens expire by it. */
  now?: () => number;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const now = options.now ?? Date.now;
  const token = options.token ?? "discord-test-token";
  const applicationId = "1100000000000000001";
  const guildId = "1100000000000000002";
  const channelId = "1100000000000000003";
  const botUser: FakeDiscordUser = { id: applicationId, username: "research-log", global_name: null, bot: true };
  const users = new Map<string, FakeDiscordUser>([[botUser.id, botUser]]);
  const channels = new Map<string, FakeChannel>([[channelId, { id: channelId, type: 0, name: "research", guild_id: guildId }]]);
  const messages: FakeDiscordMessage[] = [];
  const requests: RecordedDiscordRequest[] = [];
  const answers = new Map<string, InteractionAnswer>();
  /** Interactions the gateway dispatched: token → id, type and when. */
  const interactions = new Map<string, { id: string; type: number; at: number }>();
  const rateLimits: { method: string; path: RegExp; retryAfterS: number; global: boolean }[] = [];
  const sockets = new Set<WsSocket>();
  let seq = 0;
  const files = new Map<string, { bytes: Buffer; contentType: string | undefined }>();
  const cdnSecret = randomBytes(16);
  const downloads: { id: string; status: number }[] = [];
  let downloadFaults: number[] = [];
  let cdnBase = "";
  const cdnSignature = (path: string, ex: string, is: string): string => createHmac("sha256", cdnSecret).update(`${path}|${ex}|${is}`).digest("hex");

  const userJson = (u: FakeDiscordUser) => ({
    id: u.id,
    username: u.username,
    global_name: u.global_name ?? null,
    discriminator: "0",
    avatar: null,
    bot: u.bot ?? false,
    public_flags: 0,
    flags: 0,
    primary_guild: null,
  });
  /** An embed as Discord answers it: `type: "rich"`, every field's `inline` said. */
  const embedJson = (embed: Record<string, unknown>): Record<string, unknown> => ({
    type: "rich",
    ...embed,
    ...(Array.isArray(embed.fields) ? { fields: (embed.fields as Record<string, unknown>[]).map((f) => ({ inline: false, ...f })) } : {}),
  });
  const channelJson = (c: FakeChannel) =>
    c.type === 11
      ? { ...c, owner_id: applicationId, message_count: 0, member_count: 1, total_message_sent: 0, rate_limit_per_user: 0, flags: 0, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false } }
      : { ...c, position: 0, flags: 0, permission_overwrites: [], nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0, parent_id: null };
  const messageJson = (m: FakeDiscordMessage): Record<string, unknown> => {
    const thread = m.thread === undefined ? undefined : channels.get(m.thread);
    return {
      id: m.id,
      channel_id: m.channel_id,
      guild_id: m.guild_id,
      author: userJson(m.author),
      content: m.content,
      embeds: m.embeds.map(embedJson),
      timestamp: m.timestamp,
      edited_timestamp: m.edited_timestamp,
      ...MESSAGE_DEFAULTS,
      attachments: m.attachments,
      components: componentsJson(m.components),
      type: 0,
      flags: thread === undefined ? 0 : 32,
      reactions: [...m.reactions].filter(([, who]) => who.size > 0).map(([name, who]) => ({ emoji: { id: null, name }, count: who.size, me: who.has(applicationId), burst_colors: [], count_details: { burst: 0, normal: who.size }, burst_count: 0, me_burst: false })),
      ...(thread === undefined ? {} : { thread: channelJson(thread) }),
    };
  };
  const createMessage = (channel: string, author: FakeDiscordUser, body: Record<string, unknown>): FakeDiscordMessage => {
    const message: FakeDiscordMessage = {
      id: nextId(),
      channel_id: channel,
      guild_id: guildId,
      author,
      content: typeof body.content === "string" ? body.content : "",
      embeds: Array.isArray(body.embeds) ? (body.embeds as Record<string, unknown>[]) : [],
      components: Array.isArray(body.components) ? body.components : [],
      allowed_mentions: body.allowed_mentions,
      reactions: new Map(),
      thread: undefined,
      attachments: [],
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
    };
    messages.push(message);
    return message;
  };

  const guildJson = () => ({
    id: guildId,
    name: "Research",
    icon: null,
    owner_id: "1100000000000000009",
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [{ id: guildId, name: "@everyone", permissions: "1071698660928", position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: "en-US",
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: "2026-01-01T00:00:00.000Z",
    large: false,
    unavailable: false,
    member_count: 3,
    members: [],
    // Only the guild's text channels: threads the bot made are not cached after a restart.
    channels: [...channels.values()].filter((c) => c.type !== 11).map(channelJson),
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  });

  const identified = new Set<WsSocket>();
  const send = (ws: WsSocket, payload: unknown) => {
    if (ws.readyState === 1) ws.send(JSON.stringify(payload));
  };
  const dispatch = (type: string, data: unknown) => {
    if (type === "INTERACTION_CREATE") {
      const interaction = data as { id: string; token: string; type: number };
      if (!interactions.has(interaction.token)) interactions.set(interaction.token, { id: interaction.id, type: interaction.type, at: now() });
    }
    for (const ws of identified) {
      seq += 1;
      send(ws, { op: 0, t: type, s: seq, d: data });
    }
  };

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (text === "") return undefined;
    return JSON.parse(text) as unknown;
  };

  /** A message an interaction's webhook made (ephemeral until the body says otherwise). */
  const webhookMessage = (): Record<string, unknown> => ({
    id: nextId(),
    channel_id: channelId,
    author: userJson(botUser),
    content: "",
    embeds: [],
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    ...MESSAGE_DEFAULTS,
    type: 20,
    flags: 64,
    webhook_id: applicationId,
    application_id: applicationId,
  });

  const answerOf = (id: string): InteractionAnswer => {
    let answer = answers.get(id);
    if (answer === undefined) {
      answer = { callback: undefined, original: undefined, followUps: [] };
      answers.set(id, answer);
    }
    return answer;
  };

  const route = (method: string, path: string, body: Record<string, unknown>, query: URLSearchParams): [number, unknown] => {
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/gateway/bot") {
      return [200, { url: `ws://127.0.0.1:${port}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } }];
    }
    if (method === "GET" && path === "/users/@me") return [200, { ...userJson(botUser), mfa_enabled: false, locale: "en-US" }];
    // Get Current Application: the application object, with its bot user.
    if (method === "GET" && path === "/applications/@me") {
      return [
        200,
        {
          id: applicationId,
          name: botUser.username,
          icon: null,
          description: "",
          type: null,
          bot_public: false,
          bot_require_code_grant: false,
          verify_key: "0".repeat(64),
          flags: 0,
          flags_new: "0",
          redirect_uris: [],
          interactions_endpoint_url: null,
          role_connections_verification_url: null,
          owner: userJson({ id: "1100000000000000009", username: "owner" }),
          approximate_guild_count: 1,
          approximate_user_install_count: 0,
          approximate_user_authorization_count: 0,
          explicit_content_filter: 0,
          team: null,
          eligible_oauth2_scopes: [],
          bot: userJson(botUser),
        },
      ];
    }
    if (method === "GET" && (m = /^\/users\/(\d+)$/.exec(path))) {
      const user = users.get(m[1] ?? "");
      return user === undefined ? [404, { message: "Unknown User", code: 10013 }] : [200, userJson(user)];
    }
    if (method === "PUT" && (m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      const list = Array.isArray(body) ? (body as Record<string, unknown>[]) : [];
      return [
        200,
        list.map((c) => ({
          id: nextId(),
          application_id: applicationId,
          version: nextId(),
          default_member_permissions: null,
          type: 1,
          description: "",
          ...c,
          ...(m?.[2] === undefined ? {} : { guild_id: m[2] }),
        })),
      ];
    }
    if (method === "POST" && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      // Only an interaction the gateway dispatched, with its own token, answered within 3 s, once.
      const interaction = interactions.get(m[2] ?? "");
      if (interaction === undefined || interaction.id !== m[1] || now() - interaction.at > INTERACTION_ANSWER_MS) {
        return [404, { message: "Unknown interaction", code: 10062 }];
      }
      const answer = answerOf(interaction.id);
      if (answer.callback !== undefined) return [400, { message: "Interaction has already been acknowledged.", code: 40060 }];
      answer.callback = body as InteractionAnswer["callback"];
      const type = answer.callback?.type;
      let message: Record<string, unknown> | undefined;
      if (type === 4) {
        answer.original = answer.callback?.data;
        const { allowed_mentions: _mentions, ...shown } = answer.original ?? {};
        message = { ...webhookMessage(), ...shown };
      }
      if (query.get("with_response") !== "true") return [204, undefined];
      const ephemeral = ((answer.callback?.data?.flags as number | undefined) ?? 0) & 64;
      return [
        200,
        {
          interaction: {
            id: interaction.id,
            type: interaction.type,
            ...(type === 4 || type === 5 ? { response_message_loading: type === 5, response_message_ephemeral: ephemeral !== 0 } : {}),
            ...(message === undefined ? {} : { response_message_id: message.id }),
          },
          ...(message === undefined ? {} : { resource: { type: 4, message } }),
        },
      ];
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(path))) {
      // An interaction's token takes follow-ups for 15 minutes, once the interaction is answered.
      const interaction = interactions.get(m[2] ?? "");
      const answered = interaction === undefined ? undefined : answers.get(interaction.id)?.callback;
      if (interaction === undefined || m[1] !== applicationId || answered === undefined || now() - interaction.at > INTERACTION_TOKEN_MS) {
        return [404, { message: "Unknown Webhook", code: 10015 }];
      }
      const answer = answerOf(interaction.id);
      const reply = webhookMessage();
      const asMessage = (sent: Record<string, unknown>): Record<string, unknown> => {
        const { allowed_mentions: _mentions, ...shown } = sent;
        return {
          ...reply,
          ...shown,
          ...(Array.isArray(sent.embeds) ? { embeds: (sent.embeds as Record<string, unknown>[]).map(embedJson) } : {}),
          components: componentsJson(sent.components),
        };
      };
      if (method === "PATCH" && m[3] === "@original") {
        answer.original = { ...answer.original, ...body };
        return [200, asMessage(answer.original)];
      }
      if (method === "POST" && m[3] === undefined) {
        answer.followUps.push(body);
        return [200, asMessage(body)];
      }
    }
    if (method === "GET" && (m = /^\/channels\/(\d+)$/.exec(path))) {
      const channel = channels.get(m[1] ?? "");
      return channel === undefined ? [404, { message: "Unknown Channel", code: 10003 }] : [200, channelJson(channel)];
    }
    if ((m = /^\/channels\/(\d+)\/messages(?:\/(\d+))?(\/threads)?$/.exec(path))) {
      const channel = channels.get(m[1] ?? "");
      if (channel === undefined) return [404, { message: "Unknown Channel", code: 10003 }];
      if (method === "POST" && m[2] === undefined) return [200, messageJson(createMessage(channel.id, botUser, body))];
      if (method === "GET" && m[2] === undefined) {
        // Get Channel Messages: newest first, at most `limit` (default 50, at most 100).
        const limit = Math.min(100, Math.max(1, Number(query.get("limit") ?? 50) || 50));
        return [200, messages.filter((x) => x.channel_id === channel.id).reverse().slice(0, limit).map(messageJson)];
      }
      const message = messages.find((x) => x.id === m?.[2] && x.channel_id === channel.id);
      if (message === undefined) return [404, { message: "Unknown Message", code: 10008 }];
      if (method === "GET" && m[3] === undefined) return [200, messageJson(message)];
      if (method === "PATCH" && m[3] === undefined) {
        if (message.author.id !== applicationId) return [403, { message: "Cannot edit a message authored by another user", code: 50005 }];
        if (typeof body.content === "string") message.content = body.content;
        if (Array.isArray(body.embeds)) message.embeds = body.embeds as Record<string, unknown>[];
        if (Array.isArray(body.components)) message.components = body.components;
        message.allowed_mentions = body.allowed_mentions;
        message.edited_timestamp = new Date().toISOString();
        return [200, messageJson(message)];
      }
      if (method === "POST" && m[3] !== undefined) {
        if (message.thread !== undefined) return [400, { message: "A thread has already been created for this message", code: 160004 }];
        if (channel.type === 11) return [400, { message: "Cannot create a thread in a thread", code: 50024 }];
        const thread: FakeChannel = { id: message.id, type: 11, name: String(body.name ?? "thread"), guild_id: guildId, parent_id: channel.id };
        channels.set(thread.id, thread);
        message.thread = thread.id;
        return [201, channelJson(thread)];
      }
    }
    return [404, { message: `fake Discord has no route ${method} ${path}`, code: 0 }];
  };

  /** Discord's rate-limit headers, sent with every answer: a roomy bucket per route, unless `remaining` says otherwise. */
  const rateLimitHeaders = (bucket: string, remaining = 4, resetAfterS = 1): Record<string, string> => ({
    "x-ratelimit-limit": "5",
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-reset": ((now() + resetAfterS * 1000) / 1000).toFixed(3),
    "x-ratelimit-reset-after": resetAfterS.toFixed(3),
    "x-ratelimit-bucket": Buffer.from(bucket).toString("hex").slice(0, 32),
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const method = req.method ?? "GET";
      const cdn = /^\/attachments\/\d+\/(\d+)\/[^/]+$/.exec(url.pathname);
      if (method === "GET" && cdn !== null) {
        // Discord's CDN: a signed link, checked and expired by `ex`; no bot token needed.
        const id = cdn[1] ?? "";
        const ex = url.searchParams.get("ex") ?? "";
        const is = url.searchParams.get("is") ?? "";
        const valid = url.searchParams.get("hm") === cdnSignature(url.pathname, ex, is) && Number.parseInt(ex, 16) * 1000 > now();
        const found = files.get(id);
        const status = downloadFaults.shift() ?? (valid && found !== undefined ? 200 : 404);
        downloads.push({ id, status });
        if (status === 200 && found !== undefined) {
          res.writeHead(200, { "content-type": found.contentType ?? "application/octet-stream", "content-length": String(found.bytes.length) });
          res.end(found.bytes);
        } else {
          res.writeHead(status, { "content-type": "text/plain" });
          res.end(status === 404 ? "This content is no longer available." : "upstream connect error");
        }
        return;
      }
      const body = await readBody(req).catch(() => undefined);
      const pathname = decodeURIComponent(url.pathname);
      const path = pathname.startsWith(API_PREFIX) ? pathname.slice(API_PREFIX.length) : pathname;
      const isInteraction = /^\/(interactions|webhooks)\//.test(path);
      const template = operationOf(method, path);
      const bucket = `${method} ${template ?? path}`;
      let status: number;
      let answer: unknown;
      let headers: Record<string, string> = rateLimitHeaders(bucket);
      const limited = rateLimits.findIndex((r) => r.method === method && r.path.test(path));
      if (!isInteraction && req.headers.authorization !== `Bot ${token}`) {
        [status, answer] = [401, { message: "401: Unauthorized", code: 0 }];
      } else if (limited >= 0) {
        const [limit] = rateLimits.splice(limited, 1);
        const retryAfter = limit?.retryAfterS ?? 1;
        [status, answer] = [429, { message: "You are being rate limited.", retry_after: retryAfter, global: limit?.global ?? false }];
        headers = {
          ...rateLimitHeaders(bucket, 0, retryAfter),
          "retry-after": String(Math.ceil(retryAfter)),
          "x-ratelimit-scope": limit?.global === true ? "global" : "user",
          ...(limit?.global === true ? { "x-ratelimit-global": "true" } : {}),
        };
      } else {
        const problems = template !== undefined && body !== undefined ? checkRequest(method, path, body) : [];
        [status, answer] = problems.length > 0 ? [400, invalidFormBody(problems)] : route(method, path, (body ?? {}) as Record<string, unknown>, url.searchParams);
        const outOfSpec = status < 300 ? checkResponse(method, path, status, answer) : [];
        if (outOfSpec.length > 0) {
          // The fake itself broke the spec: fail loudly, so that it gets fixed.
          [status, answer] = [500, { message: `fake Discord answered ${method} ${path} out of spec`, problems: outOfSpec }];
        }
      }
      requests.push({ method, path, query: Object.fromEntries(url.searchParams), body, status });
      if (status === 204 || answer === undefined) {
        res.writeHead(status, headers);
        res.end();
        return;
      }
      res.writeHead(status, { ...headers, "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    })();
  });

  const wss = new WebSocketServer({ noServer: true });
  let gatewayUp = true;
  server.on("upgrade", (req: IncomingMessage, socket: unknown, head: Buffer) => {
    if (!gatewayUp) {
      (socket as { destroy(): void }).destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on("close", () => {
        sockets.delete(ws);
        identified.delete(ws);
      });
      ws.on("message", (data) => {
        const packet = JSON.parse(data.toString("utf8")) as { op: number; d: unknown };
        if (packet.op === 1) send(ws, { op: 11, d: null, s: null, t: null });
        if (packet.op === 6) {
          const resume = packet.d as { token?: string };
          if (resume.token !== token) {
            ws.close(4004);
            return;
          }
          identified.add(ws);
          seq += 1;
          send(ws, { op: 0, t: "RESUMED", s: seq, d: {} });
        }
        if (packet.op === 2) {
          const identify = packet.d as { token?: string };
          if (identify.token !== token) {
            ws.close(4004);
            return;
          }
          identified.add(ws);
          seq += 1;
          send(ws, {
            op: 0,
            t: "READY",
            s: seq,
            d: { v: 10, user: { ...userJson(botUser), verified: true, mfa_enabled: false, flags: 0 }, guilds: [{ id: guildId, unavailable: true }], session_id: randomUUID(), resume_gateway_url: `ws://127.0.0.1:${port}`, shard: [0, 1], application: { id: applicationId, flags: 0 } },
          });
          seq += 1;
          send(ws, { op: 0, t: "GUILD_CREATE", s: seq, d: guildJson() });
        }
      });
      send(ws, { op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  cdnBase = `http://127.0.0.1:${port}`;

  const fake: FakeDiscord = {
    apiUrl: `http://127.0.0.1:${port}/api`,
    token,
    applicationId,
    guildId,
    channelId,
    botUser,
    requests,
    requestsTo: (method, path) => requests.filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path))),
    messages,
    message: (id) => messages.find((m) => m.id === id),
    messageJson(id) {
      const message = messages.find((m) => m.id === id);
      return message === undefined ? undefined : messageJson(message);
    },
    inChannel: (id) => messages.filter((m) => m.channel_id === id),
    channel: (id) => channels.get(id),
    addChannel(name) {
      const channel: FakeChannel = { id: nextId(), type: 0, name, guild_id: guildId };
      channels.set(channel.id, channel);
      return channel;
    },
    addUserMessage(content, user = { id: "1200000000000000001", username: "ada" }, channel = channelId, attachments = []) {
      users.set(user.id, user);
      const message = createMessage(channel, user, { content });
      message.attachments = attachments;
      return message;
    },
    addAttachment({ filename, bytes, contentType, expiresInS = 86_400 }) {
      const id = nextId();
      files.set(id, { bytes: Buffer.from(bytes), contentType });
      const path = `/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
      const is = Math.floor(now() / 1000).toString(16);
      const ex = Math.floor(now() / 1000 + expiresInS).toString(16);
      const url = `${cdnBase}${path}?ex=${ex}&is=${is}&hm=${cdnSignature(path, ex, is)}&`;
      return { id, filename, size: bytes.length, url, proxy_url: url, ...(contentType === undefined ? {} : { content_type: contentType }) };
    },
    failAttachmentDownloads(status, times) {
      downloadFaults = [...downloadFaults, ...Array.from({ length: times }, () => status)];
    },
    get downloads() {
      return downloads;
    },
    react(message, emoji, userId, add = true) {
      const who = message.reactions.get(emoji) ?? new Set<string>();
      if (add) who.add(userId);
      else who.delete(userId);
      message.reactions.set(emoji, who);
      const user = users.get(userId) ?? { id: userId, username: `user${userId.slice(-3)}` };
      users.set(user.id, user);
      const base = { user_id: userId, channel_id: message.channel_id, message_id: message.id, guild_id: guildId, emoji: { id: null, name: emoji }, burst: false, type: 0 };
      if (add) {
        dispatch("MESSAGE_REACTION_ADD", { ...base, message_author_id: message.author.id, member: { user: userJson(user), roles: [], joined_at: "2026-01-01T00:00:00.000Z", deaf: false, mute: false, nick: null, flags: 0 }, burst_colors: [] });
      } else {
        dispatch("MESSAGE_REACTION_REMOVE", base);
      }
    },
    dispatch,
    rateLimit(method, path, retryAfterS, limitOptions = {}) {
      for (let i = 0; i < (limitOptions.times ?? 1); i++) rateLimits.push({ method, path, retryAfterS, global: limitOptions.global ?? false });
    },
    answer: answerOf,
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(fake)) {
        if (Date.now() > deadline) throw new Error("fake Discord: timed out waiting");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    get sessions() {
      return identified.size;
    },
    setGateway(up) {
      gatewayUp = up;
      if (!up) for (const ws of sockets) ws.close(1001);
    },
    async close() {
      for (const ws of sockets) ws.close(1000);
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

