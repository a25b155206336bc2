// End to end, Chromium: the adversarial tier of docs/threat-model.md. Hostile pages (scripted and synthetic
// clicks, keys and submits, messages posted into the page, forged CAPTCHA fields, an ad frame copying a
// ruled site's button, a transparent CAPTCHA widget laid over a button), a compromised content script
// (lib/probe.js in a test copy of the package) and hostile backups: nothing counted, nothing leaked,
// nothing lost.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { HOSTILE_BACKUPS, PROBE_URL, checkProbe, probeCopy } from "./lib/adversarial.mjs";
import { CHROMIUM_DIST, allEvents, eventually, launchChromium } from "./lib/chromium.mjs";
import { startServer } from "./lib/server.mjs";

const SECRET_SITE = "secret-clinic.example";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "digitus-adversarial-"));
let server;
let browser;
let extension;

before(async () => {
  server = await startServer();
  extension = probeCopy(CHROMIUM_DIST);
  browser = await launchChromium(server, { extension });
  await browser.ask({ type: "set_settings", settings: { paused_sites: [SECRET_SITE], record_private: false, local_rules: "" } });
});

after(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  if (extension) fs.rmSync(extension, { recursive: true, force: true });
});

const settle = () => new Promise((r) => setTimeout(r, 1_500)); // time for any (wrong) message to land

test("Chromium adversarial: a compromised content script reads nothing and manages nothing", async () => {
  const before = await allEvents(browser);
  const page = await browser.context.newPage();
  await page.goto(PROBE_URL);
  await page.waitForFunction(() => document.documentElement.hasAttribute("data-probe"), null, { timeout: 20_000 });
  const probe = JSON.parse(await page.getAttribute("html", "data-probe"));
  await page.close();
  checkProbe(probe, { secretSite: SECRET_SITE });
  // Nothing lost: the events from before are all there (the probe's forged like and unlike may add two).
  const after = await allEvents(browser);
  for (const e of before) assert.ok(after.some((x) => x.id === e.id), `event ${e.id} kept`);
  assert.deepEqual((await browser.ask({ type: "settings" })).paused_sites, [SECRET_SITE], "settings unchanged");
});

test("Chromium adversarial: a hostile page's scripted clicks, keys, submits, posted messages and forged fields count nothing", async () => {
  const before = await browser.summary();
  const page = await browser.context.newPage();
  await page.goto("https://www.youtube.com/hostile.html");
  await page.waitForFunction(() => window.hostileDone === true, null, { timeout: 20_000 });
  await settle();
  const after = await browser.summary();
  assert.equal(after.events, before.events, "nothing counted");
  assert.deepEqual(after.kinds, before.kinds);
  // The control: one trusted click on the same page's like button counts, so the page was watched.
  await page.click("#yt-like");
  const liked = await eventually(() => browser.summary(), (s) => s.events === before.events + 1);
  assert.equal(liked.sites["youtube.com"]?.like ?? 0, (before.sites["youtube.com"]?.like ?? 0) + 1);
  await page.close();
});

test("Chromium adversarial: an ad frame copying a ruled site's like button never speaks for that site", async () => {
  const page = await browser.context.newPage();
  await page.goto("https://www.youtube.com/hostile.html");
  await page.waitForFunction(() => window.hostileDone === true, null, { timeout: 20_000 });
  await settle();
  const known = new Set((await allEvents(browser)).map((e) => e.id));
  await page.frameLocator("#ad").locator("#yt-like").click(); // a trusted click, inside the ad frame
  await settle();
  const fresh = (await allEvents(browser)).filter((e) => !known.has(e.id));
  for (const e of fresh) {
    assert.notEqual(e.site, "youtube.com", `not counted for the top site: ${JSON.stringify(e)}`);
    assert.ok(!e.rule.startsWith("youtube"), `never judged with YouTube's rules: ${JSON.stringify(e)}`);
  }
  await page.close();
});

test("Chromium adversarial: a transparent CAPTCHA widget over a button plus a script-written token records nothing", async () => {
  const solves = async () => (await browser.summary()).captcha.solves;
  const start = await solves();
  for (const visible of [false, true]) {
    const page = await browser.context.newPage();
    await page.goto(`https://login.example.net/overlay.html${visible ? "?visible=1" : ""}`);
    const frame = page.frameLocator("#cf-chl-widget-overlay");
    await frame.locator("#content").waitFor();
    const box = await page.locator("#prize").boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2); // the user means the button
    await eventually(() => page.evaluate(() => window.fixture.success), (t) => t !== null, { timeout: 10_000 });
    if (visible) {
      // The control: the same widget, shown, is a solve — so the transparent one was seen and refused.
      const after = await eventually(solves, (n) => n === start + 1, { timeout: 10_000 });
      assert.equal(after, start + 1, "a shown widget counts");
    } else {
      await settle();
      assert.equal(await solves(), start, "a transparent widget counts nothing");
    }
    await page.close();
  }
});

test("Chromium adversarial: hostile backups are refused by name and lose nothing", async () => {
  const before = await allEvents(browser);
  const page = await browser.context.newPage();
  await page.goto(`${browser.origin}/options.html`);
  await page.waitForSelector("#import-file");
  for (const h of HOSTILE_BACKUPS) {
    const file = path.join(tmp, h.name);
    fs.writeFileSync(file, h.text);
    await page.evaluate(() => (document.getElementById("import-status").className = "status"));
    await page.setInputFiles("#import-file", file);
    await page.waitForFunction(() => /\b(ok|bad)\b/.test(document.getElementById("import-status").className), null, { timeout: 30_000 });
    const status = await page.textContent("#import-status");
    assert.ok((await page.getAttribute("#import-status", "class")).includes("bad"), `${h.name} refused: ${status}`);
    assert.ok(status.includes(h.says), `${h.name}: the problem is named (${status})`);
    assert.equal(await page.evaluate(() => ({}).polluted), undefined, "no prototype polluted");
  }
  await page.close();
  assert.deepEqual(await allEvents(browser), before, "nothing lost, nothing added");
});

test("Chromium adversarial: a backup carries no paused site nor install id unless the user asks for a full one", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${browser.origin}/options.html`);
  await page.waitForSelector("#export");
  const exportText = async (full) => {
    if ((await page.isChecked("#export-full")) !== full) await page.click("#export-full");
    await page.evaluate(() => (document.getElementById("export-link").hidden = true));
    await page.click("#export");
    await page.waitForSelector("#export-link:not([hidden])", { timeout: 60_000 });
    return page.evaluate(async () => (await fetch(document.getElementById("export-link").href)).text());
  };
  const { install_id } = await browser.ask({ type: "status" });
  const shareable = await exportText(false);
  assert.ok(!shareable.includes(SECRET_SITE) && !shareable.includes(install_id), "the default backup says neither");
  assert.equal(JSON.parse(shareable).install_id, "");
  const full = await exportText(true);
  assert.ok(full.includes(SECRET_SITE) && full.includes(install_id), "a full backup has both");
  await page.close();
});
