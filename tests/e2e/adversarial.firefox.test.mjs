// End to end, Firefox: the adversarial tier of docs/threat-model.md, as in adversarial.chromium.test.mjs —
// a compromised content script (lib/probe.js in a test copy of the package), a hostile page on a ruled
// site with an ad frame, a transparent CAPTCHA widget over a button, and hostile backups: nothing counted,
// nothing leaked, nothing lost.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { HOSTILE_BACKUPS, PROBE_URL, checkProbe, probeCopy } from "./lib/adversarial.mjs";
import { allEvents, eventually } from "./lib/chromium.mjs";
import { FIREFOX_DIST, launchFirefox } from "./lib/firefox.mjs";
import { startServer } from "./lib/server.mjs";

const SECRET_SITE = "secret-clinic.example";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "digitus-adversarial-ff-"));
let server;
let ff;
let extension;

before(async () => {
  server = await startServer();
  extension = probeCopy(FIREFOX_DIST);
  ff = await launchFirefox(server, { extension });
  await ff.ask({ type: "set_settings", settings: { paused_sites: [SECRET_SITE], record_private: false, local_rules: "" } });
});

after(async () => {
  await ff?.close();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  if (extension) fs.rmSync(extension, { recursive: true, force: true });
});

const settle = () => new Promise((r) => setTimeout(r, 1_500));

test("Firefox adversarial: a compromised content script reads nothing and manages nothing", async () => {
  const { driver } = ff;
  const before = await allEvents(ff);
  await driver.get(PROBE_URL);
  const attr = await eventually(() => driver.executeScript("return document.documentElement.getAttribute('data-probe')"), (v) => v, { timeout: 20_000 });
  assert.ok(attr, "the probe ran");
  checkProbe(JSON.parse(attr), { secretSite: SECRET_SITE });
  const after = await allEvents(ff);
  for (const e of before) assert.ok(after.some((x) => x.id === e.id), `event ${e.id} kept`);
  assert.deepEqual((await ff.ask({ type: "settings" })).paused_sites, [SECRET_SITE]);
});

test("Firefox adversarial: a hostile page's scripted acts and an ad frame count nothing for the ruled site", async () => {
  const { driver, By } = ff;
  const before = await ff.summary();
  await driver.get("https://www.youtube.com/hostile.html");
  await driver.wait(() => driver.executeScript("return window.hostileDone === true"), 20_000);
  await settle();
  const after = await ff.summary();
  assert.equal(after.events, before.events, "nothing counted");
  const known = new Set((await allEvents(ff)).map((e) => e.id));
  await driver.switchTo().frame(await driver.findElement(By.css("#ad")));
  await driver.findElement(By.css("#yt-like")).click(); // trusted, inside the ad frame
  await driver.switchTo().defaultContent();
  await settle();
  for (const e of (await allEvents(ff)).filter((x) => !known.has(x.id))) {
    assert.notEqual(e.site, "youtube.com", JSON.stringify(e));
    assert.ok(!e.rule.startsWith("youtube"), JSON.stringify(e));
  }
  // The control: a trusted click on the page's own like button counts for youtube.com.
  // (The hostile script's own clicks flipped the button; it starts from "not liked" for the control.)
  await driver.executeScript("document.getElementById('yt-like').setAttribute('aria-pressed', 'false')");
  const start = await ff.summary();
  await driver.findElement(By.css("#yt-like")).click();
  const liked = await eventually(() => ff.summary(), (s) => (s.sites["youtube.com"]?.like ?? 0) === (start.sites["youtube.com"]?.like ?? 0) + 1, { timeout: 20_000 });
  assert.equal(liked.sites["youtube.com"]?.like ?? 0, (start.sites["youtube.com"]?.like ?? 0) + 1);
});

test("Firefox adversarial: a transparent CAPTCHA widget over a button plus a script-written token records nothing", async () => {
  const { driver, By } = ff;
  const solves = async () => (await ff.summary()).captcha.solves;
  const start = await solves();
  for (const visible of [false, true]) {
    await driver.get(`https://login.example.net/overlay.html${visible ? "?visible=1" : ""}`);
    // The user's click lands in the widget (Chromium's test clicks at the button's place; here the click
    // is sent into the frame, where the same click arrives).
    await driver.switchTo().frame(await driver.findElement(By.css("#cf-chl-widget-overlay")));
    const content = await driver.wait(async () => (await driver.findElements(By.css("#content")))[0], 10_000);
    await driver.actions().move({ origin: content }).click().perform();
    await driver.switchTo().defaultContent();
    await driver.wait(() => driver.executeScript("return window.fixture.success !== null"), 10_000);
    if (visible) {
      assert.equal(await eventually(solves, (n) => n === start + 1, { timeout: 10_000 }), start + 1, "a shown widget counts");
    } else {
      await settle();
      assert.equal(await solves(), start, "a transparent widget counts nothing");
    }
  }
});

test("Firefox adversarial: hostile backups are refused by name and lose nothing", async () => {
  const { driver, By } = ff;
  const before = await allEvents(ff);
  await ff.openExtensionPage("options.html");
  await driver.wait(async () => (await driver.findElements(By.css("#import-file"))).length === 1, 10_000);
  for (const h of HOSTILE_BACKUPS) {
    const file = path.join(tmp, h.name);
    fs.writeFileSync(file, h.text);
    await driver.executeScript("document.getElementById('import-status').className = 'status'");
    await driver.findElement(By.css("#import-file")).sendKeys(file);
    await driver.wait(async () => /\b(ok|bad)\b/.test(await driver.findElement(By.css("#import-status")).getAttribute("class")), 30_000);
    const status = driver.findElement(By.css("#import-status"));
    const text = await status.getText();
    assert.ok((await status.getAttribute("class")).includes("bad"), `${h.name} refused: ${text}`);
    assert.ok(text.includes(h.says), `${h.name}: the problem is named (${text})`);
    assert.equal(await driver.executeScript("return ({}).polluted"), null, "no prototype polluted");
  }
  await ff.toPage();
  assert.deepEqual(await allEvents(ff), before, "nothing lost, nothing added");
});
