import { appendEntry, checkLog, formatEntry, parseLog, setActionItem, setStatus } from "../src/core/index.js";
import type { Finding } from "../src/core/index.js";

const WORDS = (
  "loss gradient warmup optimizer AdamW batch shard tokenizer precision float16 bfloat16 kernel " +
  "throughput latency memory checkpoint dataloader worker epoch learning rate schedule attention " +
  "layer norm residual complex tensor NaN overflow cache GPU CUDA allocator fragmentation eval metric"
).split(" ");
const CATEGORIES = ["Training", "Architecture", "Data", "Tooling", "Performance"];
const STATUSES = ["Open", "Resolved", "Workaround"] as const;

/** A small deterministic PRNG, so every run parses the same log. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(rnd: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)] ?? "x");
  return out.join(" ");
}

function paragraph(rnd: () => number, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(sentence(rnd, 8 + Math.floor(rnd() * 4)));
  return out.join("\n");
}

/** A log of `count` realistic entries (about 700 bytes each). */
export function generateLog(count: number, seed = 1): string {
  const rnd = random(seed);
  const parts = ["# Research Log\n\n"];
  for (let i = 0; i < count; i++) {
    const day = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000 * 6).toISOString().slice(0, 10);
    const finding: Finding = {
      date: day,
      title: `${sentence(rnd, 4)} ${i}`,
      category: CATEGORIES[i % CATEGORIES.length] ?? "Data",
      status: STATUSES[i % 3] ?? "Open",
      related: rnd() < 0.7 ? [`experiments/run_${i}.py`, `MLflow run r${i.toString(36)}`] : [],
      finding:
        rnd() < 0.15
          ? `${paragraph(rnd, 2)}\n\n\`\`\`python\n# reproduce\nx = torch.randn(${i})\n\`\`\``
          : paragraph(rnd, 3 + Math.floor(rnd() * 3)),
      impact: paragraph(rnd, 1 + Math.floor(rnd() * 2)),
      actionItems: Array.from({ length: Math.floor(rnd() * 4) }, (_, k) => ({ text: sentence(rnd, 6), done: k % 2 === 1 })),
    };
    parts.push(formatEntry(finding), "\n");
  }
  return parts.join("");
}

function time<T>(fn: () => T, runs: number): { best: number; median: number; result: T } {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { best: times[0] ?? 0, median: times[Math.floor(times.length / 2)] ?? 0, result };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Time the core on a ~10 MB log: parseLog, the three edits and checkLog,
 * printing ms, MB/s and heap growth per operation.
 */
export async function benchParse(): Promise<void> {
  const text = generateLog(14_000);
  const mb = text.length / 1e6;
  const log = parseLog(text);
  const middle = log.entries[Math.floor(log.entries.length / 2)];
  const withItems = log.entries.slice(log.entries.length / 2).find((e) => e.actionItems.length > 0);
  if (!middle || !withItems) throw new Error("generated log has no entries");
  const extra: Finding = {
    date: "2030-01-01",
    title: "Bench entry",
    category: "Tooling",
    status: "Open",
    related: [],
    finding: "Appended by the benchmark.",
    impact: "None.",
    actionItems: [{ text: "Nothing", done: false }],
  };

  const cases: [string, () => unknown][] = [
    ["parseLog", () => parseLog(text)],
    ["setStatus (middle)", () => setStatus(text, middle.id, middle.status === "Resolved" ? "Open" : "Resolved")],
    ["setActionItem", () => setActionItem(text, withItems.id, 1, true)],
    ["appendEntry", () => appendEntry(text, extra)],
    ["checkLog", () => checkLog(text)],
  ];
  const rows: string[][] = [["operation", "best ms", "median ms", "MB/s (best)", "heap Δ MB"]];
  for (const [name, fn] of cases) {
    fn(); // warm up
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const { best, median, result } = time(fn, 5);
    const heapDelta = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    void result;
    rows.push([name, best.toFixed(1), median.toFixed(1), (mb / (best / 1000)).toFixed(0), heapDelta.toFixed(1)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  console.log(`log: ${mb.toFixed(2)} MB, ${log.entries.length} entries`);
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
}
