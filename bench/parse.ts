import { appendEntry, checkLog, formatEntry, parseLog, setActionItem, setStatus } from "../src/core/index.js";
import { indexLog } from "../src/core/parse-log.js";
import type { Finding, ParsedEntry } from "../src/core/index.js";

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
function generateLog(count: number, seed = 1): string {
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

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Read every field of every entry (what `list`, `check` and the digest do): full materialisation. */
function readAll(entries: readonly ParsedEntry[]): number {
  let n = 0;
  for (const e of entries) {
    n += e.id.length + e.line + e.span.end + e.heading.length + (e.date?.length ?? 0) + e.title.length;
    n += (e.category?.length ?? 0) + (e.status?.length ?? 0) + (e.statusSpan?.end ?? 0) + (e.statusLine ?? 0);
    n += e.related.length + (e.finding?.length ?? 0) + (e.impact?.length ?? 0) + e.actionItems.length + e.contentEnd;
  }
  return n;
}

/**
 * Time the core on a ~9 MB log: parseLog (index only, and with every field of
 * every entry read), the three edits and checkLog, printing best and median
 * ms, MB/s at the best and the median (each case in its own block of runs), and the heap
 * growth over one call (median of 3, gc'd before, not after: it includes
 * garbage not yet collected). Without --expose-gc the heap column means little.
 */
export async function benchParse(runs = 9): Promise<void> {
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
  const middleStatus = middle.status === "Resolved" ? "Open" : "Resolved";
  const middleId = middle.id;
  const itemsId = withItems.id;

  const cases: [string, () => unknown][] = [
    ["indexLog (headings, ids, spans: what an edit reads first)", () => indexLog(text)],
    ["parseLog (every field of every entry: list, digest)", () => readAll(parseLog(text).entries)],
    ["setStatus (middle entry)", () => setStatus(text, middleId, middleStatus)],
    ["setActionItem (an entry past the middle)", () => setActionItem(text, itemsId, 1, true)],
    ["appendEntry (new, oldest-first: duplicate check + append)", () => appendEntry(text, extra)],
    ["checkLog (every entry read)", () => checkLog(text)],
  ];
  const rows: string[][] = [
    ["operation", "best ms", "median ms", "MB/s best", "MB/s median", "old MB/s median", "heap Δ MB (1 call)"],
  ];
  // Each case in its own block (warm-ups, then the timed runs) after a gc, so that no case pays
  // for another's garbage; within a block a case pays for collecting its own, as in a loop.
  const times: number[][] = cases.map(() => []);
  cases.forEach(([, fn], i) => {
    fn(); // warm up
    fn();
    fn();
    gc();
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      const result = fn();
      times[i]!.push(performance.now() - start);
      void result;
    }
  });
  // Heap growth over one call, measured apart (untimed): gc, call, heapUsed after − before.
  // Garbage not yet collected counts; a scavenge during the call can hide some.
  const heap: number[][] = cases.map(() => []);
  for (let r = 0; r < 3; r++) {
    cases.forEach(([, fn], i) => {
      gc();
      const before = process.memoryUsage().heapUsed;
      const result = fn();
      heap[i]!.push((process.memoryUsage().heapUsed - before) / 1e6);
      void result;
    });
  }
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  cases.forEach(([name], i) => {
    const t = sorted(times[i]!);
    const best = t[0] ?? 0;
    const median = t[Math.floor(t.length / 2)] ?? 0;
    const heapMedian = sorted(heap[i]!)[1] ?? 0;
    rows.push([
      name,
      best.toFixed(1),
      median.toFixed(1),
      (mb / (best / 1000)).toFixed(0),
      (mb / (median / 1000)).toFixed(0),
      OLD_PARSER_MB_S[i]?.toFixed(0) ?? "",
      heapMedian.toFixed(1),
    ]);
  });
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  console.log(`log: ${mb.toFixed(2)} MB, ${log.entries.length} entries; ${runs} timed runs of each case after 3 warm-ups; heap: median of 3 calls, each after a gc`);
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
  console.log(
    "old MB/s: the hand-tuned parser this one replaced (commit 68ad139; its index-only parseLog against indexLog), run on this log right before this one on one machine (2026-12-07). The goal is 50 MB/s: a 10 MB log in 200 ms.",
  );
}

/**
 * Median MB/s of the parser that parse-log.ts replaced (731 lines of
 * character codes and module-level scratch arrays; commit 68ad139), case by
 * case as `benchParse` lists them, measured on the same machine minutes
 * before the readable parser. Not measured live: that code is gone.
 */
const OLD_PARSER_MB_S = [348, 104, 344, 364, 305, 102];

/**
 * Our line scan against a general markdown parser (mdast-util-from-markdown
 * with GFM, as a tool built on remark would parse the log), on the same
 * 1 MB log in one run: why the log is parsed line by line.
 */
export async function benchParseVersusMarkdown(): Promise<void> {
  const { fromMarkdown } = await import("mdast-util-from-markdown");
  const { gfm } = await import("micromark-extension-gfm");
  const { gfmFromMarkdown } = await import("mdast-util-gfm");
  const full = generateLog(14_000);
  // The first entries that make up about 1 MB.
  const cut = full.indexOf("\n## ", 1_000_000);
  const text = full.slice(0, cut === -1 ? full.length : cut + 1);
  const mb = text.length / 1e6;
  const time = (fn: () => unknown, runs: number): number => {
    fn();
    const t: number[] = [];
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      fn();
      t.push(performance.now() - start);
    }
    return t.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? Number.NaN;
  };
  const ours = time(() => readAll(parseLog(text).entries), 9);
  const markdown = time(() => fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }), 1);
  console.log(`\n${mb.toFixed(2)} MB log, median ms: parseLog + every field ${ours.toFixed(1)}; mdast-util-from-markdown + GFM ${markdown.toFixed(0)}; ratio ${(markdown / ours).toFixed(0)}×`);
}
