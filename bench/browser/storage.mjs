// Storage benchmark, Chromium: Digitus (Rust/wasm on rexie) against Dexie 4 doing the same work on the same
// synthetic events in the same browser run, reported as ratios (Digitus time / Dexie time).
//   1. ingest 100,000 events (batches of 2,000: read which ids are stored and cancelled and what stands on
//      each item, add events, update rollups and items, one transaction per batch);
//   2. the summary over 1,000,000 events: Digitus as the API computes it (from the totals by site × kind)
//      against Dexie reading the same totals, and against Dexie reading the rollups by day (how Digitus did
//      before the totals; Digitus' own rollup path is timed too), and a full scan of the events with Dexie
//      (what a tool without rollups does);
//   3. export of 1,000,000 events as a backup file (pages of 5,000).
// Usage: bash scripts/build.sh --bench && node bench/browser/storage.mjs [events_for_summary=1000000] [runs=3]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../../tests/e2e/lib/chromium.mjs";
import { benchExtension } from "./bench-extension.mjs";
import { startServer } from "../../tests/e2e/lib/server.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const BIG = Number(process.argv[2] || 1_000_000);
const RUNS = Number(process.argv[3] || 3);
// DIGITUS_BENCH_INGEST=0 skips the ingest rows (to measure summary and export alone on a loaded machine).
const INGEST = Number(process.env.DIGITUS_BENCH_INGEST ?? 100_000);
// Summaries from the totals are timed over this many reads in a row (the page's clock steps by 0.1 ms).
const READS = Number(process.env.DIGITUS_BENCH_READS ?? 20);
const BATCH = 2_000;

const dist = benchExtension("bench", [["storage-page.html", "bench.html"], ["storage-page.js", "storage-page.js"]]);
fs.copyFileSync(path.join(ROOT, "node_modules/dexie/dist/dexie.mjs"), path.join(dist, "dexie.mjs"));
const dexieVersion = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/dexie/package.json"), "utf8")).version;

const server = await startServer();
const browser = await launchChromium(server, { extension: dist });
const page = await browser.context.newPage();
page.setDefaultTimeout(0);
await page.goto(`${browser.origin}/bench.html`);
await page.waitForFunction(() => document.getElementById("state").textContent === "ready");
page.on("console", (m) => m.text().startsWith("PARTS") && log(m.text()));
const call = (fn, ...args) => page.evaluate(([fn, args]) => window.bench[fn](...args), [fn, args]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => (ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`);
const rows = [];
const log = (...a) => console.error("[bench]", ...a);

// 1. Ingest 100k, fresh databases each run, alternating who goes first.
const ingest = { wasm: [], dexie: [] };
for (let r = 0; r < (INGEST ? RUNS : 0); r++) {
  const order = r % 2 ? ["dexie", "wasm"] : ["wasm", "dexie"];
  for (const who of order) {
    const name = `ingest-${who}-${r}`;
    const ms = who === "wasm" ? await call("wasmIngest", name, 0, INGEST, BATCH) : await call("dexieIngest", name, 0, INGEST, BATCH);
    ingest[who].push(ms);
    log(`ingest ${INGEST} ${who} run ${r}: ${s(ms)}`);
    await call("wipe", name);
  }
}
if (INGEST) rows.push([`ingest ${INGEST.toLocaleString("en")} events (batches of ${BATCH})`, median(ingest.wasm), median(ingest.dexie)]);
const convert = await call("convert", INGEST || 10_000);
log(`Rust → JS conversion of ${INGEST} events: ${s(convert)}`);

// 2. and 3. need BIG events in each database: filled the fast way (events bulk-added in chunks of 10,000,
// rollups summed in memory), by each library.
log(`filling both databases with ${BIG} events…`);
const fillW = await call("wasmFill", "big-wasm", BIG);
log(`wasm fill: ${s(fillW)}`);
const fillD = await call("dexieFill", "big-dexie", BIG);
log(`dexie fill: ${s(fillD)}`);
rows.push([`bulk load ${BIG.toLocaleString("en")} events (chunks of 10,000, rollups written once; setup for the next rows)`, fillW, fillD]);

const sum = { wasm: [], wasmRollups: [], dexie: [], dexieTotals: [] };
let check;
for (let r = 0; r < RUNS; r++) {
  const w = await call("wasmSummary", "big-wasm", READS);
  const d = await call("dexieSummary", "big-dexie");
  const dt = await call("dexieTotalsSummary", "big-dexie", READS);
  sum.wasm.push(w.ms);
  sum.wasmRollups.push(w.ms_rollups);
  sum.dexie.push(d.ms);
  sum.dexieTotals.push(dt.ms);
  check = { w, d, dt };
}
const scan = await call("dexieScanSummary", "big-dexie");
log("summary check", JSON.stringify(check), JSON.stringify(scan));
if (check.w.events !== BIG || check.d.events !== BIG || check.dt.events !== BIG) throw new Error(`summary counts differ from ${BIG}: ${JSON.stringify(check)}`);
rows.push([`summary over ${BIG.toLocaleString("en")} events, both reading the ${check.w.totals} totals rows (site × kind; per read, ${READS} reads in a row)`, median(sum.wasm), median(sum.dexieTotals)]);
rows.push([`summary over ${BIG.toLocaleString("en")} events: Digitus from totals, Dexie from the ${check.w.rollups.toLocaleString("en")} rollup rows`, median(sum.wasm), median(sum.dexie)]);
rows.push([`summary over ${BIG.toLocaleString("en")} events, both reading the ${check.w.rollups.toLocaleString("en")} rollup rows (Digitus before the totals)`, median(sum.wasmRollups), median(sum.dexie)]);

const exp = { wasm: [], dexie: [] };
let bytes;
for (let r = 0; r < Math.min(RUNS, 2); r++) {
  const w = await call("wasmExport", "big-wasm");
  const d = await call("dexieExport", "big-dexie");
  if (w.events !== BIG || d.events !== BIG) throw new Error("export counts");
  exp.wasm.push(w.ms);
  exp.dexie.push(d.ms);
  bytes = { w: w.bytes, d: d.bytes };
  log(`export run ${r}: wasm ${s(w.ms)} dexie ${s(d.ms)}`);
}
rows.push([`export ${BIG.toLocaleString("en")} events as a backup (${(bytes.w / 1e6).toFixed(0)} MB; Dexie's ${(bytes.d / 1e6).toFixed(0)} MB)`, median(exp.wasm), median(exp.dexie)]);

const chromiumVersion = browser.context.browser()?.version() ?? "";
console.log(`\nChromium ${chromiumVersion}, Dexie ${dexieVersion}, medians of ${RUNS} runs (export: ${Math.min(RUNS, 2)}, bulk load: 1)\n`);
console.log("| work | Digitus (wasm + rexie) | Dexie 4 | ratio Digitus / Dexie |");
console.log("|---|---|---|---|");
for (const [what, w, d] of rows) console.log(`| ${what} | ${s(w)} | ${s(d)} | ${(w / d).toFixed(2)} |`);
console.log(`\nDigitus times include building each event in Rust and converting it to a JS object (serde-wasm-bindgen): ${s(convert)} per ${(INGEST || 10_000).toLocaleString("en")} events here; Dexie gets ready JS objects (generated by the same Rust code, outside its timing).\n`);
console.log(`| summary by scanning every event instead (no rollups, Dexie \`each\`) | — | ${s(scan.ms)} | rollups are ${(scan.ms / median(sum.wasm)).toFixed(0)}× faster |`);
await browser.close();
await server.close();
fs.rmSync(dist, { recursive: true, force: true });
