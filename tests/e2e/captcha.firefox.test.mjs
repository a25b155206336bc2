// End to end, Firefox: the same CAPTCHA cases as in Chromium (lib/captcha-cases.mjs), solved with
// WebDriver clicks (trusted) in the Firefox package installed as a temporary add-on.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Key } from "selenium-webdriver";
import { launchFirefox } from "./lib/firefox.mjs";
import { CASES, runCase, until } from "./lib/captcha-cases.mjs";
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

async function inFrame(frame, f) {
  const { driver, By } = ff;
  if (!frame) return f();
  await driver.switchTo().frame(await driver.findElement(By.css(frame)));
  try {
    return await f();
  } finally {
    await driver.switchTo().defaultContent();
  }
}

async function step(s) {
  const { driver, By } = ff;
  if (s.pause) return new Promise((r) => setTimeout(r, s.pause));
  if (s.click) {
    return inFrame(s.frame, async () => {
      const all = await until(() => driver.findElements(By.css(s.click)), (els) => els.length > (s.nth ?? 0));
      await all[s.nth ?? 0].click();
    });
  }
  if (s.key) return inFrame(s.frame, async () => (await driver.findElement(By.css(s.on))).sendKeys(Key[s.key.toUpperCase()]));
  if (s.type) return inFrame(s.frame, async () => (await driver.findElement(By.css(s.type))).sendKeys(s.text));
  if (s.waitText) {
    const text = await until(
      () => inFrame(s.frame, () => driver.executeScript("return document.querySelector(arguments[0])?.textContent ?? ''", s.waitText)),
      (t) => t.includes(s.text),
    );
    assert.ok(text.includes(s.text), `waited for "${s.text}" in ${s.waitText}, saw "${text}"`);
    return;
  }
  throw new Error(`unknown step ${JSON.stringify(s)}`);
}

const driver = {
  open: (url) => ff.driver.get(url),
  step,
  fixture: () => ff.driver.executeScript("return window.fixture ?? null"),
  ask: (m) => ff.ask(m),
};

for (const c of CASES) {
  test(`Firefox: ${c.name}`, async () => {
    await runCase(c, driver);
  });
}
