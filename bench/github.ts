/**
 * 50 concurrent entries through the GitHub store and updateLog, against the
 * fake GitHub API, side by side with a naive writer loop (GET, edit, PUT; on
 * 409 start over; no cache, no lock). Both run through the same Octokit with
 * its retry and throttling plugins (write spacing off, as in tests).
 */
import { appendEntry } from "../src/core/edit-log.js";
import type { Finding } from "../src/core/types.js";
import { updateLog } from "../src/services/update-log.js";
import { createGitHubClient, createGitHubStore } from "../src/store/github.js";
import type { FakeGitHub } from "../test/support/fake-github.js";
import { startFakeGitHub } from "../test/support/fake-github.js";

const ENTRIES = 50;
const TOKEN = "bench-token";
const PATH = "docs/research_log.md";
const SEED = "# Research Log\n\n";

export interface GitHubBenchResult {
  name: string;
  entries: number;
  requests: number;
  requestsPerEntry: number;
  conflicts: number;
  wallMs: number;
  /** Entries present exactly once at the end. */
  landed: number;
}

function finding(n: number): Finding {
  return {
    date: "2026-01-20",
    title: `Benchmark finding ${n}`,
    category: "Performance",
    status: "Open",
    related: [`bench/run_${n}.py`],
    finding: `Measured something for run ${n}.`,
    impact: "None; this is a benchmark.",
    actionItems: [{ text: `Look at run ${n}`, done: false }],
  };
}

function client(fake: FakeGitHub) {
  return createGitHubClient({
    token: TOKEN,
    baseUrl: fake.url,
    repo: { owner: fake.owner, repo: fake.repo },
    throttle: { writeIntervalMs: 0, retryAfterUnitMs: 10 },
    retry: { backoffUnitMs: 10 },
  });
}

function summarise(name: string, fake: FakeGitHub, wallMs: number): GitHubBenchResult {
  const text = fake.getFile(fake.defaultBranch, PATH) ?? "";
  let landed = 0;
  for (let n = 0; n < ENTRIES; n++) {
    if (text.split(`## 2026-01-20 Benchmark finding ${n}\n`).length === 2) landed++;
  }
  const requests = fake.requests.length;
  return {
    name,
    entries: ENTRIES,
    requests,
    requestsPerEntry: requests / ENTRIES,
    conflicts: fake.requests.filter((r) => r.status === 409).length,
    wallMs,
    landed,
  };
}

async function runStore(): Promise<GitHubBenchResult> {
  const fake = await startFakeGitHub({ token: TOKEN, files: { [PATH]: SEED } });
  try {
    const store = createGitHubStore(client(fake), { owner: fake.owner, repo: fake.repo, path: PATH });
    const started = performance.now();
    await Promise.all(
      Array.from({ length: ENTRIES }, (_, n) =>
        updateLog(store, (text) => appendEntry(text, finding(n)), { message: `docs: log finding - ${finding(n).title}` }),
      ),
    );
    return summarise("store + updateLog", fake, performance.now() - started);
  } finally {
    await fake.close();
  }
}

async function runNaive(): Promise<GitHubBenchResult> {
  const fake = await startFakeGitHub({ token: TOKEN, files: { [PATH]: SEED } });
  try {
    const octokit = client(fake);
    const { owner, repo } = fake;
    const writer = async (n: number): Promise<void> => {
      for (let attempt = 0; attempt < 500; attempt++) {
        const { data } = await octokit.rest.repos.getContent({ owner, repo, path: PATH });
        const file = data as { sha: string; content: string };
        const text = Buffer.from(file.content, "base64").toString("utf8");
        const edited = appendEntry(text, finding(n));
        if (!edited.changed) return;
        try {
          await octokit.rest.repos.createOrUpdateFileContents({
            owner,
            repo,
            path: PATH,
            message: `docs: log finding - ${finding(n).title}`,
            content: Buffer.from(edited.text, "utf8").toString("base64"),
            sha: file.sha,
          });
          return;
        } catch (error) {
          if ((error as { status?: number }).status !== 409) throw error;
        }
      }
      throw new Error(`naive writer ${n} gave up`);
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: ENTRIES }, (_, n) => writer(n)));
    return summarise("naive GET/PUT loop", fake, performance.now() - started);
  } finally {
    await fake.close();
  }
}

/** Run both and print requests per entry, 409s and wall time, plus the ratio. */
export async function benchGitHub(): Promise<void> {
  const ours = await runStore();
  const naive = await runNaive();
  console.log(`GitHub store: ${ENTRIES} concurrent entries against the fake GitHub API`);
  for (const r of [ours, naive]) {
    console.log(
      `  ${r.name.padEnd(20)} ${r.requestsPerEntry.toFixed(2).padStart(6)} requests/entry ` +
        `(${r.requests} requests)  ${String(r.conflicts).padStart(5)} × 409  ` +
        `${r.wallMs.toFixed(0).padStart(6)} ms  ${r.landed}/${r.entries} landed once`,
    );
  }
  console.log(
    `  ratio naive/ours: ${(naive.requestsPerEntry / ours.requestsPerEntry).toFixed(1)}× requests, ` +
      `${(naive.wallMs / ours.wallMs).toFixed(1)}× wall time ` +
      `(goal ≤ 1.10 requests/entry: ${ours.requestsPerEntry <= 1.1 ? "met" : "NOT met"})`,
  );
}
