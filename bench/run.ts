/**
 * `npm run bench`: every benchmark, one after another in one process, so the
 * figures printed side by side were measured on the same machine state.
 * `npm run bench -- parse github` runs only those.
 */
import { benchContention } from "./contention.js";
import { benchGitHub } from "./github.js";
import { benchMemory } from "./memory.js";
import { benchOutbox } from "./outbox.js";
import { benchParse, benchParseVersusMarkdown } from "./parse.js";
import { benchPictures } from "./pictures.js";
import { benchSlack } from "./slack.js";

const benches: Record<string, () => Promise<void>> = {
  parse: async () => {
    await benchParse();
    await benchParseVersusMarkdown();
  },
  github: benchGitHub,
  pictures: benchPictures,
  contention: () => benchContention(),
  slack: benchSlack,
  memory: benchMemory,
  outbox: benchOutbox,
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in benches)) {
    process.stderr.write(`unknown bench "${name}"; known: ${Object.keys(benches).join(", ")}\n`);
    process.exit(2);
  }
}
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n## ${name}\n\n`);
  await run();
}
