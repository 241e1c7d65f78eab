/**
 * Liveness, readiness and metrics over HTTP, for Docker and Kubernetes:
 *
 * - `GET /healthz`: 200 `ok` while the process runs (cheap; for liveness).
 * - `GET /readyz`: 200 when every part is up, else 503; both with a JSON body
 *   naming each part (Slack's socket, Discord's gateway, each log's store,
 *   by its last attempt) and what is wrong with those that are down.
 * - `GET /metrics`: Prometheus's text format (see metrics.ts).
 *
 * In Slack's HTTP mode they are routes of Bolt's own server; otherwise
 * `serve` starts a small server of its own on PORT.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { LogStore } from "../store/log-store.js";
import { ConflictError } from "../store/log-store.js";
import { messageOf } from "../error-details.js";

export interface Check {
  up: boolean;
  /** What is wrong, or what is fine ("connected", "last read 12:00:01Z"). */
  detail: string;
}

export interface Health {
  /** A part whose state is asked for at each `/readyz` (a socket, a gateway). */
  addProbe(name: string, probe: () => Check): void;
  /** A store to report on; `recheck` (a read) is run by `/readyz` when the store has been down a while. */
  watchStore(name: string, recheck: () => Promise<unknown>): void;
  /** Record a store's attempt (see `observeStore`). */
  recordStore(name: string, ok: boolean, detail: string): void;
  /** Every part's state, probes asked now. */
  readiness(): { ready: boolean; checks: Record<string, Check> };
}

interface StoreState extends Check {
  at: number;
  recheck: (() => Promise<unknown>) | undefined;
}

/** How long a failed store waits before `/readyz` tries it again (a read), so a mended store turns ready without traffic. */
const RECHECK_AFTER_MS = 5_000;

export function createHealth(now: () => number = Date.now): Health {
  const probes = new Map<string, () => Check>();
  const stores = new Map<string, StoreState>();
  return {
    addProbe(name, probe) {
      probes.set(name, probe);
    },
    watchStore(name, recheck) {
      stores.set(name, { up: true, detail: "not used yet", at: now(), recheck });
    },
    recordStore(name, ok, detail) {
      const state = stores.get(name);
      stores.set(name, { up: ok, detail, at: now(), recheck: state?.recheck });
    },
    readiness() {
      const checks: Record<string, Check> = {};
      for (const [name, probe] of probes) {
        try {
          checks[name] = probe();
        } catch (error) {
          checks[name] = { up: false, detail: messageOf(error) };
        }
      }
      for (const [name, state] of stores) {
        checks[`store ${name}`] = { up: state.up, detail: state.detail };
        if (!state.up && state.recheck !== undefined && now() - state.at >= RECHECK_AFTER_MS) {
          state.at = now();
          void state.recheck().catch(() => undefined);
        }
      }
      return { ready: Object.values(checks).every((check) => check.up), checks };
    },
  };
}

/**
 * The store, reporting each read and write to `health` under `name`: a
 * success (or a conflict, which only means someone else wrote first) is up;
 * any other failure is down, with its message (which names the credential).
 */
export function observeStore(store: LogStore, name: string, health: Health): LogStore {
  const report = <T>(what: string, work: Promise<T>): Promise<T> =>
    work.then(
      (value) => {
        health.recordStore(name, true, `last ${what} ok at ${new Date().toISOString()}`);
        return value;
      },
      (error: unknown) => {
        if (error instanceof ConflictError) health.recordStore(name, true, `last ${what} met a conflict (retried)`);
        else health.recordStore(name, false, `${what} failed: ${messageOf(error)}`);
        throw error;
      },
    );
  const observed: LogStore = {
    get description() {
      return store.description;
    },
    logPath: store.logPath,
    get localFile() {
      return store.localFile;
    },
    read: (options) => report("read", store.read(options)),
    write: (text, base, commit) => report("write", store.write(text, base, commit)),
    withLock: (fn) => store.withLock(fn),
    entryUrl: (id) => store.entryUrl(id),
  };
  health.watchStore(name, () => observed.read());
  return observed;
}

export interface OpsRoute {
  path: string;
  handler(req: IncomingMessage, res: ServerResponse): void;
}

/** `/healthz`, `/readyz` and `/metrics`, as routes for Bolt's server or `startOpsServer`. */
export function opsRoutes(health: Health, registry: Registry): OpsRoute[] {
  return [
    {
      path: "/healthz",
      handler: (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        res.end("ok");
      },
    },
    {
      path: "/readyz",
      handler: (_req, res) => {
        const readiness = health.readiness();
        res.writeHead(readiness.ready ? 200 : 503, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
        res.end(`${JSON.stringify(readiness)}\n`);
      },
    },
    {
      path: "/metrics",
      handler: (_req, res) => {
        registry.metrics().then(
          (text) => {
            res.writeHead(200, { "content-type": registry.contentType });
            res.end(text);
          },
          (error: unknown) => {
            res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
            res.end(`metrics failed: ${messageOf(error)}\n`);
          },
        );
      },
    },
  ];
}

/** A server of its own for the ops routes (when Slack's HTTP mode does not serve them). */
export async function startOpsServer(port: number, routes: readonly OpsRoute[]): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = req.method === "GET" || req.method === "HEAD" ? routes.find((candidate) => candidate.path === path) : undefined;
    if (route === undefined) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found\n");
      return;
    }
    route.handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
