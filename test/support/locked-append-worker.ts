/**
 * A separate process appending lines through the local git store, for the
 * cross-process lock test. It does not retry on conflict: only the lock keeps
 * it from colliding with its siblings.
 *
 * Usage: node locked-append-worker.js <repoDir> <workerId> <count> <startAtMs>
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createLocalGitStore } from "../../src/store/local-git.js";

const [repoDir = ".", workerId = "0", countText = "1", startAtText = "0"] = process.argv.slice(2);
const store = createLocalGitStore({ repoDir });

await sleep(Math.max(0, Number(startAtText) - Date.now()));
for (let line = 1; line <= Number(countText); line++) {
  await store.withLock(async () => {
    const { text, version } = await store.read();
    await store.write(`${text ?? ""}worker ${workerId} line ${line}\n`, version, {
      message: `docs: worker ${workerId} line ${line}`,
    });
  });
}
