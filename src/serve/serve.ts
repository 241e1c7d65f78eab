import { setFlagsFromString } from "node:v8";
import type { Config } from "../config.js";
import type { Outbox, OutboxLogger } from "../outbox/outbox.js";
import { openFileOutbox } from "../outbox/file-outbox.js";
import type { OutboxWorker } from "../outbox/outbox-worker.js";
import { createOutboxWorker } from "../outbox/outbox-worker.js";
import type { Router, RouterHooks, Target } from "../routes/targets.js";
import type { DigestSchedule } from "../services/schedule-digest.js";
import { scheduleDigest } from "../services/schedule-digest.js";
import { messageOf } from "../error-details.js";
import type { Health } from "./health.js";
import { createHealth, observeStore, opsRoutes, startOpsServer } from "./health.js";
import { logJobEvent } from "./job-log.js";
import type { Log } from "./log.js";
import { createLog, defaultLogFormat } from "./log.js";
import type { Metrics } from "./metrics.js";
import { createMetrics } from "./metrics.js";
import type { Coordinator } from "./coordination.js";
import { localCoordinator, redisCoordinator } from "./coordination.js";

export interface Running {
  /** Stops taking new work, drains what is in flight for up to `drainMs`, then stops the bots and the digests. */
  stop(drainMs?: number): Promise<{ left: number }>;
  /** Slack's HTTP port, when the Slack bot listens on one. */
  slackPort: number | undefined;
  digests: DigestSchedule[];
}

export interface ServeIo {
  log: Log;
  health: Health;
  metrics: Metrics;
  /** What replicas agree on (digests, the Discord gateway); one replica alone does it all (`localCoordinator`). */
  coordinator?: Coordinator | undefined;
}

/**
 * Starts the chat bots the configuration enables (Slack, Discord or both,
 * over the router's logs and one outbox worker) and each log's digest
 * schedules, then starts the worker, which first replays what the outbox
 * still holds. Returns a handle to stop them; the CLI's `serve` keeps it
 * until a signal.
 *
 * @throws Error when nothing is configured to serve, or a bot cannot start.
 */
export async function startBots(config: Config, router: Router, worker: OutboxWorker, io: ServeIo): Promise<Running> {
  if (config.slack === undefined && config.discord === undefined) {
    throw new Error(
      "nothing to serve: set SLACK_BOT_TOKEN (with SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode), or DISCORD_TOKEN and DISCORD_APPLICATION_ID",
    );
  }
  const coordinator = io.coordinator ?? localCoordinator;
  /** Stop receiving: before the drain (the Slack receiver). */
  const closers: (() => Promise<void>)[] = [];
  /** Stop for good: after the drain (the Discord client: destroying it kills its REST, which jobs use). */
  const stops: (() => Promise<void>)[] = [];
  const digests: DigestSchedule[] = [];
  const schedule = (platform: string, target: Target, post: () => Promise<{ posted: boolean; items: number } | undefined>): void => {
    const what = router.targets.length > 1 ? `${platform} digest of ${target.name}` : `${platform} digest`;
    const digest = scheduleDigest({
      pattern: target.digest.cron,
      timeZone: target.digest.timeZone,
      post: async () => {
        // One replica posts each tick: its second names it on every replica (cron fires on the second; replicas' clocks agree to milliseconds).
        const tick = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
        const outcome = await coordinator.once(`digest:${platform}:${target.name}:${tick}`, async () => {
          const result = await post();
          io.log.info({ route: target.name, items: result?.items ?? 0, tick }, `${what} ${result?.posted === true ? `posted (${result.items} items)` : "skipped: nothing open"}`);
        });
        if (outcome !== "ran") io.log.debug({ route: target.name, tick }, `${what}: ${outcome === "done elsewhere" ? "posted by another replica" : "not known to be posted; gave up waiting"}`);
      },
      onError: (error) => io.log.error({ route: target.name }, `the ${what} failed: ${messageOf(error)}`),
    });
    digests.push(digest);
    io.log.info(`${what} "${target.digest.cron}" (${target.digest.timeZone}), next ${digest.nextRun()?.toISOString() ?? "never"}`);
  };
  const logs = router.targets.length > 1 ? `${router.targets.length} logs (${router.targets.map((t) => `${t.name}: ${t.where}`).join("; ")})` : `log: ${router.fallback.where}`;
  const stopAll = async (drainMs = 0): Promise<{ left: number }> => {
    for (const digest of digests) digest.stop();
    worker.stopAccepting();
    for (const close of closers.reverse()) await close().catch(() => undefined);
    const drained = await worker.drain(drainMs);
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    return drained;
  };

  let slackPort: number | undefined;
  const routes = opsRoutes(io.health, io.metrics.registry);
  try {
    if (config.slack !== undefined) {
      // The SDKs are loaded only for serve: the CLI's other commands start faster without them.
      const { createSlackBot, postDigest } = await import("../slack/create-slack-bot.js");
      const { boltLogger } = await import("../slack/bolt-logger.js");
      const slack = createSlackBot({ config: config.slack, router, worker, port: config.port, routes, logger: boltLogger(io.log) });
      io.health.addProbe("slack", () => slack.connection());
      await slack.start().catch((error: unknown) => {
        throw new Error(`the Slack bot could not start: ${messageOf(error)} (check SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_API_URL)`, { cause: error });
      });
      // Bolt's stop closes the receiver; the Web API client the jobs use keeps working.
      closers.push(() => slack.stop());
      slackPort = slack.port;
      const mode = config.slack.appToken === undefined ? `HTTP mode on port ${slack.port ?? config.port}` : "Socket Mode";
      io.log.info(`Slack bot running (${mode}); ${logs}`);
      for (const target of router.targets) {
        const channel = target.digest.slackChannel;
        if (channel !== undefined) schedule("Slack", target, () => postDigest(slack.app.client, channel, target.service));
      }
    }
    if (config.discord !== undefined) {
      const { createDiscordBot } = await import("../discord/create-discord-bot.js");
      const discordLog = io.log.child({ component: "discord" });
      const discord = createDiscordBot({
        config: config.discord,
        router,
        worker,
        logger: {
          debug: (message) => discordLog.debug(message),
          info: (message) => discordLog.info(message),
          warn: (message) => discordLog.warn(message),
          error: (message) => discordLog.error(message),
        },
      });
      if (io.coordinator === undefined) {
        io.health.addProbe("discord", () => discord.connection());
        await discord.start().catch((error: unknown) => {
          throw new Error(`the Discord bot could not start: ${messageOf(error)} (check DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_GUILD_ID)`, {
            cause: error,
          });
        });
      } else {
        // Two gateway connections on one token would both receive every event: one replica holds it, under a lease.
        // The others use the REST API only, for the jobs they take over and the digests they post.
        discord.standby();
        let held = false;
        io.health.addProbe("discord", () => (held ? discord.connection() : { up: true, detail: "gateway: standby (another replica holds it)" }));
        const lease = io.coordinator.holdLease("discord-gateway", {
          onAcquired: async () => {
            held = true;
            await discord.start();
            io.log.info("Discord gateway: this replica holds it");
          },
          onLost: () => {
            // This replica stalled past its lease and another holds the gateway now: two connections must not both
            // handle events, so stop as on SIGTERM (the orchestrator starts it again, as a standby).
            io.log.error("Discord gateway: another replica took it over while this one stalled; stopping this replica");
            process.kill(process.pid, "SIGTERM");
          },
        });
        closers.push(() => lease.release());
      }
      stops.push(() => discord.stop());
      const where = config.discord.guildId === undefined ? "commands registered globally" : `commands registered in guild ${config.discord.guildId}`;
      io.log.info(`Discord bot running (${where}); ${logs}`);
      for (const target of router.targets) {
        const channel = target.digest.discordChannel;
        if (channel !== undefined) schedule("Discord", target, () => discord.postDigest(channel, target.service));
      }
    }
    if (slackPort === undefined) {
      // No Slack HTTP server to carry them (Socket Mode without a port, or Discord alone): a server of its own.
      const ops = await startOpsServer(config.port, routes).catch((error: unknown) => {
        throw new Error(`could not serve /healthz, /readyz and /metrics on PORT ${config.port}: ${messageOf(error)}`, { cause: error });
      });
      stops.push(() => ops.close());
      io.log.info(`health and metrics on port ${ops.port} (/healthz, /readyz, /metrics)`);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  worker.start();
  return { slackPort, digests, stop: stopAll };
}

/**
 * V8 tuned for a small, long-running server: `--optimize-for-size` keeps the
 * young generation small, so garbage (each write re-parses the log) is
 * collected sooner. Measured with `npm run bench -- memory`. Not applied when
 * the operator passed a heap flag of their own.
 */
function optimizeForSize(): void {
  if (process.execArgv.some((flag) => /optimize-for-size/.test(flag))) return;
  setFlagsFromString("--optimize-for-size");
}

/** Every secret the configuration holds: the logger scrubs them from every line. */
const secretsOf = (config: Config): (string | undefined)[] => [
  config.githubAuth?.kind === "token" ? config.githubAuth.token : undefined,
  config.githubAuth?.kind === "app" ? config.githubAuth.privateKey : undefined,
  config.slack?.botToken,
  config.slack?.appToken,
  config.slack?.signingSecret,
  config.discord?.token,
  redisPassword(config.redisUrl),
];

/** The password in REDIS_URL, if any: a secret like the tokens. */
function redisPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === "" ? undefined : password;
  } catch {
    return undefined;
  }
}


/**
 * `research-log serve`: runs the bots until SIGINT or SIGTERM. The first
 * signal stops taking work and drains for up to SHUTDOWN_TIMEOUT_S; what is
 * left stays in the outbox for the next start. A second signal exits at
 * once: everything acknowledged is already in the outbox. Returns the exit code.
 */
export async function serve(config: Config, buildRouter: (hooks: RouterHooks) => Promise<Router>): Promise<number> {
  optimizeForSize();
  const log = createLog({ level: config.logLevel, format: config.logFormat ?? defaultLogFormat(), secrets: secretsOf(config) });
  const health = createHealth();
  const metrics = createMetrics();
  const githubLog = log.child({ component: "github" });
  let router: Router;
  try {
    router = await buildRouter({
      observeStore: (store, target) => observeStore(store, target, health),
      storeLog: {
        debug: (message) => githubLog.debug(message),
        info: (message) => githubLog.info(message),
        warn: (message) => githubLog.warn(message),
        error: (message) => githubLog.error(message),
      },
    });
  } catch (error) {
    log.fatal(messageOf(error));
    return 2;
  }
  const outboxLog: OutboxLogger = {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  };
  // A bug in one handler must not end the process while other writes are in flight: say so and go on.
  process.on("unhandledRejection", (reason) => log.error(`unexpected error (please report it): ${messageOf(reason)}`));
  let outbox: Outbox;
  let coordinator: Coordinator | undefined;
  try {
    if (config.redisUrl === undefined) {
      outbox = await openFileOutbox({ dir: config.stateDir, log: outboxLog });
    } else {
      // Loaded only with REDIS_URL: one replica needs no Redis client.
      const { openRedisOutbox } = await import("../outbox/redis-outbox.js");
      const shared = await openRedisOutbox({ url: config.redisUrl, log: outboxLog, leaseMs: config.redisLeaseMs });
      outbox = shared;
      coordinator = redisCoordinator({
        redis: shared.redis,
        owner: shared.owner,
        leaseMs: config.redisLeaseMs,
        pollMs: Math.min(5_000, Math.ceil(config.redisLeaseMs / 3)),
        log: { info: (m) => log.info(m), warn: (m) => log.warn(m) },
      });
      // While Redis is away nothing new can be recorded (submissions are refused): not ready.
      health.addProbe("redis", () => (shared.redis.status === "ready" ? { up: true, detail: `connected (${shared.owner})` } : { up: false, detail: `Redis ${shared.redis.status}: new submissions are refused until it is back` }));
    }
  } catch (error) {
    log.fatal(messageOf(error));
    return 2;
  }
  log.info({ pending: outbox.size }, `outbox in ${outbox.location} (${outbox.size} pending)`);
  const worker = createOutboxWorker({
    outbox,
    log: outboxLog,
    claimIntervalMs: Math.min(5_000, Math.ceil(config.redisLeaseMs / 3)),
    onEvent: (event) => {
      metrics.record(event);
      logJobEvent(log, event);
    },
  });
  metrics.watchOutboxDepth(() => worker.depth);
  let running: Running;
  try {
    running = await startBots(config, router, worker, { log, health, metrics, coordinator });
  } catch (error) {
    log.fatal(messageOf(error));
    await outbox.close();
    return 2;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const exitAtOnce = (second: NodeJS.Signals): void => {
    log.warn(`${second} again: exiting now; ${worker.depth} job(s) stay in the outbox for the next start`);
    process.exit(second === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", () => exitAtOnce("SIGINT"));
  process.once("SIGTERM", () => exitAtOnce("SIGTERM"));
  log.info(`${signal}: stopping; draining for up to ${Math.round(config.shutdownTimeoutMs / 100) / 10} s`);
  const { left } = await running.stop(config.shutdownTimeoutMs);
  await outbox.close();
  log.info({ left }, `stopped${left > 0 ? `; ${left} job(s) stay in the outbox for the next start` : ""}`);
  return 0;
}
