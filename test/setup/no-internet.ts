/**
 * Every test file runs with this first: no test can reach the internet. A
 * connection to any host but this machine fails at once, naming the host;
 * the fake servers on 127.0.0.1 answer as usual.
 *
 * The guard sits on net.Socket#connect, under every client (node:http,
 * undici's fetch, ws). nock's disableNetConnect() is what the recorded-traffic
 * tests use (test/store/recorded-github.test.ts), but not here: nock 15.0.0
 * drains the body of a request it lets pass through, so with nock active a
 * fetch POST to a fake server fails ("TypeError: unusable").
 */
import net from "node:net";

const LOCAL = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

type ConnectArgs = Parameters<net.Socket["connect"]>;

/** The host a connect call names, or undefined for a local socket path. */
function hostOf(args: unknown[]): string | undefined {
  // node:http passes [options, callback] as one (normalized) array argument.
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === "object" && first !== null) {
    // A socket path without a port is a local (unix) socket; node:http also passes its request path, beside a port.
    const options = first as { host?: string; port?: unknown; path?: string };
    if (options.path !== undefined && options.port === undefined) return undefined;
    return options.host ?? "localhost";
  }
  if (typeof first === "number" || /^\d+$/.test(String(first))) return typeof args[1] === "string" ? args[1] : "localhost";
  return undefined;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: ConnectArgs): net.Socket {
  const host = hostOf(args);
  if (host !== undefined && !LOCAL.test(host)) {
    process.nextTick(() => this.destroy(new Error(`a test tried to reach ${host}: tests never reach the internet (test/setup/no-internet.ts)`)));
    return this;
  }
  return connect.apply(this, args);
} as typeof connect;
