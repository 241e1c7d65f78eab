#!/usr/bin/env node
import type { Interface } from "node:readline";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { serve } from "../serve/serve.js";
import type { Prompter } from "./prompt.js";
import { runCli } from "./run-cli.js";

/**
 * Questions on the terminal, only when a person is there to answer. One
 * readline for the whole session, read as a stream of lines: lines typed or
 * pasted ahead of the next question are kept, not dropped.
 */
function terminalPrompter(): (Prompter & { close(): void }) | undefined {
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) return undefined;
  let rl: Interface | undefined;
  let lines: AsyncIterator<string> | undefined;
  const nextLine = async (prompt: string): Promise<string> => {
    if (rl === undefined) {
      rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      lines = rl[Symbol.asyncIterator]();
    }
    rl.setPrompt(prompt);
    rl.prompt();
    const next = await lines?.next();
    if (next === undefined || next.done === true) throw new Error("input ended before every field was given");
    return next.value;
  };
  return {
    async ask(question, options = {}) {
      if (options.multiline !== true) return nextLine(question);
      process.stderr.write(question);
      const collected: string[] = [];
      for (;;) {
        const line = await nextLine("> ");
        if (line === "") break;
        collected.push(line);
      }
      return collected.join("\n");
    },
    close() {
      rl?.close();
    },
  };
}

/**
 * A `.env` in the working directory, as with `docker compose`: variables
 * already set win. A broken file is reported, and the command goes on
 * without it.
 */
function loadDotEnv(path = ".env"): void {
  if (!existsSync(path)) return;
  try {
    process.loadEnvFile(path);
  } catch (error) {
    process.stderr.write(`research-log: could not read ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

loadDotEnv();
const prompter = terminalPrompter();
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  io: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    prompter,
  },
  serve,
});
prompter?.close();
process.exitCode = code;
