// Two builds of Digitus side by side in one page of one Chromium: the module of this build and the one of
// `DIGITUS_BASELINE` (another build's output directory, built with `scripts/build.sh --bench`). Export of
// the same database by both (the files must be equal but for the export time), then ingest into fresh
// databases, taking turns. Prints one line per run.
// Usage: DIGITUS_BASELINE=/tmp/out-before node bench/browser/storage-ab.mjs [export_events=50000] [ingest_events=20000] [runs=3]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM_DIST, launchChromium } from "../../tests/e2e/lib/chromium.mjs";
import { startServer } from "../../tests/e2e/lib/server.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const baseline = process.env.DIGITUS_BASELINE;
if (!baseline) throw new Error("set DIGITUS_BASELINE to the output directory of the build to compare with");
const dist = path.join(path.dirname(CHROMIUM_DIST), "chromium-ab");
fs.rmSync(dist, { recursive: true, force: true });
fs.cpSync(CHROMIUM_DIST, dist, { recursive: true });
fs.rmSync(path.join(dist, "pkg"), { recursive: true });
fs.cpSync(path.join(process.env.DIGITUS_OUT || ROOT, "build/pkg-bench"), path.join(dist, "pkg"), { recursive: true });
fs.cpSync(path.join(baseline, "build/pkg-bench"), path.join(dist, "pkg-old"), { recursive: true });
fs.writeFileSync(path.join(dist, "bench.html"), fs.readFileSync(path.join(HERE, "storage-page.html"), "utf8").replace("storage-page.js", "storage-ab-page.js"));
fs.copyFileSync(path.join(HERE, "storage-ab-page.js"), path.join(dist, "storage-ab-page.js"));

const server = await startServer();
const browser = await launchChromium(server, { extension: dist });
const page = await browser.context.newPage();
page.setDefaultTimeout(0);
page.on("pageerror", (e) => console.error("pageerror:", e));
await page.goto(`${browser.origin}/bench.html`);
await page.waitForFunction(() => document.getElementById("state").textContent === "ready");
const [EXPORT_N, INGEST_N, RUNS] = [Number(process.argv[2] ?? 50000), Number(process.argv[3] ?? 20000), Number(process.argv[4] || 3)];
const call = (fn, ...args) => page.evaluate(([fn, args]) => window.ab[fn](...args), [fn, args]);
if (EXPORT_N) {
  await call("fill", "ab-export", EXPORT_N);
  for (let r = 0; r < RUNS; r++) console.log("export", EXPORT_N, JSON.stringify(await call("exportBoth", "ab-export")));
  await call("wipe", "ab-export");
}
for (let r = 0; r < (INGEST_N ? RUNS : 0); r++) {
  for (const which of r % 2 ? ["new", "old"] : ["old", "new"]) {
    const ms = await call("ingest", which, `ab-ingest-${which}-${r}`, INGEST_N);
    console.log("ingest", INGEST_N, which, Math.round(ms));
    await call("wipe", `ab-ingest-${which}-${r}`);
  }
}
await browser.close();
await server.close();
fs.rmSync(dist, { recursive: true, force: true });
