import { ask, coreVocabulary, formatNumber, localise, t } from "./i18n.js";

const ICONS = { like: "♥", rating: "★", tag: "#", report: "⚑", feedback: "⊘", review: "✎", captcha: "▦" };

function item(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The CAPTCHA line: solves, images labelled, time, and the objects most labelled. */
function renderCaptcha(captcha) {
  const line = document.getElementById("captcha");
  line.hidden = !captcha || captcha.solves === 0;
  if (line.hidden) return;
  line.querySelector(".solves").textContent = formatNumber(captcha.solves);
  line.querySelector(".labels").textContent = formatNumber(captcha.labels);
  line.querySelector(".seconds").textContent = t("captchaSeconds", formatNumber(Math.round(captcha.seconds)));
  const top = captcha.top_objects.slice(0, 3).map(({ name, count }) => `${name} (${formatNumber(count)})`);
  line.querySelector(".objects").textContent = top.length ? t("captchaObjects", top.join(", ")) : "";
}

async function render() {
  const [summary, { kinds: KINDS }] = await Promise.all([ask({ type: "summary" }), coreVocabulary()]);
  document.getElementById("total").textContent = formatNumber(summary.events);
  const kinds = document.getElementById("kinds");
  kinds.replaceChildren(
    ...KINDS.map((kind) => {
      const li = item("li", `kind kind-${kind}`);
      li.dataset.kind = kind;
      li.append(item("span", "icon", ICONS[kind]), item("output", "count", formatNumber(summary.kinds[kind] ?? 0)), item("span", "name", t(`kind_${kind}`)));
      return li;
    }),
  );
  renderCaptcha(summary.captcha);
  const sites = summary.top_sites.slice(0, 5).map(({ name, count }) => [name, count]);
  document.getElementById("no-sites").hidden = sites.length > 0;
  document.getElementById("sites").replaceChildren(
    ...sites.map(([site, n]) => {
      const li = item("li");
      li.dataset.site = site;
      li.append(item("span", "site", site), item("output", "count", formatNumber(n)));
      return li;
    }),
  );
  const { events } = await ask({ type: "recent", limit: 5 });
  document.getElementById("recent").replaceChildren(
    ...events.map((e) => {
      const li = item("li", e.effect === "undo" ? "undo" : "");
      const when = new Date(e.time).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
      const what = e.effect === "undo" ? t("undoOf", t(`kind_${e.kind}`)) : t(`kind_${e.kind}`);
      li.append(item("span", "what", what), item("span", "site", e.site), item("code", "rule", e.rule), item("time", "", when));
      return li;
    }),
  );
}

localise();
render().catch((e) => {
  const p = document.getElementById("error");
  p.textContent = t("errorLoading", e.message);
  p.hidden = false;
});
