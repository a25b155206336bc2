// Detection costs in Chromium, measured from outside the page:
//  1. main-thread time the content script adds per trusted click: CDP Performance.getMetrics ScriptDuration
//     and TaskDuration (all JavaScript on the renderer's main thread, isolated worlds included), summed over
//     N trusted mouse clicks (CDP Input events at the buttons' places) on like buttons of the heavy page,
//     with the extension minus without it, divided by N;
//  2. load time of the heavy page (60,000 elements built during load) with and without the extension:
//     PerformanceNavigationTiming loadEventEnd, median of R loads each (the two browsers take turns), and the ratio;
//     and the renderer main thread's CPU time per load (CDP ThreadTime, until 500 ms after load), median and ratio;
//  3. click → recorded latency: a trusted click on a like button (tests/fixtures/pages/like.html, flips 150 ms
//     later), then an extension page polls the summary every 10 ms until the like is counted; once with the
//     tab left open, once with the tab closed 150 ms after the click (a like that is lost is reported as such).
// Usage: node bench/browser/detection.mjs [clicks=40] [loads=10] [latency runs=20]
//        (after scripts/build.sh; DIGITUS_OUT honoured). DIGITUS_BASELINE=<another build's dist/chromium>
//        adds that build as a third browser in the same run (before/after a change, side by side).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_DIST } from "../../tests/e2e/lib/chromium.mjs";
import { startServer } from "../../tests/e2e/lib/server.mjs";

const clicks = Number(process.argv[2] || 40);
const loads = Number(process.argv[3] || 10);
const latencyRuns = Number(process.argv[4] || 20);
const LOST_AFTER_MS = 12_000; // not counted by then (past the 10 s settle backstop): lost
const server = await startServer();
const HEAVY = "https://feed.example.org/pages/heavy.html";

async function launch(extension) {
  const withExtension = Boolean(extension);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "digitus-bench-"));
  const args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--ignore-certificate-errors", `--host-resolver-rules=MAP * 127.0.0.1:${server.httpsPort}, EXCLUDE localhost`];
  if (withExtension) args.push(`--disable-extensions-except=${extension}`, `--load-extension=${extension}`);
  const context = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, ignoreHTTPSErrors: true, args });
  if (withExtension && !context.serviceWorkers().length) await context.waitForEvent("serviceworker", { timeout: 30_000 });
  return { context, close: async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); } };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Load times, interleaved: every browser stays open and they take turns (order rotating), so that the
 * load other work puts on the shared cores falls on all alike. */
async function loadTimes(browsers) {
  const pages = [];
  for (const b of browsers) pages.push(await b.context.newPage());
  for (const page of pages) await page.goto(HEAVY, { timeout: 180_000 }); // warm the HTTP and compile caches once
  // The renderer's main-thread CPU time (CDP ThreadTime) per load as well: unlike the load's wall-clock
  // time, it does not grow when other processes take the shared cores away, so a 1% difference can show.
  const sessions = [];
  for (const [k, page] of pages.entries()) {
    sessions.push(await browsers[k].context.newCDPSession(page));
    await sessions[k].send("Performance.enable");
  }
  const threadTime = async (k) => (await sessions[k].send("Performance.getMetrics")).metrics.find((m) => m.name === "ThreadTime").value * 1000;
  const times = pages.map(() => []);
  const cpu = pages.map(() => []);
  for (let i = 0; i < loads; i++) {
    const order = pages.map((_, k) => (k + i) % pages.length);
    for (const k of order) {
      // In front: a tab behind another (the welcome tab the extension opens on install) renders at about one
      // frame a second. (Single loads still vary twofold or more, with or without the extension.)
      await pages[k].bringToFront();
      // Counted from the navigation's commit: a navigation may move to a new renderer process, whose counter
      // starts again, and before the commit the page does no work of its own.
      await pages[k].goto(`${HEAVY}?run=${i}`, { waitUntil: "commit", timeout: 180_000 });
      const before = await threadTime(k);
      await pages[k].waitForLoadState("load", { timeout: 180_000 });
      // The content scripts start at document_idle, which may come after load: both sides wait alike.
      await pages[k].waitForTimeout(500);
      const used = (await threadTime(k)) - before;
      if (used > 0) cpu[k].push(used);
      times[k].push(await pages[k].evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd));
    }
  }
  return { times, cpu };
}

/** Main-thread time per trusted click, from CDP's cumulative ScriptDuration, TaskDuration and ThreadTime.
 * The clicks are mouse events at the places of the like buttons in view (read once), taking turns, so no
 * per-click script of the driver's (page.click's actionability checks) and no scrolling runs in the page:
 * what the extension adds stands out from a small baseline. Each button is clicked an odd number of
 * times, and the buttons found pressed at the end check that every click landed. */
async function clickCost({ context }) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 1400 }); // seven posts in view
  await page.goto(HEAVY, { timeout: 180_000 });
  await page.bringToFront();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const metric = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const places = await page.evaluate(() => [...document.querySelectorAll("button.like")].slice(0, 40).map((b) => {
    const r = b.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2, inView: r.top >= 0 && r.bottom <= innerHeight };
  }).filter((p) => p.inView));
  const warm = places.shift(); // the first click compiles the listeners: not counted
  if (places.length < 5) throw new Error(`only ${places.length} like buttons in view`);
  const rounds = Math.ceil(clicks / places.length) | 1; // odd: every button ends pressed
  await page.mouse.click(warm.x, warm.y);
  await page.waitForTimeout(1500);
  const before = await metric();
  for (let round = 0; round < rounds; round++) {
    for (const p of places) {
      await page.mouse.click(p.x, p.y);
      await page.waitForTimeout(250);
    }
  }
  const done = rounds * places.length;
  await page.waitForTimeout(1500); // let the last settle waits and messages finish
  const after = await metric();
  const pressed = await page.evaluate(() => document.querySelectorAll("button.like[aria-pressed='true']").length);
  if (pressed !== places.length + 1) throw new Error(`${pressed} like buttons pressed, not ${places.length + 1}: a click missed`);
  await page.close();
  return {
    clicks: done,
    scriptMsPerClick: ((after.ScriptDuration - before.ScriptDuration) * 1000) / done,
    taskMsPerClick: ((after.TaskDuration - before.TaskDuration) * 1000) / done,
    // CPU time of the renderer's main thread: unlike the two durations above (wall clock while a task
    // runs), it does not grow when other processes take the shared cores away mid-task.
    cpuMsPerClick: ((after.ThreadTime - before.ThreadTime) * 1000) / done,
  };
}

/** 95% interval of median(a) / median(b), from 2,000 bootstrap resamples of both (a fixed seed: the same
 * loads give the same interval). */
function ratioInterval(a, b) {
  let state = 0x2545f491;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const resample = (xs) => xs.map(() => xs[Math.floor(random() * xs.length)]);
  const ratios = Array.from({ length: 2000 }, () => median(resample(a)) / median(resample(b))).sort((x, y) => x - y);
  return [ratios[50], ratios[1949]];
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** Click → recorded, in ms, for `latencyRuns` likes on pages of their own; `closeAfterMs`: close the tab then. */
async function latencies({ context }, closeAfterMs) {
  const origin = `chrome-extension://${new URL(context.serviceWorkers()[0].url()).host}`;
  const ext = await context.newPage();
  await ext.goto(`${origin}/popup.html`);
  const likes = () => ext.evaluate(async () => (await chrome.runtime.sendMessage({ type: "summary" })).kinds.like ?? 0);
  const times = [];
  let lost = 0;
  for (let i = 0; i < latencyRuns; i++) {
    const page = await context.newPage();
    await page.goto(`https://latency${i}.example.org/pages/like.html?close=${closeAfterMs ?? "no"}`);
    const before = await likes();
    const t = Date.now();
    await page.click("#like");
    if (closeAfterMs !== null) {
      await new Promise((r) => setTimeout(r, closeAfterMs));
      await page.close();
    }
    let counted = false;
    while (Date.now() - t < LOST_AFTER_MS) {
      if ((await likes()) > before) {
        counted = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    if (counted) times.push(Date.now() - t);
    else lost++;
    if (!page.isClosed()) await page.close();
  }
  await ext.close();
  return { times, lost };
}

const variants = [
  { name: "without the extension", extension: null },
  { name: "with the extension", extension: CHROMIUM_DIST },
  ...(process.env.DIGITUS_BASELINE ? [{ name: `baseline (${process.env.DIGITUS_BASELINE})`, extension: process.env.DIGITUS_BASELINE }] : []),
];
const browsers = [];
for (const v of variants) browsers.push(await launch(v.extension));
const { times: loadRuns, cpu: loadCpu } = await loadTimes(browsers);
const f = (x) => x.toFixed(2);
const latencyLine = ({ times, lost }) => times.length
  ? `median ${quantile(times, 0.5)} ms, p95 ${quantile(times, 0.95)} ms (min ${Math.min(...times)}, max ${Math.max(...times)}), ${lost} of ${latencyRuns} lost`
  : `all ${latencyRuns} lost (none counted within ${LOST_AFTER_MS / 1000} s)`;
console.log(`heavy page (${HEAVY}), ${loads} loads each, about ${clicks} trusted like clicks each, ${latencyRuns} latency runs each`);
let without;
for (let k = 0; k < variants.length; k++) {
  const r = { ...variants[k], loadMs: median(loadRuns[k]), loadTimes: loadRuns[k], loadCpuMs: median(loadCpu[k]), loadCpu: loadCpu[k], ...(await clickCost(browsers[k])) };
  without ??= r;
  console.log(`\n${r.name}`);
  console.log(`  load (loadEventEnd, median): ${f(r.loadMs)} ms, ratio to without ${(r.loadMs / without.loadMs).toFixed(3)}   [${r.loadTimes.map((t) => t.toFixed(0)).join(" ")}]`);
  const [low, high] = ratioInterval(r.loadCpu, without.loadCpu);
  const interval = r === without ? "" : ` (95% interval ${low.toFixed(3)}–${high.toFixed(3)})`;
  console.log(`  load, main-thread CPU until 500 ms after load (median of ${r.loadCpu.length}): ${f(r.loadCpuMs)} ms, ratio to without ${(r.loadCpuMs / without.loadCpuMs).toFixed(3)}${interval}   [${r.loadCpu.map((t) => t.toFixed(0)).join(" ")}]`);
  console.log(`  main-thread script time per click (${r.clicks} clicks): ${f(r.scriptMsPerClick)} ms → sensor ≈ ${f(r.scriptMsPerClick - without.scriptMsPerClick)} ms`);
  console.log(`  main-thread task time per click:   ${f(r.taskMsPerClick)} ms → sensor ≈ ${f(r.taskMsPerClick - without.taskMsPerClick)} ms`);
  console.log(`  main-thread CPU time per click:    ${f(r.cpuMsPerClick)} ms → sensor ≈ ${f(r.cpuMsPerClick - without.cpuMsPerClick)} ms`);
  if (variants[k].extension) {
    console.log(`  click → recorded, tab left open:           ${latencyLine(await latencies(browsers[k], null))}`);
    console.log(`  click → recorded, tab closed 150 ms after: ${latencyLine(await latencies(browsers[k], 150))}`);
  }
}
for (const b of browsers) await b.close();
await server.close();
