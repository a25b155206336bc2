// End to end, Chromium: the built extension counts a trusted like, ignores scripted clicks, refuses
// malformed messages, and shows the count in the popup.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually, launchChromium } from "./lib/chromium.mjs";
import { startServer } from "./lib/server.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchChromium(server);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("a trusted click on a Like button records one like, shown by the summary API and the popup", async () => {
  const page = await browser.context.newPage();
  await page.goto("https://blog.example.org/pages/like.html");
  await page.click("#like"); // Playwright clicks are trusted input events
  const summary = await eventually(browser.summary, (s) => s.events >= 1);
  assert.equal(summary.kinds.like, 1);
  assert.equal(summary.events, 1);
  assert.deepEqual(summary.sites, { "example.org": { like: 1 } });
  for (const kind of ["like", "rating", "tag", "report", "feedback", "review", "captcha"]) {
    assert.ok(kind in summary.kinds, `summary lists ${kind}`);
  }

  // Clicking the share button and the counter are not labour.
  await page.click("#share");
  await page.click("#likes-count");
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await browser.summary()).events, 1);

  const popup = await browser.context.newPage();
  await popup.goto(`${browser.origin}/popup.html`);
  await popup.waitForFunction(() => document.querySelector('[data-kind="like"] .count')?.textContent === "1");
  assert.equal(await popup.textContent("#total"), "1");
  assert.match(await popup.textContent("#recent"), /generic\.like@\d+/);
  await popup.close();

  // Unliking takes it back.
  await page.click("#like");
  const undone = await eventually(browser.summary, (s) => s.events === 0);
  assert.equal(undone.kinds.like, 0);
  await page.close();
});

test("scripted clicks and key presses on a page's own like button count nothing", async () => {
  const before = (await browser.summary()).events;
  const page = await browser.context.newPage();
  await page.goto("https://scripted.example.net/pages/scripted.html");
  await page.waitForFunction(() => window.scripted >= 30);
  await new Promise((r) => setTimeout(r, 1500)); // leave time for any (wrong) message to land
  const summary = await browser.summary();
  assert.equal(summary.events, before);
  assert.equal(summary.sites["example.net"], undefined);
  await page.close();
});

test("malformed or unknown messages get an error reply and change nothing", async () => {
  const before = await browser.summary();
  for (const message of [
    { type: "nonsense" },
    { type: "sense" },
    { type: "sense", observation: { id: "x", action: "click", time: 1, url: "https://a.com", path: [] } },
    "just a string",
    null,
  ]) {
    const answer = await browser.ask(message);
    assert.ok(answer && typeof answer.error === "string", `error for ${JSON.stringify(message)}: ${JSON.stringify(answer)}`);
  }
  // An extension page may not pretend to be a content script.
  const forged = await browser.ask({
    type: "sense",
    observation: { id: "forged-1", action: "click", time: Date.now(), url: "https://x.com/", path: [{ tag: "button", attrs: { "aria-label": "Like" } }] },
  });
  assert.match(forged.error, /only content scripts/);
  assert.deepEqual(await browser.summary(), before);
});
