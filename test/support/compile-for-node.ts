import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Transpile some of the project's TypeScript files to ES modules in a temp
 * directory, keeping their relative layout, so a test can run them in child
 * processes without depending on `npm run build`. Returns the directory.
 */
export async function compileForNode(relPaths: readonly string[]): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), "research-log-compiled-"));
  await writeFile(join(outDir, "package.json"), JSON.stringify({ type: "module" }));
  for (const relPath of relPaths) {
    const source = await readFile(join(projectRoot, relPath), "utf8");
    const { outputText } = ts.transpileModule(source, {
      fileName: relPath,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const outPath = join(outDir, relPath.replace(/\.ts$/, ".js"));
    await mkdir(dirname(outPath), { recursive: true });
    await writeFile(outPath, outputText);
  }
  return outDir;
}
