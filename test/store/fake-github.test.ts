import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeGitHub } from "../support/fake-github.js";
import type { FakeGitHub, FakeGitHubOptions } from "../support/fake-github.js";
import { checkGitHubRequest, checkGitHubResponse, githubOperationOf, OCTOKIT_OPENAPI_VERSION } from "../support/github-validator.js";

/**
 * The fake GitHub against GitHub's documented behaviour: each case is a
 * request GitHub refuses (or answers in a particular way), and the fake must
 * answer as GitHub does, with answers that match GitHub's REST description.
 * The store's own requests are checked by its tests (test/store/github.test.ts).
 */

let github: FakeGitHub | undefined;
afterEach(async () => {
  await github?.close();
  github = undefined;
});

const LOG = "docs/research_log.md";
const base64 = (text: string) => Buffer.from(text).toString("base64");

async function start(options: FakeGitHubOptions = { files: { [LOG]: "# Research Log\n", "docs/README.md": "docs" } }): Promise<FakeGitHub> {
  github = await startFakeGitHub(options);
  return github;
}

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

async function call(fake: FakeGitHub, method: string, path: string, options: { body?: unknown; accept?: string; token?: string } = {}): Promise<Answer> {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      authorization: `token ${options.token ?? "test-token"}`,
      accept: options.accept ?? "application/vnd.github+json",
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const contentType = response.headers.get("content-type");
  const text = await response.text();
  return { status: response.status, contentType, body: contentType?.startsWith("application/json") === true && text !== "" ? JSON.parse(text) : text };
}

const contents = (fake: FakeGitHub, path = LOG) => `/repos/${fake.owner}/${fake.repo}/contents/${path}`;
const message = (answer: Answer): string => String((answer.body as { message?: unknown }).message);

/** The current blob sha of the log, as a GET tells it. */
async function shaOf(fake: FakeGitHub): Promise<string> {
  return String(((await call(fake, "GET", contents(fake))).body as { sha: string }).sha);
}

describe("the fake GitHub answers as GitHub does", () => {
  it.each<[string, (fake: FakeGitHub) => Promise<unknown>, number, RegExp]>([
    ["an update without sha", () => Promise.resolve({ message: "m", content: base64("x") }), 422, /"sha" wasn't supplied/],
    ["a stale sha", async (fake) => ({ message: "m", content: base64("x"), sha: `${(await shaOf(fake)).slice(0, -1)}0` }), 409, /does not match/],
    ["no message (the schema requires it)", async (fake) => ({ content: base64("x"), sha: await shaOf(fake) }), 422, /^Invalid request\.\n\n"message" wasn't supplied\./],
    ["content that is not a string", async (fake) => ({ message: "m", content: 5, sha: await shaOf(fake) }), 422, /^Invalid request\.\n\nFor 'properties\/content', 5 is not a string\./],
  ])("refuses a contents PUT with %s", async (_name, body, status, text) => {
    const fake = await start();
    const answer = await call(fake, "PUT", contents(fake), { body: await body(fake) });
    expect(answer.status).toBe(status);
    expect(message(answer)).toMatch(text);
    expect(fake.getFile(fake.defaultBranch, LOG)).toBe("# Research Log\n");
  });

  it("refuses a write to a branch a ruleset protects with 409, naming the rule", async () => {
    const fake = await start();
    fake.protectBranch("main");
    const answer = await call(fake, "PUT", contents(fake), { body: { message: "m", content: base64("x"), sha: await shaOf(fake) } });
    expect(answer.status).toBe(409);
    expect(message(answer)).toMatch(/Repository rule violations found\n\nChanges must be made through a pull request\./);
  });

  it("says an empty repository is empty", async () => {
    const fake = await start({ empty: true });
    const answer = await call(fake, "GET", contents(fake));
    expect(answer).toMatchObject({ status: 404, body: { message: "This repository is empty." } });
  });

  it("refuses a wrong token with 401 Bad credentials", async () => {
    const fake = await start();
    expect(await call(fake, "GET", contents(fake), { token: "nope" })).toMatchObject({ status: 401, body: { message: "Bad credentials" } });
  });

  it("lists a directory, each item with its _links, as the description says", async () => {
    const fake = await start();
    const answer = await call(fake, "GET", contents(fake, "docs"));
    expect(answer.status).toBe(200);
    expect((answer.body as { name: string }[]).map((item) => item.name).sort()).toEqual(["README.md", "research_log.md"]);
    expect(checkGitHubResponse("GET", contents(fake, "docs"), 200, answer.body)).toEqual([]);
  });

  it("answers a file with its content object, _links included", async () => {
    const fake = await start();
    const answer = await call(fake, "GET", contents(fake));
    expect(answer.body).toMatchObject({ type: "file", encoding: "base64", _links: { self: expect.any(String), git: expect.any(String), html: expect.any(String) } });
    expect(checkGitHubResponse("GET", contents(fake), 200, answer.body)).toEqual([]);
  });

  it("answers a raw GET with the raw media type", async () => {
    const fake = await start();
    const answer = await call(fake, "GET", contents(fake), { accept: "application/vnd.github.raw+json" });
    expect(answer).toEqual({ status: 200, contentType: "application/vnd.github.raw; charset=utf-8", body: "# Research Log\n" });
  });

  it("answers repos/get, git refs, pulls/create and a file write with every field the description requires", async () => {
    const fake = await start();
    const where = `/repos/${fake.owner}/${fake.repo}`;
    const repo = await call(fake, "GET", where);
    expect(checkGitHubResponse("GET", where, 200, repo.body)).toEqual([]);
    const ref = await call(fake, "GET", `${where}/git/ref/heads/main`);
    const branch = await call(fake, "POST", `${where}/git/refs`, { body: { ref: "refs/heads/edit", sha: (ref.body as { object: { sha: string } }).object.sha } });
    expect(branch.status).toBe(201);
    const written = await call(fake, "PUT", contents(fake), { body: { message: "m", content: base64("# Research Log\nmore\n"), sha: await shaOf(fake), branch: "edit" } });
    expect(written.status).toBe(200);
    expect(checkGitHubResponse("PUT", contents(fake), 200, written.body)).toEqual([]);
    const pull = await call(fake, "POST", `${where}/pulls`, { body: { title: "docs: log finding", head: "edit", base: "main" } });
    expect(pull.status).toBe(201);
    expect(checkGitHubResponse("POST", `${where}/pulls`, 201, pull.body)).toEqual([]);
    expect(pull.body).toMatchObject({ number: 1, state: "open", head: { ref: "edit" }, base: { ref: "main" }, _links: expect.any(Object) });
  });

  it("answers a secondary rate limit with 403 and retry-after", async () => {
    const fake = await start();
    fake.secondaryRateLimitNext(1, 7);
    const limited = await fetch(`${fake.url}${contents(fake)}`, { headers: { authorization: "token test-token" } });
    expect(limited.status).toBe(403);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);
  });
});

describe("the GitHub validator", () => {
  it("reads the description trimmed from the installed @octokit/openapi", () => {
    const installed = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@octokit/openapi/package.json"), "utf8")) as { version: string };
    // Otherwise: node scripts/vendor-specs.mjs
    expect(OCTOKIT_OPENAPI_VERSION).toBe(installed.version);
  });

  it("knows the store's operations, and the contents path may hold slashes", () => {
    expect(githubOperationOf("PUT", "/repos/o/r/contents/docs/research_log.md")).toBe("/repos/{owner}/{repo}/contents/{path}");
    expect(githubOperationOf("GET", "/repos/o/r")).toBe("/repos/{owner}/{repo}");
    expect(githubOperationOf("GET", "/repos/o/r/issues")).toBeUndefined();
  });

  it.each([
    ["a pull request without head", "POST", "/repos/o/r/pulls", { base: "main" }, '"head" wasn\'t supplied.'],
    ["a ref that is not a string", "POST", "/repos/o/r/git/refs", { ref: 1, sha: "abc" }, "For 'properties/ref', 1 is not a string."],
  ])("refuses %s", (_name, method, path, body, problem) => {
    expect(checkGitHubRequest(method, path, body)).toContain(problem);
  });

  it("refuses a content object without _links", () => {
    const file = { type: "file", encoding: "base64", size: 1, name: "a", path: "a", content: "", sha: "s", url: "u", git_url: null, html_url: null, download_url: null };
    expect(checkGitHubResponse("GET", "/repos/o/r/contents/a", 200, file).join("\n")).toMatch(/_links/);
  });
});

describe("the fake GitHub's Git Data routes answer as GitHub does", () => {
  const git = (fake: FakeGitHub, rest: string) => `/repos/${fake.owner}/${fake.repo}/git/${rest}`;

  /** A commit on top of main holding `files` (path → text), not yet on any branch. */
  async function commitOnMain(fake: FakeGitHub, files: Record<string, string>): Promise<string> {
    const head = ((await call(fake, "GET", git(fake, "ref/heads/main"))).body as { object: { sha: string } }).object.sha;
    const tree = ((await call(fake, "GET", git(fake, `commits/${head}`))).body as { tree: { sha: string } }).tree.sha;
    const entries = Object.entries(files).map(([path, content]) => ({ path, mode: "100644", type: "blob", content }));
    const made = await call(fake, "POST", git(fake, "trees"), { body: { base_tree: tree, tree: entries } });
    const commit = await call(fake, "POST", git(fake, "commits"), { body: { message: "m", tree: (made.body as { sha: string }).sha, parents: [head] } });
    return (commit.body as { sha: string }).sha;
  }

  it("moves a branch to a commit that descends from its head, and keeps the base tree's files", async () => {
    const fake = await start();
    const sha = await commitOnMain(fake, { "docs/research_log/assets/x/a.png": "png" });
    const moved = await call(fake, "PATCH", git(fake, "refs/heads/main"), { body: { sha, force: false } });
    expect(moved.status).toBe(200);
    expect(fake.getFile("main", "docs/research_log/assets/x/a.png")).toBe("png");
    expect(fake.getFile("main", "docs/README.md")).toBe("docs");
  });

  it.each<[string, (fake: FakeGitHub) => Promise<Answer>, number, RegExp]>([
    [
      "a ref update that is not a fast forward",
      async (fake) => {
        const sha = await commitOnMain(fake, { a: "1" });
        fake.setFile("main", LOG, "moved by hand\n");
        return call(fake, "PATCH", git(fake, "refs/heads/main"), { body: { sha, force: false } });
      },
      422,
      /^Update is not a fast forward$/,
    ],
    ["a tree entry naming a blob that does not exist", (fake) => call(fake, "POST", git(fake, "trees"), { body: { tree: [{ path: "a.png", mode: "100644", type: "blob", sha: "0".repeat(40) }] } }), 422, /is not a valid blob/],
    ["a tree entry with a path leaving the repository", (fake) => call(fake, "POST", git(fake, "trees"), { body: { tree: [{ path: "../a.png", mode: "100644", type: "blob", content: "x" }] } }), 422, /malformed path component/],
    ["a tree entry with a mode GitHub does not take", (fake) => call(fake, "POST", git(fake, "trees"), { body: { tree: [{ path: "a.png", mode: "100600", type: "blob", content: "x" }] } }), 422, /Invalid request/],
    ["a commit on a tree that does not exist", (fake) => call(fake, "POST", git(fake, "commits"), { body: { message: "m", tree: "1".repeat(40), parents: [] } }), 422, /Tree SHA does not exist/],
    [
      "a ref update on a protected branch",
      async (fake) => {
        const sha = await commitOnMain(fake, { a: "1" });
        fake.protectBranch("main", "classic");
        return call(fake, "PATCH", git(fake, "refs/heads/main"), { body: { sha } });
      },
      422,
      /^Protected branch update failed for refs\/heads\/main\.$/,
    ],
  ])("refuses %s", async (_name, request, status, pattern) => {
    const fake = await start();
    const answer = await request(fake);
    expect(answer.status).toBe(status);
    expect(message(answer)).toMatch(pattern);
  });

  it("takes no blob in a repository without a commit", async () => {
    const fake = await start({ empty: true });
    const answer = await call(fake, "POST", git(fake, "blobs"), { body: { content: base64("png"), encoding: "base64" } });
    expect([answer.status, message(answer)]).toEqual([409, "Git Repository is empty."]);
  });
});
