// Service-worker cold start in Chromium: how long after the worker was stopped does the first message get
// its answer (a recording message, and a page's read), and how long from a trusted click on a stopped worker until the like is recorded.
// Usage: node bench/browser/coldstart.mjs [runs]   (after scripts/build.sh)
import { launchChromium } from "../../tests/e2e/lib/chromium.mjs";
import { startServer } from "../../tests/e2e/lib/server.mjs";

const runs = Number(process.argv[2] || 10);
const server = await startServer();
const browser = await launchChromium(server);
const ext = await browser.context.newPage();
await ext.goto(`${browser.origin}/popup.html`);
const cdp = await browser.context.newCDPSession(ext);
await cdp.send("ServiceWorker.enable");
const stop = async () => {
  await cdp.send("ServiceWorker.stopAllWorkers");
  await new Promise((r) => setTimeout(r, 300));
};
// `status` is answered by the recording module alone; `summary` (a page's read) also starts the pages module.
const roundTrip = (type = "summary") => ext.evaluate(async (type) => {
  const t = performance.now();
  await chrome.runtime.sendMessage({ type });
  return performance.now() - t;
}, type);

const coldRecording = [];
const cold = [];
const warm = [];
const clickToRecord = [];
const page = await browser.context.newPage();
for (let i = 0; i < runs; i++) {
  await stop();
  coldRecording.push(await roundTrip("status"));
  await stop();
  cold.push(await roundTrip());
  warm.push(await roundTrip());
  await page.goto(`https://bench${i}.example.org/pages/like.html`);
  const before = (await browser.summary()).events;
  await stop();
  const t = Date.now();
  await page.click("#like");
  for (;;) {
    const s = await ext.evaluate(() => chrome.runtime.sendMessage({ type: "summary" }));
    if (s.events > before) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  clickToRecord.push(Date.now() - t);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
console.log(`runs: ${runs}`);
console.log(`first recording-module message (status) after worker stop (cold start + wasm init + IndexedDB open): ${fmt(coldRecording)}`);
console.log(`first page read (summary) after worker stop (the same, plus the pages module where there is one): ${fmt(cold)}`);
console.log(`next message (warm): ${fmt(warm)}`);
console.log(`trusted click on a stopped worker → like recorded (includes the sensor's settle wait ≤ 1.2 s): ${fmt(clickToRecord)}`);
await browser.close();
await server.close();
