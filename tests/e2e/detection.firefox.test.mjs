// End to end, Firefox: the same detection suite as in Chromium (tests/e2e/lib/detection-cases.mjs),
// driven through geckodriver with trusted WebDriver input; precision and recall per kind are printed and
// written to tests/e2e/.results/detection-firefox.json. Then pausing a site and a local rule from the
// options page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Key } from "selenium-webdriver";
import { eventually } from "./lib/chromium.mjs";
import { CASES, report, runCase, SITE_RULE_FAMILIES } from "./lib/detection-cases.mjs";
import { launchFirefox } from "./lib/firefox.mjs";
import { startServer } from "./lib/server.mjs";

let server;
let ff;
const records = [];
const failures = [];
const KEYS = { Enter: Key.ENTER, ",": "," };

/** Waits for the element (pages render late), reaching into an open shadow root for "host >>> inner". */
async function find(selector) {
  const { driver, By, until } = ff;
  const [host, inner] = selector.split(" >>> ");
  const el = await driver.wait(until.elementLocated(By.css(host)), 5_000);
  if (!inner) {
    await driver.wait(until.elementIsVisible(el), 5_000);
    return el;
  }
  const root = await el.getShadowRoot();
  return root.findElement(By.css(inner));
}

const adapter = {
  goto: (url) => ff.driver.get(url),
  click: async (selector) => (await find(selector)).click(),
  dblclick: async (selector) => ff.driver.actions().doubleClick(await find(selector)).perform(),
  type: async (selector, text) => {
    const el = await find(selector);
    await el.click();
    await el.sendKeys(text);
  },
  press: async (selector, key) => (await find(selector)).sendKeys(KEYS[key] ?? key),
  script: (js) => ff.driver.executeScript(js),
  summary: () => ff.summary(),
};

before(async () => {
  server = await startServer();
  ff = await launchFirefox(server);
});

after(async () => {
  if (records.length) report("firefox", records, failures);
  await ff?.close();
  await server?.close();
});

for (const testCase of CASES) {
  test(`Firefox: ${testCase.name}`, { todo: testCase.known }, async () => {
    const checkpoints = await runCase(adapter, testCase);
    records.push({ name: testCase.name, checkpoints });
    const wrong = checkpoints.filter((c) => JSON.stringify(c.expected) !== JSON.stringify(c.observed));
    if (wrong.length) failures.push({ name: testCase.name, known: testCase.known, wrong });
    assert.deepEqual(checkpoints.map((c) => c.observed), checkpoints.map((c) => c.expected));
  });
}

test("Firefox options: pause a site, then a local rule for a site the bundled rules miss", async () => {
  const { driver, By, until } = ff;
  const before = await ff.summary();
  await ff.openExtensionPage("options.html");
  const site = await driver.wait(until.elementLocated(By.css("#pause-site")), 5_000);
  await site.sendKeys("shop.example.com", Key.ENTER);
  // The core pauses the registrable domain of what was typed: the whole site, example.com.
  await driver.wait(async () => {
    const rows = await driver.findElements(By.css("#paused li"));
    for (const row of rows) if ((await row.getText()).trim().startsWith("example.com")) return true;
    return false;
  }, 5_000);
  const rule = { format: 1, sites: ["example.com"], rules: [{ id: "local.wishlist", version: 1, kind: "like", target: "button.wish-toggle", effect: "toggle", on: "[aria-pressed=true]" }] };
  const box = await driver.findElement(By.css("#local-rules"));
  await box.clear();
  await driver.executeScript("arguments[0].value = arguments[1]", box, JSON.stringify(rule));
  await driver.findElement(By.css("#save-rules")).click();
  await driver.wait(until.elementLocated(By.css("#rules-status.ok")), 5_000);
  await ff.toPage();

  await driver.get("https://shop.example.com/pages/wishlist.html");
  await (await find("#wish")).click();
  await new Promise((r) => setTimeout(r, 1700));
  assert.equal((await ff.summary()).kinds.like, before.kinds.like, "paused: nothing counted");
  await (await find("#wish")).click(); // back off

  await ff.openExtensionPage("options.html");
  await (await driver.wait(until.elementLocated(By.css("#paused button")), 5_000)).click();
  await driver.wait(async () => (await driver.findElements(By.css("#paused li"))).length === 0, 5_000);
  await ff.toPage();
  await (await find("#wish")).click();
  const counted = await eventually(ff.summary, (s) => s.kinds.like === before.kinds.like + 1);
  assert.equal(counted.kinds.like, before.kinds.like + 1);

  await ff.openExtensionPage("options.html");
  const firstRow = await driver.wait(until.elementLocated(By.css("#events tr td:nth-child(4)")), 5_000);
  assert.equal(await firstRow.getText(), "local.wishlist@1");
  await ff.toPage();
});

test("Firefox: every recorded event names its rule; every site's rules counted something", async () => {
  const { events } = await ff.ask({ type: "recent", limit: 1000 });
  for (const event of events) assert.match(event.rule, /^[a-z0-9-]+(\.[a-z0-9-]+)+@\d+$/);
  const families = new Set(events.map((e) => e.rule.split(".")[0]));
  for (const site of SITE_RULE_FAMILIES) assert.ok(families.has(site), `no event counted by a ${site}.* rule`);
});
