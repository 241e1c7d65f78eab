/**
 * Findings with pictures through the log service and the GitHub store,
 * against the fake GitHub API: a finding alone (one contents PUT) side by side
 * with findings carrying two pictures (one Git Data commit), 20 at once, and
 * the memory one finding with 25 MB of pictures takes on its way to GitHub.
 * Write spacing is off, as in tests: GitHub's one second between writes would
 * otherwise dominate every figure.
 */
import type { OfferedFile } from "../src/core/images.js";
import { createLogService } from "../src/services/log-service.js";
import { createGitHubClient, createGitHubStore } from "../src/store/github.js";
import { startFakeGitHub } from "../test/support/fake-github.js";
import { imageBytes } from "../test/support/pictures.js";

const FINDINGS = 20;
const TOKEN = "bench-token";
const PATH = "docs/research_log.md";

interface Run {
  name: string;
  requestsPerFinding: number;
  refusedUpdates: number;
  msPerFinding: number;
  landed: number;
}

async function run(name: string, pictures: (n: number) => OfferedFile[]): Promise<Run> {
  const fake = await startFakeGitHub({ token: TOKEN, files: { [PATH]: "# Research Log\n\n" } });
  try {
    const octokit = createGitHubClient({ token: TOKEN, baseUrl: fake.url, repo: { owner: fake.owner, repo: fake.repo }, throttle: { writeIntervalMs: 0 }, retry: { backoffUnitMs: 10 } });
    const service = createLogService({ store: createGitHubStore(octokit, { owner: fake.owner, repo: fake.repo, path: PATH }), maxAttempts: 100 });
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: FINDINGS }, (_, n) =>
        service.logFinding({ title: `Bench ${n}`, category: "Performance", status: "Open", finding: `Run ${n}.`, impact: "None." }, undefined, pictures(n)),
      ),
    );
    const wall = performance.now() - started;
    return {
      name,
      requestsPerFinding: fake.requests.length / FINDINGS,
      refusedUpdates: fake.requests.filter((r) => r.status === 409 || r.status === 422).length,
      msPerFinding: wall / FINDINGS,
      landed: results.filter((r) => r.ok && r.pictures.length === pictures(0).length).length,
    };
  } finally {
    await fake.close();
  }
}

/** Peak growth of the process's memory while one finding with `megabytes` of pictures is committed. */
async function peakFor(megabytes: number): Promise<number> {
  const fake = await startFakeGitHub({ token: TOKEN, files: { [PATH]: "# Research Log\n\n" } });
  try {
    const octokit = createGitHubClient({ token: TOKEN, baseUrl: fake.url, repo: { owner: fake.owner, repo: fake.repo }, throttle: { writeIntervalMs: 0 } });
    const service = createLogService({ store: createGitHubStore(octokit, { owner: fake.owner, repo: fake.repo, path: PATH }) });
    const pictures = Array.from({ length: 5 }, (_, i) => ({ name: `p${i}.png`, bytes: imageBytes("png", Math.floor((megabytes * 1024 * 1024) / 5), i) }));
    globalThis.gc?.();
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = used();
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, used())), 2);
    await service.logFinding({ title: "Big pictures", category: "Performance", status: "Open", finding: "Five plots.", impact: "None." }, undefined, pictures);
    clearInterval(timer);
    peak = Math.max(peak, used());
    return (peak - before) / (1024 * 1024);
  } finally {
    await fake.close();
  }
}

export async function benchPictures(): Promise<void> {
  const alone = await run("text only", () => []);
  const small = await run("2 × 200 KB pictures", (n) => [
    { name: "loss.png", bytes: imageBytes("png", 200 * 1024, n * 2) },
    { name: "trace.jpg", bytes: imageBytes("jpeg", 200 * 1024, n * 2 + 1) },
  ]);
  console.log(`${FINDINGS} concurrent findings through the service and the GitHub store (fake GitHub, no write spacing)`);
  for (const r of [alone, small]) {
    console.log(
      `  ${r.name.padEnd(22)} ${r.requestsPerFinding.toFixed(2).padStart(6)} requests/finding  ${String(r.refusedUpdates).padStart(4)} refused writes (409/422)  ` +
        `${r.msPerFinding.toFixed(1).padStart(7)} ms/finding  ${r.landed}/${FINDINGS} landed with their pictures`,
    );
  }
  console.log(`  ratio pictures/text: ${(small.requestsPerFinding / alone.requestsPerFinding).toFixed(1)}× requests, ${(small.msPerFinding / alone.msPerFinding).toFixed(1)}× time`);
  const peak = await peakFor(25);
  console.log(`One finding with 25 MB of pictures (5 × 5 MB): peak memory growth ${peak.toFixed(0)} MB (${(peak / 25).toFixed(1)}× the pictures: their bytes, base64 and JSON request bodies, and the fake GitHub's own copy, as it runs in this process)`);
}
