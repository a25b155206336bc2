// End to end, Chromium: CAPTCHA labour. Each case in lib/captcha-cases.mjs is solved with trusted clicks
// (Playwright) in fixture frames served under the providers' real hosts, inside host pages on other
// sites; the summary API and the recorded event must show the solves, labels by object, rounds, provider,
// the host page's site, and a duration matching the page's own clock.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium } from "./lib/chromium.mjs";
import { CASES, runCase, until } from "./lib/captcha-cases.mjs";
import { startServer } from "./lib/server.mjs";

let server;
let browser;
let page;

before(async () => {
  server = await startServer();
  browser = await launchChromium(server);
  page = await browser.context.newPage();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const scope = (frame) => (frame ? page.frameLocator(frame) : page);

async function step(s) {
  if (s.pause) return new Promise((r) => setTimeout(r, s.pause));
  const where = scope(s.frame);
  if (s.click) return where.locator(s.click).nth(s.nth ?? 0).click();
  if (s.waitText) {
    const text = await until(
      () => where.locator(s.waitText).first().textContent({ timeout: 10_000 }).catch(() => ""),
      (t) => t.includes(s.text),
    );
    const state = await page.evaluate(() => JSON.stringify(window.fixture));
    assert.ok(text.includes(s.text), `waited for "${s.text}" in ${s.waitText}, saw "${text}"; page: ${state}`);
    return;
  }
  throw new Error(`unknown step ${JSON.stringify(s)}`);
}

const driver = {
  open: (url) => page.goto(url),
  step,
  fixture: () => page.evaluate(() => window.fixture ?? null),
  ask: (m) => browser.ask(m),
};

for (const c of CASES) {
  test(`Chromium: ${c.name}`, async () => {
    await runCase(c, driver);
  });
}

test("Chromium: a solve survives the service worker being stopped mid-challenge", async () => {
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("ServiceWorker.enable");
  const stopWorker = async () => {
    const [worker] = browser.context.serviceWorkers();
    assert.ok(worker, "the service worker runs");
    const closed = new Promise((r) => worker.once("close", () => r(true)));
    await cdp.send("ServiceWorker.stopAllWorkers");
    assert.equal(await Promise.race([closed, new Promise((r) => setTimeout(() => r(false), 5_000))]), true, "the worker stopped");
  };
  // The 3×3 case with the worker stopped twice: after the first labels and again before verify.
  const base = CASES.find((c) => c.url.endsWith("case=image33"));
  const verify = base.steps.length - 1;
  const steps = [...base.steps.slice(0, 4), { stop: true }, ...base.steps.slice(4, verify), { stop: true }, base.steps[verify]];
  await runCase({ ...base, name: `${base.name}, worker stopped twice`, steps }, {
    ...driver,
    step: (s) => (s.stop ? stopWorker() : step(s)),
  });
  await cdp.detach();
});

test("Chromium: the popup shows the CAPTCHA line", async () => {
  const popup = await browser.context.newPage();
  await popup.goto(`${browser.origin}/popup.html`);
  const summary = await browser.summary();
  assert.ok(summary.captcha.solves >= 1);
  await popup.waitForFunction(() => document.querySelector("#captcha")?.hidden === false);
  assert.equal(await popup.textContent("#captcha .solves"), String(summary.captcha.solves));
  assert.equal(await popup.textContent("#captcha .labels"), String(summary.captcha.labels));
  const top = Object.entries(summary.captcha.by_object).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  assert.match(await popup.textContent("#captcha .objects"), new RegExp(top));
  await popup.close();
});
