// Dashboard benchmark, Chromium: the dashboard's first render (navigation → every section drawn, charts
// included) over 1,000,000 stored events, and the time of `{type: "value"}` and `{type: "timeline"}`
// answers, for this week and for everything. The extension's own database is filled by the bench module
// (events spread over the last year, 40 sites, all kinds; rollups written once).
// Usage: bash scripts/build.sh --bench && node bench/browser/dashboard.mjs [events=1000000] [runs=5]
import { launchChromium } from "../../tests/e2e/lib/chromium.mjs";
import { benchExtension } from "./bench-extension.mjs";
import { startServer } from "../../tests/e2e/lib/server.mjs";

const N = Number(process.argv[2] || 1_000_000);
const RUNS = Number(process.argv[3] || 5);
const log = (...a) => console.error("[bench]", ...a);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dist = benchExtension("dashboard-bench", [["dashboard-page.html", "dashboard-page.html"], ["dashboard-page.js", "dashboard-page.js"]]);

const server = await startServer();
const browser = await launchChromium(server, { extension: dist });
try {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(0);
  await page.goto(`${browser.origin}/dashboard-page.html`);
  await page.waitForFunction(() => document.getElementById("state").textContent === "ready");
  // 31 s between events: a million events span about 359 days, ending now.
  const start = Date.now() - N * 31_000 - 60_000;
  const fill = await page.evaluate(([n, s]) => window.bench.fill(n, s), [N, start]);
  log(`filled ${N} events in ${(fill / 1000).toFixed(1)} s`);

  const tz = await page.evaluate(() => -new Date().getTimezoneOffset());
  const weekStart = await page.evaluate(() => {
    const d = new Date();
    const day = new Date(d.getFullYear(), d.getMonth(), d.getDate());
    day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
    return +day;
  });
  const messages = {
    "value, this week": { type: "value", from: weekStart, tz },
    "value, everything": { type: "value", tz },
    "timeline by day, this week": { type: "timeline", from: weekStart, tz, unit: "day" },
    "timeline by day, everything": { type: "timeline", tz, unit: "day" },
    "summary (for comparison: rollups only, no valuation)": { type: "summary" },
  };
  const rows = [];
  const first = await page.evaluate((m) => window.bench.time(m), messages["value, everything"]); // wakes the worker
  log(`first value answer (worker wake, database open): ${first.ms.toFixed(0)} ms, ${first.events} events`);
  for (const [name, message] of Object.entries(messages)) {
    const times = [];
    let events;
    for (let r = 0; r < RUNS; r++) {
      const t = await page.evaluate((m) => window.bench.time(m), message);
      times.push(t.ms);
      events = t.events;
    }
    rows.push([name, median(times), events]);
    log(`${name}: median ${median(times).toFixed(0)} ms (${events} events)`);
  }

  const renders = {};
  for (const period of ["week", "all"]) {
    renders[period] = [];
    for (let r = 0; r < RUNS; r++) {
      const dash = await browser.context.newPage();
      await dash.goto(`${browser.origin}/dashboard.html?period=${period}`);
      await dash.waitForFunction(() => performance.getEntriesByName("digitus-first-render").length > 0);
      const ms = await dash.evaluate(() => performance.getEntriesByName("digitus-first-render")[0].startTime);
      const acts = await dash.textContent("#stat-acts");
      renders[period].push(ms);
      log(`dashboard first render, period ${period}: ${ms.toFixed(0)} ms (${acts} acts shown)`);
      await dash.close();
    }
  }
  console.log(`\nDashboard and value answers over ${N.toLocaleString("en")} stored events (median of ${RUNS}, Chromium headless)\n`);
  console.log("| what | median |");
  console.log("|---|---|");
  console.log(`| dashboard first render, this week (navigation → every section drawn) | ${median(renders.week).toFixed(0)} ms |`);
  console.log(`| dashboard first render, everything | ${median(renders.all).toFixed(0)} ms |`);
  for (const [name, ms] of rows) console.log(`| \`${name}\` answer | ${ms.toFixed(0)} ms |`);
} finally {
  await browser.close();
  await server.close();
}
