import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/store/github/client.js";
import { createGitHubStore } from "../../src/store/github/contents-store.js";
import { gitBlobSha } from "../../src/store/github/blob-sha.js";
import { mapError } from "../../src/store/github/errors.js";
import { checkGitHubRequest, checkGitHubResponse } from "../support/github-validator.js";

/**
 * The GitHub store against traffic recorded from api.github.com
 * (@octokit/fixtures), replayed through nock: what GitHub really answered,
 * not what our fake thinks it answers. The recordings also check the fake's
 * validators: real requests and answers must pass them.
 */

interface Recorded {
  scope: string;
  method: string;
  path: string;
  body: unknown;
  status: number;
  response: unknown;
  reqheaders: Record<string, string>;
  headers: Record<string, string>;
}

const require = createRequire(import.meta.url);
const scenario = (name: string): Recorded[] =>
  JSON.parse(readFileSync(require.resolve(`@octokit/fixtures/scenarios/api.github.com/${name}/normalized-fixture.json`), "utf8")) as Recorded[];

const client = (owner: string, repo: string) =>
  createGitHubClient({ token: "recorded-token", repo: { owner, repo }, throttle: { writeIntervalMs: 0 }, retry: { retries: 0 } });

// Nothing but the recordings answers: a request nock has no recording for fails at once, and only this machine is reachable.
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host));
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe("recorded api.github.com traffic", () => {
  it("get-content: reads a file through the raw media type, and its sha is GitHub's", async () => {
    const [listing, raw] = scenario("get-content");
    if (listing === undefined || raw === undefined) throw new Error("the get-content scenario changed");
    const entry = (listing.response as { name: string }[]).find((e) => e.name === "README.md") as Record<string, unknown>;
    // The JSON answer of a file above 1 MB carries no content (the recorded file is small: its entry says so instead).
    const api = nock("https://api.github.com")
      .get(raw.path)
      .query({ ref: "main" })
      .matchHeader("accept", "application/vnd.github.v3+json")
      .reply(200, { ...entry, encoding: "none", content: "" })
      .get(raw.path)
      .query({ ref: "main" })
      .matchHeader("accept", raw.reqheaders.accept ?? "")
      .reply(raw.status, raw.response as string, raw.headers);
    const store = createGitHubStore(client("octokit-fixture-org", "hello-world"), { owner: "octokit-fixture-org", repo: "hello-world", path: "README.md", branch: "main" });
    const snapshot = await store.read();
    expect(snapshot).toEqual({ text: "# hello-world", version: entry.sha });
    expect(gitBlobSha(Buffer.from("# hello-world"))).toBe(entry.sha);
    expect(api.isDone()).toBe(true);
    // GitHub's recorded answer passes the fake's validator.
    expect(checkGitHubResponse("GET", listing.path, listing.status, listing.response)).toEqual([]);
  });

  it("get-content: a directory at the log's path is an error saying so", async () => {
    const [listing] = scenario("get-content");
    if (listing === undefined) throw new Error("the get-content scenario changed");
    nock("https://api.github.com").get("/repos/octokit-fixture-org/hello-world/contents/docs").query({ ref: "main" }).reply(listing.status, listing.response as object, listing.headers);
    const store = createGitHubStore(client("octokit-fixture-org", "hello-world"), { owner: "octokit-fixture-org", repo: "hello-world", path: "docs", branch: "main" });
    await expect(store.read()).rejects.toThrow("docs in octokit-fixture-org/hello-world@main is a dir, not a file");
  });

  it("create-file: creates a file; version, commit and link are what GitHub answered", async () => {
    const [put] = scenario("create-file");
    if (put === undefined) throw new Error("the create-file scenario changed");
    const sent = put.body as { message: string; content: string };
    const api = nock("https://api.github.com")
      .put(put.path, (body: { message?: string; content?: string; sha?: string; branch?: string }) => body.message === sent.message && body.content === sent.content && body.sha === undefined && body.branch === "main")
      .reply(put.status, put.response as object, put.headers);
    const store = createGitHubStore(client("octokit-fixture-org", "create-file"), { owner: "octokit-fixture-org", repo: "create-file", path: "test.txt", branch: "main" });
    const written = await store.write(Buffer.from(sent.content, "base64").toString("utf8"), undefined, { message: sent.message });
    const answer = put.response as { content: { sha: string }; commit: { sha: string; html_url: string } };
    expect(written).toEqual({ version: answer.content.sha, commit: answer.commit.sha, url: answer.commit.html_url });
    expect(gitBlobSha(Buffer.from("Test content"))).toBe(answer.content.sha);
    expect(api.isDone()).toBe(true);
    // The real request and answer pass the fake's validators.
    expect(checkGitHubRequest("PUT", put.path, put.body)).toEqual([]);
    expect(checkGitHubResponse("PUT", put.path, put.status, put.response)).toEqual([]);
  });

  it("errors: GitHub's 422 is not retried, and its message reaches the person", async () => {
    const [refused] = scenario("errors");
    if (refused === undefined) throw new Error("the errors scenario changed");
    const api = nock("https://api.github.com").post(refused.path, refused.body as Record<string, string>).once().reply(refused.status, refused.response as object, refused.headers);
    const octokit = client("octokit-fixture-org", "errors");
    const error = await octokit.request("POST /repos/{owner}/{repo}/labels", { owner: "octokit-fixture-org", repo: "errors", ...(refused.body as { name: string; color: string }) }).catch((e: unknown) => e);
    expect(api.isDone()).toBe(true);
    expect(mapError(error, "creating a label").message).toBe("GitHub refused creating a label (422 Validation Failed)");
  });
});

describe("nock here", () => {
  it("lets no request reach the internet, and requests reach this machine", async () => {
    const remote = await fetch("https://api.github.com/zen").catch((error: unknown) => error as Error);
    expect(remote).toBeInstanceOf(Error);
    expect(String((remote as Error & { cause?: unknown }).cause ?? remote)).toMatch(/Nock: Disallowed net connect/);
    const server = createServer((_req, res) => res.end("here"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const local = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await local.text()).toBe("here");
    } finally {
      server.close();
    }
  });
});
