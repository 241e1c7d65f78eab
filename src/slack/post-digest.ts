import type { webApi } from "@slack/bolt";
import type { LogService } from "../services/log-service.js";
import { buildItemMessage } from "./build-announcement.js";
import type { DigestGroup } from "./build-digest-message.js";
import { buildDigestMessage } from "./build-digest-message.js";
import { postToChannel } from "./slack-calls.js";

/** What a digest run did. */
export interface DigestPosted {
  /** False when nothing was open: then nothing is posted. */
  posted: boolean;
  /** The head message's ts, when posted. */
  ts: string | undefined;
  items: number;
}

/**
 * Posts the digest of open action items in `channel`: one message grouped by
 * finding, then each item as a threaded reply carrying research_log_item
 * metadata, so that a check reaction there checks the item off. Posts
 * nothing when nothing is open.
 *
 * @throws StoreError when the log cannot be read; NotInChannelError when the bot cannot post there.
 */
export async function postDigest(client: webApi.WebClient, channel: string, service: LogService): Promise<DigestPosted> {
  const groups: DigestGroup[] = await service.digest();
  if (groups.length === 0) return { posted: false, ts: undefined, items: 0 };
  const head = await postToChannel(client, { channel, ...buildDigestMessage(groups) });
  let items = 0;
  for (const group of groups) {
    for (const item of group.items) {
      const message = buildItemMessage(
        {
          id: group.id,
          title: group.title,
          item: item.item,
          text: item.text,
          done: false,
          entry_url: group.url,
          age_days: item.ageDays,
        },
        { showTitle: true },
      );
      await postToChannel(client, { channel: head.channel, thread_ts: head.ts, ...message });
      items += 1;
    }
  }
  return { posted: true, ts: head.ts, items };
}
