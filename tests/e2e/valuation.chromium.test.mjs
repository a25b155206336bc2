// End to end, Chromium, in English and in French: trusted clicks on fixture pages, then the numbers the
// popup and the dashboard show (checked against values computed here from the recorded events and the
// published figures), the settings (a country changes the wage), the share image, the welcome page,
// screenshots of every page in both colour schemes (build/test-artifacts/valuation/), and axe-core on
// each page with no serious or critical violation.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { allEvents, eventually, launchChromium } from "./lib/chromium.mjs";
import { startServer } from "./lib/server.mjs";
import { close, expectedLikes, MONEY_IN_PAGE } from "./lib/valuation-expect.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ARTIFACTS = path.join(process.env.DIGITUS_OUT || ROOT, "build/test-artifacts/valuation");
const AXE = fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const YT = "https://www.youtube.com/watch.html?v=fixture";
const TEXT = {
  en: { valueHeading: "This week's labour is worth", wageMethod: "Time at a wage", contrast: "a micro-task in Madagascar", region: "worldwide", note: "€300 ÷ 337,768 engagements × 1,000" },
  fr: { valueHeading: "Ce travail de la semaine vaut", wageMethod: "Temps au salaire", contrast: "une micro-tâche à Madagascar", region: "monde entier", note: "300 € ÷ 337 768 interactions × 1 000" },
};

let server;
before(async () => {
  server = await startServer();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => server?.close());

/** Runs axe-core in the page (CDP evaluation is not subject to the page's CSP). */
async function axe(page, what) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`),
    [],
    `${what}: no serious or critical accessibility violation`,
  );
}

async function shoot(page, name) {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(100);
    await page.screenshot({ path: path.join(ARTIFACTS, `chromium-${name}-${scheme}.png`), fullPage: true });
    await axe(page, `${name} (${scheme})`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

const inPage = (page, amount, currency, lang) =>
  page.evaluate(([source, a, c, l]) => (0, eval)(source)(a, c, l), [MONEY_IN_PAGE, amount, currency, lang]);

async function language(lang) {
  const browser = await launchChromium(server, { lang });
  try {
    // First run: the welcome page opens by itself.
    const welcome = await eventually(
      async () => browser.context.pages().find((p) => p.url().endsWith("/welcome.html")),
      Boolean,
      { timeout: 10_000 },
    );
    assert.ok(welcome, "the welcome page opened on install");
    await welcome.waitForLoadState();
    assert.equal(await welcome.evaluate(() => document.documentElement.lang), lang, "pages follow the browser language");
    await shoot(welcome, `welcome-${lang}`);
    await welcome.close();

    // Labour: two likes on two sites, by trusted clicks.
    const page = await browser.context.newPage();
    await page.goto("https://blog.example.org/pages/like.html");
    await page.click("#like");
    await eventually(browser.summary, (s) => s.events >= 1);
    await page.goto(YT);
    await page.click("#yt-like");
    assert.equal((await eventually(browser.summary, (s) => s.events >= 2)).events, 2);
    const events = await allEvents(browser);
    const expected = expectedLikes(events);
    assert.equal(expected.events, 2);

    // Popup: today's count, this week's value by the preferred method (time at a wage, SMIC), paid 0.
    const popup = await browser.context.newPage();
    await popup.goto(`${browser.origin}/popup.html`);
    await popup.waitForFunction(() => document.getElementById("value-range").dataset.high !== undefined);
    assert.equal(await popup.textContent("#total"), await popup.evaluate((l) => new Intl.NumberFormat(l).format(2), lang));
    assert.equal(await popup.textContent('[data-kind="like"] .count'), "2");
    assert.equal(await popup.textContent("#value-heading"), TEXT[lang].valueHeading);
    const range = await popup.$eval("#value-range", (e) => ({ text: e.textContent, low: Number(e.dataset.low), high: Number(e.dataset.high) }));
    close(range.low, expected.wage.low, "popup wage low");
    close(range.high, expected.wage.high, "popup wage high");
    assert.equal(range.text, `${await inPage(popup, expected.wage.low, "EUR", lang)} – ${await inPage(popup, expected.wage.high, "EUR", lang)}`);
    if (lang === "fr") assert.match(range.text, /0,\d+\s€/, "French money: decimal comma, euro sign after");
    else assert.match(range.text, /€0\.\d+/, "English money: euro sign first, decimal point");
    assert.equal(await popup.textContent("#paid"), await inPage(popup, 0, "EUR", lang));
    await shoot(popup, `popup-${lang}`);

    // Dashboard: totals, the three methods, the contrast of the week, charts with their tables.
    const dash = await browser.context.newPage();
    await dash.goto(`${browser.origin}/dashboard.html`);
    await dash.waitForFunction(() => document.body.dataset.rendered && document.querySelector("#contrast-table tbody tr"));
    assert.equal(await dash.textContent("#stat-acts"), "2");
    const methods = await dash.$$eval("#methods [data-method]", (cards) =>
      cards.map((c) => ({ id: c.dataset.method, low: Number(c.querySelector(".range").dataset.low), high: Number(c.querySelector(".range").dataset.high), text: c.querySelector(".range").textContent })),
    );
    assert.deepEqual(methods.map((m) => m.id), ["market", "wage", "revenue"]);
    close(methods[0].low, expected.market.low, "market low");
    close(methods[0].high, expected.market.high, "market high");
    close(methods[1].high, expected.wage.high, "wage high");
    assert.ok(methods[2].high > 0, "YouTube has a revenue per user: the revenue method values it");
    assert.equal(methods[0].text, `${await inPage(dash, expected.market.low, "EUR", lang)} – ${await inPage(dash, expected.market.high, "EUR", lang)}`);
    assert.equal(await dash.textContent("#method-wage"), TEXT[lang].wageMethod);
    for (const [id, value] of Object.entries(expected.contrasts)) {
      assert.equal(await dash.textContent(`[data-contrast="contrast.${id}"] .amount`), await inPage(dash, value, "EUR", lang), id);
    }
    assert.equal(await dash.textContent('[data-contrast="contrast.madagascar_microtask"] th'), TEXT[lang].contrast);
    // Formula, parameters and sources: one click away.
    await dash.click('[data-method="wage"] summary');
    const smic = dash.locator('[data-method="wage"] tr[data-parameter="wage.fr"]');
    assert.ok(await smic.isVisible());
    assert.match(await smic.textContent(), /12[.,]02/);
    assert.match(await smic.textContent(), /2025-1228/, "the SMIC row cites its decree");
    // A figure's region and note in the page's language; its citation as published.
    await dash.click('[data-method="market"] summary');
    const bought = dash.locator('[data-method="market"] tr[data-parameter="market.likes_bought_2020"]');
    assert.equal(await bought.locator("td").nth(2).textContent(), TEXT[lang].region);
    assert.equal(await bought.locator("small").textContent(), TEXT[lang].note);
    const siteRows = await dash.$$eval("#sites-table tbody th", (ths) => ths.map((t) => t.textContent).sort());
    assert.deepEqual(siteRows, ["example.org", "youtube.com"]);
    const timelineTotal = await dash.$$eval("#timeline-table tbody tr td:last-child", (tds) => tds.map((t) => t.textContent));
    assert.ok(timelineTotal.includes("2"), `a day holds both likes: ${timelineTotal}`);
    // Site filter: only youtube.com.
    await dash.selectOption("#site", "youtube.com");
    await dash.waitForFunction(() => document.getElementById("stat-acts").textContent === "1");
    await dash.selectOption("#site", "");
    await dash.waitForFunction(() => document.getElementById("stat-acts").textContent === "2");
    // The week as an image, saved locally.
    const [download] = await Promise.all([dash.waitForEvent("download"), dash.click("#save-image")]);
    const file = await download.path();
    assert.deepEqual([...fs.readFileSync(file).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG file");
    fs.copyFileSync(file, path.join(ARTIFACTS, `chromium-share-card-${lang}.png`));
    await shoot(dash, `dashboard-${lang}`);

    // Settings: the valuation section, then Madagascar's minimum wage in ariary.
    const options = await browser.context.newPage();
    await options.goto(`${browser.origin}/options.html`);
    await options.waitForFunction(() => document.getElementById("country").options.length >= 8);
    await shoot(options, `settings-${lang}`);
    if (lang === "en") {
      await options.selectOption("#country", "MG");
      await options.click("#save-valuation");
      await options.waitForFunction(() => document.getElementById("valuation-status").classList.contains("ok"));
      const settings = await browser.ask({ type: "settings" });
      assert.equal(settings.country, "MG");
      assert.equal(settings.currency, "MGA");
      const mg = expectedLikes(events, { currency: "MGA", country: "MG" });
      await popup.reload();
      await popup.waitForFunction(() => document.getElementById("value-range").dataset.high !== undefined);
      close(Number(await popup.getAttribute("#value-range", "data-high")), mg.wage.high, "Madagascar wage high, in ariary");
      assert.match(await popup.textContent("#value-range"), /MGA|Ar/);
      // An own wage twice the SMIC: the wage range doubles.
      const once = await browser.ask({ type: "value", wage: { amount: 12.02, currency: "EUR" }, currency: "EUR" });
      const twice = await browser.ask({ type: "value", wage: { amount: 24.04, currency: "EUR" }, currency: "EUR" });
      close(twice.methods[1].high, 2 * once.methods[1].high, "doubled wage");
      const refused = await browser.ask({ type: "value", currency: "XYZ" });
      assert.equal(refused.code, "bad_input");
      // "Pause on this site" in the popup acts on the active tab (here the like page, brought to front;
      // the popup tab reloads behind it, as the real popup opens over the page).
      await page.goto("https://news.example.net/pages/like.html");
      await page.bringToFront();
      await popup.reload();
      await popup.waitForSelector("#here:not([hidden])");
      assert.match(await popup.textContent("#pause-here"), /example\.net/);
      await popup.click("#pause-here");
      await eventually(() => browser.ask({ type: "settings" }), (s) => s.paused_sites.includes("example.net"));
      await popup.waitForFunction(() => document.getElementById("pause-here").getAttribute("aria-pressed") === "true");
      await page.click("#like");
      await page.waitForTimeout(1500);
      assert.equal((await browser.summary()).events, 2, "nothing counted on a paused site");
      await popup.click("#pause-here");
      await eventually(() => browser.ask({ type: "settings" }), (s) => s.paused_sites.length === 0);
      await page.reload();
      await page.click("#like");
      assert.equal((await eventually(browser.summary, (s) => s.events >= 3)).events, 3, "counted again once resumed");
      // The toolbar badge shows today's count, and can be turned off.
      const badge = () => popup.evaluate(() => chrome.action.getBadgeText({}));
      assert.equal(await eventually(badge, (text) => text === "3"), "3");
      await options.uncheck("#show-badge");
      await options.click("#save-valuation");
      await eventually(() => browser.ask({ type: "settings" }), (s) => s.hide_badge === true);
      assert.equal(await eventually(badge, (text) => text === ""), "");
    }
  } finally {
    await browser.close();
  }
}

test("English: trusted clicks, then the popup, dashboard and settings show the right numbers; screenshots; axe", () => language("en"));
test("French: the same pages in French, numbers formatted for fr; screenshots; axe", () => language("fr"));
