import { existsSync, readFileSync } from "node:fs";

/**
 * A file of this repository by its path from the repository's root
 * (`test/vendor/github/rest.trimmed.json`, `manifest.yml`), read from
 * test/support as vitest runs it, or from dist/test/support as the compiled
 * benchmarks run it.
 */
export function readRepoFile(path: string): string {
  for (const up of ["../../", "../../../"]) {
    const url = new URL(`${up}${path}`, import.meta.url);
    if (existsSync(url)) return readFileSync(url, "utf8");
  }
  throw new Error(`${path} not found above ${new URL(".", import.meta.url).pathname}`);
}
