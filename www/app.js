// The labour lab: practice versions of everyday platform controls. The same sensors as the extension
// (sensor.js, captcha.js) describe what the user does; the same Rust core, compiled to wasm and running in
// this page's memory, judges it, counts it and values it. Nothing here decides what is labour.
//
//   trusted click ──▶ sensor.js / captcha.js ──▶ demo_message (wasm core) ──▶ meter (summary, value)
//                                                                        └──▶ class board (net counts)
import init, { demo_message } from "/pkg/pages.js";
import { REVEAL, TEXT, fill, startLanguage } from "/text.js";
import { setupCaptcha } from "/captcha-widget.js";
import { ClassLink } from "/class-link.js";
import { renderValuations } from "/valuations.js";

let lang = startLanguage();
const t = () => TEXT[lang];
const $ = (id) => document.getElementById(id);
const make = (tag, props = {}, ...children) => {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
};
const lookup = (key) => key.split(".").reduce((v, k) => v?.[k], t());

// ───────────── the practice widgets (page behaviour only, as a real site has it) ─────────────

function buildFeed() {
  const feed = $("feed");
  t().posts.forEach((_, i) => {
    const likeLabel = make("span", { className: "label" });
    likeLabel.dataset.t = "like";
    const like = make("button", { type: "button", className: "like" }, "♥ ", likeLabel);
    like.setAttribute("aria-pressed", "false");
    like.dataset.tLabel = "like";
    const count = make("span", { className: "count" }, `${(1204 * (i + 3)) % 9000} `, make("span"));
    count.lastChild.dataset.t = "likes";
    const share = make("button", { type: "button", className: "share" });
    share.dataset.t = "share";
    const hide = make("button", { type: "button", className: "secondary" });
    hide.dataset.t = "notInterested";
    hide.dataset.tLabel = "notInterested";
    const report = make("button", { type: "button", className: "secondary" });
    report.dataset.t = "report";
    report.dataset.tLabel = "report";
    const title = make("h3");
    title.dataset.t = `posts.${i}`;
    const post = make("article", { className: "post" }, title, make("div", { className: "actions" }, like, count, share, hide, report));
    post.dataset.post = String(i + 1);
    like.addEventListener("click", () => setTimeout(() => like.setAttribute("aria-pressed", String(like.getAttribute("aria-pressed") !== "true")), 120));
    hide.addEventListener("click", () => post.classList.add("dismissed"));
    report.addEventListener("click", () => post.classList.add("reported"));
    feed.append(post);
  });
}

function buildShop() {
  const shop = $("shop");
  t().products.forEach((_, p) => {
    const stars = make("div", { className: "stars" });
    stars.setAttribute("role", "radiogroup");
    stars.dataset.tLabel = "yourRating";
    const radios = [];
    for (let n = 1; n <= 5; n++) {
      const star = make("span", { tabIndex: n === 1 ? 0 : -1 }, "★");
      star.setAttribute("role", "radio");
      star.setAttribute("aria-checked", "false");
      star.dataset.rate = String(n);
      radios.push(star);
    }
    const choose = (i) => radios.forEach((s, j) => {
      s.setAttribute("aria-checked", String(j === i));
      s.tabIndex = j === i ? 0 : -1;
      s.classList.toggle("lit", j <= i);
    });
    radios.forEach((star, i) => {
      star.addEventListener("click", () => choose(i));
      star.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          choose(i);
        } else if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
          e.preventDefault();
          radios[(i + (e.key === "ArrowRight" ? 1 : 4)) % 5].focus();
        }
      });
    });
    stars.append(...radios);
    const title = make("h3");
    title.dataset.t = `products.${p}`;
    const product = make("article", { className: "product" }, title, stars);
    product.dataset.product = String(p + 1);
    shop.append(product);
  });
}

function tagEditor(input, chips) {
  input.addEventListener("keydown", (e) => {
    if ((e.key === "Enter" || e.key === ",") && input.value.trim()) {
      e.preventDefault();
      chips.append(make("li", {}, input.value.trim().slice(0, 40)));
      setTimeout(() => { input.value = ""; }, 0);
    }
  });
}

function buildPhotos() {
  const scenes = ["🏪🍎🚲🧺", "🏖️⛱️🌊🐚", "🐄🚜🌾🐓"];
  scenes.forEach((scene, i) => {
    const input = make("input", { name: "tags", autocomplete: "off" });
    input.id = `tags-${i + 1}`;
    input.dataset.tPlaceholder = "tagPlaceholder";
    input.dataset.tLabel = "tagPlaceholder";
    const chips = make("ul", { className: "chips" });
    tagEditor(input, chips);
    const picture = make("div", { className: "picture" }, scene);
    picture.setAttribute("role", "img");
    picture.dataset.tLabel = `photos.${i}`;
    const figure = make("figure", { className: "photo" }, picture, make("figcaption"), input, chips);
    figure.querySelector("figcaption").dataset.t = `photos.${i}`;
    $("photos").append(figure);
  });
}

function buildRecs() {
  const thumbs = ["🌧️", "⚽", "🛏️"];
  thumbs.forEach((thumb, i) => {
    const title = make("h3");
    title.dataset.t = `recs.${i}`;
    const hide = make("button", { type: "button", className: "secondary" });
    hide.dataset.t = "notInterested";
    hide.dataset.tLabel = "notInterested";
    const block = make("button", { type: "button", className: "secondary" });
    block.dataset.t = "dontRecommend";
    block.dataset.tLabel = "dontRecommend";
    const card = make("article", { className: "rec" }, make("div", { className: "thumb" }, thumb), title, make("div", { className: "actions" }, hide, block));
    card.querySelector(".thumb").setAttribute("aria-hidden", "true");
    for (const b of [hide, block]) b.addEventListener("click", () => card.classList.add("dismissed"));
    $("recs").append(card);
  });
}

$("review-form").addEventListener("submit", (e) => {
  e.preventDefault();
  setTimeout(() => { $("review").value = ""; }, 0);
});

// ───────────── language, reveal, projector, theme ─────────────

function applyLanguage() {
  document.documentElement.lang = lang;
  document.title = t().title;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = lookup(el.dataset.t) ?? "";
  for (const el of document.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", lookup(el.dataset.tLabel) ?? "");
  for (const el of document.querySelectorAll("[data-t-placeholder]")) el.placeholder = lookup(el.dataset.tPlaceholder) ?? "";
  for (const el of document.querySelectorAll("[data-rate]")) el.setAttribute("aria-label", fill(t().rate, { n: el.dataset.rate }));
  captcha?.label();
  renderReveal();
  link?.showStatus();
  refresh();
}

function renderReveal() {
  const r = REVEAL[lang];
  $("reveal-title").textContent = r.title;
  $("reveal-intro").textContent = r.intro;
  $("reveal-body").replaceChildren(...r.sections.map((s) => make("section", { className: "reveal-section" },
    make("h3", {}, s.title),
    make("ul", {}, ...s.items.map((item) => make("li", {},
      make("strong", {}, item.what), " ", make("span", {}, item.text), " ",
      make("cite", { className: "source" }, item.source)))))));
  $("reveal-questions").textContent = r.questions;
  $("reveal-question-list").replaceChildren(...r.questionList.map((q) => make("li", {}, q)));
}

function showReveal(open) {
  $("reveal").hidden = !open;
  $("lab").hidden = open;
  $("reveal-open").setAttribute("aria-expanded", String(open));
  if (open) $("reveal").focus();
  else $("reveal-open").focus();
}

$("lang").addEventListener("click", () => {
  lang = lang === "fr" ? "en" : "fr";
  localStorage.setItem("digitus-lang", lang);
  applyLanguage();
});
$("reveal-open").addEventListener("click", () => showReveal($("reveal").hidden));
$("reveal-close").addEventListener("click", () => showReveal(false));
document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !$("reveal").hidden) showReveal(false); });

function applyDisplay() {
  const projector = localStorage.getItem("digitus-projector") === "1";
  document.body.classList.toggle("projector", projector);
  $("projector").setAttribute("aria-pressed", String(projector));
  const theme = localStorage.getItem("digitus-theme") || "";
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}
$("projector").addEventListener("click", () => {
  localStorage.setItem("digitus-projector", document.body.classList.contains("projector") ? "0" : "1");
  applyDisplay();
});
$("theme").addEventListener("click", () => {
  // auto (the system's) → dark → light → auto
  const next = { "": "dark", dark: "light", light: "" }[localStorage.getItem("digitus-theme") || ""];
  localStorage.setItem("digitus-theme", next);
  applyDisplay();
});

// ───────────── the meter ─────────────

const started = Date.now();
let hiddenFor = 0;
let hiddenSince = 0;
document.addEventListener("visibilitychange", () => {
  if (document.hidden) hiddenSince = Date.now();
  else if (hiddenSince) hiddenFor += Date.now() - hiddenSince;
});
const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
setInterval(() => {
  if (!document.hidden) $("time-lab").textContent = clock((Date.now() - started - hiddenFor) / 1000);
}, 1000);

async function ask(message) {
  const answer = await demo_message(message, location.origin + location.pathname);
  if (answer?.error) throw Object.assign(new Error(answer.error), { code: answer.code });
  return answer;
}

let refreshing = null;
let again = false;
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      const summary = await ask({ type: "summary" });
      $("total").textContent = String(summary.events);
      $("kinds").replaceChildren(...kinds.map((kind) => {
        const li = make("li", { className: "kind" }, make("output", { className: "count" }, String(summary.kinds[kind] ?? 0)), make("span", { className: "name" }, t().kinds[kind]));
        li.dataset.kind = kind;
        return li;
      }));
      $("time-work").textContent = `${Math.round(summary.seconds)} s`;
      const objects = Object.entries(summary.captcha?.by_object ?? {});
      $("labels-box").hidden = objects.length === 0;
      $("labels").replaceChildren(...objects.map(([object, n]) => {
        const li = make("li", {}, make("span", { className: "object" }, object), " ", make("output", {}, String(n)));
        li.dataset.object = object;
        return li;
      }));
      let value = null;
      if (summary.events > 0) value = await ask({ type: "value" }).catch(() => null);
      renderValuations($("valuations"), value, lang, t().valuationsNone);
      link?.update(summary);
    } while (again);
  })().finally(() => { refreshing = null; });
  return refreshing;
}

// ───────────── start ─────────────

buildFeed();
buildShop();
buildPhotos();
buildRecs();
applyDisplay();
const set = await (await fetch("/lab/captcha-set.json")).json();
let captcha = null;
let link = null;
await init({ module_or_path: "/pkg/pages_bg.wasm" });
// The kinds of labour, in the core's order: pages never keep their own list.
const { kinds } = await ask({ type: "vocabulary" });
// The extension's content scripts (common.js, then the sensors) send to this page's core instead of an
// extension background. (With the extension installed, its own copies run apart, in their isolated
// world, and count for the extension.)
globalThis.__digitusTransport = async (message) => {
  const answer = await demo_message(message, location.origin + location.pathname);
  if (message.type === "sense" || message.type === "captcha") setTimeout(refresh, 0);
  return answer; // refusals are answers ({error, code}): common.js decides whether to retry
};
captcha = setupCaptcha(set, () => lang, t);
link = new ClassLink({ set, text: t, status: $("class-status"), field: $("class-code") });
$("join").addEventListener("submit", (e) => {
  e.preventDefault();
  link.join($("class-code").value);
});
// In the manifest's order (plumbing first). Counts show only once the sensors listen, so no early click
// goes unseen.
for (const src of ["/common.js", "/sensor.js", "/captcha.js"]) {
  await new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(script);
  });
}
applyLanguage();
const wanted = new URLSearchParams(location.search).get("class");
if (wanted) link.join(wanted);
else link.resume();
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
document.body.dataset.ready = "true";
