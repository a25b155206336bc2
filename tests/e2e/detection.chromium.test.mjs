// End to end, Chromium: the detection suite (tests/e2e/lib/detection-cases.mjs) on fixture pages served
// under real host names, with trusted clicks and typing; precision and recall per kind are printed and
// written to tests/e2e/.results/detection-chromium.json. Then the options page: pausing a site, a local
// rule for a site the bundled rules miss, and the rule named beside each recent event.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually, launchChromium } from "./lib/chromium.mjs";
import { CASES, report, runCase, SITE_RULE_FAMILIES } from "./lib/detection-cases.mjs";
import { startServer } from "./lib/server.mjs";

let server;
let browser;
let page;
const records = [];
const failures = [];

/** "host >>> inner" reaches into an open shadow root (Playwright's locators pierce open roots). */
const locate = (selector) => selector.split(" >>> ").reduce((scope, part) => scope.locator(part), page).first();

const adapter = {
  goto: async (url) => {
    await page.goto(url, { waitUntil: "load" });
    await page.bringToFront(); // a background tab's animation frames are throttled, and Playwright's clicks wait on them
  },
  click: (selector) => locate(selector).click({ timeout: 5_000 }),
  dblclick: (selector) => locate(selector).dblclick({ timeout: 5_000 }),
  type: async (selector, text) => {
    await locate(selector).click({ timeout: 5_000 });
    await page.keyboard.type(text);
  },
  press: (selector, key) => locate(selector).press(key, { timeout: 5_000 }),
  script: (js) => page.evaluate(js),
  summary: () => browser.summary(),
};

before(async () => {
  server = await startServer();
  browser = await launchChromium(server);
  await browser.summary(); // opens the extension page that answers queries, before the page under test
  page = await browser.context.newPage();
});

after(async () => {
  if (records.length) report("chromium", records, failures);
  await browser?.close();
  await server?.close();
});

for (const testCase of CASES) {
  test(testCase.name, { todo: testCase.known }, async () => {
    const checkpoints = await runCase(adapter, testCase);
    records.push({ name: testCase.name, checkpoints });
    const wrong = checkpoints.filter((c) => JSON.stringify(c.expected) !== JSON.stringify(c.observed));
    if (wrong.length) failures.push({ name: testCase.name, known: testCase.known, wrong });
    assert.deepEqual(checkpoints.map((c) => c.observed), checkpoints.map((c) => c.expected));
  });
}

async function openOptions() {
  const options = await browser.context.newPage();
  await options.goto(`${browser.origin}/options.html`);
  await options.waitForSelector("#local-rules");
  return options;
}

test("options: a paused site counts nothing until resumed (typed as a host name)", async () => {
  const options = await openOptions();
  await options.fill("#pause-site", "https://blog.example.org/some/page");
  await options.click("#pause-form button[type=submit]");
  // The core keeps what was typed as the registrable domain it pauses: the whole site, example.org.
  await options.waitForFunction(() => [...document.querySelectorAll("#paused li")].some((li) => li.textContent.trim().startsWith("example.org")));
  const before = await browser.summary();
  // A page of its own: the suite already liked these buttons on the plain URL, and a like standing on an
  // item is not counted twice.
  await page.goto("https://blog.example.org/pages/generic.html?paused");
  await page.click("#g-like-es");
  await new Promise((r) => setTimeout(r, 1700));
  assert.equal((await browser.summary()).kinds.like, before.kinds.like, "nothing counted while paused");

  await options.click("#paused button");
  await options.waitForFunction(() => !document.querySelector("#paused li"));
  await page.click("#g-like-pt");
  const resumed = await eventually(browser.summary, (s) => s.kinds.like === before.kinds.like + 1);
  assert.equal(resumed.kinds.like, before.kinds.like + 1);
  await options.close();
});

test("options: a local rule counts a site the bundled rules miss, and the events table names it", async () => {
  const before = await browser.summary();
  await page.goto("https://shop.example.com/pages/wishlist.html");
  await page.click("#wish");
  await new Promise((r) => setTimeout(r, 1700));
  assert.equal((await browser.summary()).kinds.like, before.kinds.like, "no bundled rule or keyword matches");
  await page.click("#wish"); // back off, as the user found it

  const options = await openOptions();
  const rule = { $schema: "../rules.schema.json", format: 1, sites: ["example.com"], rules: [{ id: "local.wishlist", version: 1, kind: "like", target: "button.wish-toggle", effect: "toggle", on: "[aria-pressed=true]" }] };
  await options.fill("#local-rules", "{ not json");
  await options.click("#save-rules");
  await options.waitForFunction(() => document.querySelector("#rules-status.bad"));
  assert.match(await options.textContent("#rules-status"), /local rules/);
  await options.fill("#local-rules", JSON.stringify(rule, null, 2));
  await options.click("#save-rules");
  await options.waitForFunction(() => document.querySelector("#rules-status.ok"));

  await page.goto("https://shop.example.com/pages/wishlist.html");
  await page.click("#wish");
  const after = await eventually(browser.summary, (s) => s.kinds.like === before.kinds.like + 1);
  assert.equal(after.kinds.like, before.kinds.like + 1);

  await options.reload();
  await options.waitForFunction(() => document.querySelectorAll("#events tr").length > 0);
  const rows = await options.$$eval("#events tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.equal(rows[0][3], "local.wishlist@1", "the newest event names the local rule");
  assert.equal(rows[0][2], "example.com");
  await options.close();
});

test("every recorded event names the rule that counted it; every site's rules counted something", async () => {
  const { events } = await browser.ask({ type: "recent", limit: 1000 });
  assert.ok(events.length > 0);
  for (const event of events) assert.match(event.rule, /^[a-z0-9-]+(\.[a-z0-9-]+)+@\d+$/, JSON.stringify(event));
  const families = new Set(events.map((e) => e.rule.split(".")[0]));
  for (const site of SITE_RULE_FAMILIES) assert.ok(families.has(site), `no event counted by a ${site}.* rule`);
});
