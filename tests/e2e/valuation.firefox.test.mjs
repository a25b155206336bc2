// End to end, Firefox, in English (light) and French (dark, the fr language pack): trusted WebDriver clicks
// on fixture pages, then the numbers the popup and dashboard show, checked against values computed here
// from the recorded events and the published figures; the welcome page; screenshots of popup, dashboard
// and settings (build/test-artifacts/valuation/); axe-core on each page.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { allEvents, eventually } from "./lib/chromium.mjs";
import { launchFirefox } from "./lib/firefox.mjs";
import { startServer } from "./lib/server.mjs";
import { close, expectedLikes, MONEY_IN_PAGE } from "./lib/valuation-expect.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ARTIFACTS = path.join(process.env.DIGITUS_OUT || ROOT, "build/test-artifacts/valuation");
const AXE = fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const YT = "https://www.youtube.com/watch.html?v=fixture";
const HEADING = { en: "This week's labour is worth", fr: "Ce travail de la semaine vaut" };

let server;
before(async () => {
  server = await startServer();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => server?.close());

async function check(ff, name) {
  const { driver } = ff;
  fs.writeFileSync(path.join(ARTIFACTS, `${name}.png`), Buffer.from(await driver.takeScreenshot(), "base64"));
  await driver.executeScript(AXE);
  const violations = await driver.executeAsyncScript(
    "const done = arguments[arguments.length - 1]; axe.run(document, { resultTypes: ['violations'] }).then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '))), (e) => done(['axe failed: ' + e]));",
  );
  assert.deepEqual(violations, [], `${name}: no serious or critical accessibility violation`);
}

const money = (driver, amount, currency, lang) =>
  driver.executeScript(`return (${MONEY_IN_PAGE})(arguments[0], arguments[1], arguments[2]);`, amount, currency, lang);

async function language(lang, scheme) {
  const ff = await launchFirefox(server, {
    prefs: {
      "intl.locale.requested": lang === "fr" ? "fr" : "en-US",
      "layout.css.prefers-color-scheme.content-override": scheme === "dark" ? 0 : 1,
    },
  });
  const { driver, By, until } = ff;
  try {
    // The welcome page opened on install.
    const main = await driver.getWindowHandle();
    let welcome;
    for (const handle of await driver.getAllWindowHandles()) {
      await driver.switchTo().window(handle);
      if ((await driver.getCurrentUrl()).endsWith("/welcome.html")) welcome = handle;
    }
    assert.ok(welcome, "the welcome page opened on install");
    await driver.switchTo().window(welcome);
    await driver.wait(async () => (await driver.executeScript("return document.documentElement.lang")) === lang, 10_000);
    await check(ff, `firefox-welcome-${lang}-${scheme}`);
    await driver.switchTo().window(main);

    await driver.get("https://blog.example.org/pages/like.html");
    await driver.findElement(By.css("#like")).click(); // WebDriver clicks are trusted input events
    await eventually(ff.summary, (s) => s.events >= 1);
    await driver.get(YT);
    await driver.findElement(By.css("#yt-like")).click();
    assert.equal((await eventually(ff.summary, (s) => s.events >= 2)).events, 2);
    const expected = expectedLikes(await allEvents(ff));

    await ff.openExtensionPage("popup.html");
    const range = await driver.wait(until.elementLocated(By.css("#value-range[data-high]")), 10_000);
    assert.equal(await driver.findElement(By.css("#total")).getText(), "2");
    assert.equal(await driver.findElement(By.css("#value-heading")).getText(), HEADING[lang].toUpperCase());
    close(Number(await range.getAttribute("data-low")), expected.wage.low, "popup wage low");
    close(Number(await range.getAttribute("data-high")), expected.wage.high, "popup wage high");
    const shown = await range.getText();
    const want = `${await money(driver, expected.wage.low, "EUR", lang)} – ${await money(driver, expected.wage.high, "EUR", lang)}`;
    assert.equal(shown.replace(/\s/g, " "), want.replace(/\s/g, " "));
    await check(ff, `firefox-popup-${lang}-${scheme}`);

    await ff.openExtensionPage("dashboard.html");
    await driver.wait(until.elementLocated(By.css("body[data-rendered] #contrast-table tbody tr")), 15_000);
    assert.equal(await driver.findElement(By.css("#stat-acts")).getText(), "2");
    const market = await driver.findElement(By.css('[data-method="market"] .range'));
    close(Number(await market.getAttribute("data-low")), expected.market.low, "market low");
    close(Number(await market.getAttribute("data-high")), expected.market.high, "market high");
    const madagascar = await driver.findElement(By.css('[data-contrast="contrast.madagascar_microtask"] .amount')).getText();
    assert.equal(madagascar.replace(/\s/g, " "), (await money(driver, expected.contrasts.madagascar_microtask, "EUR", lang)).replace(/\s/g, " "));
    await driver.findElement(By.css('[data-method="revenue"] summary')).click();
    assert.ok(await driver.findElement(By.css('[data-method="revenue"] tr[data-parameter="arpu.youtube"]')).isDisplayed());
    await check(ff, `firefox-dashboard-${lang}-${scheme}`);

    await ff.openExtensionPage("options.html");
    await driver.wait(async () => (await driver.findElements(By.css("#country option"))).length >= 8, 10_000);
    await check(ff, `firefox-settings-${lang}-${scheme}`);
  } finally {
    await ff.toPage().catch(() => {});
    await ff.close();
  }
}

test("Firefox, English, light: trusted clicks, then the numbers in popup and dashboard; screenshots; axe", () => language("en", "light"));
test("Firefox, French, dark: the same in French; screenshots; axe", () => language("fr", "dark"));
