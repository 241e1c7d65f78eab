/**
 * The built CLI in a process of its own, as a deployment runs it: spawn it
 * with an environment, read what it prints, wait for a line, kill it after
 * the test.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "../..");
export const bin = join(root, "dist/src/cli/main.js");

export interface Served {
  child: ChildProcessWithoutNullStreams;
  /** Standard output and standard error, as printed so far. */
  output: () => string;
  exit: Promise<number | null>;
}

/** What a test registers to undo after it (processes, fakes, directories), newest first. */
export type Cleanups = (() => Promise<void> | void)[];

/** A state directory of its own (the outbox), removed after the test. */
export function newStateDir(cleanups: Cleanups): string {
  const dir = mkdtempSync(join(tmpdir(), "research-log-state-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `research-log serve` (or `args`) with only `env` (and PATH), killed after the test if still running. */
export function spawnServe(env: Record<string, string>, cleanups: Cleanups, args: readonly string[] = ["serve"], cwd?: string): Served {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? "", STATE_DIR: env.STATE_DIR ?? newStateDir(cleanups), ...env },
    stdio: ["pipe", "pipe", "pipe"],
    ...(cwd === undefined ? {} : { cwd }),
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill("SIGKILL");
      await exit;
    }
  });
  return { child, output: () => output, exit };
}

/** Waits until the output matches `pattern`; fails with the output when it does not in time or the process ends. */
export async function waitForOutput(served: Served, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = served.output().match(pattern);
    if (match !== null) return match;
    if (Date.now() > deadline || served.child.exitCode !== null) {
      throw new Error(`no ${pattern} in serve's output:\n${served.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
