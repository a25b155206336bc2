// Dashboard: totals, what the labour is worth by three methods (formula, parameters and sources one click
// away), the founding contrast for this week, a timeline stacked by kind, labour by site, CAPTCHA labels by
// object, each chart with its data table beside it, and a shareable image of the week drawn locally.
//
//   filters (period, site, unit) ──▶ {type: "timeline"} + {type: "value"}   (rollups only, in the core)
//                                      └─▶ stats, method cards, charts (vendor/chart.umd.min.js) + tables
//   this week ─────────────────────▶ {type: "value"} + {type: "timeline"}  ──▶ contrast table, share card
import { ask, coreVocabulary, localise, t } from "./i18n.js";
import {
  addDays, date, dayKey, duration, money, moneyRange, number, parseDay, startOfDay, startOfMonth, startOfWeek, tzNow,
} from "./format.js";

const $ = (id) => document.getElementById(id);
const Chart = globalThis.Chart;
const COLORS = {
  like: "#e4572e", rating: "#e0a100", tag: "#17a398", report: "#c03a8a",
  feedback: "#3f88c5", review: "#8a63d2", captcha: "#7d8597",
};
const METHODS = ["market", "wage", "revenue"];
const charts = {};
let settings;
let KINDS = [];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

/** The chosen period as `[from, to)` local times in ms (`undefined` ends are open). */
function period() {
  const today = startOfDay();
  switch ($("period").value) {
    case "today": return { from: +today, to: +addDays(today, 1) };
    case "week": { const w = startOfWeek(); return { from: +w, to: +addDays(w, 7) }; }
    case "month": { const m = startOfMonth(); return { from: +m, to: +new Date(m.getFullYear(), m.getMonth() + 1, 1) }; }
    case "days30": return { from: +addDays(today, -29), to: +addDays(today, 1) };
    case "year": return { from: +new Date(today.getFullYear(), 0, 1), to: +new Date(today.getFullYear() + 1, 0, 1) };
    case "custom": {
      const from = $("from").value ? +parseDay($("from").value) : undefined;
      const to = $("to").value ? +addDays(parseDay($("to").value), 1) : undefined;
      return { from, to };
    }
    default: return {};
  }
}

function unit() {
  return document.querySelector('input[name="unit"]:checked').value;
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** A Chart.js chart, replaced on each render (no animation: the first render must be fast). */
function drawChart(id, config, label) {
  charts[id]?.destroy();
  const canvas = $(id);
  canvas.setAttribute("aria-label", label);
  if (!Chart) return;
  Chart.defaults.color = cssVar("--muted") || "#666";
  Chart.defaults.borderColor = cssVar("--line") || "#ddd";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  charts[id] = new Chart(canvas, {
    ...config,
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: document.documentElement.lang,
      plugins: { legend: { position: "bottom" } },
      ...config.options,
    },
  });
}

function kindDatasets(rows, count) {
  return KINDS.filter((k) => rows.some((r) => count(r, k) > 0)).map((kind) => ({
    label: t(`kind_${kind}`),
    data: rows.map((r) => count(r, kind)),
    backgroundColor: COLORS[kind],
    stack: "kinds",
  }));
}

function fillTable(table, head, rows) {
  table.tHead.replaceChildren(el("tr", {}, ...head.map((h) => el("th", { scope: "col", text: h }))));
  table.tBodies[0].replaceChildren(
    ...rows.map((cells) => el("tr", {}, el("th", { scope: "row", text: cells[0] }), ...cells.slice(1).map((c) => el("td", { text: c })))),
  );
}

function bucketLabel(start, u) {
  const d = parseDay(start);
  if (u === "month") return date(d, { month: "long", year: "numeric" });
  if (u === "week") return t("weekOf", date(d, { day: "numeric", month: "short", year: "numeric" }));
  return date(d, { weekday: "short", day: "numeric", month: "short" });
}

function renderTotals(summary) {
  $("stat-acts").textContent = number(summary.events);
  $("stat-time").textContent = duration(summary.seconds);
  $("stat-words").textContent = number(summary.words);
  $("stat-captchas").textContent = number(summary.captcha.solves);
  $("stat-labels").textContent = number(summary.captcha.labels);
  $("kind-totals").replaceChildren(
    ...KINDS.map((kind) => {
      const li = el("li", { class: `kind kind-${kind}`, "data-kind": kind });
      li.append(el("output", { class: "count", text: number(summary.kinds[kind] ?? 0) }), el("span", { class: "name", text: t(`kind_${kind}`) }));
      return li;
    }),
  );
}

function statusText(status) {
  return t(`status_${status}`);
}

/** A figure's label in the page's language: the data file's French label, or the pages' own words for the
 * figures an answer makes (your wage, your seconds, your days, an exchange rate). */
function parameterLabel(p) {
  const [group, name] = p.id.split(".");
  if (group === "days") return t("param_days", p.label.replace(/^Days you were active on (.*) in this period$/, "$1"));
  if (group === "rate") return t("param_rate", t(`currency_${name}`));
  if (["wage.own", "time.measured", "time.modelled", "share.labour_own"].includes(p.id)) return t(`param_${group}_${name}`);
  return inFrench(p.label_fr, p.label);
}

/** The data file's French words when the page is in French (citations stay as published). */
function inFrench(french, english) {
  return document.documentElement.lang === "fr" && french ? french : english;
}

function parameterRow(p, currency) {
  const value = p.currency && !["per EUR"].includes(p.unit) ? `${number(p.value, { maximumSignificantDigits: 6 })} ${p.currency}` : number(p.value, { maximumSignificantDigits: 6 });
  const unit = t(`unit_${p.unit.replaceAll(" ", "_")}`) || p.unit;
  const source = el("td", {}, el("span", { class: "citation", text: p.source.citation }));
  if (p.source.link && p.source.link !== "—") source.append(el("br"), el("span", { class: "link", text: p.source.link }));
  if (p.note) source.append(el("br"), el("small", { text: inFrench(p.note_fr, p.note) }));
  return el(
    "tr",
    { "data-parameter": p.id },
    el("th", { scope: "row", text: parameterLabel(p) }),
    el("td", { text: `${value} ${unit}`.trim() }),
    el("td", { text: p.year }),
    el("td", { text: inFrench(p.region_fr, p.region) }),
    source,
    el("td", {}, el("span", { class: `badge status-${p.status}`, text: statusText(p.status) })),
  );
}

function renderMethods(value) {
  const container = $("methods");
  container.replaceChildren(
    ...value.methods.map((m) => {
      const card = el("article", { class: `method${m.id === settings.preferred_method ? " preferred" : ""}`, "data-method": m.id, "aria-labelledby": `method-${m.id}` });
      const table = el(
        "table",
        { class: "parameters" },
        el("caption", { text: t("parametersCaption", t(`method_${m.id}`)) }),
        el(
          "thead",
          {},
          el("tr", {}, ...["colParameter", "colValue", "colYear", "colRegion", "colSource", "colStatus"].map((k) => el("th", { scope: "col", text: t(k) }))),
        ),
        el("tbody", {}, ...m.parameters.map((p) => parameterRow(p, value.currency))),
      );
      const details = el(
        "details",
        {},
        el("summary", { text: t("howComputed") }),
        el("p", { text: t(`formula_${m.id}`) }),
        el("p", {}, el("code", { class: "formula", text: m.formula })),
        el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("parametersCaption", t(`method_${m.id}`)) }, table),
      );
      card.append(
        el("h3", { id: `method-${m.id}`, text: t(`method_${m.id}`) }),
        el("output", { class: "range", "data-low": m.low, "data-high": m.high, text: moneyRange(m.low, m.high, value.currency) }),
        el("p", { class: "explain", text: t(`explain_${m.id}`) }),
        details,
      );
      return card;
    }),
  );
  $("dash-paid").textContent = money(value.paid, value.currency);
}

function renderContrast(week, weekValue) {
  $("contrast-lead").textContent = t("contrastLead", number(weekValue.events), duration(weekValue.seconds));
  const rows = weekValue.contrasts.map((c) => {
    const p = c.parameter;
    return el(
      "tr",
      { "data-contrast": c.id },
      el("th", { scope: "row", text: t(`contrast_${c.id.split(".")[1]}`) }),
      el("td", { text: money(p.value, p.currency) }),
      el("td", { class: "amount", text: money(c.value, weekValue.currency) }),
      el("td", { text: `${p.source.citation} (${statusText(p.status)})` }),
    );
  });
  $("contrast-table").tBodies[0].replaceChildren(...rows);
}

function renderTimeline(tl) {
  const u = tl.unit;
  const labels = tl.buckets.map((b) => bucketLabel(b.start, u));
  drawChart(
    "timeline-chart",
    {
      type: "bar",
      data: { labels, datasets: kindDatasets(tl.buckets, (b, k) => b.kinds[k] ?? 0) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    },
    t("timelineChartLabel", number(tl.summary.events)),
  );
  fillTable(
    $("timeline-table"),
    [t(`unit_${u}`), ...KINDS.map((k) => t(`kind_${k}`)), t("colTotal")],
    tl.buckets.map((b, i) => [labels[i], ...KINDS.map((k) => number(b.kinds[k] ?? 0)), number(b.total)]),
  );
}

function renderSites(summary) {
  const sites = summary.top_sites.map(({ name, count }) => ({ site: name, kinds: summary.sites[name], total: count }));
  $("no-sites").hidden = sites.length > 0;
  $("by-site").querySelector(".chart-pair").hidden = sites.length === 0;
  const top = sites.slice(0, 12);
  drawChart(
    "sites-chart",
    {
      type: "bar",
      data: { labels: top.map((s) => s.site), datasets: kindDatasets(top, (s, k) => s.kinds[k] ?? 0) },
      options: { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } },
    },
    t("sitesChartLabel", number(sites.length)),
  );
  fillTable(
    $("sites-table"),
    [t("colSite"), ...KINDS.map((k) => t(`kind_${k}`)), t("colTotal")],
    sites.map((s) => [s.site, ...KINDS.map((k) => number(s.kinds[k] ?? 0)), number(s.total)]),
  );
}

function renderObjects(captcha) {
  const objects = captcha.top_objects.map(({ name, count }) => [name, count]);
  $("no-objects").hidden = objects.length > 0;
  $("captcha-objects").querySelector(".chart-pair").hidden = objects.length === 0;
  drawChart(
    "objects-chart",
    {
      type: "bar",
      data: { labels: objects.map(([o]) => o), datasets: [{ label: t("colImages"), data: objects.map(([, n]) => n), backgroundColor: COLORS.captcha }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    },
    t("objectsChartLabel", number(captcha.labels)),
  );
  $("objects-table").tBodies[0].replaceChildren(
    ...objects.map(([o, n]) => el("tr", {}, el("th", { scope: "row", text: o }), el("td", { text: number(n) }))),
  );
}

function fillSitePicker(sites) {
  const select = $("site");
  const chosen = select.value;
  const options = [el("option", { value: "", text: t("allSites") }), ...sites.map((s) => el("option", { value: s, text: s }))];
  select.replaceChildren(...options);
  select.value = sites.includes(chosen) ? chosen : "";
}

/** The week's card, drawn on a canvas (nothing leaves the computer; "save" makes a local PNG). */
function drawCard(weekTimeline, weekValue, weekStart) {
  const canvas = $("share-card");
  const g = canvas.getContext("2d");
  const W = canvas.width;
  const H = canvas.height;
  g.fillStyle = "#241a5c";
  g.fillRect(0, 0, W, H);
  g.fillStyle = "#ffb020";
  g.fillRect(0, H - 14, W, 14);
  g.fillStyle = "#ffffff";
  g.font = "bold 44px system-ui, sans-serif";
  g.fillText(t("cardTitle"), 60, 90);
  g.font = "26px system-ui, sans-serif";
  g.fillStyle = "#c9c3f2";
  g.fillText(t("cardWeek", date(weekStart, { dateStyle: "long" })), 60, 135);
  g.fillStyle = "#ffffff";
  g.font = "bold 120px system-ui, sans-serif";
  g.fillText(number(weekValue.events), 60, 270);
  const width = g.measureText(number(weekValue.events)).width;
  g.font = "30px system-ui, sans-serif";
  g.fillText(t("cardActs", duration(weekValue.seconds)), 80 + width, 270);
  const kinds = KINDS.filter((k) => (weekTimeline.summary.kinds[k] ?? 0) > 0);
  g.font = "26px system-ui, sans-serif";
  kinds.forEach((k, i) => {
    const x = 60 + (i % 4) * 270;
    const y = 330 + Math.floor(i / 4) * 40;
    g.fillStyle = COLORS[k];
    g.fillRect(x, y - 20, 22, 22);
    g.fillStyle = "#ffffff";
    g.fillText(`${number(weekTimeline.summary.kinds[k])} ${t(`kind_${k}`)}`, x + 32, y);
  });
  g.font = "28px system-ui, sans-serif";
  let y = 460;
  for (const m of weekValue.methods) {
    g.fillStyle = "#c9c3f2";
    g.fillText(t(`method_${m.id}`), 60, y);
    g.fillStyle = "#ffffff";
    g.fillText(moneyRange(m.low, m.high, weekValue.currency), 420, y);
    y += 40;
  }
  g.fillStyle = "#ffb020";
  g.font = "bold 40px system-ui, sans-serif";
  g.fillText(t("cardPaid", money(0, weekValue.currency)), 760, 560);
  canvas.setAttribute("aria-label", t("cardLabel", number(weekValue.events), money(0, weekValue.currency)));
}

function saveImage() {
  const canvas = $("share-card");
  canvas.toBlob((blob) => {
    const link = $("image-link");
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(blob);
    link.download = `digitus-week-${dayKey(startOfWeek())}.png`;
    link.textContent = link.download;
    link.hidden = false;
    $("share-status").textContent = t("imageSaved", number(Math.round(blob.size / 1024)));
    link.click();
  }, "image/png");
}

async function render() {
  const p = period();
  const tz = tzNow();
  const site = $("site").value || undefined;
  $("custom-dates").hidden = $("period").value !== "custom";
  const [tl, value] = await Promise.all([
    ask({ type: "timeline", ...p, tz, unit: unit(), site }),
    ask({ type: "value", ...p, tz, site }),
  ]);
  fillSitePicker(tl.sites);
  $("period-text").textContent =
    tl.from != null && tl.to != null ? t("periodText", date(new Date(tl.from)), date(new Date(tl.to - 1))) : t("periodEmpty");
  renderTotals(tl.summary);
  renderMethods(value);
  renderTimeline(tl);
  renderSites(tl.summary);
  renderObjects(tl.summary.captcha);
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered ?? 0) + 1);
  return { tl, value, thisWeek: $("period").value === "week" && !site && unit() === "day" };
}

/** This week, whatever the filters: the founding contrast and the share card. */
async function renderWeek(shown) {
  const week = startOfWeek();
  const range = { from: +week, to: +addDays(week, 7), tz: tzNow() };
  // The default view is this week: reuse its answers rather than ask twice.
  const [tl, value] = shown?.thisWeek
    ? [shown.tl, shown.value]
    : await Promise.all([ask({ type: "timeline", ...range, unit: "day" }), ask({ type: "value", ...range })]);
  renderContrast(tl, value);
  drawCard(tl, value, week);
}

function fail(e) {
  const p = $("error");
  p.textContent = t("errorLoading", e.message);
  p.hidden = false;
}

localise();
document.title = `${t("dashboardTitle")} · Digitus`;
$("filters").addEventListener("change", () => render().catch(fail));
$("filters").addEventListener("submit", (e) => e.preventDefault());
$("save-image").addEventListener("click", saveImage);
for (const radio of document.querySelectorAll('input[name="unit"]')) radio.addEventListener("change", () => render().catch(fail));
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => render().catch(fail));
const asked = new URLSearchParams(location.search).get("period");
if (asked && [...$("period").options].some((o) => o.value === asked)) $("period").value = asked;
if (location.hash === "#worth") $("worth").focus();
[settings, { kinds: KINDS }] = await Promise.all([ask({ type: "settings" }), coreVocabulary()]);
const defaultView = $("period").value === "week";
await (defaultView ? render().then(renderWeek) : Promise.all([render(), renderWeek()])).catch(fail);
// Read by bench/browser/dashboard.mjs: time from navigation to the whole first render.
performance.mark("digitus-first-render");
