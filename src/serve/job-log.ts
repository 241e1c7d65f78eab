/**
 * One log line per stage of each piece of chat work (received, committed
 * with its sha and how long it took, announced, handed back, done), all
 * carrying the job's id as the correlation id, the platform and the entry id.
 * Never the person's text: titles and bodies stay out of info lines.
 */
import type { Log } from "./log.js";
import { platformOf, routeOf } from "./metrics.js";
import type { JobEvent } from "../outbox/outbox-worker.js";

const STEP_MESSAGES: Record<string, string> = {
  committed: "committed",
  announced: "announced",
  notified: "told the person it is saved and will be logged later",
};

const commitOf = (data: unknown): string | undefined => {
  const committed = data as { commit?: unknown; commitUrl?: unknown } | null | undefined;
  if (typeof committed?.commit === "string") return committed.commit;
  const url = typeof committed?.commitUrl === "string" ? committed.commitUrl : undefined;
  return url?.match(/\/commit\/([0-9a-f]{7,40})/)?.[1];
};

const entryOf = (event: JobEvent): string | undefined => {
  const fromStep = event.type === "step" ? (event.data as { id?: unknown } | null | undefined)?.id : undefined;
  const fromSteps = (event.job.steps.committed as { id?: unknown } | undefined)?.id;
  const id = fromStep ?? fromSteps;
  return typeof id === "string" ? id : undefined;
};

/** Logs one worker event on `log` (serve's logger). */
export function logJobEvent(log: Log, event: JobEvent): void {
  const { job } = event;
  const fields: Record<string, unknown> = { job: job.id, platform: platformOf(job.kind), kind: job.kind };
  const route = routeOf(job.payload);
  if (route !== "default") fields.route = route;
  const entry = entryOf(event);
  if (entry !== undefined) fields.entry = entry;
  switch (event.type) {
    case "received":
      log.info(fields, "received");
      break;
    case "replayed":
      log.info(fields, "replaying from the outbox");
      break;
    case "step": {
      const message = STEP_MESSAGES[event.step];
      const sha = event.step === "committed" ? commitOf(event.data) : undefined;
      const line = { ...fields, ...(sha === undefined ? {} : { sha }), ms: event.ms };
      if (message === undefined) log.debug({ ...line, step: event.step }, "step done");
      else log.info(line, message);
      break;
    }
    case "stage": {
      const sha = commitOf(event.fields);
      const { commit: _commit, commitUrl: _commitUrl, ...rest } = event.fields;
      log.info({ ...fields, ...rest, ...(sha === undefined ? {} : { sha }), ms: event.ms }, event.stage);
      break;
    }
    case "failed":
      // The worker logs the failure itself, with the reason; metrics count it.
      break;
    case "done":
      log.info({ ...fields, ms: event.ms }, "done");
      break;
  }
}
