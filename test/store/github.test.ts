import { generateKeyPairSync } from "node:crypto";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkLog } from "../../src/core/check-log.js";
import { appendEntry } from "../../src/core/edit-log.js";
import { parseLog } from "../../src/core/parse-log.js";
import type { Finding } from "../../src/core/types.js";
import type { EditFn } from "../../src/services/update-log.js";
import { updateLog } from "../../src/services/update-log.js";
import type { GitHubClientOptions, GitHubTarget, Logger } from "../../src/store/github.js";
import { createGitHubClient, createGitHubStore, gitBlobSha, webUrlFor } from "../../src/store/github.js";
import {
  AmbiguousWriteError,
  ConflictError,
  NotFoundError,
  PermissionError,
  StoreError,
  UnavailableError,
} from "../../src/store/log-store.js";
import type { FakeGitHub, FakeGitHubOptions } from "../support/fake-github.js";
import { startFakeGitHub } from "../support/fake-github.js";

const TOKEN = "ghp_s3cr3tT0kenValue1234567890";
const PATH = "docs/research_log.md";
const CONTENTS = `/repos/acme/research/contents/${PATH}`;

let fake: FakeGitHub;
let running: FakeGitHub | undefined;
let logLines: string[];

const logger: Logger = {
  debug: (m) => logLines.push(`debug ${m}`),
  info: (m) => logLines.push(`info ${m}`),
  warn: (m) => logLines.push(`warn ${m}`),
  error: (m) => logLines.push(`error ${m}`),
};

async function start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  fake = await startFakeGitHub({ token: TOKEN, ...options });
  running = fake;
  return fake;
}

function client(overrides: Partial<GitHubClientOptions> = {}) {
  return createGitHubClient({
    token: TOKEN,
    baseUrl: fake.url,
    repo: { owner: "acme", repo: "research" },
    log: logger,
    throttle: { writeIntervalMs: 0, retryAfterUnitMs: 50 },
    retry: { backoffUnitMs: 10 },
    ...overrides,
  });
}

function store(target: Partial<GitHubTarget> = {}, clientOptions: Partial<GitHubClientOptions> = {}) {
  return createGitHubStore(client(clientOptions), { owner: "acme", repo: "research", path: PATH, ...target });
}

/** An idempotent edit: append `line` unless it is already there. */
function appendLine(line: string): EditFn {
  return (text) => {
    const current = text ?? "# Research Log\n";
    if (current.split("\n").includes(line)) return { ok: true, text: current, changed: false };
    return { ok: true, text: `${current}${current.endsWith("\n") ? "" : "\n"}${line}\n`, changed: true };
  };
}

function finding(n: number): Finding {
  return {
    date: "2026-01-20",
    title: `Concurrent finding number ${n}`,
    category: "Training",
    status: "Open",
    related: [`experiments/run_${n}.py`],
    finding: `Finding text ${n}.`,
    impact: `Impact ${n}.`,
    actionItems: [{ text: `Follow up ${n}`, done: false }],
  };
}

const count = (text: string | undefined, needle: string) => (text ?? "").split(needle).length - 1;
const commit = { message: "docs: log finding - test" };

beforeEach(() => {
  logLines = [];
});

afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("GitHub store: reads and writes", () => {
  it("creates the file on the first write, then updates it with sha and branch", async () => {
    await start();
    const s = store();
    expect(await s.read()).toEqual({ text: undefined, version: undefined });

    const created = await updateLog(s, appendLine("first"), commit);
    expect(created.ok && created.changed).toBe(true);
    expect(fake.getFile("main", PATH)).toBe("# Research Log\nfirst\n");
    const [createPut] = fake.requestsTo("PUT", CONTENTS);
    expect(createPut?.status).toBe(201);
    expect(createPut?.body).toMatchObject({ branch: "main", message: "docs: log finding - test" });
    expect(createPut?.body).not.toHaveProperty("sha");

    const updated = await updateLog(s, appendLine("second"), commit);
    expect(fake.getFile("main", PATH)).toBe("# Research Log\nfirst\nsecond\n");
    const puts = fake.requestsTo("PUT", CONTENTS);
    expect(puts[1]?.status).toBe(200);
    const firstSha = gitBlobSha(Buffer.from("# Research Log\nfirst\n"));
    expect(puts[1]?.body).toMatchObject({ branch: "main", sha: firstSha });
    if (!updated.ok || !updated.write) throw new Error("expected a write");
    expect(updated.write.version).toBe(gitBlobSha(Buffer.from("# Research Log\nfirst\nsecond\n")));
    expect(updated.write.commit).toBe(fake.commits("main")[0]?.sha);
    expect(updated.write.url).toBe(`${fake.url}/acme/research/commit/${updated.write.commit}`);
    expect(updated.write.pullRequestUrl).toBeUndefined();
  });

  it("answers a burst of N sequential updates with 1 GET and N PUTs", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main" });
    for (let i = 0; i < 10; i++) await updateLog(s, appendLine(`line ${i}`), commit);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${CONTENTS}`,
      ...Array.from({ length: 10 }, () => `PUT ${CONTENTS}`),
    ]);
    expect(fake.getFile("main", PATH)).toBe(`# Research Log\n${Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join("")}`);
  });

  it("looks up the default branch once when none is given", async () => {
    await start({ defaultBranch: "trunk", files: { [PATH]: "# Research Log\n" } });
    const s = store();
    expect(s.description).toBe(`acme/research:${PATH}@(default branch)`);
    await updateLog(s, appendLine("a"), commit);
    await updateLog(s, appendLine("b"), commit);
    expect(fake.requestsTo("GET", "/repos/acme/research")).toHaveLength(1);
    expect(fake.requestsTo("GET", CONTENTS)[0]?.query).toEqual({ ref: "trunk" });
    expect(fake.getFile("trunk", PATH)).toContain("b\n");
    expect(s.description).toBe(`acme/research:${PATH}@trunk`);
    expect(s.entryUrl("2026-01-20-x")).toBe(`${fake.url}/acme/research/blob/trunk/${PATH}#2026-01-20-x`);
  });

  it("reads past the cache when asked, and throws ConflictError on a stale sha", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main" });
    const first = await s.read();
    fake.setFile("main", PATH, "# Research Log\nhuman\n");
    expect(await s.read({ allowCached: true })).toEqual(first);
    await expect(s.write("# Research Log\nbot\n", first.version, commit)).rejects.toBeInstanceOf(ConflictError);
    expect((await s.read()).text).toBe("# Research Log\nhuman\n");
    // Creating a file someone else created meanwhile is a conflict too (GitHub: 422 "sha" wasn't supplied).
    await expect(s.write("x\n", undefined, commit)).rejects.toBeInstanceOf(ConflictError);
  });

  it("credits the person in a trailer (Co-authored-by with an e-mail, else Logged-by), keeping the bot as committer", async () => {
    await start();
    const s = store({ branch: "main" });
    await updateLog(s, appendLine("x"), { message: "docs: log finding - X", author: { name: "Ada Lovelace", email: "ada@example.com" } });
    await updateLog(s, appendLine("y"), { message: "docs: log finding - Y", author: { name: "Grace" } });
    expect(fake.commits("main").slice(0, 2).map((c) => c.message)).toEqual([
      "docs: log finding - Y\n\nLogged-by: Grace",
      "docs: log finding - X\n\nCo-authored-by: Ada Lovelace <ada@example.com>",
    ]);
    const put = fake.requestsTo("PUT", CONTENTS)[0]?.body as Record<string, unknown>;
    expect(put).not.toHaveProperty("committer");
    expect(put).not.toHaveProperty("author");
  });

  it("reads a 3 MB file through the raw media type and appends to it", async () => {
    const big = `# Research Log\n\n${"Lorem ipsum dolor sit amet, ünïcödé ✓ text.\n".repeat(70_000)}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(3_000_000);
    await start({ files: { [PATH]: big } });
    const s = store({ branch: "main" });
    await updateLog(s, appendLine("appended after three megabytes"), commit);
    expect(fake.getFile("main", PATH)).toBe(`${big}appended after three megabytes\n`);
    const gets = fake.requestsTo("GET", CONTENTS);
    expect(gets).toHaveLength(2);
    expect(gets[0]?.headers.accept).toBe("application/vnd.github.v3+json");
    expect(gets[1]?.headers.accept).toMatch(/application\/vnd\.github(\.v3)?\.raw/);
    expect(fake.requestsTo("PUT", CONTENTS)[0]?.body).toMatchObject({ sha: gitBlobSha(Buffer.from(big)) });
  });

  it("keeps a byte-order mark and CRLF line endings byte for byte", async () => {
    const text = "\ufeff# Research Log\r\n\r\n";
    await start({ files: { [PATH]: text } });
    const s = store({ branch: "main" });
    expect((await s.read()).text).toBe(text);
    await s.write(`${text}x\r\n`, gitBlobSha(Buffer.from(text)), commit);
    expect(fake.getFile("main", PATH)).toBe(`${text}x\r\n`);
  });

  it("refuses a file that is not valid UTF-8, naming the path", async () => {
    await start();
    const octokit = client();
    await octokit.rest.repos.createOrUpdateFileContents({
      owner: "acme",
      repo: "research",
      path: PATH,
      message: "binary",
      content: Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x0a]).toString("base64"),
    });
    const s = createGitHubStore(octokit, { owner: "acme", repo: "research", path: PATH, branch: "main" });
    await expect(s.read()).rejects.toThrow(new RegExp(`${PATH} in acme/research@main is not valid UTF-8`));
  });

  it("serialises work under withLock", async () => {
    await start();
    const s = store({ branch: "main" });
    const order: string[] = [];
    const slow = (name: string, ms: number) =>
      s.withLock(async () => {
        order.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`end ${name}`);
      });
    const failing = s.withLock(async () => {
      throw new Error("boom");
    });
    await Promise.all([slow("a", 30), failing.catch(() => undefined), slow("b", 1)]);
    expect(order).toEqual(["start a", "end a", "start b", "end b"]);
  });
});

describe("GitHub store: concurrency and failures", () => {
  it("lands 50 concurrent entries once each while a human edits the file", async () => {
    await start({ files: { [PATH]: "# Research Log\n\nHuman preamble.\n" } });
    const s = store({ branch: "main" });
    for (let h = 0; h < 5; h++) {
      fake.humanCommitBeforeNextPut((text) => `${text ?? ""}\nHuman note ${h}.\n`);
    }
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        updateLog(s, (text) => appendEntry(text, finding(n)), { message: `docs: log finding - ${finding(n).title}` }),
      ),
    );
    expect(results.every((r) => r.ok && r.changed)).toBe(true);
    const text = fake.getFile("main", PATH);
    for (let n = 0; n < 50; n++) expect(count(text, `## 2026-01-20 Concurrent finding number ${n}\n`)).toBe(1);
    for (let h = 0; h < 5; h++) expect(count(text, `Human note ${h}.`)).toBe(1);
    expect(text).toContain("Human preamble.");
    // The log is still a valid log: research-log check passes, 50 entries with distinct ids.
    expect(checkLog(text ?? "")).toEqual([]);
    expect(new Set(parseLog(text ?? "").entries.map((e) => e.id)).size).toBe(50);
    // 1 GET + 50 PUTs, and for each human edit one rejected PUT and one re-read.
    expect(fake.requestsTo("PUT", CONTENTS).filter((r) => r.status === 409)).toHaveLength(5);
    expect(fake.requestsTo("GET", CONTENTS)).toHaveLength(6);
    expect(fake.requestsTo("PUT", CONTENTS)).toHaveLength(55);
  });

  it("a 502 before the write is applied: the entry lands once", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main" });
    fake.failNextPut({ status: 502, when: "before" });
    const outcome = await updateLog(s, appendLine("the line"), commit);
    expect(outcome.ok && outcome.changed).toBe(true);
    expect(count(fake.getFile("main", PATH), "the line")).toBe(1);
    expect(fake.requestsTo("PUT", CONTENTS).map((r) => r.status)).toEqual([502, 200]);
  });

  it("a 502 after the write was applied: the re-read finds the entry and does not write it again", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main" });
    fake.failNextPut({ status: 502, when: "after" });
    const outcome = await updateLog(s, appendLine("the line"), commit);
    expect(outcome).toMatchObject({ ok: true, changed: false });
    expect(count(fake.getFile("main", PATH), "the line")).toBe(1);
    // Never retried blindly: one PUT, then a fresh GET.
    expect(fake.requestsTo("PUT", CONTENTS)).toHaveLength(1);
    expect(fake.requestsTo("GET", CONTENTS)).toHaveLength(2);
  });

  it("reports an ambiguous write as AmbiguousWriteError and forgets its cache", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main" });
    const { version } = await s.read();
    fake.failNextPut({ status: 504, when: "after" });
    await expect(s.write("# Research Log\nx\n", version, commit)).rejects.toBeInstanceOf(AmbiguousWriteError);
    expect((await s.read({ allowCached: true })).text).toBe("# Research Log\nx\n");
    expect(fake.requestsTo("GET", CONTENTS)).toHaveLength(2);
  });

  it("waits out a secondary rate limit (retry-after) and lands once", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main" });
    fake.secondaryRateLimitNext(2, 1);
    const started = Date.now();
    await updateLog(s, appendLine("after the limit"), commit);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 50 - 5);
    expect(count(fake.getFile("main", PATH), "after the limit")).toBe(1);
    expect(fake.requests.filter((r) => r.status === 403)).toHaveLength(2);
    expect(logLines.filter((l) => l.includes("secondary rate limit"))).toHaveLength(2);
  });

  it("gives up on a rate limit that outlasts the allowed wait", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main" }, { throttle: { writeIntervalMs: 0, retryAfterUnitMs: 1, onRateLimitWaitMax: 5 } });
    fake.secondaryRateLimitNext(1, 600);
    await expect(s.read()).rejects.toBeInstanceOf(UnavailableError);
  });

  it("fails with UnavailableError in bounded time during a total outage", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main" });
    fake.outage(503);
    const started = Date.now();
    const error: unknown = await updateLog(s, appendLine("x"), commit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/GitHub is unavailable \(503 Service Unavailable\)/);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The read was retried (3 times) before giving up.
    expect(fake.requestsTo("GET", CONTENTS)).toHaveLength(4);
  });

  it("treats a write that times out as ambiguous, and the re-read settles it", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main", requestTimeoutMs: 300 });
    const { version } = await s.read();
    fake.stallNextPut({ ms: 600, when: "after" });
    await expect(s.write("# Research Log\nslow\n", version, commit)).rejects.toBeInstanceOf(AmbiguousWriteError);
    fake.stallNextPut({ ms: 600, when: "after" });
    const outcome = await updateLog(s, appendLine("slow two"), commit);
    expect(outcome).toMatchObject({ ok: true, changed: false });
    expect(fake.getFile("main", PATH)).toBe("# Research Log\nslow\nslow two\n");
  });

  it("a token without contents: write gets a PermissionError saying so", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    fake.denyWrites();
    const s = store({ branch: "main" });
    const error: unknown = await updateLog(s, appendLine("x"), commit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toBe("GITHUB_TOKEN lacks contents: write on acme/research");
  });

  it("treats a refused connection on a write as ambiguous", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main" });
    const { version } = await s.read();
    await fake.close();
    running = undefined;
    await expect(s.write("x", version, commit)).rejects.toBeInstanceOf(AmbiguousWriteError);
  });
});

describe("GitHub store: protected branches and pull requests", () => {
  const branchPattern = /^research-log\/\d{8}-\d{6}-[0-9a-f]{6}$/;

  it.each(["ruleset", "classic"] as const)("opens a pull request when the branch is protected (%s)", async (style) => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    fake.protectBranch("main", style);
    const s = store({ branch: "main" });
    const first = await updateLog(s, appendLine("via PR one"), { message: "docs: log finding - One\n\nbody" });
    const second = await updateLog(s, appendLine("via PR two"), { message: "docs: log finding - Two" });
    if (!first.ok || !second.ok) throw new Error("expected writes");

    expect(fake.pullRequests).toHaveLength(2);
    const [pr1, pr2] = fake.pullRequests;
    expect(first.write?.pullRequestUrl).toBe(pr1?.html_url);
    expect(first.write?.url).toBe(pr1?.html_url);
    expect(second.write?.pullRequestUrl).toBe(pr2?.html_url);
    expect(pr1).toMatchObject({ base: "main", title: "docs: log finding - One" });
    expect(pr1?.head).toMatch(branchPattern);
    expect(pr2?.head).toMatch(branchPattern);
    expect(pr1?.head).not.toBe(pr2?.head);
    expect(fake.getFile(pr1?.head ?? "", PATH)).toBe("# Research Log\nvia PR one\n");
    // Each PR is against main as it is: the first PR is not merged, so the second does not contain it.
    expect(fake.getFile(pr2?.head ?? "", PATH)).toBe("# Research Log\nvia PR two\n");
    expect(fake.getFile("main", PATH)).toBe("# Research Log\n");
    // Only the first write tried main; the store remembers the protection.
    expect(fake.requestsTo("PUT", CONTENTS).filter((r) => (r.body as { branch: string }).branch === "main")).toHaveLength(1);
    expect(first.write?.version).toBe(gitBlobSha(Buffer.from("# Research Log\nvia PR one\n")));
  });

  it("always opens a pull request in pull-request mode", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main", commitMode: "pull-request" });
    const outcome = await updateLog(s, appendLine("reviewed"), commit);
    if (!outcome.ok) throw new Error("expected a write");
    expect(outcome.write?.pullRequestUrl).toBe(`${fake.url}/acme/research/pull/1`);
    expect(fake.requestsTo("PUT", CONTENTS).map((r) => (r.body as { branch: string }).branch)).toEqual([
      fake.pullRequests[0]?.head,
    ]);
    const refPost = fake.requestsTo("POST", "/repos/acme/research/git/refs")[0];
    expect(refPost?.body).toMatchObject({ sha: fake.commits("main")[0]?.sha });
    expect(fake.getFile("main", PATH)).toBe("# Research Log\n");
  });

  it("re-reads when the base moved before the pull-request branch was written, and tidies the branch", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main", commitMode: "pull-request" });
    await s.read();
    fake.setFile("main", PATH, "# Research Log\nhuman\n");
    const outcome = await updateLog(s, appendLine("bot"), commit);
    if (!outcome.ok) throw new Error("expected a write");
    expect(fake.pullRequests).toHaveLength(1);
    expect(fake.getFile(fake.pullRequests[0]?.head ?? "", PATH)).toBe("# Research Log\nhuman\nbot\n");
    expect(fake.branches().filter((b) => b.startsWith("research-log/"))).toHaveLength(1);
  });
});

describe("GitHub store: credentials and configuration", () => {
  it("wrong token: PermissionError that never shows the token", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "main" }, { token: `${TOKEN}-wrong` });
    const error: unknown = await s.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toMatch(/GITHUB_TOKEN was rejected/);
    expect(inspect(error, { depth: 20 })).not.toContain(TOKEN);
    expect(JSON.stringify(fake.requests)).not.toContain(TOKEN);
    expect(logLines.join("\n")).not.toContain(TOKEN);
    expect(logLines.some((l) => l.includes("401"))).toBe(true);
  });

  it("never logs a token Octokit mentions, and keeps per-request lines at debug", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const octokit = client();
    octokit.log.warn(`something about ${TOKEN}`);
    await createGitHubStore(octokit, { owner: "acme", repo: "research", path: PATH, branch: "main" }).read();
    expect(logLines[0]).toBe("warn something about [REDACTED]");
    expect(logLines.slice(1).every((l) => l.startsWith("debug "))).toBe(true);
    expect(logLines.join("\n")).not.toContain(TOKEN);
  });

  it("unknown repository: NotFoundError naming GITHUB_REPO", async () => {
    await start();
    const s = createGitHubStore(client(), { owner: "acme", repo: "nope", path: PATH });
    await expect(s.read()).rejects.toThrow(new NotFoundError("GITHUB_REPO acme/nope not found, or GITHUB_TOKEN cannot see it"));
    const withBranch = createGitHubStore(client(), { owner: "acme", repo: "nope", path: PATH, branch: "main" });
    await expect(withBranch.read()).rejects.toThrow(/GITHUB_REPO acme\/nope not found/);
  });

  it("unknown branch: NotFoundError naming the branch", async () => {
    await start({ files: { [PATH]: "# Research Log\n" } });
    const s = store({ branch: "nope" });
    const error: unknown = await s.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/^branch "nope" not found in acme\/research/);
  });

  it.each(["../x", "/etc/passwd", "docs/../../x", ""])("rejects LOG_PATH %j", async (path) => {
    await start();
    expect(() => createGitHubStore(client(), { owner: "acme", repo: "research", path })).toThrow(StoreError);
    expect(() => createGitHubStore(client(), { owner: "acme", repo: "research", path })).toThrow(/LOG_PATH/);
  });

  it("refuses to build a client without credentials", async () => {
    await start();
    expect(() => createGitHubClient({ baseUrl: fake.url, repo: { owner: "acme", repo: "research" } })).toThrow(PermissionError);
  });

  it("authenticates as a GitHub App, finding its installation on the repository", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    await start({ files: { [PATH]: "# Research Log\n" }, app: { id: 123, publicKey, installationId: 42 } });
    const s = createGitHubStore(
      client({ token: undefined, appId: "123", privateKey }),
      { owner: "acme", repo: "research", path: PATH, branch: "main" },
    );
    await updateLog(s, appendLine("from the app"), commit);
    await updateLog(s, appendLine("again"), commit);
    expect(fake.getFile("main", PATH)).toBe("# Research Log\nfrom the app\nagain\n");
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toEqual([
      "GET /repos/acme/research/installation bearer [REDACTED]",
      "POST /app/installations/42/access_tokens bearer [REDACTED]",
      `GET ${CONTENTS} token [REDACTED]`,
      `PUT ${CONTENTS} token [REDACTED]`,
      `PUT ${CONTENTS} token [REDACTED]`,
    ]);
  });

  it("uses a given installation id, and reports an app that is not installed", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    await start({ files: { [PATH]: "# Research Log\n" }, app: { id: 123, publicKey, installationId: 42 } });
    const direct = createGitHubStore(client({ token: undefined, appId: "123", privateKey, installationId: 42 }), {
      owner: "acme",
      repo: "research",
      path: PATH,
      branch: "main",
    });
    expect((await direct.read()).text).toBe("# Research Log\n");
    expect(fake.requestsTo("GET", "/repos/acme/research/installation")).toHaveLength(0);

    const elsewhere = createGitHubStore(
      client({ token: undefined, appId: "123", privateKey, repo: { owner: "acme", repo: "other" } }),
      { owner: "acme", repo: "other", path: PATH, branch: "main" },
    );
    await expect(elsewhere.read()).rejects.toThrow(/GitHub App 123 is not installed on acme\/other/);
  });

  it("derives web links from the API base", () => {
    expect(webUrlFor("https://api.github.com")).toBe("https://github.com");
    expect(webUrlFor("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com");
    // GitHub Enterprise Cloud with data residency: the API is a subdomain of the web host.
    expect(webUrlFor("https://api.octocorp.ghe.com")).toBe("https://octocorp.ghe.com");
    expect(webUrlFor("https://api.octocorp.ghe.com/")).toBe("https://octocorp.ghe.com");
    expect(webUrlFor("https://ghe.example.com/api/v3/")).toBe("https://ghe.example.com");
  });

  it("links entries on github.com, through HEAD before the default branch is known", async () => {
    await start();
    const octokit = createGitHubClient({ token: TOKEN, repo: { owner: "acme", repo: "research" } });
    const s = createGitHubStore(octokit, { owner: "acme", repo: "research", path: PATH });
    expect(s.entryUrl("2026-01-20-amp")).toBe(`https://github.com/acme/research/blob/HEAD/${PATH}#2026-01-20-amp`);
    const pinned = createGitHubStore(octokit, { owner: "acme", repo: "research", path: PATH, branch: "dev" });
    expect(pinned.entryUrl("a")).toBe(`https://github.com/acme/research/blob/dev/${PATH}#a`);
    expect(pinned.description).toBe(`acme/research:${PATH}@dev`);
  });
});
