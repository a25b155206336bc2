// Launches Debian's Chromium headless with the built extension (dist/chromium) loaded, every host name
// mapped to the local fixture server.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const CHROMIUM_DIST = path.join(process.env.DIGITUS_OUT || ROOT, "dist/chromium");

/** `lang` ("fr"): the browser's UI language (what extensions' i18n follows), set on Linux by LANGUAGE. */
export async function launchChromium(server, { extension = CHROMIUM_DIST, args = [], lang } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "digitus-chromium-"));
  const language = lang ? { locale: lang, env: { ...process.env, LANGUAGE: lang, LANG: `${lang}_${lang.toUpperCase()}.UTF-8` } } : {};
  if (lang) args = [`--lang=${lang}`, ...args];
  const context = await chromium.launchPersistentContext(profile, {
    ...language,
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    ignoreHTTPSErrors: true,
    args: [
      "--headless=new",
      `--disable-extensions-except=${extension}`,
      `--load-extension=${extension}`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--ignore-certificate-errors",
      `--host-resolver-rules=MAP * 127.0.0.1:${server.httpsPort}, EXCLUDE localhost`,
      ...args,
    ],
  });
  let [worker] = context.serviceWorkers();
  if (!worker) worker = await context.waitForEvent("serviceworker", { timeout: 30_000 });
  const id = new URL(worker.url()).host;
  const origin = `chrome-extension://${id}`;
  // Headless Chromium keeps its pages as tabs of one window: a tab opened later takes the front, and the
  // others render at about one frame a second, so each Playwright click (which waits for frames) takes a
  // second or two. The launcher waits for the welcome tab the extension opens on install, so that it never
  // comes after (and in front of) the test's first page; the page `ask` opens goes behind the page the test
  // was working in. (Closing the welcome tab instead made Chromium's i18n answer "" in later extension
  // pages now and then.)
  await eventually(async () => context.pages().some((p) => p.url().endsWith("/welcome.html")), Boolean, { timeout: 10_000 });
  let page;
  /** Sends a message to the background from an extension page, as the popup does. */
  async function ask(message) {
    if (!page || page.isClosed()) {
      const front = context.pages().at(-1);
      page = await context.newPage();
      await page.goto(`${origin}/popup.html`);
      await front?.bringToFront();
    }
    return page.evaluate((m) => chrome.runtime.sendMessage(m), message);
  }
  return {
    context,
    id,
    origin,
    ask,
    summary: () => ask({ type: "summary" }),
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Every stored event, through the paged events API (`ask` from either browser's launcher). */
export async function allEvents(browser) {
  const out = [];
  let after;
  do {
    const page = await browser.ask({ type: "events", after, limit: 1000 });
    out.push(...page.events);
    after = page.next;
  } while (after);
  return out;
}

/** Polls `probe` until `accept` holds or the time runs out; returns the last value (the test asserts on it). */
export async function eventually(probe, accept, { timeout = 8000, every = 100 } = {}) {
  const end = Date.now() + timeout;
  let value = await probe();
  while (!accept(value) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, every));
    value = await probe();
  }
  return value;
}
