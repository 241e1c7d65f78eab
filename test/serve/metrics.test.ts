import { describe, expect, it } from "vitest";
import { createMetrics } from "../../src/serve/metrics.js";
import { parsePrometheusText, sampleValue } from "../support/prometheus-text.js";

const job = (kind: string) => ({ id: `${kind}:1`, kind, payload: { target: "default" }, receivedAt: "2026-12-07T10:00:00Z", steps: {} });

describe("metrics: pictures", () => {
  it("counts the pictures committed with findings and those refused, by platform", async () => {
    const metrics = createMetrics();
    metrics.record({ type: "step", job: job("slack.finding"), step: "committed", data: { id: "a", pictures: 2, refused: [{ name: "plot.png", reason: "not an image" }] }, ms: 10 });
    metrics.record({ type: "step", job: job("discord.finding"), step: "committed", data: { id: "b", pictures: 1 }, ms: 10 });
    metrics.record({ type: "step", job: job("slack.finding"), step: "committed", data: { id: "c" }, ms: 10 });
    const families = parsePrometheusText(await metrics.registry.metrics());
    expect(sampleValue(families, "research_log_pictures_total", { platform: "slack", outcome: "committed" })).toBe(2);
    expect(sampleValue(families, "research_log_pictures_total", { platform: "slack", outcome: "refused" })).toBe(1);
    expect(sampleValue(families, "research_log_pictures_total", { platform: "discord", outcome: "committed" })).toBe(1);
    expect(sampleValue(families, "research_log_findings_logged_total", { platform: "slack", route: "default" })).toBe(2);
  });
});
