// End to end, Firefox: the held-out set (tests/e2e/lib/heldout-cases.mjs), as in Chromium, driven through
// geckodriver with trusted WebDriver input: each case in a new tab, the tab closed about a second after the
// last action. Misses are `todo` (it measures generalisation); infrastructure errors fail. Precision and
// recall per kind are printed and written to tests/e2e/.results/heldout-firefox.json.
// `scripts/test.sh` only checks the fixtures; the measurement runs with DIGITUS_HELDOUT=1 (see `heldoutSuite`).
import assert from "node:assert/strict";
import { Key } from "selenium-webdriver";
import { launchFirefox } from "./lib/firefox.mjs";
import { heldoutSuite } from "./lib/heldout-cases.mjs";

let ff;
const KEYS = { Enter: Key.ENTER };

/** Waits for the element to be shown (dialogs open late), reaching into an open shadow root for "host >>> inner". */
async function find(selector) {
  const { driver, By, until } = ff;
  const [host, inner] = selector.split(" >>> ");
  const el = await driver.wait(until.elementLocated(By.css(host)), 5_000, `no ${host} on the page`);
  if (!inner) {
    await driver.wait(until.elementIsVisible(el), 5_000, `${host} never shown`);
    return el;
  }
  const root = await el.getShadowRoot();
  const innerEl = await driver.wait(async () => (await root.findElements(By.css(inner)))[0], 5_000, `no ${inner} in ${host}'s shadow root`);
  await driver.wait(until.elementIsVisible(innerEl), 5_000, `${inner} never shown`);
  return innerEl;
}

await heldoutSuite({
  browserName: "firefox",
  prefix: "Firefox held-out: ",
  launch: async (server) => (ff = await launchFirefox(server)),
  adapter: {
    open: async (url) => {
      await ff.driver.switchTo().newWindow("tab");
      await ff.driver.get(url);
      const served = await ff.driver.executeScript("return document.contentType === 'text/html' && !document.body.textContent.startsWith('no fixture for')");
      assert.ok(served, `page not served: ${url}`);
    },
    click: async (selector) => (await find(selector)).click(),
    type: async (selector, text) => {
      const el = await find(selector);
      await el.click();
      await el.sendKeys(text);
    },
    press: async (selector, key) => (await find(selector)).sendKeys(KEYS[key] ?? key),
    close: async () => {
      await ff.driver.close();
      await ff.toPage();
    },
    summary: () => ff.summary(),
    recent: async () => (await ff.ask({ type: "recent", limit: 50 })).events ?? [],
  },
});
