/**
 * Pictures waiting for their form: `/log-finding`'s attachment options and
 * the files of the message `Log as finding` was used on are known when the
 * form opens, and the form's submission comes later. Discord's custom id
 * (100 characters) cannot carry their links, so they wait here under a short
 * key that the form's id carries. In memory: a form open across a restart
 * loses them, and the person is told to post them in the thread.
 */
import { randomBytes } from "node:crypto";
import type { PictureSource } from "../services/fetch-picture.js";
import type { Clock } from "../services/log-service.js";

export interface PendingPictures {
  /** Keeps `sources` for a form; returns the key its id carries. */
  hold(sources: readonly PictureSource[]): string;
  /** The pictures held under `key`, or undefined when they are not (expired, or held by a process since restarted). */
  get(key: string): PictureSource[] | undefined;
}

/** Keeps pictures for `ttlMs` (a form left open an hour is abandoned), at most `maxSize` forms' worth. */
export function createPendingPictures(clock: Clock, ttlMs = 60 * 60_000, maxSize = 1000): PendingPictures {
  const held = new Map<string, { sources: PictureSource[]; at: number }>();
  return {
    hold(sources) {
      const now = clock.now().getTime();
      for (const [key, { at }] of held) {
        if (now - at < ttlMs && held.size < maxSize) break;
        held.delete(key);
      }
      const key = randomBytes(6).toString("base64url");
      held.set(key, { sources: [...sources], at: now });
      return key;
    },
    get(key) {
      const found = held.get(key);
      return found === undefined || clock.now().getTime() - found.at >= ttlMs ? undefined : found.sources;
    },
  };
}
