/**
 * A fake GitHub REST API on 127.0.0.1, speaking the routes the GitHub store
 * uses as GitHub does: per-branch files in commits, blob shas as
 * `git hash-object` computes them, base64 content wrapped at 60 columns, no
 * content above 1 MB unless the raw media type is asked for, 409 on a stale
 * sha, 422 when the sha is missing, 401 for a wrong token; the Git Data
 * routes (blobs, trees, commits, a ref moved only forward unless forced) as
 * GitHub checks them. Every request is
 * recorded (without credential values), and fault switches inject the
 * failures a real deployment meets.
 */
import { createHash, randomBytes, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkGitHubRequest, checkGitHubResponse, githubExample, githubOperationOf, invalidRequest } from "./github-validator.js";

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** The token that authenticates (`token X` or `Bearer X`). Default `test-token`. */
  token?: string;
  /** Files on the default branch at start, path → text. */
  files?: Record<string, string>;
  /** A repository with no commit at all (created without a README): its first contents PUT creates the default branch. */
  empty?: boolean;
  /** A GitHub App whose JWTs (RS256, verified with `publicKey`) are accepted on app routes. */
  app?: { id: string | number; publicKey: string | KeyObject; installationId: number };
}

export interface RecordedRequest {
  method: string;
  /** Decoded path without the query, e.g. `/repos/o/r/contents/docs/research_log.md`. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names; `authorization` keeps its scheme only (`token [REDACTED]`). */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  /** The status the fake answered. */
  status: number;
}

export interface FakeCommit {
  sha: string;
  message: string;
  parent: string | undefined;
  /** path → blob sha */
  tree: Map<string, string>;
}

export interface FakePullRequest {
  number: number;
  title: string;
  body: string | undefined;
  head: string;
  base: string;
  html_url: string;
}

/**
 * How a branch refuses writes: `ruleset` (a ruleset requiring pull requests: 409 on a contents PUT),
 * `classic` (branch protection requiring reviews: 409 too, with the classic wording),
 * `restrict-creation` (a ruleset restricting creations: 422 on creating a matching branch).
 */
export type ProtectionStyle = "ruleset" | "classic" | "restrict-creation";

export interface FakeGitHub {
  /** API base: pass as `baseUrl` / `GITHUB_API_URL`. */
  readonly url: string;
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  /** Every request since start (or the last reset), in arrival order. */
  readonly requests: readonly RecordedRequest[];
  readonly pullRequests: readonly FakePullRequest[];
  /** The file's text at the branch head, or undefined when absent. */
  getFile(branch: string, path: string): string | undefined;
  /** The file's bytes at the branch head, or undefined when absent. */
  getBytes(branch: string, path: string): Buffer | undefined;
  /** Commit `text` to `path` on `branch` as a human would (creates the branch from the default branch if needed). Returns the commit sha. */
  setFile(branch: string, path: string, text: string, message?: string): string;
  /** Commits on `branch`, newest first. */
  commits(branch: string): FakeCommit[];
  branches(): string[];
  /** Requests matching a method and a path (string: exact; RegExp: tested). */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
  /** Forget recorded requests and pending faults; files, branches and pull requests stay. */
  reset(): void;
  close(): Promise<void>;
  /** The next contents PUT answers `status`; `after`: the write is applied first. */
  failNextPut(fault: { status: number; when: "before" | "after" }): void;
  /** The next `n` requests answer 403 with `retry-after` and GitHub's secondary rate limit message. */
  secondaryRateLimitNext(n: number, retryAfterSeconds: number): void;
  /**
   * Just before the next write is handled (a contents PUT, or a ref update of a Git Data commit), a human
   * commits `edit(current text)` to the same branch: to the PUT's file, or to `path` (default
   * `docs/research_log.md`) before a ref update. Queues.
   */
  humanCommitBeforeNextPut(edit: (text: string | undefined) => string, path?: string): void;
  /** Writes to branches matching `pattern` (a name, or a glob with `*` as rulesets take) are refused as GitHub refuses them. */
  protectBranch(pattern: string, style?: ProtectionStyle): void;
  /** Every request answers `status` (e.g. 503) until `outage(undefined)`. */
  outage(status: number | undefined): void;
  /** The next contents PUT is held `ms` before it is handled (`before`) or answered (`after`, the write applied). */
  stallNextPut(stall: { ms: number; when: "before" | "after" }): void;
  /** Installation tokens issued so far stop working (401 Bad credentials), as when an App is suspended. */
  revokeInstallationTokens(): void;
  /** Contents PUTs answer 403 as GitHub does for a token without contents: write. */
  denyWrites(denied?: boolean): void;
  /** The token stops working (401 Bad credentials, as for a revoked or expired token), or works again. */
  revokeToken(revoked?: boolean): void;
}

const MAX_JSON_CONTENT = 1024 * 1024;
const DOCS = "https://docs.github.com/rest";

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** Start the fake on an ephemeral port. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const owner = options.owner ?? "acme";
  const repo = options.repo ?? "research";
  const defaultBranch = options.defaultBranch ?? "main";
  const token = options.token ?? "test-token";
  const app = options.app;

  const blobs = new Map<string, Buffer>();
  const commits = new Map<string, FakeCommit>();
  const refs = new Map<string, string>();
  const installationTokens = new Set<string>();
  const pullRequests: FakePullRequest[] = [];
  const protectedBranches = new Map<string, ProtectionStyle>();
  let requests: RecordedRequest[] = [];
  let putFaults: { status: number; when: "before" | "after" }[] = [];
  let humanEdits: { edit: (text: string | undefined) => string; path: string | undefined }[] = [];
  let rateLimited = { remaining: 0, retryAfter: 0 };
  let outageStatus: number | undefined;
  let tokenRevoked = false;
  let stalls: { ms: number; when: "before" | "after" }[] = [];
  let writesDenied = false;
  let baseUrl = "";

  /** The protection of a branch: by its name, or by the first glob pattern (`*` within a segment, `**` across) it matches. */
  const protectionOf = (branch: string): ProtectionStyle | undefined => {
    const exact = protectedBranches.get(branch);
    if (exact !== undefined) return exact;
    for (const [pattern, style] of protectedBranches) {
      const regex = new RegExp(`^${pattern.split("**").map((part) => part.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")).join(".*")}$`);
      if (regex.test(branch)) return style;
    }
    return undefined;
  };

  const storeBlob = (bytes: Buffer): string => {
    const sha = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
    blobs.set(sha, bytes);
    return sha;
  };

  /** Trees by sha. The fake keeps a tree flat (full path → blob sha); its sha hashes that listing. */
  const trees = new Map<string, Map<string, string>>();
  const treeSha = (tree: Map<string, string>): string => {
    const listing = [...tree].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, s]) => `${p}:${s}`).join(",");
    const sha = createHash("sha1").update(`tree ${listing}`).digest("hex");
    trees.set(sha, tree);
    return sha;
  };

  /** A commit object; no branch moves. */
  const makeCommit = (parent: string | undefined, tree: Map<string, string>, message: string): FakeCommit => {
    const body = `tree ${treeSha(tree)}\nparent ${parent ?? ""}\n${randomBytes(8).toString("hex")}\n\n${message}`;
    const sha = createHash("sha1").update(`commit ${Buffer.byteLength(body)}\0${body}`).digest("hex");
    const created: FakeCommit = { sha, message, parent, tree };
    commits.set(sha, created);
    return created;
  };

  const commit = (branch: string, tree: Map<string, string>, message: string): FakeCommit => {
    const created = makeCommit(refs.get(branch), tree, message);
    refs.set(branch, created.sha);
    return created;
  };

  /** Whether commit `ancestor` is `sha` or one of its ancestors. */
  const descendsFrom = (sha: string, ancestor: string): boolean => {
    for (let at: string | undefined = sha; at !== undefined; at = commits.get(at)?.parent) if (at === ancestor) return true;
    return false;
  };

  const treeAt = (ref: string): Map<string, string> | undefined => {
    const sha = refs.get(ref) ?? (commits.has(ref) ? ref : undefined);
    return sha === undefined ? undefined : commits.get(sha)?.tree;
  };

  const writeFile = (branch: string, path: string, bytes: Buffer, message: string) => {
    const tree = new Map(treeAt(branch) ?? []);
    const blob = storeBlob(bytes);
    tree.set(path, blob);
    return { commit: commit(branch, tree, message), blob };
  };

  if (options.empty !== true) commit(defaultBranch, new Map(), "Initial commit");
  for (const [path, text] of Object.entries(options.files ?? {})) {
    writeFile(defaultBranch, path, Buffer.from(text, "utf8"), `add ${path}`);
  }

  const web = (suffix: string) => `${baseUrl}/${owner}/${repo}/${suffix}`;
  const notFound = () => new HttpAnswer(404, { message: "Not Found", documentation_url: DOCS, status: "404" });

  const fileJson = (path: string, ref: string, sha: string, size: number) => {
    const url = `${baseUrl}/repos/${owner}/${repo}/contents/${path}?ref=${ref}`;
    const htmlUrl = web(`blob/${ref}/${path}`);
    const gitUrl = `${baseUrl}/repos/${owner}/${repo}/git/blobs/${sha}`;
    return {
      name: path.split("/").pop(),
      path,
      sha,
      size,
      url,
      html_url: htmlUrl,
      git_url: gitUrl,
      download_url: `${baseUrl}/raw/${owner}/${repo}/${ref}/${path}`,
      type: "file",
      _links: { self: url, git: gitUrl, html: htmlUrl },
    };
  };
  const where = () => ({ baseUrl, owner, repo });

  const commitJson = (c: FakeCommit) => ({
    sha: c.sha,
    node_id: `C_${c.sha.slice(0, 12)}`,
    url: `${baseUrl}/repos/${owner}/${repo}/git/commits/${c.sha}`,
    html_url: web(`commit/${c.sha}`),
    message: c.message,
    parents: c.parent ? [{ sha: c.parent, url: `${baseUrl}/repos/${owner}/${repo}/git/commits/${c.parent}` }] : [],
  });

  const authenticate = (req: IncomingMessage, path: string): HttpAnswer | undefined => {
    const header = req.headers.authorization ?? "";
    const [, scheme = "", credential = ""] = /^(\S+)\s+(.*)$/.exec(header) ?? [];
    const isAppRoute = /^\/app\//.test(path) || /^\/repos\/[^/]+\/[^/]+\/installation$/.test(path);
    if (isAppRoute) {
      if (app && scheme.toLowerCase() === "bearer" && verifyJwt(credential, app)) return undefined;
      return new HttpAnswer(401, {
        message: "A JSON web token could not be decoded",
        documentation_url: DOCS,
        status: "401",
      });
    }
    if ((credential === token && !tokenRevoked) || installationTokens.has(credential)) return undefined;
    return new HttpAnswer(401, { message: "Bad credentials", documentation_url: DOCS, status: "401" });
  };

  const route = async (req: IncomingMessage, path: string, query: URLSearchParams, body: unknown): Promise<HttpAnswer> => {
    const method = req.method ?? "GET";
    const input = (body ?? {}) as Record<string, unknown>;

    let m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (m && method === "POST") {
      if (!app || Number(m[1]) !== app.installationId) return notFound();
      const issued = `ghs_${randomBytes(18).toString("hex")}`;
      installationTokens.add(issued);
      return new HttpAnswer(201, {
        ...githubExample("installation-token", where()),
        repositories: undefined,
        token: issued,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: { contents: "write", pull_requests: "write", metadata: "read" },
        repository_selection: "all",
      });
    }

    m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m || m[1] !== owner || m[2] !== repo) return notFound();
    const rest = m[3] ?? "";

    if (rest === "" && method === "GET") {
      // The example's fork parents and organization are not this repository's; its language is out of date with the schema.
      const { source: _source, parent: _parent, template_repository: _template, organization: _organization, ...example } = githubExample("full-repository-default-response", where());
      return new HttpAnswer(200, {
        ...example,
        language: null,
        id: 1,
        name: repo,
        full_name: `${owner}/${repo}`,
        owner: { ...(example.owner as object), login: owner },
        private: true,
        default_branch: defaultBranch,
        html_url: web("").replace(/\/$/, ""),
        // What the caller may do; GitHub includes it for an authenticated user's token.
        ...(String(req.headers.authorization ?? "").includes(token)
          ? { permissions: { admin: false, maintain: false, push: !writesDenied, triage: true, pull: true } }
          : { permissions: undefined }),
      });
    }

    if (rest === "/installation" && method === "GET") {
      if (!app) return notFound();
      const example = githubExample("installation", where());
      return new HttpAnswer(200, { ...example, id: app.installationId, app_id: Number(app.id), account: { ...(example.account as object), login: owner } });
    }

    m = /^\/contents\/(.+)$/.exec(rest);
    if (m && method === "GET") {
      const filePath = m[1] ?? "";
      const ref = query.get("ref") ?? defaultBranch;
      if (refs.size === 0) return new HttpAnswer(404, { message: "This repository is empty.", documentation_url: DOCS, status: "404" });
      const tree = treeAt(ref);
      if (!tree) return new HttpAnswer(404, { message: `No commit found for the ref ${ref}`, documentation_url: DOCS, status: "404" });
      const sha = tree.get(filePath);
      const bytes = sha === undefined ? undefined : blobs.get(sha);
      const listing = [...tree.keys()].filter((p) => p.startsWith(`${filePath.replace(/\/$/, "")}/`));
      if ((sha === undefined || bytes === undefined) && listing.length > 0) {
        // A directory: GitHub lists what is in it (one level), files and subdirectories.
        const prefix = `${filePath.replace(/\/$/, "")}/`;
        const names = new Map<string, "file" | "dir">();
        for (const p of listing) {
          const rest = p.slice(prefix.length);
          names.set(rest.split("/")[0] ?? rest, rest.includes("/") ? "dir" : "file");
        }
        return new HttpAnswer(
          200,
          [...names].map(([name, type]) => {
            const child = `${prefix}${name}`;
            const childSha = tree.get(child) ?? createHash("sha1").update(child).digest("hex");
            return { ...fileJson(child, ref, childSha, blobs.get(childSha)?.length ?? 0), type, ...(type === "dir" ? { download_url: null } : {}) };
          }),
        );
      }
      if (sha === undefined || bytes === undefined) return notFound();
      if (/application\/vnd\.github(\.v3)?\.raw/.test(String(req.headers.accept ?? ""))) {
        return new HttpAnswer(200, bytes, { "content-type": "application/vnd.github.raw; charset=utf-8", etag: `"${sha}"` });
      }
      const large = bytes.length > MAX_JSON_CONTENT;
      return new HttpAnswer(200, {
        ...fileJson(filePath, ref, sha, bytes.length),
        encoding: large ? "none" : "base64",
        content: large ? "" : wrap60(bytes.toString("base64")),
      });
    }

    if (m && method === "PUT") {
      const filePath = m[1] ?? "";
      const branch = typeof input.branch === "string" ? input.branch : defaultBranch;
      const human = humanEdits.shift();
      if (human && refs.has(branch)) {
        const current = currentText(branch, filePath);
        writeFile(branch, filePath, Buffer.from(human.edit(current), "utf8"), "Edit research log by hand");
      }
      const fault = putFaults.shift();
      const stall = stalls.shift();
      if (stall?.when === "before") await sleep(stall.ms);
      if (fault?.when === "before") return serverError(fault.status);
      if (writesDenied) {
        return new HttpAnswer(403, { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" });
      }
      if (typeof input.message !== "string" || typeof input.content !== "string") {
        return new HttpAnswer(422, { message: "Invalid request.\n\n\"message\", \"content\" are required.", documentation_url: DOCS, status: "422" });
      }
      // The first file of an empty repository creates its default branch.
      const firstCommit = refs.size === 0 && branch === defaultBranch;
      if (!refs.has(branch) && !firstCommit) return new HttpAnswer(404, { message: `Branch ${branch} not found`, documentation_url: DOCS, status: "404" });
      const style = protectionOf(branch);
      if (style === "ruleset") {
        return new HttpAnswer(409, {
          message: "Repository rule violations found\n\nChanges must be made through a pull request.\n\n",
          documentation_url: "https://docs.github.com/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets",
          status: "409",
        });
      }
      if (style === "classic") {
        return new HttpAnswer(409, {
          message: "Could not update file: At least 1 approving review is required by reviewers with write access.",
          documentation_url: "https://docs.github.com/articles/about-protected-branches",
          status: "422",
        });
      }
      const existing = treeAt(branch)?.get(filePath);
      const sha = typeof input.sha === "string" ? input.sha : undefined;
      if (existing !== undefined && sha === undefined) {
        return new HttpAnswer(422, { message: "Invalid request.\n\n\"sha\" wasn't supplied.", documentation_url: DOCS, status: "422" });
      }
      if (sha !== undefined && sha !== existing) {
        return new HttpAnswer(409, { message: `${filePath} does not match ${sha}`, documentation_url: DOCS, status: "409" });
      }
      const written = writeFile(branch, filePath, Buffer.from(input.content, "base64"), input.message);
      if (stall?.when === "after") await sleep(stall.ms);
      if (fault?.when === "after") return serverError(fault.status);
      const size = blobs.get(written.blob)?.length ?? 0;
      return new HttpAnswer(existing === undefined ? 201 : 200, {
        content: fileJson(filePath, branch, written.blob, size),
        commit: commitJson(written.commit),
      });
    }

    m = /^\/git\/ref\/heads\/(.+)$/.exec(rest);
    if (m && method === "GET") {
      if (refs.size === 0) return new HttpAnswer(409, { message: "Git Repository is empty.", documentation_url: DOCS, status: "409" });
      const sha = refs.get(m[1] ?? "");
      if (sha === undefined) return notFound();
      return new HttpAnswer(200, refJson(m[1] ?? "", sha));
    }

    if (rest === "/git/refs" && method === "POST") {
      const ref = String(input.ref ?? "");
      const sha = String(input.sha ?? "");
      if (!ref.startsWith("refs/heads/") || !commits.has(sha)) {
        return new HttpAnswer(422, { message: "Reference update failed", documentation_url: DOCS, status: "422" });
      }
      const name = ref.slice("refs/heads/".length);
      if (protectionOf(name) === "restrict-creation") {
        return new HttpAnswer(422, {
          message: "Repository rule violations found\n\nCannot create ref due to creations being restricted.\n\n",
          documentation_url: "https://docs.github.com/rest/git/refs#create-a-reference",
          status: "422",
        });
      }
      if (refs.has(name)) return new HttpAnswer(422, { message: "Reference already exists", documentation_url: DOCS, status: "422" });
      refs.set(name, sha);
      return new HttpAnswer(201, refJson(name, sha));
    }

    if (rest === "/git/blobs" && method === "POST") {
      if (refs.size === 0) return new HttpAnswer(409, { message: "Git Repository is empty.", documentation_url: DOCS, status: "409" });
      const encoding = input.encoding ?? "utf-8";
      if (typeof input.content !== "string" || (encoding !== "utf-8" && encoding !== "base64")) {
        return new HttpAnswer(422, { message: "Invalid request.\n\nFor 'properties/encoding', \"" + String(encoding) + "\" is not a supported encoding.", documentation_url: DOCS, status: "422" });
      }
      const sha = storeBlob(Buffer.from(input.content, encoding === "base64" ? "base64" : "utf8"));
      return new HttpAnswer(201, { url: `${baseUrl}/repos/${owner}/${repo}/git/blobs/${sha}`, sha });
    }

    if (rest === "/git/trees" && method === "POST") {
      if (refs.size === 0) return new HttpAnswer(409, { message: "Git Repository is empty.", documentation_url: DOCS, status: "409" });
      const base = typeof input.base_tree === "string" ? trees.get(input.base_tree) : new Map<string, string>();
      if (base === undefined) return new HttpAnswer(422, { message: "Invalid tree info", documentation_url: DOCS, status: "422" });
      const tree = new Map(base);
      for (const entry of (input.tree ?? []) as { path?: string; type?: string; sha?: string | null; content?: string }[]) {
        const entryPath = String(entry.path ?? "");
        if (entryPath === "" || entryPath.split("/").some((part) => part === "" || part === "." || part === ".." || part === ".git")) {
          return new HttpAnswer(422, { message: "tree.path contains a malformed path component", documentation_url: DOCS, status: "422" });
        }
        if (entry.type !== "blob") return new HttpAnswer(422, { message: `tree.type ${String(entry.type)} is not supported by this fake`, documentation_url: DOCS, status: "422" });
        if (typeof entry.content === "string") {
          tree.set(entryPath, storeBlob(Buffer.from(entry.content, "utf8")));
        } else if (entry.sha === null) {
          tree.delete(entryPath);
        } else if (typeof entry.sha === "string" && blobs.has(entry.sha)) {
          tree.set(entryPath, entry.sha);
        } else {
          return new HttpAnswer(422, { message: `tree.sha ${String(entry.sha)} is not a valid blob`, documentation_url: DOCS, status: "422" });
        }
      }
      const sha = treeSha(tree);
      return new HttpAnswer(201, { sha, url: `${baseUrl}/repos/${owner}/${repo}/git/trees/${sha}`, truncated: false, tree: topLevelOf(tree) });
    }

    if (rest === "/git/commits" && method === "POST") {
      if (refs.size === 0) return new HttpAnswer(409, { message: "Git Repository is empty.", documentation_url: DOCS, status: "409" });
      const tree = typeof input.tree === "string" ? trees.get(input.tree) : undefined;
      if (tree === undefined) return new HttpAnswer(422, { message: "Tree SHA does not exist", documentation_url: DOCS, status: "422" });
      const parents = Array.isArray(input.parents) ? (input.parents as unknown[]).map(String) : [];
      if (parents.length > 1 || parents.some((p) => !commits.has(p))) {
        return new HttpAnswer(422, { message: "Parent SHA does not exist or is not a commit object", documentation_url: DOCS, status: "422" });
      }
      const created = makeCommit(parents[0], tree, String(input.message ?? ""));
      return new HttpAnswer(201, gitCommitJson("git-commit", created));
    }

    m = /^\/git\/commits\/([0-9a-f]{40})$/.exec(rest);
    if (m && method === "GET") {
      const found = commits.get(m[1] ?? "");
      if (found === undefined) return new HttpAnswer(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
      return new HttpAnswer(200, gitCommitJson("git-commit-2", found));
    }

    m = /^\/git\/refs\/heads\/(.+)$/.exec(rest);
    if (m && method === "PATCH") {
      const branch = m[1] ?? "";
      if (refs.size === 0) return new HttpAnswer(409, { message: "Git Repository is empty.", documentation_url: DOCS, status: "409" });
      const human = humanEdits.shift();
      if (human && refs.has(branch)) {
        const path = human.path ?? "docs/research_log.md";
        writeFile(branch, path, Buffer.from(human.edit(currentText(branch, path)), "utf8"), "Edit research log by hand");
      }
      const fault = putFaults.shift();
      const stall = stalls.shift();
      if (stall?.when === "before") await sleep(stall.ms);
      if (fault?.when === "before") return serverError(fault.status);
      if (writesDenied) return new HttpAnswer(403, { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" });
      const current = refs.get(branch);
      if (current === undefined) return new HttpAnswer(422, { message: "Reference does not exist", documentation_url: DOCS, status: "422" });
      const sha = String(input.sha ?? "");
      if (!commits.has(sha)) return new HttpAnswer(422, { message: "Object does not exist", documentation_url: DOCS, status: "422" });
      const style = protectionOf(branch);
      if (style === "ruleset" || style === "classic") {
        return new HttpAnswer(422, {
          message: style === "ruleset" ? "Repository rule violations found\n\nChanges must be made through a pull request.\n\n" : `Protected branch update failed for refs/heads/${branch}.`,
          documentation_url: style === "ruleset" ? "https://docs.github.com/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets" : "https://docs.github.com/articles/about-protected-branches",
          status: "422",
        });
      }
      if (input.force !== true && !descendsFrom(sha, current)) {
        return new HttpAnswer(422, { message: "Update is not a fast forward", documentation_url: "https://docs.github.com/rest/git/refs#update-a-reference", status: "422" });
      }
      refs.set(branch, sha);
      if (stall?.when === "after") await sleep(stall.ms);
      if (fault?.when === "after") return serverError(fault.status);
      return new HttpAnswer(200, refJson(branch, sha));
    }

    if (m && method === "DELETE") {
      if (!refs.delete(m[1] ?? "")) return new HttpAnswer(422, { message: "Reference does not exist", documentation_url: DOCS, status: "422" });
      return new HttpAnswer(204, undefined);
    }

    if (rest === "/pulls" && method === "POST") {
      const head = String(input.head ?? "");
      const base = String(input.base ?? "");
      if (!refs.has(head) || !refs.has(base) || typeof input.title !== "string") {
        return new HttpAnswer(422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "invalid" }], documentation_url: DOCS, status: "422" });
      }
      if (refs.get(head) === refs.get(base)) {
        return new HttpAnswer(422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }], documentation_url: DOCS, status: "422" });
      }
      const number = pullRequests.length + 1;
      const pr: FakePullRequest = {
        number,
        title: input.title,
        body: typeof input.body === "string" ? input.body : undefined,
        head,
        base,
        html_url: web(`pull/${number}`),
      };
      pullRequests.push(pr);
      const example = githubExample("pull-request", where());
      const side = (of: unknown, ref: string) => ({ ...(of as object), ref, label: `${owner}:${ref}`, sha: refs.get(ref) });
      return new HttpAnswer(201, {
        ...example,
        // The example's team lacks a field its schema requires; nobody is asked to review here.
        requested_teams: [],
        requested_reviewers: [],
        ...pr,
        body: pr.body ?? null,
        id: number,
        state: "open",
        url: `${baseUrl}/repos/${owner}/${repo}/pulls/${number}`,
        head: side(example.head, head),
        base: side(example.base, base),
      });
    }

    return notFound();
  };

  const refJson = (name: string, sha: string) => ({
    ref: `refs/heads/${name}`,
    node_id: `REF_${name}`,
    url: `${baseUrl}/repos/${owner}/${repo}/git/refs/heads/${name}`,
    object: { sha, type: "commit", url: `${baseUrl}/repos/${owner}/${repo}/git/commits/${sha}` },
  });

  /** A git commit as the Git Data routes answer it, on the description's example. */
  const gitCommitJson = (example: string, c: FakeCommit) => {
    const tree = treeSha(c.tree);
    return {
      ...githubExample(example, where()),
      ...commitJson(c),
      tree: { sha: tree, url: `${baseUrl}/repos/${owner}/${repo}/git/trees/${tree}` },
      parents: c.parent ? [{ sha: c.parent, url: `${baseUrl}/repos/${owner}/${repo}/git/commits/${c.parent}`, html_url: web(`commit/${c.parent}`) }] : [],
    };
  };

  /** A tree's first level as GitHub lists it: files, and folders as trees. */
  const topLevelOf = (tree: Map<string, string>) => {
    const entries = new Map<string, { path: string; mode: string; type: string; sha: string; size?: number; url: string }>();
    for (const [full, blob] of tree) {
      const [first = full, ...more] = full.split("/");
      if (more.length === 0) {
        entries.set(first, { path: first, mode: "100644", type: "blob", sha: blob, size: blobs.get(blob)?.length ?? 0, url: `${baseUrl}/repos/${owner}/${repo}/git/blobs/${blob}` });
      } else if (!entries.has(first)) {
        const sub = createHash("sha1").update(`${first}:${[...tree.keys()].filter((p) => p.startsWith(`${first}/`)).join(",")}`).digest("hex");
        entries.set(first, { path: first, mode: "040000", type: "tree", sha: sub, url: `${baseUrl}/repos/${owner}/${repo}/git/trees/${sub}` });
      }
    }
    return [...entries.values()];
  };

  const currentText = (branch: string, path: string): string | undefined => {
    const sha = treeAt(branch)?.get(path);
    const bytes = sha === undefined ? undefined : blobs.get(sha);
    return bytes?.toString("utf8");
  };

  /** GitHub's 422 for a JSON body its schema refuses; undefined for a valid one (or an operation the description lacks). */
  const checkRequestBody = (method: string, path: string, body: unknown): HttpAnswer | undefined => {
    if (body === undefined || githubOperationOf(method, path) === undefined) return undefined;
    const problems = checkGitHubRequest(method, path, body);
    return problems.length === 0 ? undefined : new HttpAnswer(422, invalidRequest(problems));
  };

  /** The fake's own answer, checked against the description: one out of spec is a 500 naming what is wrong. */
  const checkAnswer = (method: string, path: string, answer: HttpAnswer): HttpAnswer => {
    if (answer.status >= 300 || answer.body === undefined || Buffer.isBuffer(answer.body)) return answer;
    const problems = checkGitHubResponse(method, path, answer.status, answer.body);
    if (problems.length === 0) return answer;
    return new HttpAnswer(500, { message: `fake GitHub answered ${method} ${path} out of spec`, problems });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v3(?=\/)/, "");
    const raw = await readBody(req);
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        body = raw.toString("utf8");
      }
    }
    let answer: HttpAnswer;
    if (outageStatus !== undefined) {
      answer = serverError(outageStatus);
    } else if (rateLimited.remaining > 0) {
      rateLimited.remaining--;
      answer = new HttpAnswer(
        403,
        {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ABCD:1234.",
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          status: "403",
        },
        { "retry-after": String(rateLimited.retryAfter) },
      );
    } else {
      answer = authenticate(req, path) ?? checkRequestBody(req.method ?? "GET", path, body) ?? (await route(req, path, url.searchParams, body));
      answer = checkAnswer(req.method ?? "GET", path, answer);
    }
    requests.push({
      method: req.method ?? "GET",
      path,
      query: Object.fromEntries(url.searchParams),
      headers: recordedHeaders(req),
      body,
      status: answer.status,
    });
    send(res, answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ message: `fake GitHub crashed: ${String(error)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    get url() {
      return baseUrl;
    },
    owner,
    repo,
    defaultBranch,
    get requests() {
      return requests;
    },
    get pullRequests() {
      return pullRequests;
    },
    getFile: currentText,
    getBytes(branch, path) {
      const sha = treeAt(branch)?.get(path);
      return sha === undefined ? undefined : blobs.get(sha);
    },
    setFile(branch, path, text, message = "Edit research log by hand") {
      if (!refs.has(branch)) {
        const base = refs.get(defaultBranch);
        if (base !== undefined) refs.set(branch, base);
      }
      return writeFile(branch, path, Buffer.from(text, "utf8"), message).commit.sha;
    },
    commits(branch) {
      const list: FakeCommit[] = [];
      for (let sha = refs.get(branch); sha !== undefined; sha = commits.get(sha)?.parent) {
        const c = commits.get(sha);
        if (c) list.push(c);
      }
      return list;
    },
    branches: () => [...refs.keys()],
    requestsTo(method, path) {
      return requests.filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)));
    },
    reset() {
      requests = [];
      putFaults = [];
      humanEdits = [];
      rateLimited = { remaining: 0, retryAfter: 0 };
      outageStatus = undefined;
      stalls = [];
      writesDenied = false;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    failNextPut(fault) {
      putFaults.push(fault);
    },
    secondaryRateLimitNext(n, retryAfterSeconds) {
      rateLimited = { remaining: n, retryAfter: retryAfterSeconds };
    },
    humanCommitBeforeNextPut(edit, path) {
      humanEdits.push({ edit, path });
    },
    revokeInstallationTokens() {
      installationTokens.clear();
    },
    protectBranch(pattern, style = "ruleset") {
      protectedBranches.set(pattern, style);
    },
    outage(status) {
      outageStatus = status;
    },
    stallNextPut(stall) {
      stalls.push(stall);
    },
    revokeToken(revoked = true) {
      tokenRevoked = revoked;
    },
    denyWrites(denied = true) {
      writesDenied = denied;
    },
  };
}

function serverError(status: number): HttpAnswer {
  const message = status === 502 ? "Server Error" : status === 503 ? "Service Unavailable" : "Internal Server Error";
  return new HttpAnswer(status, { message, status: String(status) });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function wrap60(base64: string): string {
  let out = "";
  for (let i = 0; i < base64.length; i += 60) out += `${base64.slice(i, i + 60)}\n`;
  return out;
}

function verifyJwt(jwt: string, app: NonNullable<FakeGitHubOptions["app"]>): boolean {
  const [header, payload, signature] = jwt.split(".");
  if (!header || !payload || !signature) return false;
  const ok = verify(
    "RSA-SHA256",
    Buffer.from(`${header}.${payload}`),
    app.publicKey,
    Buffer.from(signature, "base64url"),
  );
  if (!ok) return false;
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { iss?: unknown; exp?: unknown };
  return String(claims.iss) === String(app.id) && typeof claims.exp === "number" && claims.exp * 1000 > Date.now();
}

function recordedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    headers[name] = name === "authorization" ? `${text.split(/\s+/, 1)[0] ?? ""} [REDACTED]` : text;
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(answer.body)) {
    payload = answer.body;
  } else if (answer.body !== undefined) {
    payload = Buffer.from(JSON.stringify(answer.body), "utf8");
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}
