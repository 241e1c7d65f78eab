import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // No test reaches the internet: nock refuses every host but this machine.
    setupFiles: ["test/setup/no-internet.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // CI also writes the results as JSON, for the closing "N passed, N failed" line of .ci/run.
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results.json" }]] : ["default"],
  },
});
