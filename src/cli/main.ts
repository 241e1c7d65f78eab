#!/usr/bin/env node
import { createInterface } from "node:readline/promises";
import { serve } from "../main.js";
import type { Prompter } from "./prompt.js";
import { runCli } from "./run-cli.js";

/** Questions on the terminal, only when a person is there to answer. */
function terminalPrompter(): Prompter | undefined {
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) return undefined;
  return {
    async ask(question, options = {}) {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      try {
        if (options.multiline !== true) return await rl.question(question);
        process.stderr.write(question);
        const lines: string[] = [];
        for (;;) {
          const line = await rl.question("> ");
          if (line === "") break;
          lines.push(line);
        }
        return lines.join("\n");
      } finally {
        rl.close();
      }
    },
  };
}

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  io: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    prompter: terminalPrompter(),
  },
  serve,
});
process.exitCode = code;
