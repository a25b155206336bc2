// End to end: the labour lab and the class board, served by the real class server (crates/class), in
// headless Chromium WITHOUT the extension (students who cannot install anything), driven with trusted
// clicks and typing; then the same lab with the built extension loaded, which counts it like any page.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { startClassServer } from "./lib/class-server.mjs";
import { eventually, launchChromium, CHROMIUM_DIST } from "./lib/chromium.mjs";

let server;
let browser;
let base;
const OUT = process.env.DIGITUS_OUT || path.resolve(path.dirname(CHROMIUM_DIST), "..");

before(async () => {
  server = await startClassServer();
  base = server.base;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const count = (page, kind) => page.textContent(`#kinds [data-kind="${kind}"] .count`);
const waitCount = (page, kind, n) =>
  page.waitForFunction(([k, v]) => document.querySelector(`#kinds [data-kind="${k}"] .count`)?.textContent === v, [kind, String(n)]);

async function openLab(context, query = "") {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/${query}`);
  await page.waitForSelector("body[data-ready=true]");
  return { page, errors };
}

/** Solves the lab's CAPTCHA with trusted clicks: the tiles whose accessible name ends with the object. */
async function solveCaptcha(page, { wrongFirst = false } = {}) {
  await page.click("#lab-captcha-check");
  await page.waitForSelector("#lab-captcha-challenge:not([hidden])");
  const object = async () => (await page.textContent("#lab-captcha-instructions strong")).trim();
  const pickAll = async (name) => {
    const labels = await page.$$eval(".lab-tile", (tiles) => tiles.map((t) => t.getAttribute("aria-label")));
    const chosen = labels.map((l, i) => [l, i]).filter(([l]) => l.endsWith(`: ${name}`)).map(([, i]) => i);
    for (const i of chosen) await page.click(`.lab-tile[data-index="${i}"]`);
    return chosen.length;
  };
  const labelled = {};
  if (wrongFirst) {
    // One right tile only: refused, and a new round with another object follows.
    const name = await object();
    const labels = await page.$$eval(".lab-tile", (tiles) => tiles.map((t) => t.getAttribute("aria-label")));
    await page.click(`.lab-tile[data-index="${labels.findIndex((l) => l.endsWith(`: ${name}`))}"]`);
    labelled[name] = 1;
    await page.click("#lab-captcha-verify");
    await page.waitForSelector("#lab-captcha-error:not([hidden])");
  }
  const name = await object();
  labelled[name] = (labelled[name] ?? 0) + (await pickAll(name));
  await page.click("#lab-captcha-verify");
  await page.waitForSelector("#lab-captcha-check[aria-checked=true]");
  return labelled;
}

test("the lab counts every kind of labour with the core's judgement, meter and CAPTCHA labels included", async () => {
  const context = await browser.newContext({ locale: "en-GB" });
  const { page, errors } = await openLab(context);
  assert.equal(await page.getAttribute("html", "lang"), "en");

  await page.click(".post[data-post='1'] .like");
  await waitCount(page, "like", 1);
  await page.click(".post[data-post='1'] .share"); // sharing is not counted
  await page.click(".post[data-post='2'] >> text=Not interested");
  await page.click(".post[data-post='3'] >> text=Report post");
  await page.click(".product[data-product='1'] [aria-label='Rate 4 out of 5']");
  await waitCount(page, "rating", 1);
  await page.click(".product[data-product='1'] [aria-label='Rate 2 out of 5']"); // a changed rating replaces the first
  await page.focus(".product[data-product='2'] [aria-label='Rate 1 out of 5']");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter"); // keyboard only: 2 stars on the second product
  await page.fill("#tags-1", "market");
  await page.press("#tags-1", "Enter");
  await page.fill("#tags-2", "beach");
  await page.press("#tags-2", "Enter");
  await page.click(".rec:nth-child(2) >> text=Don't recommend channel");
  await page.fill("#review", "Clicks are work: a review about #labour and #data");
  await page.click("#review-form button[type=submit]");
  await waitCount(page, "review", 1);
  const labelled = await solveCaptcha(page, { wrongFirst: true });
  await waitCount(page, "captcha", 1);
  await page.waitForTimeout(1500); // every sensor settled

  assert.equal(await count(page, "like"), "1");
  assert.equal(await count(page, "feedback"), "2");
  assert.equal(await count(page, "report"), "1");
  assert.equal(await count(page, "rating"), "2");
  assert.equal(await count(page, "tag"), "4"); // two typed tags + two hashtags in the review
  assert.equal(await count(page, "review"), "1");
  assert.equal(await count(page, "captcha"), "1");
  assert.equal(await page.textContent("#total"), "12");
  // Labels by object, as the core judged them from captcha.js's reports (a refused round's labels included).
  const shown = Object.fromEntries(await page.$$eval("#labels li", (lis) => lis.map((li) => [li.dataset.object, Number(li.querySelector("output").textContent)])));
  assert.deepEqual(shown, labelled);
  assert.ok(Object.values(labelled).reduce((a, b) => a + b) >= 4);
  // The valuation engine of the core values them: three methods side by side, and the founding contrasts.
  const contrast = (page, id) => page.textContent(`#valuations [data-contrast="${id}"] output`).then((x) => x.replace(/\s/g, " "));
  assert.equal(await contrast(page, "contrast.france_microtask"), "€2.40"); // 12 acts × 0.20 €
  assert.equal(await contrast(page, "contrast.users_paid"), "€0.00");
  for (const method of ["market", "wage", "revenue"]) assert.ok(await page.$(`#valuations [data-method="${method}"]`), method);
  const wage = await page.$eval('#valuations [data-method="wage"]', (li) => [Number(li.dataset.low), Number(li.dataset.high)]);
  assert.ok(wage[0] > 0 && wage[0] <= wage[1], String(wage));
  // Time on the tasks comes from the core (measured or estimated); time in the lab ticks.
  assert.notEqual(await page.textContent("#time-work"), "0 s");
  assert.match(await page.textContent("#time-lab"), /^\d+:\d\d$/);

  // Clicks scripted by the page count nothing.
  await page.evaluate(() => {
    document.querySelector(".post[data-post='4'] .like").click();
    document.querySelector(".post[data-post='4'] .secondary").click();
    document.getElementById("lab-captcha-again").click();
  });
  await page.waitForTimeout(1500);
  assert.equal(await page.textContent("#total"), "12");

  // Undoing the like takes it back.
  await page.click(".post[data-post='1'] .like");
  await waitCount(page, "like", 0);
  assert.equal(await page.textContent("#total"), "11");
  await page.waitForFunction(() => document.querySelector('#valuations [data-contrast="contrast.france_microtask"] output')?.textContent === "€2.20");

  // French: every text switches, and the same core counts the French controls.
  await page.click("#lang");
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  assert.match(await page.textContent("#meter-title"), /Votre travail non payé/);
  assert.equal(await page.getAttribute(".post[data-post='4'] .like", "aria-label"), "J'aime");
  await page.click(".post[data-post='3'] .like");
  await waitCount(page, "like", 1);
  assert.equal(await page.textContent(`#kinds [data-kind="feedback"] .name`), "avis aux algorithmes");
  await page.click(".post[data-post='2'] >> text=Signaler la publication");
  await waitCount(page, "report", 2);
  assert.equal(await contrast(page, "contrast.france_microtask"), "2,60 €"); // 13 acts, in French
  assert.match(await page.textContent('#valuations [data-method="wage"] strong'), /salaire minimum/);

  // The reveal, with a source for every figure; back with Escape.
  await page.click("#reveal-open");
  assert.equal(await page.isVisible("#reveal"), true);
  assert.equal(await page.isVisible("#lab"), false);
  const items = await page.$$eval("#reveal-body li", (lis) => lis.map((li) => ({ text: li.textContent, source: li.querySelector("cite")?.textContent ?? "" })));
  assert.ok(items.length >= 10);
  for (const item of items) assert.ok(item.source.length > 10, item.text);
  const all = items.map((i) => i.text).join(" ");
  for (const needle of ["Madagascar", "0,0001", "260 000", "TIME"]) assert.ok(all.includes(needle), needle);
  await page.keyboard.press("Escape");
  assert.equal(await page.isVisible("#lab"), true);

  // Large type for the projector, and the dark theme, kept across a reload (the counts are not: memory only).
  await page.click("#projector");
  assert.equal(await page.evaluate(() => document.body.classList.contains("projector")), true);
  await page.click("#theme");
  assert.equal(await page.getAttribute("html", "data-theme"), "dark");
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.evaluate(() => document.body.classList.contains("projector")), true);
  assert.equal(await page.getAttribute("html", "data-theme"), "dark");
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the board shows a class's work live, and exports it for the teacher only", async () => {
  const context = await browser.newContext({ locale: "en-GB" });
  const board = await context.newPage();
  await board.goto(`${base}/board`);
  await board.waitForSelector("body[data-ready=true]");
  await board.click("#create");
  await board.waitForSelector("#live:not([hidden])");
  const code = (await board.textContent("#code")).trim();
  assert.match(code, /^[A-Z2-9]{6}$/);
  await board.evaluate(() => { window.__sameBoard = true; }); // proves no reload: the stream updates it

  // Two students: one joins by the link, one types the code (lower case, with a dash).
  const students = await browser.newContext({ locale: "en-GB" });
  const { page: one, errors } = await openLab(students, `?class=${code}`);
  await one.waitForFunction(() => document.getElementById("class-status").dataset.status === "joined");
  const other = await browser.newContext({ locale: "fr-FR" });
  const { page: two } = await openLab(other);
  await two.fill("#class-code", `${code.slice(0, 3).toLowerCase()}-${code.slice(3)}`);
  await two.click("#join button[type=submit]");
  await two.waitForFunction(() => document.getElementById("class-status").dataset.status === "joined");
  await board.waitForFunction(() => document.getElementById("students").textContent === "2");

  await one.click(".post[data-post='1'] .like");
  await one.click(".post[data-post='2'] .like");
  await two.click(".post[data-post='1'] .like");
  await two.click(".post[data-post='3'] >> text=Signaler la publication");
  const labelled = await solveCaptcha(one);
  const boardCount = (kind, n) => board.waitForFunction(([k, v]) => document.querySelector(`#kinds [data-kind="${k}"] .count`)?.textContent === v, [kind, String(n)]);
  await boardCount("like", 3);
  await boardCount("report", 1);
  await boardCount("captcha", 1);
  // An undo reaches the board too.
  await one.click(".post[data-post='2'] .like");
  await boardCount("like", 2);
  await board.waitForFunction(() => document.getElementById("events").textContent === "4");
  const boardLabels = Object.fromEntries(await board.$$eval("#labels li", (lis) => lis.map((li) => [li.dataset.object, Number(li.querySelector("output").textContent)])));
  assert.deepEqual(boardLabels, labelled); // English object ids, as the lab's set names them
  assert.equal(await board.evaluate(() => window.__sameBoard), true);
  // The class's work valued by the same engine, on the server: 4 acts × 0.20 €.
  await board.waitForFunction(() => document.querySelector('#valuations [data-contrast="contrast.france_microtask"] output')?.textContent === "€0.80");
  assert.ok(await board.$('#valuations [data-method="wage"]'));
  assert.ok(await board.$("#chart svg path.line"));

  // The same totals through the API; the CSV needs the teacher's token (which the board holds).
  const totals = await (await fetch(`${base}/api/classes/${code}/totals`)).json();
  assert.equal(totals.kinds.like, 2);
  assert.equal(totals.students, 2);
  assert.equal((await fetch(`${base}/api/classes/${code}/export.csv`)).status, 403);
  const csv = await board.evaluate(async () => (await fetch(document.getElementById("export").href)).text());
  assert.match(csv, /^measure,value\n/);
  assert.match(csv, /\nlike,2\n/);
  assert.match(csv, /\nreport,1\n/);

  // The teacher closes the class: the board says so, the students' labs too at their next act.
  board.once("dialog", (d) => d.accept());
  await board.click("#close");
  await board.waitForSelector("#closed:not([hidden])");
  await one.click(".post[data-post='3'] .like");
  await one.waitForFunction(() => document.getElementById("class-status").dataset.status === "gone");
  assert.equal((await fetch(`${base}/api/classes/${code}/totals`)).status, 404);
  assert.deepEqual(errors, []);
  await Promise.all([context.close(), students.close(), other.close()]);
});

test("the lab keeps working offline once loaded", async () => {
  const offline = await startClassServer();
  const context = await browser.newContext({ locale: "en-GB" });
  const page = await context.newPage();
  await page.goto(`${offline.base}/`);
  await page.waitForSelector("body[data-ready=true]");
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
  });
  await offline.close(); // the network is gone
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await page.click(".post[data-post='1'] .like");
  await waitCount(page, "like", 1);
  await context.close();
});

test("the server publishes the packages with their SHA-256 sums, and survives bad paths", async () => {
  const sums = await (await fetch(`${base}/download/SHA256SUMS`)).text();
  const names = sums.trim().split("\n").map((line) => line.split("  "));
  assert.deepEqual(names.map(([, n]) => n), ["digitus-chromium.zip", "digitus-firefox.zip"]);
  for (const [hex, name] of names) {
    const res = await fetch(`${base}/download/${name}`);
    assert.equal(res.status, 200, name);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.ok(bytes.length > 10_000);
    assert.equal(createHash("sha256").update(bytes).digest("hex"), hex, name);
    assert.deepEqual(bytes, fs.readFileSync(path.join(OUT, "dist", name)));
  }
  for (const bad of ["/%", "/%E0%A4%A", "/..%2fCargo.toml"]) {
    const res = await fetch(`${base}${bad}`);
    assert.equal(res.status, 400, bad);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  }
  assert.equal((await fetch(`${base}/`)).status, 200); // still serving
});

test("with the extension installed, the lab is a page like any other: a like there is counted by the extension", async () => {
  const extension = await launchChromium({ httpsPort: 9 });
  try {
    const page = await extension.context.newPage();
    // By name: the fixture mapping of the launcher sends every other host to the fixture server.
    await page.goto(`${base.replace("127.0.0.1", "localhost")}/`);
    await page.waitForSelector("body[data-ready=true]");
    await page.click(".post[data-post='2'] .like");
    const summary = await eventually(extension.summary, (s) => s.kinds?.like === 1);
    assert.equal(summary.kinds.like, 1);
    // The lab's own meter counted it too (its own core, in the page).
    await waitCount(page, "like", 1);
  } finally {
    await extension.close();
  }
});
