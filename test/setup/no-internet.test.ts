import { request } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";

describe("the test setup (test/setup/no-internet.ts)", () => {
  it("lets no test reach the internet, through fetch or node:http", async () => {
    const viaFetch = await fetch("https://api.github.com/zen").catch((error: unknown) => error as Error & { cause?: unknown });
    expect(String((viaFetch as { cause?: unknown }).cause)).toMatch(/a test tried to reach api\.github\.com/);
    const viaHttp = await new Promise<Error>((resolve) => {
      request("http://example.com/", () => resolve(new Error("answered"))).on("error", resolve).end();
    });
    expect(viaHttp.message).toMatch(/a test tried to reach example\.com/);
  });

  it("lets every test reach this machine, with a body", async () => {
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => res.end(`got ${body}`));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: "POST", body: "hello" });
      expect(await answer.text()).toBe("got hello");
    } finally {
      server.close();
    }
  });
});
