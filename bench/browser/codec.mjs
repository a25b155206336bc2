// Codec benchmark, Chromium: the per-message cost of reading a ~3 KB click message and its sender and
// writing the answer, in the recording module's wasm, through serde-wasm-bindgen (what the modules do) against
// JSON text + serde_json (measured, not shipped: bench/README.md), same values, alternating, in one run.
// Usage: bash scripts/build.sh --bench && node bench/browser/codec.mjs [rounds=2000] [runs=7]
import { launchChromium } from "../../tests/e2e/lib/chromium.mjs";
import { benchExtension } from "./bench-extension.mjs";
import { startServer } from "../../tests/e2e/lib/server.mjs";

const ROUNDS = Number(process.argv[2] || 2000);
const RUNS = Number(process.argv[3] || 7);

const dist = benchExtension("codec-bench", [["codec-page.html", "codec.html"], ["codec-page.js", "codec-page.js"]]);

const server = await startServer();
const browser = await launchChromium(server, { extension: dist });
try {
  const page = await browser.context.newPage();
  await page.goto(`${browser.origin}/codec.html`);
  await page.waitForFunction(() => document.getElementById("state").textContent === "ready");
  const bytes = await page.evaluate(() => window.bench.bytes);
  const times = { json: [], swb: [] };
  await page.evaluate(([r]) => (window.bench.time("json", r), window.bench.time("swb", r)), [200]); // warm-up
  for (let run = 0; run < RUNS; run++) {
    for (const codec of run % 2 ? ["swb", "json"] : ["json", "swb"]) {
      times[codec].push(await page.evaluate(([c, r]) => window.bench.time(c, r), [codec, ROUNDS]));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(`message ${bytes} B of JSON, ${ROUNDS} messages per run, median of ${RUNS} runs (read message + sender, write answer):`);
  console.log(`| codec | per message |\n|---|---|`);
  console.log(`| JSON text + serde_json (not shipped) | ${us(median(times.json))} |`);
  console.log(`| serde-wasm-bindgen (shipped) | ${us(median(times.swb))} |`);
  console.log(`ratio json / swb: ${(median(times.json) / median(times.swb)).toFixed(2)}`);
} finally {
  await browser.close();
  await server.close?.();
}
