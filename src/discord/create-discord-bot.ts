import { once } from "node:events";
import { Client, Events, GatewayDispatchEvents, GatewayIntentBits, Partials, Status } from "discord.js";
import type { GatewayDispatchPayload, Interaction } from "discord.js";
import type { DiscordConfig } from "../config.js";
import type { Clock, LogService } from "../services/log-service.js";
import { systemClock } from "../services/log-service.js";
import { createRecentKeys } from "../services/recent-keys.js";
import { messageOf } from "../error-details.js";
import type { DiscordBotContext, DiscordLogger } from "./bot-context.js";
import type { Router } from "../routes/targets.js";
import { routerForService } from "../routes/targets.js";
import { buildCommands, FINDINGS_COMMAND, LOG_AS_FINDING_COMMAND, LOG_FINDING_COMMAND } from "./build-commands.js";
import { EDIT_BUTTON_ID, NO_PINGS } from "./build-messages.js";
import { isEditModal, LIST_EDIT_PREFIX, openEditModal, submitEdit } from "./handle-edit-finding.js";
import { registerEditFindingJob } from "./edit-finding-job.js";
import { handleFindingsCommand } from "./handle-findings-command.js";
import { openFindingModal, openFindingModalFromMessage, registerLogFindingJob, submitFinding } from "./handle-log-finding.js";
import { createPendingPictures } from "./pending-pictures.js";
import { handleReaction, registerReactionJob } from "./handle-reactions.js";
import type { OutboxWorker } from "../outbox/outbox-worker.js";
import type { Check } from "../serve/health.js";
import type { DigestPosted } from "./post-digest.js";
import { postDigest } from "./post-digest.js";

export { postDigest } from "./post-digest.js";
export type { DigestPosted } from "./post-digest.js";
export type { DiscordLogger } from "./bot-context.js";

export interface DiscordBotOptions {
  config: DiscordConfig;
  /** Which log each channel writes to; or `service`, one log for every channel. */
  router?: Router;
  service?: LogService;
  /** The outbox worker submissions and reactions go through; the caller starts it once the bot is up. */
  worker: OutboxWorker;
  clock?: Clock;
  logger?: DiscordLogger;
  /** Where the scheduled digest goes; the composition root schedules `postScheduledDigest`. */
  digestChannel?: string | undefined;
}

export interface DiscordBot {
  client: Client;
  /** Logs in, waits for the guilds, and registers the commands (in the guild when configured: instant; otherwise globally). */
  start(): Promise<void>;
  /**
   * Without the gateway (another replica holds it): the REST API only, so
   * that jobs taken over from a dead replica and digests can still post.
   */
  standby(): void;
  stop(): Promise<void>;
  /** Whether the gateway is connected and ready (every shard), for `/readyz`. */
  connection(): Check;
  /** Posts the digest in `channelId`. @throws StoreError, DiscordAPIError */
  postDigest(channelId: string, service?: LogService): Promise<DigestPosted>;
  /** Posts the digest in `digestChannel`; undefined when none is configured. */
  postScheduledDigest(): Promise<DigestPosted | undefined>;
}

const consoleLogger: DiscordLogger = {
  info: (message) => console.info(`[discord] ${message}`),
  warn: (message) => console.warn(`[discord] ${message}`),
  error: (message) => console.error(`[discord] ${message}`),
};

/**
 * The Discord bot on the discord.js client: `/log-finding`, the `Log as
 * finding` message command, the modal, ✅ reactions and `/findings`, over the
 * log service. `config.apiUrl` replaces Discord's REST base (the gateway URL
 * comes from `GET /gateway/bot`, as always).
 */
export function createDiscordBot(options: DiscordBotOptions): DiscordBot {
  const { config } = options;
  const router = options.router ?? (options.service === undefined ? undefined : routerForService(options.service));
  if (router === undefined) throw new Error("createDiscordBot needs a router or a service");
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
    partials: [Partials.Message, Partials.Reaction, Partials.User, Partials.Channel],
    allowedMentions: NO_PINGS,
    ...(config.apiUrl === undefined ? {} : { rest: { api: config.apiUrl } }),
  });
  const bot: DiscordBotContext = {
    client,
    router,
    clock,
    logger,
    interactions: createRecentKeys(clock),
    pictures: createPendingPictures(clock),
    worker: options.worker,
  };
  registerLogFindingJob(bot);
  registerEditFindingJob(bot);
  registerReactionJob(bot);

  client.on(Events.InteractionCreate, (interaction) => {
    void handleInteraction(bot, interaction).catch((error: unknown) => logger.error(`handling an interaction failed: ${messageOf(error)}`));
  });
  client.on(Events.Raw, (packet: GatewayDispatchPayload) => {
    if (packet.t === GatewayDispatchEvents.MessageReactionAdd) void handleReaction(bot, true, packet.d);
    else if (packet.t === GatewayDispatchEvents.MessageReactionRemove) void handleReaction(bot, false, packet.d);
  });
  client.on(Events.Error, (error) => logger.error(`discord.js: ${error.message}`));
  client.on(Events.Warn, (message) => logger.warn(`discord.js: ${message}`));
  if (logger.debug !== undefined) client.on(Events.Debug, (message) => logger.debug?.(`discord.js: ${message}`));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn(`gateway shard ${shard} disconnected (code ${event.code}); reconnecting`));
  client.on(Events.ShardResume, (shard) => logger.info(`gateway shard ${shard} resumed`));

  return {
    client,
    async start() {
      const ready = once(client, Events.ClientReady);
      await client.login(config.token);
      await ready;
      // Commands are the application's, not a channel's: every route's categories are offered, and each log checks its own.
      const commands = buildCommands([...new Set(router.targets.flatMap((target) => target.service.categories))]);
      if (config.guildId === undefined) await client.application?.commands.set(commands);
      else await client.application?.commands.set(commands, config.guildId);
      logger.info(`logged in as ${client.user?.tag ?? "?"}; commands registered ${config.guildId === undefined ? "globally" : `in guild ${config.guildId}`}`);
    },
    standby() {
      client.rest.setToken(config.token);
    },
    async stop() {
      await client.destroy();
    },
    connection() {
      const shards = [...client.ws.shards.values()];
      if (shards.length === 0) return { up: false, detail: "gateway: not connected" };
      const down = shards.filter((shard) => shard.status !== Status.Ready);
      if (down.length === 0) return { up: true, detail: `gateway: ready (${shards.length} shard${shards.length === 1 ? "" : "s"}, ping ${client.ws.ping} ms)` };
      return { up: false, detail: `gateway: ${down.map((shard) => `shard ${shard.id} ${Status[shard.status] ?? shard.status}`).join(", ")}` };
    },
    postDigest: (channelId, service = router.fallback.service) => postDigest(client, channelId, service),
    async postScheduledDigest() {
      if (options.digestChannel === undefined) return undefined;
      return postDigest(client, options.digestChannel, router.fallback.service);
    },
  };
}

async function handleInteraction(bot: DiscordBotContext, interaction: Interaction): Promise<void> {
  // Discord does not redeliver interactions, but a reconnecting gateway can replay one: answer it once.
  if (bot.interactions.seen(interaction.id)) return;
  if (interaction.isChatInputCommand()) {
    if (interaction.commandName === LOG_FINDING_COMMAND) await openFindingModal(interaction, bot);
    else if (interaction.commandName === FINDINGS_COMMAND) await handleFindingsCommand(interaction, bot);
  } else if (interaction.isMessageContextMenuCommand()) {
    if (interaction.commandName === LOG_AS_FINDING_COMMAND) await openFindingModalFromMessage(interaction, bot);
  } else if (interaction.isButton()) {
    if (interaction.customId === EDIT_BUTTON_ID || interaction.customId.startsWith(LIST_EDIT_PREFIX)) await openEditModal(interaction, bot);
  } else if (interaction.isModalSubmit()) {
    if (isEditModal(interaction.customId)) await submitEdit(interaction, bot);
    else await submitFinding(interaction, bot);
  }
}
