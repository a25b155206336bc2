// End to end, Chromium: the held-out set (tests/e2e/lib/heldout-cases.mjs, pages in
// tests/fixtures/heldout/<host>/…), each case in a new tab under the site's real host name, with trusted
// clicks and typing, the tab closed about a second after the last action. It measures generalisation:
// a miss is reported as `todo` (never fails the run); infrastructure errors fail (a page not served, a
// control missing from a page, the extension not answering). Precision and recall per kind are printed
// and written to tests/e2e/.results/heldout-chromium.json. `scripts/test.sh` only checks the fixtures;
// the measurement runs with DIGITUS_HELDOUT=1 (see `heldoutSuite`).
import assert from "node:assert/strict";
import { launchChromium } from "./lib/chromium.mjs";
import { heldoutSuite } from "./lib/heldout-cases.mjs";

let browser;
let page;

/** "host >>> inner" reaches into an open shadow root (Playwright's locators pierce open roots). */
const locate = (selector) => selector.split(" >>> ").reduce((scope, part) => scope.locator(part), page).first();

await heldoutSuite({
  browserName: "chromium",
  prefix: "held-out: ",
  launch: async (server) => (browser = await launchChromium(server)),
  adapter: {
    open: async (url) => {
      page = await browser.context.newPage();
      const response = await page.goto(url, { waitUntil: "load" });
      assert.equal(response?.status(), 200, `page not served: ${url}`);
      await page.bringToFront(); // a background tab's animation frames are throttled, and clicks wait on them
    },
    click: (selector) => locate(selector).click({ timeout: 5_000 }),
    type: async (selector, text) => {
      await locate(selector).click({ timeout: 5_000 });
      await page.keyboard.type(text);
    },
    press: (selector, key) => locate(selector).press(key, { timeout: 5_000 }),
    close: () => page.close({ runBeforeUnload: false }),
    summary: () => browser.summary(),
    recent: async () => (await browser.ask({ type: "recent", limit: 50 })).events ?? [],
  },
});
