// End to end: the classroom demo in a browser WITHOUT the extension (students who cannot install
// anything): the page runs the same sensor and Rust core, and counts trusted work done on it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { startDemoServer } from "../../www/serve.mjs";

let server;
let browser;
let base;

before(async () => {
  server = await startDemoServer(0);
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  server?.closeAllConnections?.();
  await new Promise((r) => server.close(r));
});

const count = (page, kind) => page.textContent(`#kinds [data-kind="${kind}"] .count`);

test("the classroom demo counts likes, ratings, tags, feedback, reports and reviews, in English and French", async () => {
  const page = await browser.newPage({ locale: "en-GB" });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => document.querySelectorAll("#kinds .kind").length === 7);

  await page.click(".post[data-post='1'] .like");
  await page.waitForFunction(() => document.querySelector('#kinds [data-kind="like"] .count').textContent === "1");
  await page.click(".post[data-post='1'] .share");
  await page.click(".post[data-post='1'] .count");
  await page.click("[aria-label='Not interested']");
  await page.click("[aria-label='Report post']");
  await page.click("[aria-label='Rate 4 out of 5']");
  await page.waitForFunction(() => document.querySelector('#kinds [data-kind="rating"] .count').textContent === "1");
  await page.click("[aria-label='Rate 5 out of 5']"); // a changed rating replaces the first
  await page.fill("#tag-input", "robots");
  await page.press("#tag-input", "Enter");
  await page.fill("#comment", "Clicks are work and this is a review of #labour with #data");
  await page.click("#comment-form button[type=submit]");
  await page.waitForFunction(() => document.querySelector('#kinds [data-kind="review"] .count').textContent === "1");
  await page.waitForTimeout(1500);

  assert.equal(await count(page, "like"), "1");
  assert.equal(await count(page, "rating"), "1");
  assert.equal(await count(page, "feedback"), "1");
  assert.equal(await count(page, "report"), "1");
  assert.equal(await count(page, "tag"), "3"); // one typed tag + two hashtags in the review
  assert.equal(await count(page, "review"), "1");
  assert.equal(await page.textContent("#total"), "8");

  // Clicks scripted by the page count nothing.
  await page.evaluate(() => {
    document.querySelector(".post[data-post='2'] .like").click();
    document.querySelector("[aria-label='Report post']").click();
  });
  await page.waitForTimeout(1500);
  assert.equal(await page.textContent("#total"), "8");

  // Undoing the like takes it back.
  await page.click(".post[data-post='1'] .like");
  await page.waitForFunction(() => document.querySelector("#total").textContent === "7");

  await page.click("#lang");
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  assert.match(await page.textContent(".panel h2"), /Votre travail/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the demo serves the built packages for download", async () => {
  for (const name of ["digitus-chromium.zip", "digitus-firefox.zip"]) {
    const res = await fetch(`${base}/download/${name}`);
    assert.equal(res.status, 200, name);
    assert.ok((await res.arrayBuffer()).byteLength > 10_000);
  }
  assert.equal((await fetch(`${base}/../Cargo.toml`)).status, 404);
});
