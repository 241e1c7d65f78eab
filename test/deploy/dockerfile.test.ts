/**
 * No Docker engine runs here, so this runs what the Dockerfile runs: each
 * stage's COPY, RUN and the final CMD and HEALTHCHECK, read from the
 * Dockerfile itself, in temp directories standing in for the image's /app.
 * It proves that the production install (devDependencies pruned) starts the
 * bot and answers the health check.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeGitHub } from "../support/fake-github.js";
import { startFakeSlack } from "../support/fake-slack.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");

interface Instruction {
  op: string;
  args: string;
}

interface Stage {
  name: string | undefined;
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages and instructions (continuations joined, comments dropped). */
function readDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of logical) {
    const [op = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (op.toUpperCase() === "FROM") {
      const [image = "", , name] = args.split(/\s+/);
      stages.push({ from: image, name, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

const dockerfile = readDockerfile(readFileSync(join(root, "Dockerfile"), "utf8"));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Carries out one stage's COPY and RUN in `dir` (its WORKDIR), with `stages` for COPY --from. */
async function buildStage(stage: Stage, dir: string, built: Map<string, string>): Promise<void> {
  for (const { op, args } of stage.instructions) {
    if (op === "COPY") {
      // Docker's rules: a directory's contents are copied; several sources or a trailing `/` make dest a directory.
      const from = /^--from=(\S+)\s+/.exec(args);
      // --chown needs a `node` user, which a CI host may lack: ownership is the image's business.
      const parts = args.replace(/^--from=\S+\s+/, "").replace(/^--chown=\S+\s+/, "").split(/\s+/);
      const destRaw = parts.pop() ?? ".";
      const dest = join(dir, destRaw);
      const destIsDir = parts.length > 1 || destRaw.endsWith("/");
      for (const source of parts) {
        const path = from ? join(built.get(from[1] ?? "") ?? "", source.replace(/^\/app\/?/, "")) : join(root, source);
        const target = !statSync(path).isDirectory() && destIsDir ? join(dest, basename(path)) : dest;
        mkdirSync(dirname(target), { recursive: true });
        cpSync(path, target, { recursive: true });
      }
    } else if (op === "RUN") {
      await run("sh", ["-c", args], { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir() }, maxBuffer: 64 * 1024 * 1024 });
    }
  }
}

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address !== null ? address.port : 0));
    });
  });

describe("the Dockerfile", () => {
  it("builds on the current Node.js LTS in two stages and runs serve", () => {
    expect(dockerfile.map((s) => s.from)).toEqual(["node:26-slim", "node:26-slim"]);
    const final = dockerfile.at(-1);
    const cmd = final?.instructions.find((i) => i.op === "CMD")?.args;
    expect(JSON.parse(cmd ?? "[]")).toEqual(["node", "dist/src/cli/main.js", "serve"]);
    // The outbox journal lives in a volume, owned by the user the bot runs as.
    const state = final?.instructions.filter((i) => ["ENV", "VOLUME", "COPY", "USER"].includes(i.op)).map((i) => `${i.op} ${i.args}`);
    expect(state).toEqual(expect.arrayContaining(["ENV STATE_DIR=/var/lib/research-log", 'VOLUME ["/var/lib/research-log"]', "USER node"]));
    expect(state).toContainEqual(expect.stringMatching(/^COPY --from=build --chown=node:node \S+ \/var\/lib\/research-log$/));
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe("node dist/src/cli/main.js serve");
  });

  it("installs, builds, prunes dev dependencies, starts the bot and passes its own health check", { timeout: 240_000 }, async () => {
    const built = new Map<string, string>();
    let appDir = "";
    for (const stage of dockerfile) {
      const dir = mkdtempSync(join(tmpdir(), "research-log-image-"));
      dirs.push(dir);
      await buildStage(stage, dir, built);
      if (stage.name !== undefined) built.set(stage.name, dir);
      appDir = dir;
    }
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    for (const dev of ["vitest", "typescript", "eslint"]) {
      expect(Object.keys(pkg.devDependencies)).toContain(dev);
      expect(() => readFileSync(join(appDir, "node_modules", dev, "package.json"))).toThrow();
    }

    const slack = await startFakeSlack();
    const github = await startFakeGitHub({ token: "image-token" });
    const port = await freePort();
    const final = dockerfile.at(-1);
    const [command = "", ...args] = JSON.parse(final?.instructions.find((i) => i.op === "CMD")?.args ?? "[]") as string[];
    const env = {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      PORT: String(port),
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: "image-secret",
      SLACK_API_URL: slack.url,
      GITHUB_REPO: `${github.owner}/${github.repo}`,
      GITHUB_TOKEN: "image-token",
      GITHUB_API_URL: github.url,
      STATE_DIR: join(appDir, "var/lib/research-log"),
    };
    const child = spawn(command, args, { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes("Slack bot running")) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the bot did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const healthcheck = final?.instructions.find((i) => i.op === "HEALTHCHECK")?.args ?? "";
      const probe = JSON.parse(healthcheck.slice(healthcheck.indexOf("CMD") + 3).trim()) as string[];
      const [probeCommand = "", ...probeArgs] = probe;
      const result = await run(probeCommand, probeArgs, { cwd: appDir, env }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? 1,
      );
      expect(result).toBe(0);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await slack.close();
      await github.close();
    }
  });
});
