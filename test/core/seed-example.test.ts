import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appendEntry, entryToFinding, formatEntry, normalizeFinding, parseLog } from "../../src/core/index.js";

const expected = readFileSync(new URL("../fixtures/seed-example.md", import.meta.url), "utf8");

export const seedInput = {
  date: "2026-01-20",
  title: "AMP Breaks Complex Number Operations",
  category: "Training",
  status: "Workaround",
  related: "experiments/train.py, MLflow run abc123",
  finding: [
    "Automatic Mixed Precision (AMP) causes NaN gradients when used with",
    "complex-valued tensors. The `torch.amp.autocast` context manager",
    "casts intermediate results to float16, which loses precision in",
    "complex magnitude calculations.",
  ].join("\n"),
  impact: ["Cannot use AMP for training speedup. Training is ~2x slower than", "comparable real-valued models."].join("\n"),
  actionItems: [
    "Investigate selective AMP (only for real-valued layers)",
    "Test with bfloat16 instead of float16",
    "[x] Disable AMP as workaround (--amp flag removed from defaults)",
  ].join("\n"),
};

describe("the seed document's example entry", () => {
  it("is what a new log holds after appending the typed finding", () => {
    const result = normalizeFinding(seedInput);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const appended = appendEntry(undefined, result.value);
    expect(appended.text).toBe(expected);
    expect(appended.changed).toBe(true);
    expect(appended.id).toBe("2026-01-20-amp-breaks-complex-number-operations");
  });

  it("formats exactly as the seed shows it", () => {
    const result = normalizeFinding(seedInput);
    if (!result.ok) throw new Error("invalid");
    expect(formatEntry(result.value)).toMatchInlineSnapshot(`
      "## 2026-01-20 AMP Breaks Complex Number Operations

      **Category**: Training
      **Status**: Workaround
      **Related**: \`experiments/train.py\`, MLflow run \`abc123\`

      ### Finding
      Automatic Mixed Precision (AMP) causes NaN gradients when used with
      complex-valued tensors. The \`torch.amp.autocast\` context manager
      casts intermediate results to float16, which loses precision in
      complex magnitude calculations.

      ### Impact
      Cannot use AMP for training speedup. Training is ~2x slower than
      comparable real-valued models.

      ### Action Items
      - [ ] Investigate selective AMP (only for real-valued layers)
      - [ ] Test with bfloat16 instead of float16
      - [x] Disable AMP as workaround (--amp flag removed from defaults)
      "
    `);
  });

  it("parses back to the same finding", () => {
    const log = parseLog(expected);
    expect(log.eol).toBe("\n");
    expect(log.bom).toBe(false);
    expect(log.entries).toHaveLength(1);
    const entry = log.entries[0]!;
    expect(entry).toMatchObject({
      id: "2026-01-20-amp-breaks-complex-number-operations",
      line: 3,
      date: "2026-01-20",
      title: "AMP Breaks Complex Number Operations",
      category: "Training",
      status: "Workaround",
      statusLine: 6,
      related: ["experiments/train.py", "MLflow run abc123"],
      span: { start: expected.indexOf("## 2026"), end: expected.length },
      contentEnd: expected.length - 1,
    });
    expect(expected.slice(entry.statusSpan!.start, entry.statusSpan!.end)).toBe("Workaround");
    expect(entry.actionItems.map((i) => [i.text, i.done, i.line])).toEqual([
      ["Investigate selective AMP (only for real-valued layers)", false, 20],
      ["Test with bfloat16 instead of float16", false, 21],
      ["Disable AMP as workaround (--amp flag removed from defaults)", true, 22],
    ]);
    const normalized = normalizeFinding(seedInput);
    expect(normalized.ok && entryToFinding(entry)).toEqual(normalized.ok && normalized.value);
  });

  it("is not appended twice", () => {
    const result = normalizeFinding(seedInput);
    if (!result.ok) throw new Error("invalid");
    const again = appendEntry(expected, result.value);
    expect(again).toEqual({ ok: true, text: expected, changed: false, id: "2026-01-20-amp-breaks-complex-number-operations" });
  });
});
