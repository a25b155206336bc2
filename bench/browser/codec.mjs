// Codec benchmark, Chromium: the per-message cost of reading a ~3 KB click message and its sender and
// writing the answer, in the recording module's wasm, through serde-wasm-bindgen (what the modules do) against
// JSON text + serde_json (measured, not shipped: bench/README.md), same values, alternating, in one run.
// Usage: bash scripts/build.sh --bench && node bench/browser/codec.mjs [rounds=2000] [runs=7]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM_DIST, launchChromium } from "../../tests/e2e/lib/chromium.mjs";
import { startServer } from "../../tests/e2e/lib/server.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const ROUNDS = Number(process.argv[2] || 2000);
const RUNS = Number(process.argv[3] || 7);

// The bench page goes into a copy of the built extension, never into the package.
const dist = path.join(path.dirname(CHROMIUM_DIST), "chromium-codec-bench");
fs.rmSync(dist, { recursive: true, force: true });
fs.cpSync(CHROMIUM_DIST, dist, { recursive: true });
const benchPkg = path.join(process.env.DIGITUS_OUT || ROOT, "build/pkg-bench");
if (!fs.existsSync(benchPkg)) throw new Error("build the bench module first: bash scripts/build.sh --bench");
fs.rmSync(path.join(dist, "pkg"), { recursive: true });
fs.cpSync(benchPkg, path.join(dist, "pkg"), { recursive: true });
fs.copyFileSync(path.join(HERE, "codec-page.html"), path.join(dist, "codec.html"));
fs.copyFileSync(path.join(HERE, "codec-page.js"), path.join(dist, "codec-page.js"));

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
