// Prints the held-out figures as Markdown rows for bench/README.md, from result files written by
// heldout.{chromium,firefox}.test.mjs (and optionally the fixture suite's detection-*.json beside them).
//
//   node tests/e2e/heldout-table.mjs tests/e2e/.results/heldout-chromium.json [more.json …]
//   node tests/e2e/heldout-table.mjs --rows a.json b.json …   (one row per file: precision / recall per kind)
import fs from "node:fs";

const KINDS = ["like", "rating", "tag", "report", "feedback", "review"];
const pct = (x) => (x === null || x === undefined ? "–" : `${Math.round(x * 100)}%`);

const args = process.argv.slice(2);
if (args[0] === "--rows") {
  console.log(`| run | browser | ${KINDS.join(" | ")} | acts found | pages with nothing that counted |\n|---|---|${KINDS.map(() => "---").join("|")}|---|---|`);
  for (const file of args.slice(1)) {
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    const cell = (k) => `${pct(r.scores[k].precision)} / ${pct(r.scores[k].recall)}`;
    const s = r.summary;
    console.log(`| ${r.label ?? file} | ${r.browser} | ${KINDS.map(cell).join(" | ")} | ${s ? `${s.found} of ${s.acts}` : "–"} | ${s ? `${s.pages_with_nothing_that_counted} of ${s.pages_with_nothing}` : "–"} |`);
  }
  process.exit(0);
}

for (const file of args) {
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  const head = r.summary
    ? `${r.browser} at ${r.head}${r.label ? ` (${r.label})` : ""}: ${r.summary.exact}/${r.summary.cases} cases exact, ${r.summary.found} of ${r.summary.acts} acts found, ${r.summary.pages_with_nothing_that_counted} of ${r.summary.pages_with_nothing} pages with nothing to count counted something`
    : `${r.browser} fixture suite (${file})`;
  console.log(`\n${head}\n`);
  console.log(`| kind | ${KINDS.join(" | ")} |\n|---|${KINDS.map(() => "---").join("|")}|`);
  console.log(`| precision | ${KINDS.map((k) => `${pct(r.scores[k].precision)} (${r.scores[k].tp}/${r.scores[k].tp + r.scores[k].fp})`).join(" | ")} |`);
  console.log(`| recall | ${KINDS.map((k) => `${pct(r.scores[k].recall)} (${r.scores[k].tp}/${r.scores[k].tp + r.scores[k].fn})`).join(" | ")} |`);
}
