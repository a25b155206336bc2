// Where the content scripts' main-thread time goes, from V8's sampling profiler (CDP Profiler, 50 µs
// samples) in the page's renderer: the heavy page (60,000 elements) is loaded, then N trusted like clicks
// (each flips `aria-pressed` 150 ms later), and the samples whose stack holds a frame of one of the
// extension's scripts are summed: in all, per script, and per function (inclusive; a function is counted
// once per sample; these in CPU time). A load profile is taken the same way (the page's navigation up to its load event).
// Two measures: wall time (each sample's interval, which grows when the shared cores are taken away from
// the page mid-task) and CPU time (samples × the 50 µs interval: V8 samples a thread only while it runs).
// Usage: node bench/browser/sensor-profile.mjs [clicks=40] (after scripts/build.sh; DIGITUS_OUT honoured;
//        DIGITUS_BASELINE=<another build's dist/chromium> profiles that build too, in the same run).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_DIST } from "../../tests/e2e/lib/chromium.mjs";
import { startServer } from "../../tests/e2e/lib/server.mjs";

const clicks = Number(process.argv[2] || 40);
const INTERVAL_US = 50;
const server = await startServer();
const HEAVY = "https://feed.example.org/pages/heavy.html";

async function launch(dist) {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "digitus-profile-"));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    ignoreHTTPSErrors: true,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--ignore-certificate-errors", `--host-resolver-rules=MAP * 127.0.0.1:${server.httpsPort}, EXCLUDE localhost`, `--disable-extensions-except=${dist}`, `--load-extension=${dist}`],
  });
  if (!context.serviceWorkers().length) await context.waitForEvent("serviceworker", { timeout: 30_000 });
  return { context, close: async () => { await context.close(); fs.rmSync(profileDir, { recursive: true, force: true }); } };
}

/** Sums a CDP profile's samples: total ms, ms with an extension frame on the stack, per script, per function. */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = { all: 0, extension: 0, extensionSamples: 0 };
  const perScript = new Map();
  const perFunction = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    total.all += (profile.timeDeltas[i + 1] ?? 0) / 1000; // wall: the time until the next sample
    const ms = INTERVAL_US / 1000; // CPU: one sampling interval of a running thread
    const seen = new Set();
    const scripts = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame;
      if (!f.url.startsWith("chrome-extension://")) continue;
      const script = f.url.replace(/^chrome-extension:\/\/[^/]+\//, "");
      scripts.add(script);
      const key = `${script}:${f.lineNumber + 1} ${f.functionName || "(anonymous)"}`;
      if (!seen.has(key)) perFunction.set(key, (perFunction.get(key) ?? 0) + ms);
      seen.add(key);
    }
    // The leaf: native work (a DOM call, GC) done for a content script shows as a non-extension leaf.
    if (scripts.size) {
      total.extension += (profile.timeDeltas[i + 1] ?? 0) / 1000;
      total.extensionSamples++;
      const leaf = byId.get(profile.samples[i]).callFrame;
      const leafKey = `  leaf ${leaf.functionName || "(anonymous)"} ${leaf.url ? leaf.url.replace(/^chrome-extension:\/\/[^/]+\//, "") : "(native)"}`;
      perFunction.set(leafKey, (perFunction.get(leafKey) ?? 0) + ms);
    }
    for (const s of scripts) perScript.set(s, (perScript.get(s) ?? 0) + ms);
  }
  return { total, perScript, perFunction };
}

function print(title, { total, perScript, perFunction }, per, unit) {
  const cpu = (total.extensionSamples * INTERVAL_US) / 1000 / per;
  console.log(`\n${title}: content-script frame on the stack ${cpu.toFixed(3)} ms CPU, ${(total.extension / per).toFixed(3)} ms wall ${unit} (of ${(total.all / per).toFixed(1)} ms sampled)`);
  for (const [s, ms] of [...perScript].sort((a, b) => b[1] - a[1])) console.log(`  ${s}: ${(ms / per).toFixed(3)} ms`);
  for (const [k, ms] of [...perFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`    ${(ms / per).toFixed(3)}  ${k}`);
}

async function profileBuild(name, dist) {
  console.log(`\n### ${name}: ${dist}`);
  const { context, close } = await launch(dist);
  const page = await context.newPage();
  await page.goto(HEAVY, { timeout: 180_000 }); // warm the caches
  const cdp = await context.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: INTERVAL_US });

  // Load: one profile over 5 navigations.
  const LOADS = 5;
  await cdp.send("Profiler.start");
  for (let i = 0; i < LOADS; i++) await page.goto(`${HEAVY}?profile=${i}`, { waitUntil: "load", timeout: 180_000 });
  print(`heavy page load, ${LOADS} loads`, summarize((await cdp.send("Profiler.stop")).profile), LOADS, "per load");

  await page.click("article[data-id='0'] button.like"); // compiles the listeners: not counted
  await page.waitForTimeout(1500);
  await cdp.send("Profiler.start");
  for (let i = 1; i <= clicks; i++) {
    await page.click(`article[data-id='${i}'] button.like`);
    await page.waitForTimeout(250);
  }
  await page.waitForTimeout(1500);
  print(`${clicks} trusted like clicks`, summarize((await cdp.send("Profiler.stop")).profile), clicks, "per click");

  // Clicks on plain text (no candidate control): should cost nothing.
  await cdp.send("Profiler.start");
  for (let i = 1; i <= clicks; i++) await page.click(`article[data-id='${100 + i}'] .body p`);
  await page.waitForTimeout(500);
  print(`${clicks} trusted clicks on plain text`, summarize((await cdp.send("Profiler.stop")).profile), clicks, "per click");
  await close();
}

await profileBuild("this build", CHROMIUM_DIST);
if (process.env.DIGITUS_BASELINE) await profileBuild("baseline", process.env.DIGITUS_BASELINE);
await server.close();
