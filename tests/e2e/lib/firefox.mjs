// Launches headless Firefox ESR through geckodriver (selenium-webdriver) with the built extension
// (dist/firefox) installed as a temporary add-on, its internal UUID pinned, and every HTTPS request sent
// through the fixture server's CONNECT proxy so that real host names reach local fixture pages.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, until } from "selenium-webdriver";
import firefox from "selenium-webdriver/firefox.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const FIREFOX_DIST = path.join(process.env.DIGITUS_OUT || ROOT, "dist/firefox");
export const GECKO_ID = JSON.parse(fs.readFileSync(path.join(ROOT, "manifest.json"), "utf8")).browser_specific_settings.gecko.id;
export const UUID = "6b1f3c2e-0d1a-4e5f-9a7b-d161705d1a11";

function geckodriverPath() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  const cargoBin = path.join(os.homedir(), ".cargo/bin/geckodriver");
  if (fs.existsSync(cargoBin)) return cargoBin;
  return execFileSync("sh", ["-c", "command -v geckodriver"]).toString().trim();
}

export async function launchFirefox(server, { extension = FIREFOX_DIST, prefs = {} } = {}) {
  const options = new firefox.Options();
  options.setBinary(process.env.FIREFOX || "/usr/bin/firefox-esr");
  options.addArguments("-headless");
  options.setAcceptInsecureCerts(true);
  const allPrefs = {
    "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: UUID }),
    "network.proxy.type": 1,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": server.proxyPort,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": server.proxyPort,
    "network.proxy.allow_hijacking_localhost": true,
    "network.proxy.no_proxies_on": "",
    "network.dns.disableIPv6": true,
    "security.enterprise_roots.enabled": false,
    "browser.shell.checkDefaultBrowser": false,
    "datareporting.policy.dataSubmissionEnabled": false,
    "app.update.enabled": false,
    ...prefs,
  };
  for (const [k, v] of Object.entries(allPrefs)) options.setPreference(k, v);
  const service = new firefox.ServiceBuilder(geckodriverPath()).addArguments("--allow-system-access");
  const driver = await new Builder().forBrowser("firefox").setFirefoxOptions(options).setFirefoxService(service).build();
  await driver.installAddon(extension, true);
  const origin = `moz-extension://${UUID}`;
  const mainHandle = await driver.getWindowHandle();
  await driver.switchTo().newWindow("tab");
  const extensionHandle = await driver.getWindowHandle();
  await driver.get(`${origin}/popup.html`);
  await driver.switchTo().window(mainHandle);

  /** Sends a message to the background from an extension tab, as the popup does. */
  async function ask(message) {
    const back = await driver.getWindowHandle();
    await driver.switchTo().window(extensionHandle);
    try {
      // A test that failed half-way may have navigated this tab away: bring back an extension page.
      if (!(await driver.getCurrentUrl()).startsWith(origin)) await driver.get(`${origin}/popup.html`);
      return await driver.executeAsyncScript(
        "const done = arguments[arguments.length - 1]; browser.runtime.sendMessage(arguments[0]).then(done, (e) => done({ error: String(e) }));",
        message,
      );
    } finally {
      await driver.switchTo().window(back);
    }
  }
  return {
    driver,
    origin,
    By,
    until,
    ask,
    summary: () => ask({ type: "summary" }),
    /** Opens an extension page in the extension tab (leaves the driver there). */
    openExtensionPage: async (page) => {
      await driver.switchTo().window(extensionHandle);
      await driver.get(`${origin}/${page}`);
    },
    /** Back to the browsing tab. */
    toPage: () => driver.switchTo().window(mainHandle),
    close: () => driver.quit(),
  };
}
