/**
 * The GitHub store, one file a job (as release-please splits its GitHub
 * code): github/client.ts builds Octokit with auth, retries and throttling;
 * github/contents-store.ts reads and writes the log through the contents API;
 * github/git-data.ts commits the log with other files (pictures) in one commit;
 * github/pull-request.ts is the fallback for branches that take no direct
 * commits; github/errors.ts maps GitHub's answers to store errors;
 * github/links.ts makes web links. Only these files import Octokit.
 */
export type { GitHubClientOptions, Logger, RepoRef } from "./github/client.js";
export { createGitHubClient, credentialOf } from "./github/client.js";
export { mapError } from "./github/errors.js";
export type { GitHubTarget } from "./github/contents-store.js";
export { createGitHubStore } from "./github/contents-store.js";
export { gitBlobSha } from "./github/blob-sha.js";
export { webUrlFor } from "./github/links.js";
