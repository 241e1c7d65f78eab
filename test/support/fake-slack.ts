/**
 * A fake Slack Web API on 127.0.0.1, speaking the methods the bot uses as
 * Slack does: `POST /api/<method>` with a form or JSON body and Bearer auth,
 * answering `{ ok: true, ... }` or `{ ok: false, error }` with HTTP 200. It
 * keeps messages (with ts, thread_ts, metadata and reactions), knows which
 * channels the bot is in, and records every call. What Slack refuses, it
 * refuses with Slack's error (test/support/slack-platform-rules.ts): Block
 * Kit's limits, missing arguments, a method without its scope
 * (`missing_scope`), a trigger id not issued with an interaction, used
 * twice or older than 3 s. It truncates text past 40,000 characters with a
 * `message_truncated` warning, and answers 429 with Retry-After on demand.
 * Response URLs (`respond()`) are served under `/response/<id>`.
 */
import { createServer } from "node:http";
import type { WebSocket } from "ws";
import { WebSocketServer } from "ws";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BLOCK_KIT_LIMITS, checkMessageBlocks, checkSlackAnswer, checkView, manifestBotScopes, methodArguments, scopeFor } from "./slack-platform-rules.js";
import { takeTrigger } from "./slack-triggers.js";

export interface FakeSlackUser {
  id: string;
  name?: string;
  real_name?: string;
  tz?: string;
  email?: string;
}

export interface FakeSlackChannel {
  id: string;
  /** Private channels cannot be joined with conversations.join. */
  private?: boolean;
  /** Whether the bot is in it. Default true. */
  member?: boolean;
}

export interface FakeSlackOptions {
  /** The bot token that authenticates. Default `xoxb-test`. */
  token?: string;
  /** The app-level token for Socket Mode (`apps.connections.open`). Default `xapp-test`. */
  appToken?: string;
  botUserId?: string;
  botId?: string;
  users?: FakeSlackUser[];
  /** Channels the fake knows; any other `C…`/`G…` id is a public channel the bot is in. */
  channels?: FakeSlackChannel[];
  /** The bot token's scopes. Default: the bot scopes manifest.yml asks for. */
  scopes?: string[];
}

export interface FakeSlackReaction {
  name: string;
  users: string[];
  count: number;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  thread_ts: string | undefined;
  text: string | undefined;
  blocks: unknown[] | undefined;
  metadata: { event_type: string; event_payload: Record<string, unknown> } | undefined;
  user: string;
  bot_id: string | undefined;
  reactions: FakeSlackReaction[];
  edited: boolean;
}

export interface FakeSlackCall {
  method: string;
  /** The arguments, with form values that carry JSON (blocks, view, metadata) parsed. */
  args: Record<string, unknown>;
  /** What the fake answered. */
  response: Record<string, unknown>;
  /** performance.now() when the call arrived. */
  at: number;
}

export interface FakeSlackEphemeral {
  channel: string;
  user: string;
  text: string | undefined;
}

export interface FakeSlackFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  size: number;
  url_private: string;
  url_private_download: string;
  created: number;
  timestamp: number;
  user: string;
  is_external: boolean;
  is_public: boolean;
}

export interface FakeSlack {
  /** The Web API base: pass as `slackApiUrl` / `SLACK_API_URL`. */
  readonly url: string;
  readonly token: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly calls: readonly FakeSlackCall[];
  /** Messages in posting order (including DMs, stored under the user id as channel). */
  readonly messages: readonly FakeSlackMessage[];
  /** Bodies posted to response URLs, in order. */
  readonly responses: readonly { id: string; body: Record<string, unknown> }[];
  callsTo(method: string): FakeSlackCall[];
  /**
   * A file someone posted: `files.info` describes it and its private URL serves it, to the bot
   * token only when it holds `files:read` (anyone else is redirected to a sign-in page, as Slack does).
   * Returns the file object as messages and `file_input` uploads carry it.
   */
  addFile(file: { name: string; bytes: Uint8Array; mimetype?: string }): FakeSlackFile;
  /** The file is deleted: `files.info` answers `file_deleted` and its URL 404. */
  deleteFile(id: string): void;
  /** The next `times` fetches of a file's private URL answer `status` (a 503: Slack's file servers failing). */
  failFileDownloads(status: number, times: number): void;
  /** Fetches of files' private URLs, with how they were answered. */
  readonly downloads: readonly { id: string; status: number; authorized: boolean }[];
  /** A fresh response URL served by this fake. */
  responseUrl(): string;
  /** A message a person posted (for shortcuts and reactions on other messages). */
  addUserMessage(channel: string, user: string, text: string, threadTs?: string): FakeSlackMessage;
  message(channel: string, ts: string): FakeSlackMessage | undefined;
  /** Messages in a thread, parent first. */
  thread(channel: string, ts: string): FakeSlackMessage[];
  /** Adds or removes a reaction as Slack's state (send the matching event yourself). */
  react(channel: string, ts: string, name: string, user: string, add?: boolean): void;
  /** The next `times` calls of `method` fail with `error`. */
  failNext(method: string, error: string, times?: number): void;
  /** The next `times` calls of `method` are answered 429 with `Retry-After: retryAfterS`, as Slack's rate limits are. */
  rateLimit(method: string, retryAfterS: number, times?: number): void;
  setMember(channel: string, member: boolean): void;
  /** Resolves once `predicate` holds over the calls (polled), or rejects after `timeoutMs`. */
  waitFor(predicate: (fake: FakeSlack) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves with the first call of `method` that matches, already made or yet to come; rejects after `timeoutMs`. */
  waitForCall(method: string, match?: (call: FakeSlackCall) => boolean, timeoutMs?: number): Promise<FakeSlackCall>;
  reset(): void;
  close(): Promise<void>;
  /** Socket Mode: the WebSocket Slack would hold open to the app. */
  readonly socketMode: FakeSocketMode;
}

/** Slack's side of a Socket Mode connection. */
export interface FakeSocketMode {
  /** Resolves once an app has connected and been sent `hello`. */
  connected(timeoutMs?: number): Promise<void>;
  /**
   * Sends an envelope (`slash_commands`, `interactive`, `events_api`) and
   * resolves with the app's acknowledgement (`{ envelope_id, payload? }`).
   */
  send(type: "slash_commands" | "interactive" | "events_api", payload: unknown, options?: { retryAttempt?: number; timeoutMs?: number }): Promise<{ envelope_id: string; payload?: unknown }>;
}

const JSON_FIELDS = new Set(["blocks", "attachments", "view", "metadata"]);

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

const parseArgs = (contentType: string, raw: string): Record<string, unknown> => {
  if (raw === "") return {};
  if (contentType.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key) && /^[[{]/.test(value)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // Not JSON after all: keep the string, as Slack would fail on it.
      }
    }
    args[key] = value;
  }
  return args;
};

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined);
const truthy = (value: unknown): boolean => value === true || value === "true" || value === "1" || value === 1;

class SlackError extends Error {
  constructor(
    readonly error: string,
    /** Slack's `response_metadata.messages`: which rule, at which json-pointer. */
    readonly messages: string[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

/** Message arguments as chat.postMessage, chat.update and chat.postEphemeral check them. */
const checkMessage = (args: Record<string, unknown>): void => {
  const text = str(args.text);
  const blocks = args.blocks;
  if ((text === undefined || text === "") && blocks === undefined) throw new SlackError("no_text");
  if (blocks !== undefined) {
    const problems = checkMessageBlocks(blocks);
    if (problems.length > 0) throw new SlackError("invalid_blocks", problems);
  }
  const metadata = args.metadata;
  if (metadata !== undefined) {
    if (typeof metadata !== "object" || metadata === null) throw new SlackError("invalid_metadata_format");
    const m = metadata as { event_type?: unknown; event_payload?: unknown };
    if (typeof m.event_type !== "string" || typeof m.event_payload !== "object" || m.event_payload === null) {
      throw new SlackError("invalid_metadata_format");
    }
  }
};

/**
 * Slack truncates a message's text past 40,000 characters and says so with a
 * warning; the message is still posted. Returns the text to keep and the warning.
 */
const truncated = (text: string | undefined): { text: string | undefined; warning: string | undefined } => {
  const max = BLOCK_KIT_LIMITS.messageText.max;
  if (text === undefined || [...text].length <= max) return { text, warning: undefined };
  return { text: [...text].slice(0, max).join(""), warning: "message_truncated" };
};

const checkViewArgument = (view: unknown): void => {
  const problems = checkView(view);
  if (problems.length > 0) throw new SlackError("invalid_arguments", problems);
};

/** Start the fake on an ephemeral port. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const token = options.token ?? "xoxb-test";
  const appToken = options.appToken ?? "xapp-test";
  const botUserId = options.botUserId ?? "UBOT";
  const botId = options.botId ?? "BBOT";
  const users = new Map((options.users ?? []).map((u) => [u.id, u]));
  const channels = new Map((options.channels ?? []).map((c) => [c.id, { private: c.private ?? false, member: c.member ?? true }]));
  let calls: FakeSlackCall[] = [];
  const messages: FakeSlackMessage[] = [];
  let responses: { id: string; body: Record<string, unknown> }[] = [];
  const views = new Map<string, { id: string; hash: string }>();
  const scopes = new Set(options.scopes ?? manifestBotScopes());
  const files = new Map<string, { file: FakeSlackFile; bytes: Buffer; deleted: boolean }>();
  const downloads: { id: string; status: number; authorized: boolean }[] = [];
  let downloadFaults: number[] = [];
  let fileCounter = 0;
  let rateLimits: { method: string; retryAfterS: number }[] = [];
  let faults: { method: string; error: string }[] = [];
  let waiters: { match: (call: FakeSlackCall) => boolean; resolve: (call: FakeSlackCall) => void }[] = [];
  let tsCounter = 0;
  let viewCounter = 0;
  let responseCounter = 0;

  const nextTs = (): string => {
    tsCounter += 1;
    return `${1_767_000_000 + tsCounter}.${String(tsCounter).padStart(6, "0")}`;
  };
  const channelState = (id: string) => {
    const known = channels.get(id);
    if (known !== undefined) return known;
    if (/^[CG]/.test(id)) {
      const created = { private: id.startsWith("G"), member: true };
      channels.set(id, created);
      return created;
    }
    return undefined;
  };
  /** A channel the bot can read and write: a member channel, or a DM (user id). */
  const requireMember = (channel: string | undefined): string => {
    if (channel === undefined || channel === "") throw new SlackError("channel_not_found");
    if (/^[UW]/.test(channel)) {
      if (!users.has(channel)) throw new SlackError("channel_not_found");
      return channel;
    }
    const state = channelState(channel);
    if (state === undefined) throw new SlackError("channel_not_found");
    if (!state.member) throw new SlackError(state.private ? "channel_not_found" : "not_in_channel");
    return channel;
  };
  const findMessage = (channel: string, ts: string | undefined): FakeSlackMessage | undefined =>
    messages.find((m) => m.channel === channel && m.ts === ts);
  const threadOf = (channel: string, ts: string): FakeSlackMessage[] => {
    const message = findMessage(channel, ts);
    if (message === undefined) return [];
    const parentTs = message.thread_ts ?? message.ts;
    const parent = findMessage(channel, parentTs);
    const replies = messages.filter((m) => m.channel === channel && m.thread_ts === parentTs && m.ts !== parentTs);
    return parent === undefined ? replies : [parent, ...replies];
  };
  const inWindow = (args: Record<string, unknown>) => {
    const inclusive = truthy(args.inclusive);
    const oldest = str(args.oldest);
    const latest = str(args.latest);
    return (m: FakeSlackMessage): boolean => {
      const ts = Number(m.ts);
      if (oldest !== undefined && (inclusive ? ts < Number(oldest) : ts <= Number(oldest))) return false;
      if (latest !== undefined && (inclusive ? ts > Number(latest) : ts >= Number(latest))) return false;
      return true;
    };
  };
  const render = (m: FakeSlackMessage, withMetadata: boolean): Record<string, unknown> => ({
    type: "message",
    ts: m.ts,
    ...(m.thread_ts === undefined ? {} : { thread_ts: m.thread_ts }),
    text: m.text,
    ...(m.blocks === undefined ? {} : { blocks: m.blocks }),
    user: m.user,
    ...(m.bot_id === undefined ? {} : { bot_id: m.bot_id }),
    ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
    ...(m.reactions.length === 0 ? {} : { reactions: m.reactions }),
  });
  const permalink = (channel: string, ts: string): string => `https://fake.slack.test/archives/${channel}/p${ts.replace(".", "")}`;

  const methods: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
    "auth.test": () => ({ url: "https://fake.slack.test/", team: "Fake", user: "research-log", team_id: "T1", user_id: botUserId, bot_id: botId }),
    "files.info": (args) => {
      const found = files.get(str(args.file) ?? "");
      if (found === undefined) throw new SlackError("file_not_found");
      if (found.deleted) throw new SlackError("file_deleted");
      return { file: found.file, comments: [], response_metadata: { next_cursor: "" } };
    },
    "views.open": (args) => {
      checkViewArgument(args.view);
      // "In order to use the file_input element within your app, your app must have the files:read scope."
      if (JSON.stringify(args.view ?? {}).includes('"type":"file_input"') && !scopes.has("files:read")) {
        throw new SlackError("missing_scope", [], { needed: "files:read", provided: [...scopes].join(",") });
      }
      const refused = takeTrigger(str(args.trigger_id) ?? "");
      if (refused !== undefined) throw new SlackError(refused);
      viewCounter += 1;
      const view = { ...(args.view as object), id: `V${String(viewCounter).padStart(8, "0")}`, hash: `hash-${viewCounter}` };
      views.set(view.id, view);
      return { view };
    },
    "views.update": (args) => {
      checkViewArgument(args.view);
      const id = str(args.view_id);
      const current = id === undefined ? undefined : views.get(id);
      if (current === undefined) throw new SlackError("not_found");
      const hash = str(args.hash);
      if (hash !== undefined && hash !== current.hash) throw new SlackError("hash_conflict");
      viewCounter += 1;
      const view = { ...(args.view as object), id: current.id, hash: `hash-${viewCounter}` };
      views.set(view.id, view);
      return { view };
    },
    "chat.postMessage": (args) => {
      const channel = requireMember(str(args.channel));
      checkMessage(args);
      const threadTs = str(args.thread_ts);
      if (threadTs !== undefined && findMessage(channel, threadTs) === undefined) throw new SlackError("thread_not_found");
      const { text, warning } = truncated(str(args.text));
      const message: FakeSlackMessage = {
        channel,
        ts: nextTs(),
        thread_ts: threadTs,
        text,
        blocks: args.blocks as unknown[] | undefined,
        metadata: args.metadata as FakeSlackMessage["metadata"],
        user: botUserId,
        bot_id: botId,
        reactions: [],
        edited: false,
      };
      messages.push(message);
      return {
        channel: /^[UW]/.test(channel) ? `D${channel}` : channel,
        ts: message.ts,
        message: render(message, true),
        ...(warning === undefined ? {} : { warning, response_metadata: { warnings: [warning] } }),
      };
    },
    "chat.update": (args) => {
      const channel = requireMember(str(args.channel));
      const message = findMessage(channel, str(args.ts));
      if (message === undefined) throw new SlackError("message_not_found");
      if (message.user !== botUserId) throw new SlackError("cant_update_message");
      checkMessage(args);
      const { text, warning } = truncated(str(args.text));
      message.text = text;
      if (args.blocks !== undefined) message.blocks = args.blocks as unknown[];
      if (args.metadata !== undefined) message.metadata = args.metadata as FakeSlackMessage["metadata"];
      message.edited = true;
      return {
        channel,
        ts: message.ts,
        text: message.text,
        message: render(message, false),
        ...(warning === undefined ? {} : { warning, response_metadata: { warnings: [warning] } }),
      };
    },
    "chat.postEphemeral": (args) => {
      requireMember(str(args.channel));
      const user = str(args.user);
      if (user === undefined || !users.has(user)) throw new SlackError("user_not_found");
      checkMessage(args);
      return { message_ts: nextTs() };
    },
    "chat.getPermalink": (args) => {
      const channel = requireMember(str(args.channel));
      const ts = str(args.message_ts);
      if (findMessage(channel, ts) === undefined || ts === undefined) throw new SlackError("message_not_found");
      return { channel, permalink: permalink(channel, ts) };
    },
    "conversations.history": (args) => {
      const channel = requireMember(str(args.channel));
      const limit = Number(str(args.limit) ?? 100);
      const found = messages
        .filter((m) => m.channel === channel && (m.thread_ts === undefined || m.thread_ts === m.ts))
        .filter(inWindow(args))
        .reverse()
        .slice(0, limit);
      return { messages: found.map((m) => render(m, truthy(args.include_all_metadata))), has_more: false, pin_count: 0, channel_actions_ts: null, channel_actions_count: 0 };
    },
    "conversations.replies": (args) => {
      const channel = requireMember(str(args.channel));
      const ts = str(args.ts);
      if (ts === undefined || findMessage(channel, ts) === undefined) throw new SlackError("thread_not_found");
      const limit = Number(str(args.limit) ?? 1000);
      const found = threadOf(channel, ts).filter(inWindow(args)).slice(0, limit);
      return { messages: found.map((m) => render(m, truthy(args.include_all_metadata))), has_more: false };
    },
    "conversations.join": (args) => {
      const channel = str(args.channel) ?? "";
      const state = channelState(channel);
      if (state === undefined) throw new SlackError("channel_not_found");
      if (state.private) throw new SlackError("method_not_supported_for_channel_type");
      state.member = true;
      return { channel: { id: channel, is_member: true } };
    },
    "users.info": (args) => {
      const user = users.get(str(args.user) ?? "");
      if (user === undefined) throw new SlackError("user_not_found");
      const realName = user.real_name ?? user.name ?? user.id;
      return {
        user: {
          id: user.id,
          name: user.name ?? user.id.toLowerCase(),
          real_name: realName,
          ...(user.tz === undefined ? {} : { tz: user.tz }),
          profile: { real_name: realName, ...(user.email === undefined ? {} : { email: user.email }) },
        },
      };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body: unknown): void => {
      // Slack lists the token's scopes on every Web API answer; the SDK reads them into response_metadata.scopes.
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-oauth-scopes": [...scopes].join(",") });
      res.end(JSON.stringify(body));
    };
    const filePath = /^\/files-pri\/T1-(F[A-Z0-9]+)\/(?:download\/)?[^/]+$/.exec(url.pathname);
    if (req.method === "GET" && filePath !== null) {
      const id = filePath[1] ?? "";
      const found = files.get(id);
      const authorized = req.headers.authorization === `Bearer ${token}` && scopes.has("files:read");
      const fault = downloadFaults.shift();
      const status = fault ?? (!authorized ? 302 : found === undefined || found.deleted ? 404 : 200);
      downloads.push({ id, status, authorized });
      if (status === 302) {
        // Without a token that may read files, Slack sends the browser to sign in.
        res.writeHead(302, { location: `${base}/signin?redir=${encodeURIComponent(url.pathname)}` });
        res.end();
      } else if (status === 200 && found !== undefined) {
        res.writeHead(200, { "content-type": found.file.mimetype, "content-length": String(found.bytes.length) });
        res.end(found.bytes);
      } else {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(status === 404 ? "File not found" : "Service Unavailable");
      }
      return;
    }
    if (req.method === "GET" && url.pathname === "/signin") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<!DOCTYPE html><html><head><title>Sign in | Slack</title></head><body>Sign in to your workspace</body></html>");
      return;
    }
    if (req.method === "POST" && url.pathname.startsWith("/response/")) {
      const body = parseArgs(req.headers["content-type"] ?? "application/json", raw);
      const problems = body.blocks === undefined ? [] : checkMessageBlocks(body.blocks);
      if (problems.length > 0) {
        // Response URLs answer a bad message with 400 and the reason as text.
        res.writeHead(400, { "content-type": "text/plain" });
        res.end(`invalid_blocks\n${problems.join("\n")}`);
        return;
      }
      responses.push({ id: url.pathname.slice("/response/".length), body });
      send(200, { ok: true });
      return;
    }
    const match = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (req.method !== "POST" || match?.[1] === undefined) {
      send(404, { ok: false, error: "unknown_method" });
      return;
    }
    const method = match[1];
    const args = parseArgs(req.headers["content-type"] ?? "", raw);
    const at = performance.now();
    let response: Record<string, unknown>;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? str(args.token);
    delete args.token;
    const fault = faults.findIndex((f) => f.method === method);
    const limited = rateLimits.findIndex((r) => r.method === method);
    if (limited >= 0 && bearer !== undefined) {
      // Slack's rate limits: HTTP 429, Retry-After in seconds, and the call is not made.
      const [limit] = rateLimits.splice(limited, 1);
      const call: FakeSlackCall = { method, args, response: { ok: false, error: "ratelimited" }, at };
      calls.push(call);
      res.writeHead(429, { "content-type": "application/json; charset=utf-8", "retry-after": String(limit?.retryAfterS ?? 1) });
      res.end(JSON.stringify(call.response));
      return;
    }
    try {
      if (bearer === undefined) throw new SlackError("not_authed");
      if (method === "apps.connections.open") {
        // The one method that takes the app-level token.
        if (bearer !== appToken) throw new SlackError("invalid_auth");
      } else if (bearer !== token) {
        throw new SlackError("invalid_auth");
      }
      if (fault >= 0) {
        const [removed] = faults.splice(fault, 1);
        throw new SlackError(removed?.error ?? "internal_error");
      }
      const implementation = methods[method];
      if (implementation === undefined) throw new SlackError("unknown_method");
      const needed = method === "apps.connections.open" ? undefined : scopeFor(method, str(args.channel));
      if (needed !== undefined && !scopes.has(needed)) throw new SlackError("missing_scope", [], { needed, provided: [...scopes].join(",") });
      const expected = methodArguments(method);
      const missing = expected?.required.filter((name) => args[name] === undefined || args[name] === "") ?? [];
      if (missing.length > 0) throw new SlackError("invalid_arguments", missing.map((name) => `[ERROR] missing required field: ${name}`));
      response = { ok: true, ...implementation(args) };
      const outOfSpec = checkSlackAnswer(method, response);
      // The fake itself broke the spec: fail loudly, so that it gets fixed.
      if (outOfSpec.length > 0) throw new SlackError("fake_answer_out_of_spec", outOfSpec);
    } catch (error) {
      if (!(error instanceof SlackError)) throw error;
      response = { ok: false, error: error.error, ...error.extra, ...(error.messages.length === 0 ? {} : { response_metadata: { messages: error.messages } }) };
    }
    const call: FakeSlackCall = { method, args, response, at };
    calls.push(call);
    waiters = waiters.filter((waiter) => {
      if (!waiter.match(call)) return true;
      waiter.resolve(call);
      return false;
    });
    send(200, response);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  // Socket Mode: apps.connections.open hands out this URL; Slack then sends `hello` and envelopes.
  methods["apps.connections.open"] = () => ({ url: `ws://127.0.0.1:${port}/socket-mode` });
  const sockets = new WebSocketServer({ noServer: true });
  let socket: WebSocket | undefined;
  let socketWaiters: (() => void)[] = [];
  const acks = new Map<string, (ack: { envelope_id: string; payload?: unknown }) => void>();
  let envelopeCounter = 0;
  server.on("upgrade", (req, stream, head) => {
    if (new URL(req.url ?? "/", base).pathname !== "/socket-mode") {
      stream.destroy();
      return;
    }
    sockets.handleUpgrade(req, stream, head, (ws) => {
      socket = ws;
      ws.on("message", (data: Buffer) => {
        const ack = JSON.parse(data.toString()) as { envelope_id?: string; payload?: unknown };
        if (ack.envelope_id !== undefined) acks.get(ack.envelope_id)?.({ ...ack, envelope_id: ack.envelope_id });
      });
      ws.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake" }, connection_info: { app_id: "A1" } }));
      for (const waiter of socketWaiters) waiter();
      socketWaiters = [];
    });
  });
  const socketMode: FakeSocketMode = {
    connected(timeoutMs = 5000) {
      if (socket !== undefined) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("fake Slack: no Socket Mode connection")), timeoutMs);
        socketWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    send(type, payload, sendOptions = {}) {
      const open = socket;
      if (open === undefined) return Promise.reject(new Error("fake Slack: no Socket Mode connection"));
      envelopeCounter += 1;
      const envelopeId = `envelope-${envelopeCounter}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          acks.delete(envelopeId);
          reject(new Error(`fake Slack: envelope ${envelopeId} was not acknowledged`));
        }, sendOptions.timeoutMs ?? 3000);
        acks.set(envelopeId, (ack) => {
          clearTimeout(timer);
          acks.delete(envelopeId);
          resolve(ack);
        });
        open.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            payload,
            accepts_response_payload: type !== "events_api",
            retry_attempt: sendOptions.retryAttempt ?? 0,
            retry_reason: sendOptions.retryAttempt ? "timeout" : "",
          }),
        );
      });
    },
  };

  const fake: FakeSlack = {
    url: `${base}/api/`,
    token,
    botUserId,
    botId,
    get calls() {
      return calls;
    },
    messages,
    get responses() {
      return responses;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    addFile({ name, bytes, mimetype }) {
      fileCounter += 1;
      const id = `F${String(fileCounter).padStart(8, "0")}`;
      const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? "binary";
      const file: FakeSlackFile = {
        id,
        name,
        title: name,
        // Slack guesses the type from the name, as a browser's upload does.
        mimetype: mimetype ?? ({ png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" }[extension] ?? "application/octet-stream"),
        filetype: extension,
        size: bytes.length,
        url_private: `${base}/files-pri/T1-${id}/${encodeURIComponent(name)}`,
        url_private_download: `${base}/files-pri/T1-${id}/download/${encodeURIComponent(name)}`,
        created: 1_767_000_000 + fileCounter,
        timestamp: 1_767_000_000 + fileCounter,
        user: "U111",
        is_external: false,
        is_public: true,
      };
      files.set(id, { file, bytes: Buffer.from(bytes), deleted: false });
      return file;
    },
    deleteFile(id) {
      const found = files.get(id);
      if (found !== undefined) found.deleted = true;
    },
    failFileDownloads(status, times) {
      downloadFaults = [...downloadFaults, ...Array.from({ length: times }, () => status)];
    },
    get downloads() {
      return downloads;
    },
    responseUrl() {
      responseCounter += 1;
      return `${base}/response/${responseCounter}`;
    },
    addUserMessage(channel, user, text, threadTs) {
      const message: FakeSlackMessage = {
        channel,
        ts: nextTs(),
        thread_ts: threadTs,
        text,
        blocks: undefined,
        metadata: undefined,
        user,
        bot_id: undefined,
        reactions: [],
        edited: false,
      };
      messages.push(message);
      return message;
    },
    message: (channel, ts) => findMessage(channel, ts),
    thread: (channel, ts) => threadOf(channel, ts),
    react(channel, ts, name, user, add = true) {
      const message = findMessage(channel, ts);
      if (message === undefined) throw new Error(`no message ${channel}/${ts}`);
      let reaction = message.reactions.find((r) => r.name === name);
      if (add) {
        if (reaction === undefined) {
          reaction = { name, users: [], count: 0 };
          message.reactions.push(reaction);
        }
        if (!reaction.users.includes(user)) reaction.users.push(user);
      } else if (reaction !== undefined) {
        reaction.users = reaction.users.filter((u) => u !== user);
      }
      if (reaction !== undefined) reaction.count = reaction.users.length;
      message.reactions = message.reactions.filter((r) => r.count > 0);
    },
    failNext(method, error, times = 1) {
      for (let i = 0; i < times; i++) faults.push({ method, error });
    },
    rateLimit(method, retryAfterS, times = 1) {
      for (let i = 0; i < times; i++) rateLimits.push({ method, retryAfterS });
    },
    setMember(channel, member) {
      const state = channelState(channel);
      if (state !== undefined) state.member = member;
      else channels.set(channel, { private: false, member });
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(fake)) {
        if (Date.now() > deadline) throw new Error("fake Slack: timed out waiting for a condition");
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    waitForCall(method, match = () => true, timeoutMs = 5000) {
      const matches = (c: FakeSlackCall): boolean => c.method === method && match(c);
      const found = calls.find(matches);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<FakeSlackCall>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w.resolve !== done);
          reject(new Error(`fake Slack: no ${method} call within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (call: FakeSlackCall): void => {
          clearTimeout(timer);
          resolve(call);
        };
        waiters.push({ match: matches, resolve: done });
      });
    },
    reset() {
      calls = [];
      responses = [];
      faults = [];
      rateLimits = [];
    },
    socketMode,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
  return fake;
}
