/**
 * Memory of `research-log serve` under load: Slack HTTP mode on a local git
 * checkout, 2 rounds of 1,000 signed `/log-finding` view submissions from 8
 * senders, each round waited out until every finding is committed and
 * announced. RSS and heap are read from serve's own `/metrics` every 100 ms.
 *
 * Two runs side by side: serve as shipped (V8's --optimize-for-size, set at
 * start) and serve with V8's defaults (`node --no-optimize-for-size`).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createTempGitRepo } from "../test/support/git-repo.js";
import { startFakeSlack } from "../test/support/fake-slack.js";
import { AMP_FINDING, findingViewState, sendToBot, viewSubmissionBody } from "../test/support/slack-factories.js";
import { parsePrometheusText, sampleValue } from "../test/support/prometheus-text.js";

const ROUNDS = 2;
const PER_ROUND = Number(process.env.BENCH_MEMORY_FINDINGS ?? 1_000);
const SENDERS = 8;
const SECRET = "bench-signing-secret";
const cli = join(import.meta.dirname, "../src/cli/main.js");
const MB = 1024 * 1024;

interface MemoryResult {
  label: string;
  idleRssMb: number;
  settledRssMb: number[];
  peakRssMb: number;
  peakHeapMb: number;
  roundSeconds: number[];
}

async function measure(label: string, nodeFlags: readonly string[]): Promise<MemoryResult> {
  const repo = await createTempGitRepo({ initialCommit: true });
  const slack = await startFakeSlack({ users: [{ id: "U111", real_name: "Ada", tz: "UTC" }] });
  const bot = spawn(process.execPath, [...nodeFlags, cli, "serve"], {
    cwd: repo.dir,
    env: {
      ...repo.env,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      STATE_DIR: join(repo.dir, "..", "state"),
      PORT: "0",
      // info: the start-up line carries the port.
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  const port = await new Promise<string>((resolve, reject) => {
    bot.stderr.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      const match = /HTTP mode on port (\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    bot.on("exit", () => reject(new Error(`research-log serve exited:\n${output}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const scrape = async (): Promise<ReturnType<typeof parsePrometheusText>> => parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    void scrape().then(
      (metrics) => {
        peakRss = Math.max(peakRss, sampleValue(metrics, "research_log_process_resident_memory_bytes"));
        peakHeap = Math.max(peakHeap, sampleValue(metrics, "research_log_nodejs_heap_size_used_bytes"));
      },
      () => undefined,
    );
  }, 100);
  try {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idleRss = sampleValue(await scrape(), "research_log_process_resident_memory_bytes");
    const settledRss: number[] = [];
    const roundSeconds: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const started = performance.now();
      let next = 0;
      const sender = async (): Promise<void> => {
        while (next < PER_ROUND) {
          const i = next++;
          const values = findingViewState({ ...AMP_FINDING, title: `Memory bench round ${round} finding ${i + 1}` });
          const acked = await sendToBot(`${base}/slack/events`, SECRET, viewSubmissionBody({ viewId: `VMEM${round}x${i}`, values }));
          if (acked.status !== 200) throw new Error(`submission ${i + 1} answered ${acked.status}`);
        }
      };
      await Promise.all(Array.from({ length: SENDERS }, sender));
      // Settled: every finding committed and the outbox empty.
      const settleBy = Date.now() + 10 * 60_000;
      for (;;) {
        if (Date.now() > settleBy) throw new Error(`round ${round} did not settle in 10 min; serve said:\n${output.slice(-3000)}`);
        const metrics = await scrape();
        const logged = sampleValue(metrics, "research_log_findings_logged_total", { platform: "slack" });
        if (logged >= round * PER_ROUND && sampleValue(metrics, "research_log_outbox_depth") === 0) {
          settledRss.push(sampleValue(metrics, "research_log_process_resident_memory_bytes"));
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      roundSeconds.push((performance.now() - started) / 1000);
    }
    return {
      label,
      idleRssMb: idleRss / MB,
      settledRssMb: settledRss.map((rss) => rss / MB),
      peakRssMb: peakRss / MB,
      peakHeapMb: peakHeap / MB,
      roundSeconds,
    };
  } finally {
    clearInterval(sampler);
    bot.kill("SIGTERM");
    await new Promise((resolve) => bot.once("exit", resolve));
    await slack.close();
    await repo.cleanup();
  }
}

/** Runs both and prints them side by side, with the ratio of peak RSS. */
export async function benchMemory(): Promise<void> {
  const shipped = await measure("as shipped (--optimize-for-size)", []);
  const defaults = await measure("V8 defaults (--no-optimize-for-size)", ["--no-optimize-for-size"]);
  for (const result of [shipped, defaults]) {
    process.stdout.write(
      `serve ${result.label}, ${ROUNDS} × ${PER_ROUND} findings, ${SENDERS} senders: ` +
        `idle RSS ${result.idleRssMb.toFixed(0)} MB; RSS once settled ${result.settledRssMb.map((mb) => `${mb.toFixed(0)} MB`).join(", ")}; ` +
        `peak RSS ${result.peakRssMb.toFixed(0)} MB; peak heap used ${result.peakHeapMb.toFixed(0)} MB; ` +
        `${result.roundSeconds.map((s) => `${s.toFixed(0)} s`).join(" + ")}\n`,
    );
  }
  process.stdout.write(`peak RSS, shipped / V8 defaults: ${(shipped.peakRssMb / defaults.peakRssMb).toFixed(2)}\n`);
}
