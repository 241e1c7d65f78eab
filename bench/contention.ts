/**
 * K concurrent `research-log add` processes (the real CLI, one process each)
 * against one repository on the fake GitHub: how long until all K land, how
 * many PUTs that took, and whether any gave up. Before the jittered backoff
 * (10 instant retries, every process spaced by the same 1 s), K = 20 lost 7
 * and K = 30 lost 11 to 14 (issue 7).
 */
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startFakeGitHub } from "../test/support/fake-github.js";

const run = promisify(execFile);
const bin = join(dirname(fileURLToPath(import.meta.url)), "../src/cli/main.js");
const TOKEN = "bench-contention-token";
const PATH = "docs/research_log.md";

async function addOne(url: string, n: number): Promise<boolean> {
  const args = ["add", "--github", "acme/research", "--title", `Contention finding ${n}`, "--category", "Performance", "--status", "Open"];
  args.push("--finding", `Process ${n} wrote this.`, "--impact", "None; a benchmark.", "--date", "2026-12-05");
  try {
    await run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? "", HOME: "/tmp", GITHUB_TOKEN: TOKEN, GITHUB_API_URL: url } });
    return true;
  } catch {
    return false;
  }
}

export async function benchContention(ks: readonly number[] = [5, 10, 20, 30]): Promise<void> {
  process.stdout.write("K concurrent CLI processes adding one entry each to one repository (real processes, fake GitHub):\n\n");
  process.stdout.write("| K | landed once | gave up | PUTs | 409s | wall s |\n| --- | --- | --- | --- | --- | --- |\n");
  for (const k of ks) {
    const github = await startFakeGitHub({ token: TOKEN, files: { [PATH]: "# Research Log\n" } });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: k }, (_, i) => addOne(github.url, i + 1)));
    const wall = (performance.now() - started) / 1000;
    const text = github.getFile(github.defaultBranch, PATH) ?? "";
    const once = Array.from({ length: k }, (_, i) => text.split(`## 2026-12-05 Contention finding ${i + 1}\n`).length - 1).filter((c) => c === 1).length;
    const puts = github.requestsTo("PUT", `/repos/acme/research/contents/${PATH}`);
    const conflicts = puts.filter((r) => r.status === 409).length;
    process.stdout.write(`| ${k} | ${once} of ${k} | ${results.filter((ok) => !ok).length} | ${puts.length} | ${conflicts} | ${wall.toFixed(1)} |\n`);
    await github.close();
  }
}
