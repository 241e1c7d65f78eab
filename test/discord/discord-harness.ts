/**
 * The real discord.js client against the fake Discord (REST + gateway), with
 * the GitHub store on the fake GitHub. `restart()` swaps in a new bot over the
 * same fakes, as a process restart would.
 */
import type { DiscordConfig } from "../../src/config.js";
import type { DiscordBot } from "../../src/discord/create-discord-bot.js";
import { createDiscordBot } from "../../src/discord/create-discord-bot.js";
import type { Clock, LogService } from "../../src/services/log-service.js";
import type { FakeDiscord } from "../support/fake-discord.js";
import { startFakeDiscord } from "../support/fake-discord.js";
import type { FakeGitHub } from "../support/fake-github.js";
import type { ModalValues, SentModal } from "../support/discord-factories.js";
import { logFindingCommand, modalSubmit } from "../support/discord-factories.js";
import { startGitHubLogService, TEST_LOG_PATH } from "../support/github-log-service.js";
import type { TestOutbox } from "../support/test-outbox.js";
import { openTestOutbox } from "../support/test-outbox.js";

export const LOG_PATH = TEST_LOG_PATH;
export const NOW = new Date("2026-01-20T12:00:00Z");

export interface DiscordHarness {
  discord: FakeDiscord;
  github: FakeGitHub;
  service: LogService;
  bot: DiscordBot;
  /** The bot's outbox (a temporary state directory). */
  outbox: TestOutbox;
  errors: string[];
  log(): string | undefined;
  /** Sends an interaction and waits until the bot has answered it (callback posted). */
  interact(payload: { id: string }): Promise<void>;
  /** `/log-finding` then the form filled with `values`; resolves once the reply to the submission is final. */
  logFinding(values: ModalValues, options?: { category?: string; status?: string }): Promise<{ modal: SentModal; submitId: string }>;
  /** A new bot over the same fakes and state directory; without `drainMs`, in-flight work is only in the outbox (a crash). */
  restart(options?: { drainMs?: number; before?: () => Promise<void> | void }): Promise<void>;
  close(): Promise<void>;
}

export async function startDiscordHarness(
  options: { clock?: Clock; config?: Partial<DiscordConfig>; files?: Record<string, string> } = {},
): Promise<DiscordHarness> {
  const discord = await startFakeDiscord();
  const clock = options.clock ?? { now: () => NOW };
  const { github, service } = await startGitHubLogService({ clock, retries: 0, maxAttempts: 2, ...(options.files === undefined ? {} : { files: options.files }) });
  const outbox = await openTestOutbox({ clock });
  const errors: string[] = [];
  const config: DiscordConfig = { token: discord.token, applicationId: discord.applicationId, guildId: discord.guildId, apiUrl: discord.apiUrl, ...options.config };
  const makeBot = () =>
    createDiscordBot({ config, service, worker: outbox.worker, clock, logger: { info: () => undefined, warn: () => undefined, error: (m) => errors.push(m) } });
  let bot = makeBot();
  await bot.start();
  outbox.worker.start();

  const h: DiscordHarness = {
    discord,
    github,
    service,
    outbox,
    get bot() {
      return bot;
    },
    errors,
    log: () => github.getFile(github.defaultBranch, LOG_PATH),
    async interact(payload) {
      discord.dispatch("INTERACTION_CREATE", payload);
      await discord.waitFor((d) => d.answer(payload.id).callback !== undefined);
    },
    async logFinding(values, choice = {}) {
      const command = logFindingCommand(discord, choice);
      await h.interact(command);
      const modal = discord.answer(command.id).callback?.data as unknown as SentModal;
      const submit = modalSubmit(discord, modal, values);
      await h.interact(submit);
      await settle(h, submit.id);
      return { modal, submitId: submit.id };
    },
    async restart(restartOptions = {}) {
      await outbox.reopen(restartOptions.drainMs ?? 0);
      await bot.stop();
      await discord.waitFor((d) => d.sessions === 0);
      await restartOptions.before?.();
      bot = makeBot();
      await bot.start();
      outbox.worker.start();
    },
    async close() {
      await bot.stop().catch(() => undefined);
      await outbox.close();
      await discord.close();
      await github.close();
    },
  };
  return h;
}

/** Waits until the bot's background work is done: no new request to the fake Discord for a while (and, with an id, the deferred reply was edited). */
export async function settle(h: DiscordHarness, interactionId?: string, quietMs = 150): Promise<void> {
  if (interactionId !== undefined) {
    await h.discord.waitFor((d) => {
      const answer = d.answer(interactionId);
      return answer.callback?.type === 4 || answer.original !== undefined;
    });
  }
  let count = -1;
  while (count !== h.discord.requests.length) {
    count = h.discord.requests.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

/** Commits that touched the log on the default branch (newest first). */
export function logCommits(h: DiscordHarness): { message: string }[] {
  return h.github.commits(h.github.defaultBranch).filter((c) => c.tree.has(LOG_PATH) && c.message.startsWith("docs:"));
}
