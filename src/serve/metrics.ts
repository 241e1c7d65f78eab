/**
 * What `GET /metrics` shows, in Prometheus's text format (prom-client):
 * findings logged, edits, failures by kind, outbox retries and depth, commit
 * latency, and Node's own process metrics, all prefixed `research_log_`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { JobEvent } from "../outbox/outbox-worker.js";

export interface Metrics {
  registry: Registry;
  /** Feed the outbox worker's events here. */
  record(event: JobEvent): void;
  /** The outbox's depth, read when scraped. */
  watchOutboxDepth(depth: () => number): void;
}

const PREFIX = "research_log_";

/** `slack.finding` → `slack`. */
export const platformOf = (kind: string): string => kind.split(".")[0] ?? kind;

/** The route a job was recorded for (`default` for jobs without one). */
export const routeOf = (payload: unknown): string => {
  const target = (payload as { target?: unknown } | null)?.target;
  return typeof target === "string" && target !== "" ? target : "default";
};

/** A failure's kind: the error's class (`ConflictError`, `UnavailableError`, ...), or `Error`. */
export const failureKindOf = (error: unknown): string =>
  error instanceof Error && /^[A-Za-z]+$/.test(error.name) ? error.name : "Error";

/** A registry of its own (not prom-client's global one), so that tests and several servers do not share counts. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const findings = new Counter({
    name: `${PREFIX}findings_logged_total`,
    help: "Findings committed to a log from chat.",
    labelNames: ["platform", "route"],
    registers: [registry],
  });
  const edits = new Counter({
    name: `${PREFIX}edits_total`,
    help: "Edits committed from chat (an item checked or unchecked, a status changed).",
    labelNames: ["platform", "route"],
    registers: [registry],
  });
  const failures = new Counter({
    name: `${PREFIX}failures_total`,
    help: "Failed attempts at a job, by the kind of failure; handed_back counts work given back to the person.",
    labelNames: ["platform", "kind"],
    registers: [registry],
  });
  const retries = new Counter({
    name: `${PREFIX}outbox_retries_total`,
    help: "Jobs put back in the outbox to be tried again.",
    labelNames: ["platform"],
    registers: [registry],
  });
  const received = new Counter({
    name: `${PREFIX}jobs_received_total`,
    help: "Chat work recorded in the outbox (submissions, reactions); replayed counts jobs left from an earlier process.",
    labelNames: ["platform", "kind", "replayed"],
    registers: [registry],
  });
  const pictures = new Counter({
    name: `${PREFIX}pictures_total`,
    help: "Pictures posted with findings from chat: committed with the entry, or refused (not an image, over a limit, not fetched).",
    labelNames: ["platform", "outcome"],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: `${PREFIX}commit_duration_seconds`,
    help: "From the start of a job's attempt to its commit in the log (GitHub's write spacing included).",
    labelNames: ["platform"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  let depth: () => number = () => 0;
  new Gauge({
    name: `${PREFIX}outbox_depth`,
    help: "Jobs in the outbox: acknowledged and not yet done.",
    registers: [registry],
    collect() {
      this.set(depth());
    },
  });

  return {
    registry,
    watchOutboxDepth(read) {
      depth = read;
    },
    record(event) {
      const platform = platformOf(event.job.kind);
      switch (event.type) {
        case "received":
        case "replayed":
          received.inc({ platform, kind: event.job.kind, replayed: String(event.type === "replayed") });
          break;
        case "step":
          if (event.step === "committed") {
            findings.inc({ platform, route: routeOf(event.job.payload) });
            commitSeconds.observe({ platform }, event.ms / 1000);
            const { pictures: committed, refused } = (event.data ?? {}) as { pictures?: unknown; refused?: unknown };
            if (typeof committed === "number" && committed > 0) pictures.inc({ platform, outcome: "committed" }, committed);
            if (Array.isArray(refused) && refused.length > 0) pictures.inc({ platform, outcome: "refused" }, refused.length);
          }
          break;
        case "stage":
          if (event.stage === "edited") {
            const route = event.fields.route;
            edits.inc({ platform, route: typeof route === "string" ? route : routeOf(event.job.payload) });
            commitSeconds.observe({ platform }, event.ms / 1000);
          } else if (event.stage === "handed back") {
            failures.inc({ platform, kind: "handed_back" });
          }
          break;
        case "failed":
          failures.inc({ platform, kind: failureKindOf(event.error) });
          retries.inc({ platform });
          break;
        case "done":
          break;
      }
    },
  };
}
