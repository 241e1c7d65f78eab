import type { Config } from "./config.js";
import type { LogService } from "./services/log-service.js";
import type { LogStore } from "./store/log-store.js";

/**
 * The composition root of `research-log serve`: starts the chat bots the
 * configuration enables and runs until SIGINT/SIGTERM. Returns the exit code.
 */
export async function serve(config: Config, _service: LogService, _store: LogStore): Promise<number> {
  if (config.slack === undefined && config.discord === undefined) {
    process.stderr.write(
      "research-log: nothing to serve: set SLACK_BOT_TOKEN (and SLACK_APP_TOKEN or SLACK_SIGNING_SECRET) to run the Slack bot\n",
    );
    return 2;
  }
  process.stderr.write("research-log: the chat bots are not wired in yet\n");
  return 2;
}
