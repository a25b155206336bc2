// The class board: the teacher opens a class, projects its code, and watches the class's totals grow
// live (server-sent events). Only counts ever reach it; the teacher's token stays in this tab.
import { TEXT, fill, startLanguage } from "/text.js";
import { renderValuations } from "/valuations.js";

let lang = startLanguage();
const t = () => TEXT[lang];
const $ = (id) => document.getElementById(id);
const make = (tag, props = {}, ...children) => {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
};
const SVG = "http://www.w3.org/2000/svg";
let klass = null; // {code, teacher}
let stream = null;
let last = null;
// The kinds of labour, in the core's order, from the server (which takes them from the core).
const { kinds } = await (await fetch("/api/vocabulary")).json();

function applyLanguage() {
  document.documentElement.lang = lang;
  document.title = t().boardTitle;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t()[el.dataset.t] ?? "";
  if (klass) $("join-at").textContent = fill(t().joinAt, { url: `${location.origin}/` });
  if (last) render(last);
}

function render(totals) {
  last = totals;
  $("students").textContent = String(totals.students);
  $("events").textContent = String(totals.events);
  $("seconds").textContent = `${Math.round(totals.seconds)} s`;
  $("kinds").replaceChildren(...kinds.map((kind) => {
    const li = make("li", { className: "kind" }, make("output", { className: "count" }, String(totals.kinds[kind] ?? 0)), make("span", { className: "name" }, t().kinds[kind]));
    li.dataset.kind = kind;
    return li;
  }));
  const labels = Object.entries(totals.captcha_labels ?? {});
  $("labels-box").hidden = labels.length === 0;
  $("labels").replaceChildren(...labels.map(([object, n]) => {
    const li = make("li", {}, make("span", {}, object), " ", make("output", {}, String(n)));
    li.dataset.object = object;
    return li;
  }));
  renderValuations($("valuations"), totals.valuations, lang, t().valuationsNone);
  chart(totals);
}

/** The class's micro-tasks over time: a line that grows as the class works (own SVG, no library). */
function chart(totals) {
  const width = 800;
  const height = 240;
  const pad = 36;
  const now = (Date.now() - totals.started) / 1000;
  const points = [...totals.timeline, [Math.max(now, totals.timeline.at(-1)?.[0] ?? 0), totals.events]];
  const maxT = Math.max(60, ...points.map((p) => p[0]));
  const maxN = Math.max(5, ...points.map((p) => p[1]));
  const x = (s) => pad + (s / maxT) * (width - 2 * pad);
  const y = (n) => height - pad - (n / maxN) * (height - 2 * pad);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${t().chartLabel}: ${totals.events}`);
  const el = (name, attrs, text) => {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  el("line", { class: "axis", x1: pad, y1: height - pad, x2: width - pad, y2: height - pad });
  el("line", { class: "axis", x1: pad, y1: pad, x2: pad, y2: height - pad });
  // A step line: the count holds until the next act.
  let d = `M${x(points[0][0])},${y(points[0][1])}`;
  for (let i = 1; i < points.length; i++) d += ` H${x(points[i][0])} V${y(points[i][1])}`;
  el("path", { class: "area", d: `${d} V${y(0)} H${x(points[0][0])} Z` });
  el("path", { class: "line", d });
  el("text", { x: pad, y: pad - 10 }, String(maxN));
  el("text", { x: width - pad, y: height - 10, "text-anchor": "end" }, `${(maxT / 60).toFixed(maxT < 600 ? 1 : 0)} ${t().minutes}`);
  el("text", { x: pad, y: height - 10 }, "0");
  $("chart").replaceChildren(svg);
}

function show(section) {
  for (const id of ["start", "live", "closed"]) $(id).hidden = id !== section;
}

function listen() {
  stream?.close();
  stream = new EventSource(`/api/classes/${klass.code}/live`);
  stream.addEventListener("totals", (e) => render(JSON.parse(e.data)));
  stream.addEventListener("closed", () => {
    stream.close();
    sessionStorage.removeItem("digitus-board");
    klass = null;
    show("closed");
  });
  stream.onerror = async () => {
    // The stream reconnects by itself; a class that is gone will not come back.
    const res = await fetch(`/api/classes/${klass?.code}/totals`).catch(() => null);
    if (res?.status === 404) {
      stream.close();
      sessionStorage.removeItem("digitus-board");
      klass = null;
      show("closed");
    }
  };
}

function open(created) {
  klass = created;
  sessionStorage.setItem("digitus-board", JSON.stringify(klass));
  history.replaceState(null, "", `/board?class=${klass.code}`);
  $("code").textContent = klass.code;
  $("export").href = `/api/classes/${klass.code}/export.csv?teacher=${encodeURIComponent(klass.teacher)}`;
  show("live");
  applyLanguage();
  listen();
}

async function create() {
  $("start-error").textContent = "";
  const res = await fetch("/api/classes", { method: "POST" }).catch(() => null);
  const body = await res?.json().catch(() => null);
  if (!res?.ok) {
    $("start-error").textContent = body?.error ?? "The class server is out of reach.";
    return;
  }
  open({ code: body.code, teacher: body.teacher });
}

$("create").addEventListener("click", create);
$("create-again").addEventListener("click", create);
$("close").addEventListener("click", async () => {
  if (!klass || !confirm(t().confirmClose)) return;
  await fetch(`/api/classes/${klass.code}`, { method: "DELETE", headers: { authorization: `Bearer ${klass.teacher}` } });
});
$("lang").addEventListener("click", () => {
  lang = lang === "fr" ? "en" : "fr";
  localStorage.setItem("digitus-lang", lang);
  applyLanguage();
});
$("projector").addEventListener("click", () => {
  const on = !document.body.classList.contains("projector");
  document.body.classList.toggle("projector", on);
  $("projector").setAttribute("aria-pressed", String(on));
});
$("theme").addEventListener("click", () => {
  const next = { "": "dark", dark: "light", light: "" }[localStorage.getItem("digitus-theme") || ""];
  localStorage.setItem("digitus-theme", next);
  if (next) document.documentElement.dataset.theme = next;
  else delete document.documentElement.dataset.theme;
});
if (localStorage.getItem("digitus-theme")) document.documentElement.dataset.theme = localStorage.getItem("digitus-theme");
setInterval(() => { if (last && klass) chart(last); }, 5000); // the time axis moves even when nobody acts

applyLanguage();
const saved = JSON.parse(sessionStorage.getItem("digitus-board") || "null");
const wanted = new URLSearchParams(location.search).get("class");
if (saved && (!wanted || wanted.toUpperCase() === saved.code)) open(saved);
else show("start");
document.body.dataset.ready = "true";
