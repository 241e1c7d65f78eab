/**
 * Fetching a picture someone posted in chat, for the finding it goes with:
 * at most one byte past the size limit is read, a sign-in page is not taken
 * for the file, and each failure says whether trying again may help (the
 * outbox retries those; the finding never waits forever for a picture).
 */
import { displayName, sizeRefusal } from "../core/images.js";
import type { ImageLimits, OfferedFile } from "../core/images.js";
import { messageOf } from "../error-details.js";
import { UnavailableError } from "../store/log-store.js";

export interface PictureSource {
  url: string;
  /** The name it was posted with. */
  name: string;
  /** What it says it weighs, when the platform says: a picture over the limit is not fetched at all. */
  size?: number | undefined;
}

export type FetchedPicture =
  | { ok: true; file: OfferedFile }
  /** `retryable`: the platform or the network failed, and a later try may work. */
  | { ok: false; retryable: boolean; refusal: { name: string; reason: string } };

export interface FetchPictureOptions {
  limits: ImageLimits;
  /** The platform, as messages name it (`Slack`, `Discord`). */
  platform: string;
  /** Request headers (Slack's private URLs take the bot token). Never logged. */
  headers?: Record<string, string> | undefined;
  /** What an HTML answer means (a sign-in page where the file should be). */
  htmlMeans?: string | undefined;
  timeoutMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Fetches one picture; never throws. */
export async function fetchPicture(source: PictureSource, options: FetchPictureOptions): Promise<FetchedPicture> {
  const shown = displayName(source.name);
  const refuse = (retryable: boolean, reason: string): FetchedPicture => ({ ok: false, retryable, refusal: { name: shown, reason } });
  const declared = source.size === undefined ? undefined : sizeRefusal(source.name, source.size, options.limits);
  if (declared !== undefined) return { ok: false, retryable: false, refusal: declared };
  let response: Response;
  try {
    response = await fetch(source.url, { headers: options.headers, redirect: "follow", signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
  } catch (error) {
    return refuse(true, `${shown} could not be fetched from ${options.platform} (${messageOf(error)})`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const passing = response.status === 429 || response.status >= 500;
    return refuse(passing, `${shown} could not be fetched from ${options.platform} (HTTP ${response.status}${passing ? "" : ": it may have been deleted"})`);
  }
  if (/^text\/html\b/i.test(response.headers.get("content-type") ?? "")) {
    await response.body?.cancel().catch(() => undefined);
    return refuse(false, `${shown} could not be fetched: ${options.platform} answered with a web page, not the file${options.htmlMeans === undefined ? "" : ` (${options.htmlMeans})`}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body ?? []) {
      total += chunk.length;
      if (total > options.limits.perImage) {
        await response.body?.cancel().catch(() => undefined);
        return refuse(false, `${shown} is over the ${(options.limits.perImage / (1024 * 1024)).toFixed(1)} MB limit for one image`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    return refuse(true, `${shown} could not be fetched from ${options.platform} (${messageOf(error)})`);
  }
  return { ok: true, file: { name: source.name, bytes: Buffer.concat(chunks) } };
}

/**
 * A picture could not be fetched yet, in a way that may pass: the job is
 * tried again in seconds, and only a few times, so the person is not told
 * (as they are when the log itself cannot be written).
 */
export class PictureNotReadyError extends UnavailableError {
  override name = "PictureNotReadyError";
}

/** How many times a job waits for a picture that failed in a way that may pass, before logging the finding without it. */
export const PICTURE_ATTEMPTS = 3;

/**
 * Fetches a finding's pictures. A failure that may pass throws
 * UnavailableError while `mayWait` (the outbox tries the job again later);
 * otherwise, and for failures that will not pass, the picture is refused
 * with a reason and the finding goes on without it.
 */
export async function gatherPictures(
  sources: readonly PictureSource[],
  options: FetchPictureOptions & { mayWait: boolean },
): Promise<{ files: OfferedFile[]; refused: { name: string; reason: string }[] }> {
  const files: OfferedFile[] = [];
  const refused: { name: string; reason: string }[] = [];
  for (const source of sources) {
    const fetched = await fetchPicture(source, options);
    if (fetched.ok) {
      files.push(fetched.file);
    } else if (fetched.retryable && options.mayWait) {
      throw new PictureNotReadyError(`${fetched.refusal.reason}; trying again later`);
    } else {
      refused.push(fetched.retryable ? { ...fetched.refusal, reason: `${fetched.refusal.reason}; post it again in the thread` } : fetched.refusal);
    }
  }
  return { files, refused };
}
