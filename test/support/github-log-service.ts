/**
 * The chat bots' tests all need the same thing underneath: the real log
 * service over the real GitHub store, pointed at the fake GitHub, tuned for
 * tests (no write spacing, short back-offs).
 */
import type { Clock, LogService } from "../../src/services/log-service.js";
import { createLogService } from "../../src/services/log-service.js";
import { createGitHubClient, createGitHubStore } from "../../src/store/github.js";
import type { FakeGitHub, FakeGitHubOptions } from "./fake-github.js";
import { startFakeGitHub } from "./fake-github.js";

export const TEST_GITHUB_TOKEN = "ghp_test";
export const TEST_LOG_PATH = "docs/research_log.md";

export async function startGitHubLogService(options: {
  clock: Clock;
  files?: FakeGitHubOptions["files"];
  retries?: number;
  maxAttempts?: number;
}): Promise<{ github: FakeGitHub; service: LogService }> {
  const github = await startFakeGitHub({ token: TEST_GITHUB_TOKEN, ...(options.files === undefined ? {} : { files: options.files }) });
  const octokit = createGitHubClient({
    token: TEST_GITHUB_TOKEN,
    baseUrl: github.url,
    repo: { owner: github.owner, repo: github.repo },
    throttle: { writeIntervalMs: 0, retryAfterUnitMs: 10 },
    retry: { retries: options.retries ?? 1, backoffUnitMs: 5 },
  });
  const store = createGitHubStore(octokit, {
    owner: github.owner,
    repo: github.repo,
    path: TEST_LOG_PATH,
    webUrl: "https://github.com",
    requestTimeoutMs: 5000,
  });
  const service = createLogService({ store, clock: options.clock, timeZone: "UTC", maxAttempts: options.maxAttempts ?? 3 });
  return { github, service };
}
