/**
 * The pictures of a Slack finding: the files of the message `Log as finding`
 * was used on and those uploaded in the form, looked up with `files.info`
 * and fetched from their private URL with the bot token (`files:read`).
 */
import type { webApi } from "@slack/bolt";
import type { ImageLimits, OfferedFile } from "../core/images.js";
import type { PictureSource } from "../services/fetch-picture.js";
import { gatherPictures, PictureNotReadyError } from "../services/fetch-picture.js";
import { messageOf } from "../error-details.js";
import { slackErrorCode } from "./slack-calls.js";

type WebClient = webApi.WebClient;

export interface Pictures {
  files: OfferedFile[];
  refused: { name: string; reason: string }[];
}

/**
 * Fetches the files with these ids. While `mayWait`, a failure that may pass
 * (Slack unreachable, rate limited, a 5xx) throws UnavailableError so that
 * the outbox tries again; after that, and for a file Slack no longer has,
 * the picture is refused with a reason and the finding goes on without it.
 */
export async function fetchSlackPictures(client: WebClient, fileIds: readonly string[], limits: ImageLimits, mayWait: boolean): Promise<Pictures> {
  const sources: PictureSource[] = [];
  const refused: Pictures["refused"] = [];
  for (const id of fileIds) {
    let file: { name?: string; title?: string; url_private?: string; url_private_download?: string; size?: number } | undefined;
    try {
      file = (await client.files.info({ file: id })).file;
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === undefined && mayWait) throw new PictureNotReadyError(`Slack did not answer files.info for ${id} (${messageOf(error)}); trying again later`, { cause: error });
      refused.push({ name: id, reason: `the file ${id} could not be looked up in Slack (${code ?? messageOf(error)})` });
      continue;
    }
    const url = file?.url_private_download ?? file?.url_private;
    const name = file?.name ?? file?.title ?? id;
    if (url === undefined) {
      refused.push({ name, reason: `${name} has no file Slack lets the bot fetch (an external or deleted file)` });
      continue;
    }
    sources.push({ url, name, size: file?.size });
  }
  const fetched = await gatherPictures(sources, {
    limits,
    platform: "Slack",
    // Slack's private URLs take the bot token; without files:read they answer with a sign-in page.
    headers: client.token === undefined ? undefined : { authorization: `Bearer ${client.token}` },
    htmlMeans: "the bot token needs files:read: reinstall the app with manifest.yml's scopes",
    mayWait,
  });
  return { files: fetched.files, refused: [...refused, ...fetched.refused] };
}
