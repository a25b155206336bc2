// CAPTCHA labour in Chromium: messages each solve costs (by kind, counted in the service worker), time from
// the page's success to the solve being recorded, and what a page without a widget costs.
// Usage: node bench/browser/captcha.mjs [runs]   (after scripts/build.sh; DIGITUS_OUT as for the tests)
import { launchChromium } from "../../tests/e2e/lib/chromium.mjs";
import { CASES, until } from "../../tests/e2e/lib/captcha-cases.mjs";
import { startServer } from "../../tests/e2e/lib/server.mjs";

const runs = Number(process.argv[2] || 3);
const server = await startServer();
const browser = await launchChromium(server);
const page = await browser.context.newPage();

// A second listener in the worker counts every runtime message by type (it does not answer them).
async function counting() {
  const worker = () => browser.context.serviceWorkers()[0];
  const install = () => worker().evaluate(() => {
    if (globalThis.__bench) {
      for (const k of Object.keys(globalThis.__bench)) delete globalThis.__bench[k];
      return;
    }
    globalThis.__bench = {};
    chrome.runtime.onMessage.addListener((m) => {
      const k = m?.type === "captcha" ? `captcha:${m.observation?.seen?.what}` : m?.type;
      globalThis.__bench[k] = (globalThis.__bench[k] || 0) + 1;
    });
  });
  return {
    // null when the worker was restarted during the run (its counter went with it)
    read: () => worker().evaluate(() => (globalThis.__bench ? { ...globalThis.__bench } : null)),
    reset: install,
  };
}

const scope = (frame) => (frame ? page.frameLocator(frame) : page);
async function step(s) {
  if (s.pause) return new Promise((r) => setTimeout(r, s.pause));
  if (s.click) return scope(s.frame).locator(s.click).nth(s.nth ?? 0).click();
  if (s.type) return scope(s.frame).locator(s.type).fill(s.text);
  if (s.key) return scope(s.frame).locator(s.on).press(s.key);
  await until(() => scope(s.frame).locator(s.waitText).first().textContent().catch(() => ""), (t) => t.includes(s.text));
}

const counter = await counting();
await counter.reset();
const rows = [];
for (const c of CASES) {
  const latencies = [];
  let messages = null;
  let stuck = 0;
  for (let i = 0; i < runs; i++) {
    const before = (await browser.summary()).captcha.solves;
    await page.goto("about:blank");
    await counter.reset();
    await page.goto(c.url);
    for (const s of c.steps) await step(s);
    const f = await until(() => page.evaluate(() => window.fixture), (x) => x?.success);
    if (!f?.success) {
      stuck++; // the fixture page did not reach success (a lost step under load): not a measurement
      continue;
    }
    if (c.expect.solves) {
      // Poll from the page's success until the solve is in the summary (10 ms polls, page clock).
      await until(() => browser.summary(), (s) => s.captcha.solves > before, { every: 10 });
      latencies.push(Date.now() - f.success);
    } else {
      await new Promise((r) => setTimeout(r, 1500));
    }
    await page.goto("about:blank"); // no late message from this case lands in the next one
    await new Promise((r) => setTimeout(r, 300));
    messages = (await counter.read()) ?? messages;
  }
  messages ??= {};
  // The bench's own polling, and the general sensor's reports of the same clicks (not CAPTCHA messages).
  const sense = messages.sense ?? 0;
  for (const k of ["summary", "recent", "sense"]) delete messages[k];
  const total = Object.values(messages).reduce((a, b) => a + b, 0);
  rows.push({ c, messages, total, latencies, sense, stuck });
}

// An ordinary page: no CAPTCHA message at all.
await counter.reset();
await page.goto("https://blog.example.org/pages/like.html");
await new Promise((r) => setTimeout(r, 1500));
const plain = await counter.read();
delete plain.summary;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`runs per case: ${runs}`);
console.log("| case | CAPTCHA messages (one run) | success on the page → solve recorded | general sensor's `sense` for the same clicks |");
console.log("|---|---|---|---|");
for (const { c, messages, total, latencies, sense, stuck } of rows) {
  const kinds = Object.entries(messages).sort().map(([k, n]) => `${k} ${n}`).join(", ");
  const lat = latencies.length ? `median ${median(latencies)} ms (${Math.min(...latencies)}–${Math.max(...latencies)})` : "— (nothing recorded, as expected)";
  console.log(`| ${c.name} | ${total}: ${kinds} | ${lat}${stuck ? ` (${stuck} runs discarded: page stuck)` : ""} | ${sense} |`);
}
console.log(`ordinary page without a widget: ${JSON.stringify(plain)} (CAPTCHA messages: ${Object.keys(plain).filter((k) => k.startsWith("captcha")).length})`);
await browser.close();
await server.close();
