// Long-lived KaTeX renderer for the MkDocs build.
// Reads one JSON request per line on stdin: {"tex": "...", "display": true|false}
// and writes one JSON answer per line on stdout: {"html": "..."} or {"error": "..."}.
// throwOnError is on, so a formula KaTeX cannot typeset becomes an error the build reports.
"use strict";
const katex = require("katex");
const readline = require("readline");

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  let answer;
  try {
    const req = JSON.parse(line);
    const html = katex.renderToString(req.tex, {
      displayMode: Boolean(req.display),
      output: "htmlAndMathml",
      throwOnError: true,
      strict: "error",
      trust: false,
    });
    answer = { html };
  } catch (err) {
    answer = { error: String(err && err.message ? err.message : err) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
