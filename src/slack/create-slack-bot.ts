import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { CustomRoute, Logger, webApi } from "@slack/bolt";
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from "@slack/bolt";
import type { SlackConfig } from "../config.js";
import type { Clock, LogService } from "../services/log-service.js";
import { systemClock } from "../services/log-service.js";
import type { BotContext } from "./bot-context.js";
import type { Router } from "../routes/targets.js";
import { routerForService } from "../routes/targets.js";
import type { OutboxWorker } from "../outbox/outbox-worker.js";
import type { Check, OpsRoute } from "../serve/health.js";
import { registerFindingsCommand } from "./register-findings-command.js";
import { registerLogFinding, registerLogFindingJob } from "./register-log-finding.js";
import { registerReactionJob, registerReactions } from "./register-reactions.js";
import type { DigestPosted } from "./post-digest.js";
import { postDigest } from "./post-digest.js";
import { refuseNonObjectBodies } from "./refuse-non-object-bodies.js";
import { registerEditFinding } from "./register-edit-finding.js";
import { registerEditFindingJob } from "./edit-finding-job.js";
import { messageOf } from "../error-details.js";

/** Where Slack sends events, commands and interactions in HTTP mode. */
const SLACK_EVENTS_PATH = "/slack/events";

export { postDigest } from "./post-digest.js";
export type { DigestPosted } from "./post-digest.js";

export interface SlackBotOptions {
  config: SlackConfig;
  /** Which log each channel writes to; or `service`, one log for every channel. */
  router?: Router;
  service?: LogService;
  /**
   * The outbox worker submissions and reactions go through: the bot registers
   * its job handlers on it; the caller starts it once the bot is up.
   */
  worker: OutboxWorker;
  /** HTTP mode: where `POST /slack/events` and `GET /healthz` listen (0: any free port). Socket Mode: `GET /healthz` only. */
  port?: number;
  logger?: Logger;
  logLevel?: LogLevel;
  clock?: Clock;
  /** Where the scheduled digest goes; the composition root schedules it with `postDigest`. */
  digestChannel?: string;
  /** The bot's ids, when known: Bolt then skips `auth.test`. */
  identity?: { botId: string; botUserId: string };
  /** Extra Web API client options (retries, timeouts); `config.apiUrl` sets the base URL. */
  clientOptions?: webApi.WebClientOptions;
  /** GET routes served beside the events (`/healthz`, `/readyz`, `/metrics`); default `/healthz` alone. */
  routes?: readonly OpsRoute[];
}

export interface SlackBot {
  app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The HTTP port listened on, once started (HTTP mode, or Socket Mode with a port). */
  readonly port: number | undefined;
  /** Whether Slack can reach the bot now: the socket is connected (Socket Mode), or the server listens (HTTP mode). */
  connection(): Check;
  /**
   * Posts the digest in `digestChannel` (for the scheduler); undefined when no
   * channel is configured. @throws StoreError, NotInChannelError
   */
  postScheduledDigest(): Promise<DigestPosted | undefined>;
}

const healthz: OpsRoute = {
  path: "/healthz",
  handler: (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    res.end("ok");
  },
};

/**
 * The Slack bot: `/log-finding`, the `Log as finding` shortcut, reactions
 * and `/findings`, over the log service. Socket Mode when `config.appToken`
 * is set, otherwise HTTP mode serving `POST /slack/events` and `GET /healthz`.
 *
 * @throws Error when HTTP mode has no signing secret.
 */
export function createSlackBot(options: SlackBotOptions): SlackBot {
  const { config } = options;
  const router = options.router ?? (options.service === undefined ? undefined : routerForService(options.service));
  if (router === undefined) throw new Error("createSlackBot needs a router or a service");
  const clock = options.clock ?? systemClock;
  const logLevel = options.logLevel ?? LogLevel.INFO;
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl === undefined ? {} : { slackApiUrl: config.apiUrl }),
    ...options.clientOptions,
  };
  const socketMode = config.appToken !== undefined;
  const customRoutes: CustomRoute[] = (options.routes ?? [healthz]).map((route) => ({ path: route.path, method: ["GET"], handler: route.handler }));
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (config.appToken !== undefined) {
    receiver = new SocketModeReceiver({
      appToken: config.appToken,
      ...(options.logger === undefined ? { logLevel } : { logger: options.logger }),
      // apps.connections.open goes to SLACK_API_URL too (GovSlack, tests), with the app token.
      installerOptions: { clientOptions, ...(options.port === undefined ? {} : { port: options.port }) },
      ...(options.port === undefined ? {} : { customRoutes }),
    });
  } else {
    if (config.signingSecret === undefined) {
      throw new Error("SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)");
    }
    receiver = new HTTPReceiver({
      signingSecret: config.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      customRoutes,
      ...(options.logger === undefined ? { logLevel } : { logger: options.logger }),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
    refuseNonObjectBodies(receiver, SLACK_EVENTS_PATH, config.signingSecret);
  }
  const app = new App({
    token: config.botToken,
    receiver,
    clientOptions,
    ...(options.logger === undefined ? { logLevel } : { logger: options.logger }),
    // auth.test runs in start() (app.init()), where a revoked token is an error the caller can catch,
    // not an unhandled rejection from the constructor; with the ids known it is skipped.
    deferInitialization: true,
    ...(options.identity === undefined
      ? {}
      : { botId: options.identity.botId, botUserId: options.identity.botUserId, tokenVerificationEnabled: false }),
  });

  // Known after start(): an app installed before pictures lacks files:read until it is reinstalled.
  let filesReadable = false;
  const bot: BotContext = {
    router,
    config,
    clock,
    logger: app.logger,
    worker: options.worker,
    canReadFiles: () => filesReadable,
  };
  registerLogFinding(app, bot);
  registerLogFindingJob(app.client, bot);
  registerEditFinding(app, bot);
  registerEditFindingJob(app.client, bot);
  registerReactionJob(app.client, bot);
  registerFindingsCommand(app, bot);
  registerReactions(app, bot);
  app.error(async (error) => {
    app.logger.error(`unhandled error in a Slack listener: ${error.message}`);
  });

  let port: number | undefined;
  let socket: Check = { up: false, detail: socketMode ? "Socket Mode: not connected yet" : "HTTP mode: not listening yet" };
  if (receiver instanceof SocketModeReceiver) {
    const { client } = receiver;
    client.on("connected", () => (socket = { up: true, detail: "Socket Mode: connected" }));
    for (const state of ["connecting", "reconnecting", "disconnecting", "disconnected"]) {
      client.on(state, () => (socket = { up: false, detail: `Socket Mode: ${state}` }));
    }
  }
  return {
    app,
    get port() {
      return port;
    },
    connection: () => socket,
    async start() {
      await app.init();
      filesReadable = await holdsScope(app, "files:read");
      if (socketMode) {
        await app.start();
        port = options.port;
        return;
      }
      const server = (await app.start(options.port ?? 3000)) as Server;
      port = (server.address() as AddressInfo | null)?.port;
      socket = { up: true, detail: `HTTP mode: listening on port ${port ?? "?"}` };
    },
    async stop() {
      await app.stop();
      port = undefined;
      socket = { up: false, detail: "stopped" };
    },
    async postScheduledDigest() {
      if (options.digestChannel === undefined) return undefined;
      return postDigest(app.client, options.digestChannel, router.forSlack(options.digestChannel).service);
    },
  };
}

/** Whether the bot token holds `scope`, from the scopes Slack lists with every answer (assumed when Slack lists none). */
async function holdsScope(app: App, scope: string): Promise<boolean> {
  try {
    const scopes = (await app.client.auth.test()).response_metadata?.scopes;
    const holds = scopes === undefined || scopes.includes(scope);
    if (!holds) app.logger.warn(`the Slack bot token lacks ${scope}: findings are logged without pictures until the app is reinstalled with manifest.yml's scopes`);
    return holds;
  } catch (error) {
    app.logger.warn(`auth.test failed (${messageOf(error)}): findings are logged without pictures`);
    return false;
  }
}
