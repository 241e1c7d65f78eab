import type { App } from "@slack/bolt";
import type { BotContext } from "./bot-context.js";
import { buildFindingsListBlocks, buildWhereReply, FINDINGS_USAGE, NOT_ALLOWED_MESSAGE } from "./build-replies.js";
import { escapeSlackText } from "./escape-slack-text.js";
import { isAllowed } from "./is-allowed.js";
import { postDigest } from "./post-digest.js";
import { NotInChannelError } from "./slack-calls.js";
import { messageOf } from "../error-details.js";


/** `/findings open | search <words> | digest | help`: lists answered to the asker only. */
export function registerFindingsCommand(app: App, bot: BotContext): void {
  app.command("/findings", async ({ command, ack, respond, client }) => {
    const target = bot.router.forSlack(command.channel_id);
    const { service } = target;
    const [word = "", ...rest] = command.text.trim().split(/\s+/);
    const sub = word.toLowerCase();
    const words = rest.join(" ").trim();
    const tell = (text: string) => respond({ response_type: "ephemeral", text });

    if (sub === "open" || (sub === "search" && words !== "")) {
      await ack();
      try {
        const entries = sub === "open" ? await service.list({ open: true }) : await service.list({ search: words });
        const list = buildFindingsListBlocks(sub === "open" ? "Open findings" : `Findings matching “${words}”`, entries);
        await respond({ response_type: "ephemeral", text: list.text, blocks: list.blocks });
      } catch (error) {
        await tell(`Sorry, I could not read the research log: ${escapeSlackText(messageOf(error))}`);
      }
      return;
    }
    if (sub === "where") {
      await ack({ response_type: "ephemeral", text: buildWhereReply(target, bot.router.targets.length > 1) });
      return;
    }
    if (sub === "digest") {
      if (!isAllowed(bot.config, command.user_id, command.channel_id)) {
        await ack({ response_type: "ephemeral", text: NOT_ALLOWED_MESSAGE });
        return;
      }
      await ack();
      try {
        const result = await postDigest(client, command.channel_id, service);
        if (!result.posted) await tell("Nothing open: every action item is checked off.");
      } catch (error) {
        await tell(
          error instanceof NotInChannelError
            ? "I cannot post in this channel. Invite me with `/invite @research-log` and try again."
            : `Sorry, I could not post the digest: ${escapeSlackText(messageOf(error))}`,
        );
      }
      return;
    }
    await ack({ response_type: "ephemeral", text: sub === "search" ? `Search for what? Try \`/findings search bfloat16\`.\n\n${FINDINGS_USAGE}` : FINDINGS_USAGE });
  });
}
