import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "Use named exports." },
      ],
    },
  },
  {
    // The core is pure: text and values in, text and values out.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*", "fs", "path", "child_process", "http", "https", "os"], message: "src/core is pure: no I/O." },
            { group: ["@octokit/*", "@slack/*", "discord.js", "**/store/**", "**/services/**", "**/slack/**", "**/cli/**"], message: "src/core must not depend on SDKs, stores or adapters." },
          ],
        },
      ],
    },
  },
  {
    // Only the GitHub store talks to Octokit.
    files: ["src/**/*.ts"],
    ignores: ["src/store/github.ts", "src/store/github/**", "src/core/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@octokit/*"], message: "Only src/store/github/ imports Octokit." }] }],
    },
  },
  {
    // Configuration is read from the environment in one place.
    files: ["src/**/*.ts"],
    ignores: ["src/config.ts", "src/cli/main.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through loadConfig() in src/config.ts." }],
    },
  },
  {
    files: ["eslint.config.js", "vitest.config.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
