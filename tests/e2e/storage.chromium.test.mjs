// End to end, Chromium: never lose a click.
//  1. A burst of trusted clicks while the MV3 service worker is stopped again and again (CDP
//     ServiceWorker.stopAllWorkers): every click recorded exactly once.
//  2. Backup from the options page → import into a fresh profile → same books; importing again changes
//     nothing; hostile files are refused with the problem named and change nothing.
//  3. Forget a site and delete everything (with its confirmation step) from the options page.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { allEvents, eventually, launchChromium } from "./lib/chromium.mjs";
import { startServer } from "./lib/server.mjs";

const BURST = 60;
let server;
let browser;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "digitus-storage-"));

before(async () => {
  server = await startServer();
  browser = await launchChromium(server);
});

after(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});


async function optionsPage(b) {
  const page = await b.context.newPage();
  await page.goto(`${b.origin}/options.html`);
  await page.waitForSelector("#export");
  return page;
}

async function exportFromOptions(b) {
  const page = await optionsPage(b);
  await page.click("#export");
  await page.waitForSelector("#export-link:not([hidden])", { timeout: 60_000 });
  const text = await page.evaluate(async () => (await fetch(document.getElementById("export-link").href)).text());
  const status = await page.textContent("#export-status");
  await page.close();
  return { text, status };
}

async function importIntoOptions(b, file) {
  const page = await optionsPage(b);
  await page.setInputFiles("#import-file", file);
  await page.waitForFunction(() => /\b(ok|bad)\b/.test(document.getElementById("import-status").className), null, { timeout: 60_000 });
  const result = { ok: (await page.getAttribute("#import-status", "class")).includes("ok"), text: await page.textContent("#import-status") };
  await page.close();
  return result;
}

test("a burst of trusted clicks survives repeated service-worker stops: each recorded exactly once", async () => {
  const page = await browser.context.newPage();
  await page.goto(`https://news.example.org/pages/burst.html?n=${BURST}`);
  await page.waitForSelector(`#like-${BURST - 1}`);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("ServiceWorker.enable");
  // The worker's life as Chromium reports it: each stop and each start of our extension's worker.
  const seen = { stopped: 0, running: 0 };
  cdp.on("ServiceWorker.workerVersionUpdated", ({ versions }) => {
    for (const v of versions) if (v.scriptURL.startsWith(browser.origin) && v.runningStatus in seen) seen[v.runningStatus]++;
  });
  let stops = 0;
  let clicking = true;
  const stopper = (async () => {
    while (clicking) {
      await cdp.send("ServiceWorker.stopAllWorkers");
      stops++;
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  for (let i = 0; i < BURST; i++) {
    await page.click(`#like-${i}`, { delay: 5 });
    await new Promise((r) => setTimeout(r, 40));
  }
  await new Promise((r) => setTimeout(r, 1500)); // sensors settle and send while the worker keeps dying
  clicking = false;
  await stopper;
  assert.ok(stops >= 10, `the worker was stopped repeatedly (${stops} stops)`);
  assert.ok(seen.stopped >= 3 && seen.running >= 3, `the worker really stopped and restarted: ${JSON.stringify(seen)}`);

  const summary = await eventually(browser.summary, (s) => s.kinds.like >= BURST, { timeout: 60_000, every: 500 });
  assert.equal(summary.kinds.like, BURST, "every click counted");
  await new Promise((r) => setTimeout(r, 3000)); // late retries must not add anything
  const events = await allEvents(browser);
  const likes = events.filter((e) => e.site === "example.org" && e.kind === "like");
  assert.equal(likes.length, BURST, "one event per click, none doubled");
  assert.equal(new Set(likes.map((e) => e.id)).size, BURST);
  assert.equal(new Set(likes.map((e) => e.item)).size, BURST, "each post its own item");
  assert.equal((await browser.summary()).kinds.like, BURST, "rollups agree with the events");
  await page.close();
});

test("backup → import into a fresh profile gives the same books; re-import changes nothing; hostile files are refused", async () => {
  const before = await browser.summary();
  assert.ok(before.events >= BURST);
  const { text, status } = await exportFromOptions(browser);
  const backup = JSON.parse(text);
  assert.equal(backup.format, "digitus-backup");
  assert.equal(backup.version, 1);
  assert.equal(backup.install_id, "", "a backup to share carries no install id (a full backup does: adversarial.*)");
  const events = await allEvents(browser);
  assert.equal(backup.counts.events, events.length);
  assert.deepEqual(backup.events.map((e) => e.id).sort(), events.map((e) => e.id).sort());
  assert.match(status, new RegExp(String(events.length)));
  const statusA = await browser.ask({ type: "status" });
  assert.match(statusA.install_id, /^[0-9a-f-]{36}$/, "a random install id, created once, kept in the profile");
  const file = path.join(tmp, "backup.json");
  fs.writeFileSync(file, text);

  const fresh = await launchChromium(server);
  try {
    assert.equal((await fresh.summary()).events, 0);
    const first = await importIntoOptions(fresh, file);
    assert.ok(first.ok, first.text);
    assert.match(first.text, new RegExp(`${events.length}\\D+0`), first.text);
    assert.deepEqual(await fresh.summary(), before, "same summary as where it was recorded");
    const imported = await allEvents(fresh);
    assert.deepEqual(imported, events, "every event, field for field");
    assert.notEqual((await fresh.ask({ type: "status" })).install_id, backup.install_id, "each profile keeps its own install id");

    const again = await importIntoOptions(fresh, file);
    assert.ok(again.ok, again.text);
    assert.match(again.text, new RegExp(`\\b0\\D+${events.length}`), again.text);
    assert.deepEqual(await fresh.summary(), before, "importing twice changes nothing");
    assert.equal((await allEvents(fresh)).length, events.length);

    const hostile = {
      "wrong-version.json": [{ ...backup, version: 99 }, /unsupported backup version 99/],
      "truncated.json": [text.slice(0, Math.floor(text.length * 0.6)), /truncated/],
      "nan-time.json": [{ ...backup, events: backup.events.map((e, i) => (i === 3 ? { ...e, time: "NaN" } : e)) }, /events\[3\]\.time/],
      "negative.json": [{ ...backup, events: backup.events.map((e, i) => (i === 1 ? { ...e, amount: -5 } : e)) }, /events\[1\]\.amount: must not be negative/],
      "proto.json": [text.replace('"events":[\n{', '"events":[\n{"__proto__":{"polluted":1},'), /forbidden key "__proto__"/],
      "huge-string.json": [{ ...backup, events: backup.events.map((e, i) => (i === 0 ? { ...e, site: "x".repeat(2_000_000) } : e)) }, /events\[0\]\.site: longer than 253/],
      "deep.json": [JSON.stringify({ ...backup, events: "DEEP" }).replace('"DEEP"', `[${"[".repeat(50_000)}${"]".repeat(50_000)}]`), /nested too deeply|events\[0\]/],
      "not-json.json": ["this is not a backup", /not valid JSON/],
      "mixed.json": [{ ...backup, counts: { ...backup.counts, events: backup.counts.events + 1 } }, /truncated or edited/],
    };
    const mine = await fresh.summary();
    for (const [name, [content, expected]] of Object.entries(hostile)) {
      const bad = path.join(tmp, name);
      fs.writeFileSync(bad, typeof content === "string" ? content : JSON.stringify(content));
      const result = await importIntoOptions(fresh, bad);
      assert.equal(result.ok, false, `${name} refused`);
      assert.match(result.text, expected, `${name}: ${result.text}`);
      assert.match(result.text, /Nothing was imported/);
    }
    assert.deepEqual(await fresh.summary(), mine, "refused files change nothing");
    assert.equal((await allEvents(fresh)).length, events.length);
  } finally {
    await fresh.close();
  }
});

test("options page: forget a site, and delete everything only after confirming", async () => {
  // One more site, so that forgetting one leaves the other.
  const page = await browser.context.newPage();
  await page.goto("https://blog.example.com/pages/like.html");
  await page.click("#like");
  await eventually(browser.summary, (s) => s.sites["example.com"]?.like === 1);
  await page.close();

  const options = await optionsPage(browser);
  await options.fill("#forget-site", "https://www.example.com/some/page");
  await options.click("#forget-form button[type=submit]");
  await options.waitForFunction(() => document.getElementById("forget-status").className.includes("ok"));
  assert.match(await options.textContent("#forget-status"), /example\.com/);
  const summary = await browser.summary();
  assert.equal(summary.sites["example.com"], undefined);
  assert.equal(summary.sites["example.org"].like, BURST, "other sites untouched");
  assert.ok((await allEvents(browser)).every((e) => e.site !== "example.com"));

  // The API refuses without the phrase; the page asks first.
  const refused = await browser.ask({ type: "delete_everything" });
  assert.match(refused.error, /confirm/);
  assert.equal((await browser.summary()).events, BURST);
  await options.click("#delete-all");
  await options.waitForSelector("#delete-confirm:not([hidden])");
  assert.match(await options.textContent("#delete-question"), new RegExp(String(BURST)));
  await options.click("#delete-no");
  assert.equal((await browser.summary()).events, BURST, "cancel deletes nothing");
  await options.click("#delete-all");
  await options.click("#delete-yes");
  await options.waitForFunction(() => document.getElementById("delete-status").className.includes("ok"));
  const emptied = await browser.summary();
  assert.equal(emptied.events, 0);
  assert.deepEqual(emptied.sites, {});
  assert.equal((await allEvents(browser)).length, 0);
  await options.close();
});
