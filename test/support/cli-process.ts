/**
 * The built CLI (`dist/src/cli/main.js`, run `npm run build` first) as a
 * child process: what a person at a terminal runs, exit code and all.
 */
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const CLI_BIN = join(resolve(import.meta.dirname, "../.."), "dist/src/cli/main.js");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `research-log args…` in `cwd` with only `env` (plus PATH and an empty HOME unless given); never throws for a non-zero exit. */
export async function runCliProcess(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd, env: { PATH: process.env.PATH ?? "", HOME: tmpdir(), ...options.env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "" };
  }
}
