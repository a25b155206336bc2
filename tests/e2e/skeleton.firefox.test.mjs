// End to end, Firefox: the same promises as in Chromium, with the Firefox package (background scripts,
// gecko id) installed as a temporary add-on.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually } from "./lib/chromium.mjs";
import { launchFirefox } from "./lib/firefox.mjs";
import { startServer } from "./lib/server.mjs";

let server;
let ff;

before(async () => {
  server = await startServer();
  ff = await launchFirefox(server);
});

after(async () => {
  await ff?.close();
  await server?.close();
});

test("Firefox: a trusted click on a Like button records one like; the popup shows it", async () => {
  const { driver, By } = ff;
  await driver.get("https://blog.example.org/pages/like.html");
  await driver.findElement(By.css("#like")).click(); // WebDriver clicks are trusted input events
  const summary = await eventually(ff.summary, (s) => s.events >= 1);
  assert.equal(summary.kinds.like, 1);
  assert.deepEqual(summary.sites, { "example.org": { like: 1 } });

  await ff.openExtensionPage("popup.html");
  try {
    // The popup renders once the background answers: wait for the element, then for its text.
    const likes = await driver.wait(ff.until.elementLocated(By.css('[data-kind="like"] .count')), 10_000);
    await driver.wait(async () => (await likes.getText()) === "1", 10_000);
    assert.equal(await driver.findElement(By.css("#total")).getText(), "1");
  } finally {
    await ff.toPage();
  }

  await driver.findElement(By.css("#like")).click();
  const undone = await eventually(ff.summary, (s) => s.events === 0);
  assert.equal(undone.kinds.like, 0);
});

test("Firefox: scripted clicks count nothing", async () => {
  const { driver } = ff;
  const before = (await ff.summary()).events;
  await driver.get("https://scripted.example.net/pages/scripted.html");
  await driver.wait(async () => (await driver.executeScript("return window.scripted")) >= 30, 10_000);
  await new Promise((r) => setTimeout(r, 1500));
  const summary = await ff.summary();
  assert.equal(summary.events, before);
  assert.equal(summary.sites["example.net"], undefined);
});

test("Firefox: malformed messages get an error reply", async () => {
  const answer = await ff.ask({ type: "nonsense" });
  assert.equal(typeof answer.error, "string");
});
