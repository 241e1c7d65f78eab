/**
 * A strict reader of Prometheus's text exposition format (version 0.0.4,
 * https://prometheus.io/docs/instrumenting/exposition_formats/), for tests of
 * `GET /metrics`. prom-client writes the format but has no reader, so this
 * one checks what a Prometheus server would reject: names and label names by
 * the format's grammar, quoted and escaped label values, numeric values,
 * every sample under a declared family, histogram series complete.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Record<Family["type"], readonly string[]> = {
  counter: [""],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

/** @throws Error naming the line when the text is not valid exposition format. */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const lines = text.split("\n");
  if (lines.at(-1) !== "") throw new Error("the exposition must end with a line feed");
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`;
    if (line === "") return;
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment !== null) {
      const [, kind = "", name = "", rest = ""] = comment;
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name "${name}"`);
      const family = families.get(name) ?? { type: "untyped", help: "", samples: [] };
      if (kind === "HELP") family.help = rest;
      else {
        if (!TYPES.has(rest)) throw new Error(`${where}: bad type "${rest}"`);
        if (family.samples.length > 0) throw new Error(`${where}: TYPE after samples of ${name}`);
        family.type = rest as Family["type"];
      }
      families.set(name, family);
      return;
    }
    if (line.startsWith("#")) return;
    const sample = parseSample(line, where);
    const family = familyOf(families, sample.name);
    if (family === undefined) throw new Error(`${where}: sample ${sample.name} has no # TYPE line`);
    family.samples.push(sample);
  });
  for (const [name, family] of families) {
    if (family.type !== "histogram") continue;
    const series = new Set(family.samples.filter((s) => s.name === `${name}_count`).map((s) => labelKey(s.labels)));
    for (const key of series) {
      const buckets = family.samples.filter((s) => s.name === `${name}_bucket` && labelKey(without(s.labels, "le")) === key);
      if (!buckets.some((s) => s.labels.le === "+Inf")) throw new Error(`histogram ${name}{${key}} has no +Inf bucket`);
    }
  }
  return families;
}

function familyOf(families: Map<string, Family>, sampleName: string): Family | undefined {
  for (const [name, family] of families) {
    if (SUFFIXES[family.type].some((suffix) => `${name}${suffix}` === sampleName)) return family;
  }
  return undefined;
}

function parseSample(line: string, where: string): Sample {
  const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (head === null) throw new Error(`${where}: bad sample "${line}"`);
  const name = head[1] ?? "";
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith("{")) {
    rest = rest.slice(1);
    while (!rest.startsWith("}")) {
      const label = /^([^=]+)="/.exec(rest);
      if (label === null || !LABEL_NAME.test(label[1] ?? "")) throw new Error(`${where}: bad label in "${line}"`);
      rest = rest.slice(label[0].length);
      let value = "";
      for (;;) {
        const char = rest[0];
        if (char === undefined) throw new Error(`${where}: unterminated label value`);
        rest = rest.slice(1);
        if (char === '"') break;
        if (char === "\\") {
          const escaped = rest[0];
          rest = rest.slice(1);
          if (escaped === "n") value += "\n";
          else if (escaped === "\\" || escaped === '"') value += escaped;
          else throw new Error(`${where}: bad escape \\${escaped ?? ""}`);
        } else value += char;
      }
      labels[label[1] ?? ""] = value;
      if (rest.startsWith(",")) rest = rest.slice(1);
      else if (!rest.startsWith("}")) throw new Error(`${where}: expected , or } in "${line}"`);
    }
    rest = rest.slice(1);
  }
  const value = /^ (\S+)( -?\d+)?$/.exec(rest);
  if (value === null) throw new Error(`${where}: bad value in "${line}"`);
  const number = parseValue(value[1] ?? "");
  if (number === undefined) throw new Error(`${where}: "${value[1] ?? ""}" is not a number`);
  return { name, labels, value: number };
}

/**
 * A value as Prometheus reads it: Go's strconv.ParseFloat, which takes NaN
 * and Inf in any case (prom-client 15 writes `Nan`, e.g. for event-loop lag
 * before its first sample).
 */
function parseValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === "+inf" || lower === "inf") return Number.POSITIVE_INFINITY;
  if (lower === "-inf") return Number.NEGATIVE_INFINITY;
  if (lower === "nan") return Number.NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
}

const without = (labels: Record<string, string>, key: string): Record<string, string> =>
  Object.fromEntries(Object.entries(labels).filter(([name]) => name !== key));

const labelKey = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(",");

/** The value of one sample (0 when the series has not appeared yet, as for a counter never incremented). */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  for (const family of families.values()) {
    const sample = family.samples.find((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
    if (sample !== undefined) return sample.value;
  }
  return 0;
}
