import type { Config } from "../config.js";
import { createLocalGitStore } from "./local-git.js";
import type { LogStore } from "./log-store.js";
import type { Logger } from "./github/client.js";

/** The store the configuration asks for: GitHub when GITHUB_REPO is set, else the local checkout. */
export async function createStore(config: Config, options: { repoDir: string; log?: Logger | undefined }): Promise<LogStore> {
  const { github } = config;
  if (github === undefined) {
    return createLocalGitStore({ repoDir: options.repoDir, logPath: config.logPath });
  }
  // Loaded only when needed: Octokit and its plugins take a noticeable time to import.
  const { createGitHubClient, createGitHubStore } = await import("./github.js");
  const auth = github.auth;
  const octokit = createGitHubClient({
    baseUrl: github.apiUrl,
    repo: { owner: github.owner, repo: github.repo },
    log: options.log,
    throttle: { writeIntervalMs: config.githubWriteIntervalMs },
    ...(auth.kind === "token" ? { token: auth.token } : {}),
    ...(auth.kind === "app"
      ? {
          appId: auth.appId,
          privateKey: auth.privateKey,
          ...(auth.installationId === undefined ? {} : { installationId: auth.installationId }),
        }
      : {}),
  });
  return createGitHubStore(octokit, {
    owner: github.owner,
    repo: github.repo,
    path: config.logPath,
    commitMode: github.commitMode,
    ...(github.branch === undefined ? {} : { branch: github.branch }),
  });
}
