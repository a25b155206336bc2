// End to end, Firefox: the study page with the Firefox package — trusted clicks, import, consent, join,
// preview, a zip whose rows are the preview's and hold no URL, unlisted domain, item key or event id; leave.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { eventually } from "./lib/chromium.mjs";
import { launchFirefox } from "./lib/firefox.mjs";
import { startServer } from "./lib/server.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "digitus-research-ff-"));
const sample = JSON.parse(fs.readFileSync(path.join(ROOT, "research/sample-study.json"), "utf8"));
let server;
let ff;

before(async () => {
  server = await startServer();
  ff = await launchFirefox(server);
});

after(async () => {
  await ff?.close();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function allEvents() {
  const out = [];
  let after;
  do {
    const page = await ff.ask({ type: "events", after, limit: 1000 });
    out.push(...page.events);
    after = page.next;
  } while (after);
  return out;
}

test("Firefox: a participant joins a study, saves the previewed rows as a zip, and leaves", async () => {
  const { driver, By, until } = ff;
  await driver.get("https://www.youtube.com/watch.html?v=fixture");
  await driver.findElement(By.css("#yt-like")).click();
  await driver.get("https://blog.example.org/pages/like.html");
  await driver.findElement(By.css("#like")).click();
  await eventually(ff.summary, (s) => s.events >= 2, { timeout: 15_000 });
  const events = await allEvents();

  const studyPath = path.join(tmp, "study.json");
  fs.writeFileSync(studyPath, JSON.stringify({ ...sample, id: "firefox-study", contact: "The e2e research team", noise: undefined }));
  await ff.openExtensionPage("study.html");
  try {
    await driver.wait(until.elementLocated(By.css("#study-file")), 10_000);
    await driver.findElement(By.css("#study-file")).sendKeys(studyPath);
    const consent = await driver.wait(until.elementLocated(By.css("#consent-text")), 10_000);
    await driver.wait(until.elementIsVisible(consent), 10_000);
    assert.equal(await consent.getText(), sample.consent.en);
    await driver.findElement(By.css("#consent-check")).click();
    await driver.findElement(By.css("#join")).click();
    const participantEl = await driver.findElement(By.css("#participant"));
    await driver.wait(async () => /^[0-9a-f]{32}$/.test((await participantEl.getText()).trim()), 10_000);
    const participant = (await participantEl.getText()).trim();

    await driver.findElement(By.css("#preview")).click();
    await driver.wait(until.elementLocated(By.css("table[data-table='labour'] tbody tr")), 10_000);
    const shown = await driver.executeScript(
      "return [...document.querySelectorAll(\"table[data-table='labour'] tbody tr\")].map((r) => [...r.cells].map((c) => c.textContent))",
    );
    await driver.findElement(By.css("#save")).click();
    await driver.wait(until.elementLocated(By.css("#zip-link:not([hidden])")), 10_000);
    const base64 = await driver.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      fetch(document.getElementById("zip-link").href).then((r) => r.arrayBuffer()).then((buf) => {
        let s = ""; for (const b of new Uint8Array(buf)) s += String.fromCharCode(b); done(btoa(s));
      });`);
    const zipPath = path.join(tmp, "export.zip");
    fs.writeFileSync(zipPath, Buffer.from(base64, "base64"));
    const unzip = spawnSync("python3", ["-c", "import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))", zipPath], { encoding: "utf8" });
    assert.equal(unzip.status, 0, unzip.stderr);
    const files = JSON.parse(unzip.stdout);
    const labour = files["labour.csv"].trim().split("\n").map((l) => l.split(","));
    assert.deepEqual(labour.slice(1), shown, "the zip holds exactly the previewed rows");
    assert.ok(labour.slice(1).every((r) => r[1] === participant));
    assert.ok(labour.slice(1).some((r) => r[3] === "youtube.com") && labour.slice(1).some((r) => r[3] === "other"));
    const everything = Object.values(files).join("\n");
    for (const secret of ["://", "example.org", "watch", ...events.map((e) => e.id), ...events.map((e) => e.item).filter(Boolean)]) {
      assert.ok(!everything.includes(secret), `the export holds ${secret}`);
    }

    await driver.findElement(By.css("#leave")).click();
    await driver.findElement(By.css("#leave-yes")).click();
    await driver.wait(until.elementIsVisible(driver.findElement(By.css("#import-section"))), 10_000);
  } finally {
    await ff.toPage();
  }
  assert.deepEqual(await ff.ask({ type: "study" }), { study: null, participant: null });
});
