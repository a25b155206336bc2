// End to end, Firefox (the background is a non-persistent event page): a burst of trusted clicks, with the
// background's idle timeout cut to one second so that it is suspended between groups of clicks, is
// recorded exactly once; a backup made in the options page imports into a fresh profile with the same
// books, importing again changes nothing, and a hostile file is refused with its problem named.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { allEvents, eventually } from "./lib/chromium.mjs";
import { launchFirefox } from "./lib/firefox.mjs";
import { startServer } from "./lib/server.mjs";

const GROUPS = 4;
const PER_GROUP = 10;
const BURST = GROUPS * PER_GROUP;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "digitus-storage-ff-"));
const prefs = {
  // Suspend the event page after 1 s idle (default 30 s), so the burst crosses suspensions.
  "extensions.background.idle.timeout": 1000,
  "browser.download.folderList": 2,
  "browser.download.dir": tmp,
  "browser.download.useDownloadDir": true,
  "browser.download.always_ask_before_handling_new_types": false,
};
let server;
let ff;

before(async () => {
  server = await startServer();
  ff = await launchFirefox(server, { prefs });
});

after(async () => {
  await ff?.close();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});


async function importInOptions(b, file) {
  const { driver, By } = b;
  await b.openExtensionPage("options.html");
  await driver.wait(async () => (await driver.findElements(By.css("#import-file"))).length === 1, 10_000);
  await driver.findElement(By.css("#import-file")).sendKeys(file);
  await driver.wait(async () => /\b(ok|bad)\b/.test(await driver.findElement(By.css("#import-status")).getAttribute("class")), 60_000);
  const status = driver.findElement(By.css("#import-status"));
  const result = { ok: (await status.getAttribute("class")).includes("ok"), text: await status.getText() };
  await b.toPage();
  return result;
}

test("Firefox: a burst of trusted clicks across event-page suspensions is recorded exactly once", async () => {
  const { driver, By } = ff;
  await driver.get(`https://news.example.org/pages/burst.html?n=${BURST}`);
  await driver.wait(async () => (await driver.findElements(By.css(`#like-${BURST - 1}`))).length === 1, 10_000);
  for (let g = 0; g < GROUPS; g++) {
    for (let i = g * PER_GROUP; i < (g + 1) * PER_GROUP; i++) await driver.findElement(By.css(`#like-${i}`)).click();
    await new Promise((r) => setTimeout(r, 2500)); // idle: the event page may be suspended here
  }
  const summary = await eventually(ff.summary, (s) => s.kinds.like >= BURST, { timeout: 60_000, every: 500 });
  assert.equal(summary.kinds.like, BURST, "every click counted");
  await new Promise((r) => setTimeout(r, 3000));
  const likes = (await allEvents(ff)).filter((e) => e.kind === "like");
  assert.equal(likes.length, BURST, "one event per click, none doubled");
  assert.equal(new Set(likes.map((e) => e.id)).size, BURST);
  assert.equal((await ff.summary()).kinds.like, BURST);
});

test("Firefox: backup → fresh profile → same books; re-import changes nothing; a hostile file is refused", async () => {
  const { driver, By } = ff;
  const before = await ff.summary();
  const events = await allEvents(ff);
  await ff.openExtensionPage("options.html");
  await driver.findElement(By.css("#export")).click();
  await driver.wait(async () => (await driver.findElement(By.css("#export-link")).getAttribute("hidden")) === null, 60_000);
  const text = await driver.executeAsyncScript(
    "const done = arguments[arguments.length - 1]; fetch(document.getElementById('export-link').href).then((r) => r.text()).then(done, (e) => done('ERR ' + e));",
  );
  await ff.toPage();
  const backup = JSON.parse(text);
  assert.equal(backup.format, "digitus-backup");
  assert.equal(backup.counts.events, events.length);
  const file = path.join(tmp, "from-firefox.json");
  fs.writeFileSync(file, text);
  await ff.close();
  ff = undefined;

  const fresh = await launchFirefox(server, { prefs });
  ff = fresh;
  assert.equal((await fresh.summary()).events, 0);
  const first = await importInOptions(fresh, file);
  assert.ok(first.ok, first.text);
  assert.deepEqual(await fresh.summary(), before);
  assert.deepEqual(await allEvents(fresh), events, "every event, field for field");
  const again = await importInOptions(fresh, file);
  assert.ok(again.ok, again.text);
  assert.match(again.text, new RegExp(`\\b0\\D+${events.length}`), again.text);
  assert.deepEqual(await fresh.summary(), before, "importing twice changes nothing");

  const bad = path.join(tmp, "polluted.json");
  const polluted = text.replace('"events":[\n{', '"events":[\n{"__proto__":{"polluted":1},');
  assert.notEqual(polluted, text, "the hostile file differs from the backup");
  fs.writeFileSync(bad, polluted);
  const refused = await importInOptions(fresh, bad);
  assert.equal(refused.ok, false);
  assert.match(refused.text, /events\[0\]: forbidden key "__proto__"/);
  assert.deepEqual(await fresh.summary(), before, "a refused file changes nothing");
});
