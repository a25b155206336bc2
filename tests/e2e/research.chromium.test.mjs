// End to end, Chromium: a participant's study, driven with trusted clicks in the built extension.
//  1. Real likes and ratings on fixture pages (a named platform and an unlisted blog).
//  2. The options page links to the study page; the study file is imported, the consent text shown in the
//     browser's language, the box ticked, the study joined.
//  3. The preview shows the rows; the saved zip holds exactly those rows, and nothing else: no URL, no
//     unlisted domain, no item key, no event id, no install id, no time finer than the hour.
//  4. The research tool merges the zip (exit 0) and refuses it for another study (exit 3, "foreign").
//  5. Leaving forgets the participant id; joining another study gives another id.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { allEvents, eventually, launchChromium } from "./lib/chromium.mjs";
import { startServer } from "./lib/server.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "digitus-research-"));
const sample = JSON.parse(fs.readFileSync(path.join(ROOT, "research/sample-study.json"), "utf8"));
let server;
let browser;

function studyFile(name, changes) {
  const study = { ...sample, contact: "The e2e research team", ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete study[k];
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(study, null, 2));
  return file;
}

/** Reads a zip's members with the research tool's own format knowledge: unzip via Python's zipfile. */
function unzip(file) {
  const out = spawnSync("python3", ["-c", "import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))", file], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout);
}

function researchTool(...args) {
  return spawnSync("cargo", ["run", "-q", "-p", "digitus-research", "--", ...args], { cwd: ROOT, encoding: "utf8" });
}

before(async () => {
  server = await startServer();
  browser = await launchChromium(server);
});

after(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function joinFromStudyPage(file) {
  const options = await browser.context.newPage();
  await options.goto(`${browser.origin}/options.html`);
  await options.click("a[href='study.html']");
  await options.waitForSelector("#study-file");
  const page = options;
  await page.setInputFiles("#study-file", file);
  await page.waitForSelector("#consent:not([hidden])");
  return page;
}

test("a participant joins, previews, saves a zip that holds only anonymous rows, and leaves", async () => {
  // 1. Real labour: two likes and a dislike on YouTube's fixture, a like on an unlisted blog.
  const yt = await browser.context.newPage();
  await yt.goto("https://www.youtube.com/watch.html?v=fixture");
  await yt.click("#yt-like");
  await yt.click("#yt-dislike");
  const blog = await browser.context.newPage();
  await blog.goto("https://blog.example.org/pages/like.html");
  await blog.click("#like");
  const summary = await eventually(browser.summary, (s) => s.events >= 3, { timeout: 15_000 });
  assert.ok(summary.kinds.rating >= 1 && summary.kinds.like >= 1, JSON.stringify(summary));
  const events = await allEvents(browser);
  const { install_id } = await browser.ask({ type: "status" });

  // 2. Import, read, consent, join.
  const hourly = studyFile("hourly.json", { id: "e2e-hourly-study", granularity: "hour", noise: undefined });
  const page = await joinFromStudyPage(hourly);
  assert.equal(await page.textContent("#consent-text"), sample.consent.en, "the consent text in the browser's language (en)");
  assert.equal(await page.isDisabled("#join"), true, "no joining before ticking the box");
  await page.click("#consent-check");
  await page.click("#join");
  await page.waitForSelector("#joined:not([hidden])");
  const participant = (await page.textContent("#participant")).trim();
  assert.match(participant, /^[0-9a-f]{32}$/);

  // 3. Preview, then save the zip.
  await page.click("#preview");
  await page.waitForSelector("table[data-table='labour'] tbody tr");
  const shown = await page.$$eval("table[data-table='labour'] tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  await page.click("#save");
  await page.waitForSelector("#zip-link:not([hidden])");
  const base64 = await page.evaluate(async () => {
    const bytes = new Uint8Array(await (await fetch(document.getElementById("zip-link").href)).arrayBuffer());
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  });
  const zipPath = path.join(tmp, "export.zip");
  fs.writeFileSync(zipPath, Buffer.from(base64, "base64"));
  const files = unzip(zipPath);
  assert.deepEqual(Object.keys(files).sort(), ["captcha_labels.csv", "datapackage.json", "labour.csv", "participant.csv"]);
  const labour = files["labour.csv"].trim().split("\n").map((l) => l.split(","));
  assert.deepEqual(labour[0], ["study", "participant", "day", "hour", "platform", "category", "kind", "count", "seconds"]);
  assert.deepEqual(labour.slice(1), shown, "the zip holds exactly the rows the preview showed");
  const platforms = new Set(labour.slice(1).map((r) => r[4]));
  assert.ok(platforms.has("youtube.com") && platforms.has("other"), [...platforms].join());
  for (const r of labour.slice(1)) {
    assert.equal(r[1], participant);
    assert.match(r[2], /^\d{4}-\d{2}-\d{2}$/, "a day, nothing finer");
    assert.ok(Number(r[3]) >= 0 && Number(r[3]) <= 23 && /^\d+$/.test(r[3]), "an hour, nothing finer");
  }
  const everything = Object.values(files).join("\n");
  for (const secret of ["http", "://", "example.org", "blog.", "watch", "fixture", install_id, ...events.map((e) => e.id), ...events.map((e) => e.item).filter(Boolean), ...events.map((e) => e.rule)]) {
    assert.ok(!everything.includes(secret), `the export holds ${secret}`);
  }
  assert.ok(!/T\d{2}:\d{2}|\d{2}:\d{2}:\d{2}/.test(everything), "no time of day finer than the hour");

  // 4. The research tool accepts it for its study and refuses it for another.
  const merged = researchTool("merge", zipPath, "--study", hourly, "--out", path.join(tmp, "merged"));
  assert.equal(merged.status, 0, merged.stdout + merged.stderr);
  assert.match(merged.stdout, /1 participants merged, 0 packages refused/);
  const foreign = researchTool("merge", zipPath, "--study", path.join(ROOT, "research/sample-study.json"), "--out", path.join(tmp, "foreign"));
  assert.equal(foreign.status, 3, foreign.stdout + foreign.stderr);
  assert.match(fs.readFileSync(path.join(tmp, "foreign/refused.csv"), "utf8"), /foreign: from study ""e2e-hourly-study""/);
  const frictionless = path.join(ROOT, "build/research-venv/bin/frictionless");
  if (fs.existsSync(frictionless)) {
    const dir = path.join(tmp, "unzipped");
    fs.mkdirSync(dir);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const check = spawnSync(frictionless, ["validate", path.join(dir, "datapackage.json")], { encoding: "utf8" });
    assert.equal(check.status, 0, check.stdout);
  }

  // 5. Leave (with its confirmation), then join another study: another participant id.
  await page.click("#leave");
  await page.click("#leave-yes");
  await page.waitForSelector("#import-section:not([hidden])");
  assert.deepEqual(await browser.ask({ type: "study" }), { study: null, participant: null });
  const refused = await browser.ask({ type: "research_export" });
  assert.equal(refused.code, "bad_input", "no export after leaving");
  await page.setInputFiles("#study-file", studyFile("daily.json", { id: "e2e-daily-study" }));
  await page.waitForSelector("#consent:not([hidden])");
  await page.keyboard.press("Tab"); // keyboard only: from the consent text to the box, then to the button
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#joined:not([hidden])");
  const second = (await page.textContent("#participant")).trim();
  assert.match(second, /^[0-9a-f]{32}$/);
  assert.notEqual(second, participant, "two studies cannot link a person");
  const daily = await browser.ask({ type: "research_export" });
  const dailyLabour = daily.files["labour.csv"];
  assert.ok(!dailyLabour.includes(participant));
  assert.ok(dailyLabour.startsWith("study,participant,day,platform,category,kind,count,seconds\n"));
  await page.close();
});

test("a malformed study file is refused with the problem named, and nothing is joined", async () => {
  await browser.ask({ type: "leave_study" });
  const page = await browser.context.newPage();
  await page.goto(`${browser.origin}/study.html`);
  await page.setInputFiles("#study-file", studyFile("v2.json", { version: 2 }));
  await page.waitForSelector("#study-error:not([hidden])");
  assert.match(await page.textContent("#study-error"), /version 2 is not supported/);
  assert.equal(await page.isHidden("#consent"), true);
  assert.deepEqual(await browser.ask({ type: "study" }), { study: null, participant: null });
  await page.close();
});
